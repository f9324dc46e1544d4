#include "lib/net/fetch.h"

#include "util/fs.h"
#include "lib/net/sha256.h"
#include "util/log.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void fetch_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void fetch_opts_defaults(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_s = 15;
	o->stall_timeout_s = 30;
	o->attempts = 4;
	o->min_speed = 1024;
}

double fetch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fetch_backoff(int attempt)
{
	struct timespec ts;
	long ms = 200L << (attempt > 6 ? 5 : attempt - 2);

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Progress lines of one transfer; each transfer (thread) has its own. */
struct stream_state {
	fetch_sink sink;
	void *data;
	struct sha256 *hash, *hash512;
	unsigned long long bytes;
	int sink_error;
	long http_code;
	CURL *curl;
	/* What this download last added to the progress line. */
	long long shown_now, shown_total, expected;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct stream_state *st = userdata;
	size_t n = size * nmemb;

	/* Error pages are not bodies: do not feed them to the consumer. */
	if (!st->http_code)
		curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &st->http_code);
	if (st->http_code >= 300)
		return n;
	sha256_update(st->hash, ptr, n);
	if (st->hash512)
		sha256_update(st->hash512, ptr, n);
	st->bytes += n;
	st->sink_error = st->sink(st->data, ptr, n);
	return st->sink_error < 0 ? 0 : n;
}

static int on_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct stream_state *st = p;
	/* No Content-Length: the size the index lists, if known. */
	long long total = dltotal > 0 ? (long long)dltotal : st->expected;

	(void)ultotal;
	(void)ulnow;
	if (dlnow == st->shown_now && total == st->shown_total)
		return 0;
	log_progress_update(st->shown_now, st->shown_total, (long long)dlnow, total);
	st->shown_now = (long long)dlnow;
	st->shown_total = total;
	return 0;
}

static int classify_http(long code, const char *url, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: HTTP %ld", url, code);
	if (code == 404 || code == 410)
		return -ENOENT;
	if (code == 401 || code == 403)
		return -EACCES;
	if (code >= 500 || code == 408 || code == 429)
		return -EAGAIN;
	return -ECOMM;
}

static int classify_curl(CURLcode rc, const char *url, const char *errbuf, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	switch (rc) {
	case CURLE_TOO_MANY_REDIRECTS:
		return -ELOOP;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return -EAGAIN;
	default:
		return -ECOMM;
	}
}

/* A refused option fails the download: on a libcurl too old for
 * CURLOPT_PROTOCOLS_STR, going on would drop the http/https-only rule. */
static int setopt_failed(CURLcode rc, const char *name, const char *url, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: libcurl %s refuses %s (%s): not downloading without it", url,
		 curl_version_info(CURLVERSION_NOW)->version, name, curl_easy_strerror(rc));
	if (rc == CURLE_OUT_OF_MEMORY)
		return -ENOMEM;
	return rc == CURLE_UNKNOWN_OPTION || rc == CURLE_NOT_BUILT_IN ? -ENOTSUP : -EINVAL;
}

#define SETOPT(c, opt, val)                                                    \
	do {                                                                   \
		CURLcode rc_ = curl_easy_setopt(c, opt, val);                  \
		if (rc_ != CURLE_OK) {                                         \
			ret = setopt_failed(rc_, #opt, url, why, whylen);      \
			goto out;                                              \
		}                                                              \
	} while (0)

/* expected: the body's size when known from an index (0: unknown), for
 * the progress line of a server that sends no Content-Length. */
static int fetch_stream_sized(const struct fetch_opts *o, const char *url, fetch_sink sink, void *data,
			      unsigned long long expected, struct fetch_result *res, char *why, size_t whylen)
{
	struct stream_state st = { .sink = sink, .data = data, .expected = (long long)expected };
	int progress = o->progress && log_progress_wanted();
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *c;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	/* The run's deadline bounds every transfer and every retry: a mirror
	 * that drips a byte now and then cannot hold the run (and the lock of
	 * its release) for ever. */
	if (o->deadline > 0 && fetch_now() >= o->deadline) {
		snprintf(why, whylen, "%s: not fetched: the run's --deadline has passed", url);
		return -ETIME;
	}
	st.hash = sha256_new();
	st.hash512 = o->want_sha512 ? sha512_new() : NULL;
	c = curl_easy_init();
	if (!c || !st.hash || (o->want_sha512 && !st.hash512)) {
		sha256_free(st.hash);
		sha256_free(st.hash512);
		curl_easy_cleanup(c);
		return -ENOMEM;
	}
	st.curl = c;
	SETOPT(c, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(c, CURLOPT_URL, url);
	SETOPT(c, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(c, CURLOPT_WRITEDATA, &st);
	SETOPT(c, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(c, CURLOPT_FOLLOWLOCATION, 1L);
	SETOPT(c, CURLOPT_MAXREDIRS, 10L);
	SETOPT(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
	/* A stall: under min_speed bytes/s for stall_timeout_s seconds (a drip
	 * of a byte a second is a stall too). */
	SETOPT(c, CURLOPT_LOW_SPEED_LIMIT, o->min_speed > 0 ? o->min_speed : 1L);
	SETOPT(c, CURLOPT_LOW_SPEED_TIME, o->stall_timeout_s);
	if (o->deadline > 0) {
		double left = o->deadline - fetch_now();

		SETOPT(c, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left * 1000 : 1000));
	}
	SETOPT(c, CURLOPT_NOSIGNAL, 1L);
	SETOPT(c, CURLOPT_USERAGENT, "provision-headers");
	if (strncmp(url, "https:", 6) == 0 && o->https_proxy)
		SETOPT(c, CURLOPT_PROXY, o->https_proxy);
	else if (strncmp(url, "http:", 5) == 0 && o->http_proxy)
		SETOPT(c, CURLOPT_PROXY, o->http_proxy);
	if (o->proxy_username && o->proxy_password) {
		SETOPT(c, CURLOPT_PROXYUSERNAME, o->proxy_username);
		SETOPT(c, CURLOPT_PROXYPASSWORD, o->proxy_password);
	}
	if (o->ca_blob) {
		struct curl_blob blob = { .data = (void *)o->ca_blob, .len = o->ca_blob_len, .flags = CURL_BLOB_COPY };

		/* Instead of the system's certificates, as dnf's sslcacert. */
		SETOPT(c, CURLOPT_CAINFO, NULL);
		SETOPT(c, CURLOPT_CAPATH, NULL);
		SETOPT(c, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (o->tls_no_verify) {
		SETOPT(c, CURLOPT_SSL_VERIFYPEER, 0L);
		SETOPT(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->userpwd) {
		SETOPT(c, CURLOPT_USERPWD, o->userpwd);
		SETOPT(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	}
	if (progress) {
		SETOPT(c, CURLOPT_NOPROGRESS, 0L);
		SETOPT(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		SETOPT(c, CURLOPT_XFERINFODATA, &st);
		log_progress_start();
	}
	rc = curl_easy_perform(c);
	if (progress)
		log_progress_stop(st.shown_now, st.shown_total);
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->http_code) != CURLE_OK)
		res->http_code = 0;
	if (st.sink_error < 0) {
		ret = st.sink_error;
		if (!why[0])
			snprintf(why, whylen, "%s: %s", url, strerror(-ret));
	} else if (rc != CURLE_OK) {
		ret = classify_curl(rc, url, errbuf, why, whylen);
	} else if (res->http_code >= 300 || res->http_code == 0) {
		ret = classify_http(res->http_code, url, why, whylen);
	}
	res->bytes = st.bytes;
	res->attempts = 1;
	if (ret == 0)
		sha256_final_hex(st.hash, res->sha256);
	if (ret == 0 && st.hash512)
		sha512_final_hex(st.hash512, res->sha512);
out:
	sha256_free(st.hash);
	sha256_free(st.hash512);
	curl_easy_cleanup(c);
	return ret;
}

int fetch_stream(const struct fetch_opts *o, const char *url, fetch_sink sink, void *data, struct fetch_result *res,
		 char *why, size_t whylen)
{
	return fetch_stream_sized(o, url, sink, data, 0, res, why, whylen);
}

struct membuf {
	char *buf;
	size_t len, max;
};

static int mem_sink(void *data, const void *buf, size_t len)
{
	struct membuf *m = data;
	char *bigger;

	if (m->len + len > m->max)
		return -EFBIG;
	bigger = realloc(m->buf, m->len + len + 1);
	if (!bigger)
		return -ENOMEM;
	m->buf = bigger;
	memcpy(m->buf + m->len, buf, len);
	m->len += len;
	m->buf[m->len] = '\0';
	return 0;
}

int fetch_to_memory(const struct fetch_opts *o, const char *url, size_t max, char **ret_buf, size_t *ret_len,
		    struct fetch_result *res, char *why, size_t whylen)
{
	int attempt, ret = -ECOMM;

	for (attempt = 1; attempt <= o->attempts; attempt++) {
		struct membuf m = { .max = max };

		if (attempt > 1) {
			log_info("fetch: retrying %s (attempt %d of %d) after: %s", url, attempt, o->attempts, why);
			fetch_backoff(attempt);
		}
		why[0] = '\0';
		ret = fetch_stream(o, url, mem_sink, &m, res, why, whylen);
		res->attempts = attempt;
		if (ret == 0) {
			if (!m.buf)
				m.buf = calloc(1, 1);
			if (!m.buf)
				return -ENOMEM;
			*ret_buf = m.buf;
			*ret_len = m.len;
			return 0;
		}
		free(m.buf);
		if (ret == -EFBIG)
			snprintf(why, whylen, "%s: larger than %zu bytes, refused", url, max);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

struct fetch_pipe {
	pthread_t thread;
	const struct fetch_opts *opts;
	char *url;
	unsigned long long max_body, written;
	int wr;
	int tee_wr; /* a second reader of the body (a signature check), or -1 */
	int ret;
	struct fetch_result res;
	char why[1024];
};

static int pipe_sink(void *data, const void *buf, size_t len)
{
	struct fetch_pipe *p = data;
	int ret;

	p->written += len;
	if (p->max_body && p->written > p->max_body)
		return -EFBIG;
	ret = fs_write_all(p->wr, buf, len); /* -EPIPE: the consumer stopped reading */
	/* The second reader may stop once it knows (a bad signature): the
	 * download goes on for the first. */
	if (ret == 0 && p->tee_wr >= 0 && fs_write_all(p->tee_wr, buf, len) < 0) {
		close(p->tee_wr);
		p->tee_wr = -1;
	}
	return ret;
}

static void *pipe_thread(void *data)
{
	struct fetch_pipe *p = data;
	sigset_t pipe_only;

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
	p->ret = fetch_stream_sized(p->opts, p->url, pipe_sink, p, p->max_body, &p->res, p->why, sizeof(p->why));
	if (p->ret == -EFBIG)
		snprintf(p->why, sizeof(p->why), "%s: larger than the %llu bytes the index lists", p->url, p->max_body);
	close(p->wr); /* EOF for the consumer */
	p->wr = -1;
	if (p->tee_wr >= 0)
		close(p->tee_wr);
	p->tee_wr = -1;
	return NULL;
}

int fetch_pipe_start(const struct fetch_opts *o, const char *url, unsigned long long max_body, struct fetch_pipe **ret,
		     int *ret_fd)
{
	return fetch_pipe_start_tee(o, url, max_body, ret, ret_fd, NULL);
}

int fetch_pipe_start_tee(const struct fetch_opts *o, const char *url, unsigned long long max_body,
			 struct fetch_pipe **ret, int *ret_fd, int *ret_tee_fd)
{
	struct fetch_pipe *p = calloc(1, sizeof(*p));
	int fds[2], tee[2] = { -1, -1 }, r;

	if (!p || !(p->url = strdup(url))) {
		r = -ENOMEM;
		goto fail;
	}
	if (ret_tee_fd && pipe2(tee, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	/* A larger pipe only saves wakeups: a refusal changes nothing. */
	(void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	p->opts = o;
	p->max_body = max_body;
	p->wr = fds[1];
	p->tee_wr = tee[1];
	r = pthread_create(&p->thread, NULL, pipe_thread, p);
	if (r != 0) {
		r = -r;
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	*ret = p;
	*ret_fd = fds[0];
	if (ret_tee_fd)
		*ret_tee_fd = tee[0];
	return 0;
fail:
	if (tee[0] >= 0) {
		close(tee[0]);
		close(tee[1]);
	}
	if (p)
		free(p->url);
	free(p);
	/* Also in errno, for callers that still read it after a failure. */
	errno = -r;
	return r;
}

int fetch_pipe_finish(struct fetch_pipe *p, struct fetch_result *res, char *why, size_t whylen)
{
	int ret;

	pthread_join(p->thread, NULL);
	ret = p->ret;
	*res = p->res;
	if (ret < 0)
		snprintf(why, whylen, "%s", p->why);
	free(p->url);
	free(p);
	return ret;
}
