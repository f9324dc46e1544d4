/* The packages kept from apt indexes, and what a package pulls in
 * through Depends. */
#ifndef PH_APT_PKGLIST_H
#define PH_APT_PKGLIST_H

#include <stddef.h>

struct apt_pkg {
	char name[128];
	char version[128];
	char arch[32];
	char filename[512];
	unsigned long long size;
	char sha256[65];
	char depends[2048];
	char base_uri[1024]; /* the repository's URI: base_uri/filename */
	int source_index;    /* which apt source listed it */
};

struct apt_pkglist {
	struct apt_pkg *pkgs;
	size_t n;
};

const struct apt_pkg *apt_pkglist_find(const struct apt_pkglist *l, const char *name);
/* Adds pkg, or replaces a package of the same name when pkg's version is
 * higher. */
int apt_pkglist_add(struct apt_pkglist *l, const struct apt_pkg *pkg);
void apt_pkglist_free(struct apt_pkglist *l);

/* Whether name matches one of the NULL-terminated fnmatch patterns. */
int apt_pkglist_name_matches(const char *const *patterns, const char *name);

/* Adds to out (names, at most max) root and every package reachable
 * through Depends whose name matches one of patterns and that l holds.
 * Returns the count, or -E2BIG. */
int apt_pkglist_depends_closure(const struct apt_pkglist *l, const char *root, const char *const *patterns,
				const struct apt_pkg **out, int max);

#endif
