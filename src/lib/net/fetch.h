/* HTTP(S) downloads with libcurl: connect and stall timeouts, redirect
 * limit, proxies (the environment's HTTPS_PROXY/NO_PROXY, or the host's
 * apt proxy), credentials, SHA-256 of every body, retry with backoff. */
#ifndef PH_FETCH_H
#define PH_FETCH_H

#include <stddef.h>

struct fetch_opts {
	long connect_timeout_s; /* default 15 */
	long stall_timeout_s;   /* no byte for this long: give up (default 30) */
	int attempts;           /* tries per URL for transient failures (default 4) */
	const char *http_proxy;  /* NULL: libcurl's environment handling; "": no proxy at all */
	const char *https_proxy;
	const char *userpwd;    /* "user:password" from auth.conf, or NULL */
	const char *proxy_username; /* for the proxy (a repo file's proxy_username), or NULL */
	const char *proxy_password;
	/* PEM certificates trusted instead of the system's (a repo file's
	 * sslcacert, read by the caller under the host root: libcurl never
	 * opens a host path itself), or NULL. */
	const void *ca_blob;
	size_t ca_blob_len;
	int tls_no_verify;      /* sslverify=0: the server's certificate is not checked */
	int progress;           /* show progress on a terminal */
	long min_speed;         /* bytes/s below which, for stall_timeout_s, a transfer has stalled (default 1024) */
	double deadline;        /* CLOCK_MONOTONIC seconds after which no transfer runs (0: none) */
	int want_sha512;        /* also hash bodies with SHA-512 (RPM repositories may list it) */
};

/* The CLOCK_MONOTONIC time, in seconds: what deadline is measured in. */
double fetch_now(void);

struct fetch_result {
	long http_code;
	unsigned long long bytes;
	char sha256[65];
	char sha512[129];       /* only with want_sha512 */
	int attempts;
};

/* A consumer of the body: returns 0 to go on, a negative errno to stop. */
typedef int (*fetch_sink)(void *data, const void *buf, size_t len);

void fetch_global_init(void);
void fetch_opts_defaults(struct fetch_opts *o);

/* One attempt: streams the body of url into sink. Errors: -ENOENT
 * (HTTP 404/410), -EAGAIN (transient: 5xx, 408, 429, reset, refused,
 * stalled; worth retrying), -ETIMEDOUT (stalled, after retries),
 * -ELOOP (too many redirects), -EACCES (401/403), -ECOMM (other),
 * -ENOTSUP (this libcurl refuses an option the download needs, such as
 * the http/https-only protocol restriction: nothing is fetched). */
int fetch_stream(const struct fetch_opts *o, const char *url, fetch_sink sink, void *data, struct fetch_result *res,
		 char *why, size_t whylen);

/* Whole body into memory (at most max bytes), retried with backoff. */
int fetch_to_memory(const struct fetch_opts *o, const char *url, size_t max, char **ret_buf, size_t *ret_len,
		    struct fetch_result *res, char *why, size_t whylen);

/* Backoff before attempt n (1-based, n >= 2): 0.2 s, 0.4 s, 0.8 s, ... */
void fetch_backoff(int attempt);



/* A download running in its own thread, its body readable from a pipe:
 * the way a stream consumer (libarchive) pulls what libcurl pushes.
 * The consumer reads *ret_fd to EOF (or stops early), closes it, then
 * calls fetch_pipe_finish for the result. */
struct fetch_pipe;
/* max_body (0: no limit): a body larger than this stops with -EFBIG.
 * Fails with the cause: -ENOMEM, the pipe's -EMFILE/-ENFILE, the
 * thread's -EAGAIN. */
int fetch_pipe_start(const struct fetch_opts *o, const char *url, unsigned long long max_body, struct fetch_pipe **ret,
		     int *ret_fd);
/* The same, with the body also written to a second pipe, *ret_tee_fd
 * (a signature check reading it at the same time). The second reader
 * may close early; it is never waited for once it has. */
int fetch_pipe_start_tee(const struct fetch_opts *o, const char *url, unsigned long long max_body,
			 struct fetch_pipe **ret, int *ret_fd, int *ret_tee_fd);
int fetch_pipe_finish(struct fetch_pipe *p, struct fetch_result *res, char *why, size_t whylen);

#endif
