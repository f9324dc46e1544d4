/* fetch: a libcurl that refuses the http/https-only restriction stops the
 * download before any connection; fetch_pipe_start says why it could not
 * start. Talks to 127.0.0.1 only. */
#define CURL_DISABLE_TYPECHECK
#include "lib/net/fetch.h"
#include "tap.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* The option this test's libcurl pretends not to know (0: none). */
static CURLoption refuse;

/* Stands in for libcurl's own, as an older libcurl would answer: the
 * executable's definition wins over the shared library's. */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	static CURLcode (*real)(CURL *, CURLoption, ...);
	va_list ap;
	CURLcode rc;

	if (option == refuse)
		return CURLE_UNKNOWN_OPTION;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "curl_easy_setopt");
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = real(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = real(curl, option, va_arg(ap, void *)); /* objects and functions */
	else
		rc = real(curl, option, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

static int sink(void *data, const void *buf, size_t len)
{
	(void)data;
	(void)buf;
	(void)len;
	return 0;
}

/* A listening socket on 127.0.0.1; its port in *port. */
static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

int main(void)
{
	struct fetch_opts o;
	struct fetch_result res;
	char why[1024] = "", url[64];
	int lfd, port = 0, r;

	fetch_global_init();
	fetch_opts_defaults(&o);
	o.attempts = 1;
	o.connect_timeout_s = 2;
	o.stall_timeout_s = 2;

	lfd = listener(&port);
	ok(lfd >= 0, "a listener on 127.0.0.1");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", port);

	refuse = CURLOPT_PROTOCOLS_STR;
	r = fetch_stream(&o, url, sink, NULL, &res, why, sizeof(why));
	is_int(r, -ENOTSUP, "a libcurl refusing CURLOPT_PROTOCOLS_STR: the download fails with -ENOTSUP");
	ok(strstr(why, "CURLOPT_PROTOCOLS_STR") != NULL, "...naming the option: %s", why);
	{
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		is_int(poll(&p, 1, 0), 0, "...and nothing connected to the server");
	}

	refuse = CURLOPT_REDIR_PROTOCOLS_STR;
	why[0] = '\0';
	r = fetch_stream(&o, url, sink, NULL, &res, why, sizeof(why));
	is_int(r, -ENOTSUP, "the same for CURLOPT_REDIR_PROTOCOLS_STR");
	ok(strstr(why, "CURLOPT_REDIR_PROTOCOLS_STR") != NULL, "...naming it: %s", why);

	refuse = CURLOPT_PROXY;
	o.http_proxy = "http://127.0.0.1:9";
	why[0] = '\0';
	r = fetch_stream(&o, url, sink, NULL, &res, why, sizeof(why));
	is_int(r, -ENOTSUP, "a refused proxy is not silently skipped");
	o.http_proxy = NULL;
	refuse = 0;

	/* No descriptor left for the pipe: the start fails with EMFILE, not ENOMEM. */
	{
		struct rlimit old, low;
		struct fetch_pipe *fp = NULL;
		int fds[64], n = 0, fd = -1, i;

		getrlimit(RLIMIT_NOFILE, &old);
		low = old;
		low.rlim_cur = 64;
		ok(setrlimit(RLIMIT_NOFILE, &low) == 0, "descriptors limited to 64");
		while (n < 64 && (fds[n] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
			n++;
		errno = 0;
		r = fetch_pipe_start(&o, url, 0, &fp, &fd);
		is_int(r, -EMFILE, "fetch_pipe_start with no descriptor left: -EMFILE");
		is_int(errno, EMFILE, "...and errno says the same, not something stale");
		for (i = 0; i < n; i++)
			close(fds[i]);
		setrlimit(RLIMIT_NOFILE, &old);
	}
	close(lfd);
	return tap_done();
}
