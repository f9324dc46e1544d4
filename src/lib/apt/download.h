/* Downloading packages an index lists, in parallel, each checked against
 * the index (size and SHA-256) and streamed straight into the extractor,
 * then gathered under one root. */
#ifndef PH_APT_DOWNLOAD_H
#define PH_APT_DOWNLOAD_H

#include "lib/apt/pkglist.h"
#include "lib/apt/repo.h"
#include "lib/archive/unpack.h"
#include "lib/net/fetch.h"

#include <limits.h>
#include <pthread.h>

struct apt_download_opts {
	const struct apt_repo *repo;  /* fetch options, auth.conf, notes */
	unsigned long long max_bytes; /* per package, unpacked */
	/* Which members of each package are written, and where (see unpack.h). */
	int (*select)(void *data, const char *member, char out_rel[PATH_MAX]);
	void *select_data;
};

/* One package: set pkg and dir (created here, emptied first); the rest
 * is filled. */
struct apt_download {
	const struct apt_pkg *pkg;
	char dir[PATH_MAX];
	char url[2048];
	int ret;
	char why[2048];
	struct fetch_result res;
	struct unpack_stats st;
	pthread_t thread;
	const struct apt_download_opts *opts;
};

/* Downloads and unpacks d[0..n) at once, retrying transient failures.
 * The first failure is returned with its reason in why: -EKEYREJECTED for
 * a package that does not match its index, -ECOMM when a package the
 * signed index promises is missing, others from the network or the
 * extractor. Every d[i].ret says how that one went. */
int apt_download_run(const struct apt_download_opts *o, struct apt_download *d, size_t n, char *why, size_t whylen);

/* Moves every usr/src/<tree> of the unpacked packages under
 * root/usr/src. */
int apt_download_gather(const struct apt_download *d, size_t n, const char *root, char *why, size_t whylen);

#endif
