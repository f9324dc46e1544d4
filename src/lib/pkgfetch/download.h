/* Downloading the packages a signed index lists, whatever the format
 * (.deb, .rpm): in parallel, each checked against the index (size and
 * SHA-256 or SHA-512) and streamed straight into the format's extractor,
 * then gathered under one root. The apt and rpm back ends of the distro
 * strategy both come through here. */
#ifndef PH_PKGFETCH_DOWNLOAD_H
#define PH_PKGFETCH_DOWNLOAD_H

#include "lib/archive/unpack.h"
#include "lib/net/fetch.h"

#include <limits.h>
#include <pthread.h>

/* What a library does not log itself: a line for the caller's log
 * (warning: 1 for a warning, 0 for information). May be called from
 * download threads. */
typedef void (*pkg_note_fn)(void *data, int warning, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reads one package from fd to EOF and extracts the selected members of
 * its payload into dest_dir: deb_extract_fd, rpm_extract_fd. */
typedef int (*pkg_extract_fn)(int fd, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st,
			      char *why, size_t whylen);

/* Reads one package from fd (a second copy of the download) and checks
 * its own signature: 0, or -EKEYREJECTED with why. check is the item's
 * verify_data. */
typedef int (*pkg_verify_fn)(void *check, int fd, char *why, size_t whylen);

struct pkgfetch_opts {
	struct fetch_opts fetch;      /* userpwd comes per package */
	unsigned long long max_bytes; /* per package, unpacked */
	pkg_extract_fn extract;
	/* Which members of each package are written, and where (see unpack.h). */
	int (*select)(void *data, const char *member, char out_rel[PATH_MAX]);
	void *select_data;
	pkg_note_fn note;
	void *note_data;
	pkg_verify_fn verify; /* NULL: packages are checked against the index only */
	int max_parallel;     /* downloads at once (--jobs); 0: every package at once */
};

/* One package: set url, size, the digest the index lists (digest_algo
 * "sha256" or "sha512"), userpwd (or NULL) and dir (created here, emptied
 * first); the rest is filled. A tarball beside its checksum file has no
 * index: unsized (its size is not known, so not compared; the download
 * is capped by max_bytes instead) and, when no
 * checksum is published, no_digest (the body is then not compared; an
 * empty digest without it is refused). */
struct pkgfetch_item {
	char url[2048];
	unsigned long long size;
	char digest_algo[8];
	char digest[129];
	int no_digest;
	int unsized; /* no size is known (a tarball): capped by max_bytes instead */
	const char *userpwd;
	const struct fetch_opts *fetch; /* its repository's (proxy, certificates), or NULL: the options' */
	void *verify_data; /* NULL: no signature check for this one */
	char dir[PATH_MAX];
	int ret;
	char why[2048];
	struct fetch_result res;
	struct unpack_stats st;
	const struct pkgfetch_opts *opts;
};

/* Downloads and unpacks d[0..n), at most o->max_parallel at once (in the
 * order of d), retrying transient failures.
 * The first failure is returned with its reason in why: -EKEYREJECTED for
 * a package that does not match its index, -ECOMM when a package the
 * signed index promises is missing, others from the network or the
 * extractor. Every d[i].ret says how that one went. */
int pkgfetch_run(const struct pkgfetch_opts *o, struct pkgfetch_item *d, size_t n, char *why, size_t whylen);

/* Moves every usr/src/<tree> of the unpacked packages under
 * root/usr/src (usr/src/kernels/<release> of RPMs included). */
int pkgfetch_gather(const struct pkgfetch_item *d, size_t n, const char *root, char *why, size_t whylen);

#endif
