#include "lib/pkgfetch/bodies.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bodies_run {
	const struct fetch_opts *fo;
	const struct pkgfetch_body *b;
	size_t n, next;
	const struct pkgfetch_body_ops *ops;
	pthread_mutex_t lock;
	int ret; /* the first failure */
	char why[2048];
};

struct body_sink {
	const struct pkgfetch_body_ops *ops;
	void *w;
	unsigned long long bytes, max;
};

static int body_write(void *data, const void *buf, size_t len)
{
	struct body_sink *k = data;

	k->bytes += len;
	if (k->bytes > k->max)
		return -EFBIG; /* longer than it must be: no need to read on */
	return k->ops->write(k->w, buf, len);
}

static void fail(struct bodies_run *r, int err, const char *fmt, const char *a, const char *b)
{
	pthread_mutex_lock(&r->lock);
	if (r->ret == 0) {
		r->ret = err;
		snprintf(r->why, sizeof(r->why), fmt, a, b);
	}
	pthread_mutex_unlock(&r->lock);
}

/* One body, with retries: 0 or the failure (recorded in r). */
static int fetch_body(struct bodies_run *r, const struct pkgfetch_body *b)
{
	const struct pkgfetch_body_ops *ops = r->ops;
	char why[1024] = "", got[65];
	int attempt, ret = -ECOMM;

	for (attempt = 1; attempt <= r->fo->attempts; attempt++) {
		struct body_sink k = { .ops = ops, .max = b->size };
		struct fetch_result res;

		if (attempt > 1) {
			ops->note(ops->note_data, 0, "retrying %s (attempt %d of %d) after: %s", b->url, attempt,
				  r->fo->attempts, why);
			fetch_backoff(attempt);
		}
		ret = ops->open(ops->data, b, &k.w);
		if (ret < 0) {
			fail(r, ret, "%s: cannot store it: %s", b->url, strerror(-ret));
			return ret;
		}
		why[0] = '\0';
		ret = fetch_stream(r->fo, b->url, body_write, &k, &res, why, sizeof(why));
		if (ret == -EFBIG) {
			ops->discard(ops->data, k.w);
			ret = -EKEYREJECTED;
			fail(r, ret, "%s: longer than the %s bytes its list gives: refused", b->url,
			     (snprintf(got, sizeof(got), "%llu", b->size), got));
			return ret;
		}
		if (ret < 0) {
			ops->discard(ops->data, k.w);
			if (ret == -EAGAIN)
				continue;
			if (ret == -ENOENT)
				ret = -ECOMM; /* the list names it: the server must have it */
			fail(r, ret, "%s%s", why, "");
			return ret;
		}
		ret = ops->commit(ops->data, b, k.w, got);
		if (ret == -EBADMSG) {
			char want[200];

			snprintf(want, sizeof(want), "%llu bytes hashing to %s, want %llu bytes, %s", k.bytes, got, b->size,
				 b->sha256);
			ret = -EKEYREJECTED;
			fail(r, ret, "%s: hash mismatch: %s", b->url, want);
			return ret;
		}
		if (ret < 0)
			fail(r, ret, "%s: cannot store it: %s", b->url, strerror(-ret));
		return ret;
	}
	if (ret == -EAGAIN)
		ret = -ETIMEDOUT;
	fail(r, ret, "%s%s", why, " (after the retries)");
	return ret;
}

static void *worker(void *data)
{
	struct bodies_run *r = data;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&r->lock);
		i = r->ret == 0 && r->next < r->n ? r->next++ : r->n;
		pthread_mutex_unlock(&r->lock);
		if (i == r->n)
			return NULL;
		if (fetch_body(r, &r->b[i]) < 0)
			return NULL;
	}
}

int pkgfetch_bodies(const struct fetch_opts *fo, int workers, const struct pkgfetch_body *b, size_t n,
		    const struct pkgfetch_body_ops *ops, char *why, size_t whylen)
{
	struct bodies_run r = { .fo = fo, .b = b, .n = n, .ops = ops };
	pthread_t t[32];
	int started = 0, i;

	if (n == 0)
		return 0;
	if (workers < 1)
		workers = 1;
	if (workers > (int)(sizeof(t) / sizeof(t[0])))
		workers = (int)(sizeof(t) / sizeof(t[0]));
	if ((size_t)workers > n)
		workers = (int)n;
	pthread_mutex_init(&r.lock, NULL);
	for (i = 0; i < workers; i++)
		if (pthread_create(&t[started], NULL, worker, &r) == 0)
			started++;
	if (started == 0)
		worker(&r); /* no thread to be had: one at a time, here */
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&r.lock);
	if (r.ret < 0)
		snprintf(why, whylen, "%s", r.why);
	return r.ret;
}
