#include "lib/pkgfetch/download.h"

#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The digest of the body, as the index names it. */
static const char *body_digest(const struct pkgfetch_item *d)
{
	return strcmp(d->digest_algo, "sha512") == 0 ? d->res.sha512 : d->res.sha256;
}

struct verify_run {
	pthread_t thread;
	int fd, ret, started;
	const struct pkgfetch_item *d;
	char why[1024];
};

static void *verify_thread(void *data)
{
	struct verify_run *v = data;

	v->ret = v->d->opts->verify(v->d->verify_data, v->fd, v->why, sizeof(v->why));
	close(v->fd); /* the download no longer writes to it */
	v->fd = -1;
	return NULL;
}

/* The signature check of d, reading tee_fd in a thread of its own. */
static void verify_start(struct verify_run *v, const struct pkgfetch_item *d, int tee_fd)
{
	memset(v, 0, sizeof(*v));
	v->d = d;
	v->fd = tee_fd;
	v->started = pthread_create(&v->thread, NULL, verify_thread, v) == 0;
	if (!v->started) {
		close(tee_fd);
		v->ret = -EAGAIN;
		snprintf(v->why, sizeof(v->why), "cannot start the signature check");
	}
}

static int verify_finish(struct verify_run *v)
{
	if (v->started)
		pthread_join(v->thread, NULL);
	return v->ret;
}

static void *download_one(void *data)
{
	struct pkgfetch_item *d = data;
	const struct pkgfetch_opts *o = d->opts;
	struct fetch_opts fo = d->fetch ? *d->fetch : o->fetch;
	int attempt;

	fo.userpwd = d->userpwd;
	fo.want_sha512 = strcmp(d->digest_algo, "sha512") == 0;
	for (attempt = 1; attempt <= fo.attempts; attempt++) {
		struct unpack_opts uo = { .max_bytes = o->max_bytes, .max_entries = UNPACK_DEFAULT_MAX_ENTRIES,
					  .select = o->select, .select_data = o->select_data };
		struct fetch_pipe *fp;
		struct verify_run v = { .ret = 0 };
		int verify = o->verify && d->verify_data;
		char fwhy[1024] = "", xwhy[1024] = "";
		int fd, tee_fd = -1, xret, fret, vret;

		if (attempt > 1) {
			o->note(o->note_data, 0, "retrying %s (attempt %d of %d) after: %s", d->url, attempt, fo.attempts,
				d->why);
			fetch_backoff(attempt);
		}
		fs_rm_rf(d->dir);
		d->ret = mkdir(d->dir, 0755) < 0 ? -errno
						  : fetch_pipe_start_tee(&fo, d->url, d->unsized ? o->max_bytes : d->size, &fp,
										 &fd, verify ? &tee_fd : NULL);
		if (d->ret < 0) {
			snprintf(d->why, sizeof(d->why), "%s: cannot start: %s", d->url, strerror(-d->ret));
			return NULL;
		}
		if (verify)
			verify_start(&v, d, tee_fd);
		xret = o->extract(fd, d->dir, &uo, &d->st, xwhy, sizeof(xwhy));
		close(fd);
		fret = fetch_pipe_finish(fp, &d->res, fwhy, sizeof(fwhy));
		vret = verify ? verify_finish(&v) : 0;
		if (fret == -EAGAIN) {
			d->ret = fret;
			snprintf(d->why, sizeof(d->why), "%s", fwhy);
			continue;
		}
		if (fret < 0) {
			/* A package the signed index promises must be there: a 404
			 * is the mirror failing, not "no headers". */
			d->ret = fret == -EFBIG ? -EKEYREJECTED : fret == -ENOENT ? -ECOMM : fret;
			snprintf(d->why, sizeof(d->why), "%s", fwhy);
			return NULL;
		}
		if ((d->no_digest ? 0 : strcmp(body_digest(d), d->digest) != 0) || (!d->unsized && d->res.bytes != d->size)) {
			d->ret = -EKEYREJECTED;
			if (!d->unsized)
				snprintf(d->why, sizeof(d->why),
					 "%s: hash mismatch: %s %s, %llu bytes; the index lists %s, %llu bytes", d->url,
					 d->digest_algo, body_digest(d), d->res.bytes, d->digest, d->size);
			else
				snprintf(d->why, sizeof(d->why), "%s: hash mismatch: %s %s; the published checksum is %s",
					 d->url, d->digest_algo, body_digest(d), d->digest);
			return NULL;
		}
		if (vret < 0) {
			d->ret = -EKEYREJECTED;
			snprintf(d->why, sizeof(d->why), "%s: %s", d->url, v.why);
			return NULL;
		}
		if (xret < 0) {
			d->ret = xret;
			snprintf(d->why, sizeof(d->why), "%s: %s", d->url, xwhy);
			return NULL;
		}
		d->ret = 0;
		return NULL;
	}
	return NULL;
}

/* The workers of one pkgfetch_run: each takes the next package until
 * none is left, so no more than the number of workers download at once. */
struct fetch_pool {
	struct pkgfetch_item *d;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *pool_worker(void *data)
{
	struct fetch_pool *p = data;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&p->lock);
		i = p->next < p->n ? p->next++ : p->n;
		pthread_mutex_unlock(&p->lock);
		if (i == p->n)
			return NULL;
		download_one(&p->d[i]);
	}
}

int pkgfetch_run(const struct pkgfetch_opts *o, struct pkgfetch_item *d, size_t n, char *why, size_t whylen)
{
	struct fetch_pool pool = { .d = d, .n = n };
	size_t i, workers = o->max_parallel > 0 && (size_t)o->max_parallel < n ? (size_t)o->max_parallel : n;
	pthread_t *t = calloc(workers ? workers : 1, sizeof(*t));
	size_t started = 0;

	if (!t)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		d[i].opts = o;
		d[i].ret = -EAGAIN;
		snprintf(d[i].why, sizeof(d[i].why), "%s: not downloaded (no download thread could start)", d[i].url);
	}
	pthread_mutex_init(&pool.lock, NULL);
	for (i = 0; i < workers; i++)
		if (pthread_create(&t[started], NULL, pool_worker, &pool) == 0)
			started++;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&pool.lock);
	free(t);
	for (i = 0; i < n; i++)
		if (d[i].ret < 0) {
			snprintf(why, whylen, "%s", d[i].why);
			return d[i].ret;
		}
	return 0;
}

int pkgfetch_gather(const struct pkgfetch_item *d, size_t n, const char *root, char *why, size_t whylen)
{
	char dest_src[PATH_MAX];
	size_t i;
	int ret = path_format(dest_src, "%s/usr/src", root);

	if (ret == 0)
		ret = fs_mkdir_p(dest_src, 0755);
	for (i = 0; ret == 0 && i < n; i++) {
		char src_dir[PATH_MAX];
		DIR *dir;
		struct dirent *de;

		if (path_format(src_dir, "%s/usr/src", d[i].dir) < 0 || !(dir = opendir(src_dir)))
			continue;
		while (ret == 0 && (de = readdir(dir))) {
			char from[PATH_MAX], to[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (path_join(from, src_dir, de->d_name) < 0 || path_join(to, dest_src, de->d_name) < 0 ||
			    rename(from, to) < 0) {
				ret = -errno;
				snprintf(why, whylen, "cannot gather %s: %s", from, strerror(-ret));
			}
		}
		closedir(dir);
	}
	return ret;
}
