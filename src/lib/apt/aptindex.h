/* apt repository indexes: the Release file's hash list and the Packages
 * index, parsed as streams, keeping only the packages that matter. */
#ifndef PH_APTINDEX_H
#define PH_APTINDEX_H

#include <stddef.h>

struct release_entry {
	char sha256[65];
	unsigned long long size;
	char path[256];
};

struct apt_release {
	struct release_entry *entries;
	size_t n;
	char suite[128];
	char codename[128];
};

/* -EINVAL (why) when the Release has no SHA256 list. */
int apt_release_parse(const char *text, struct apt_release *r, char *why, size_t whylen);
const struct release_entry *apt_release_find(const struct apt_release *r, const char *path);
void apt_release_free(struct apt_release *r);

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

/* A Packages parser fed with decompressed bytes in any chunking. Only
 * stanzas whose Package matches one of the fnmatch patterns are kept;
 * a name seen again keeps the higher version. */
struct packages_parser;
struct packages_parser *packages_parser_new(const char *const *patterns, const char *base_uri, int source_index,
					    struct apt_pkglist *into);
int packages_parser_feed(struct packages_parser *p, const char *buf, size_t len);
/* -EINVAL for a malformed stanza (a kept package without Filename or
 * SHA256), naming it in why. Frees the parser. */
int packages_parser_finish(struct packages_parser *p, char *why, size_t whylen);

const struct apt_pkg *apt_pkglist_find(const struct apt_pkglist *l, const char *name);
/* Adds pkg, or replaces a package of the same name when pkg's version is
 * higher. */
int apt_pkglist_add(struct apt_pkglist *l, const struct apt_pkg *pkg);
void apt_pkglist_free(struct apt_pkglist *l);

/* dpkg's version ordering: <0, 0, >0. */
int deb_version_compare(const char *a, const char *b);

/* Adds to out (names, at most max) root and every package reachable
 * through Depends whose name matches one of patterns and that l holds.
 * Returns the count, or -E2BIG. */
int apt_depends_closure(const struct apt_pkglist *l, const char *root, const char *const *patterns,
			const struct apt_pkg **out, int max);

#endif
