/* The store's use lock, <cache>/.use.lock (flock): what keeps `cache
 * prune` from deleting objects while a run hardlinks or copies a tree out
 * of the store.
 *
 *   shared     readers: the cache strategy serving a tree, close-match
 *              serving a stored candidate, cache ls and cache verify
 *   exclusive  cache prune, taken after the writer lock (.lock)
 *
 * Writers that only add (warm's ingest, a --cache-url fetch into the
 * local store) take no use lock: they hold the writer lock, which prune
 * holds too, so prune never runs beside them; and readers may serve while
 * they add, because objects are linked in whole and the index is replaced
 * by rename. Taking the use lock exclusively for a warm would stall every
 * node's serving for the whole warm.
 *
 * Every wait is bounded: a reader never waits for ever on a stuck prune
 * (the caller falls through and names the lock file), nor a prune on a
 * stuck reader. */
#include "lib/store/store.h"

#include "util/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int store_use_lock(struct store *s, int exclusive, int wait_s)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	int fd = s->use_fd, op = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
	double until;

	if (fd < 0) {
		fd = confine_open(s->fd, STORE_USE_LOCK, O_RDWR | O_CREAT, 0644, CONFINE_BENEATH_NO_SYMLINKS);
		/* A cache mounted read-only (baked into an image) is read
		 * through a lock file it may not hold: nobody prunes it. */
		if (fd == -EROFS || fd == -EACCES || fd == -EPERM)
			fd = confine_open(s->fd, STORE_USE_LOCK, O_RDONLY, 0, CONFINE_BENEATH_NO_SYMLINKS);
		if (fd == -ENOENT && !exclusive)
			return 0;
		if (fd < 0)
			return fd;
		s->use_fd = fd;
	}
	until = now_s() + (wait_s > 0 ? wait_s : 0);
	for (;;) {
		if (flock(fd, op) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (now_s() >= until)
			return wait_s > 0 ? -ETIMEDOUT : -EWOULDBLOCK;
		nanosleep(&pause, NULL);
	}
}

void store_use_unlock(struct store *s)
{
	if (s->use_fd >= 0)
		close(s->use_fd);
	s->use_fd = -1;
}

void store_use_lock_problem(const struct store *s, int err, char *why, size_t whylen)
{
	if (err == -ETIMEDOUT)
		snprintf(why, whylen, "%s/%s is held by a cache prune; gave up waiting after %d s", s->dir, STORE_USE_LOCK,
			 STORE_READER_WAIT_S);
	else
		snprintf(why, whylen, "%s/%s: %s", s->dir, STORE_USE_LOCK, strerror(-err));
}
