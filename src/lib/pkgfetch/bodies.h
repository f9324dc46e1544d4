/* Many small downloads, each checked against the SHA-256 and size it must
 * have, by a few worker threads (the objects of a cache URL: thousands of
 * files, so not one thread each as pkgfetch_run does for packages). Each
 * body streams into a writer the caller opens, and is kept (commit) or
 * dropped (discard) by the caller; transient failures are retried with
 * backoff, as every download is. */
#ifndef PH_PKGFETCH_BODIES_H
#define PH_PKGFETCH_BODIES_H

#include "lib/net/fetch.h"
#include "lib/pkgfetch/download.h"

struct pkgfetch_body {
	char url[2048];
	char sha256[65];         /* what the body must hash to */
	unsigned long long size; /* and its length */
};

struct pkgfetch_body_ops {
	/* A writer for body b (one attempt): 0 and *ret_w, or an error. */
	int (*open)(void *data, const struct pkgfetch_body *b, void **ret_w);
	int (*write)(void *w, const void *buf, size_t len);
	/* Keeps the body when it hashes to b->sha256 and has b->size bytes:
	 * 0, or -EBADMSG (got: what it hashed to). Frees w either way. */
	int (*commit)(void *data, const struct pkgfetch_body *b, void *w, char got[65]);
	void (*discard)(void *data, void *w);
	void *data;
	pkg_note_fn note; /* retries, for the caller's log */
	void *note_data;
};

/* Fetches b[0..n) with at most workers downloads at once. Stops taking
 * new bodies at the first failure and returns it, its URL in why:
 * -EKEYREJECTED for a body that does not hash to what it must, -ECOMM for
 * one the server does not have (HTTP 404), fetch's errors otherwise
 * (-ETIMEDOUT for a stall after the retries). */
int pkgfetch_bodies(const struct fetch_opts *fo, int workers, const struct pkgfetch_body *b, size_t n,
		    const struct pkgfetch_body_ops *ops, char *why, size_t whylen);

#endif
