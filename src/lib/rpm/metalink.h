/* dnf's metalink of a repository: the mirrors of its repomd.xml
 * (<url preference="..">https://host/path/repodata/repomd.xml</url>) and
 * the hashes repomd.xml may have (<hash type="sha256">, alternates
 * included). Parsed with expat; fetching is rpmrepo.c's. */
#ifndef PH_RPM_METALINK_H
#define PH_RPM_METALINK_H

#include "lib/rpm/mirrorlist.h"

#include <stddef.h>

#define RPM_METALINK_MAX_HASHES 16

struct rpm_metalink {
	struct rpm_mirrors mirrors; /* base URLs, the most preferred first */
	int n_hashes;               /* sha256 and sha512 only */
	struct {
		char algo[8]; /* "sha256", "sha512" */
		char hex[129];
	} hashes[RPM_METALINK_MAX_HASHES];
};

/* Parses a metalink into *out (set only on success). Only http(s) URLs
 * ending in repodata/repomd.xml count. -EILSEQ (malformed XML, a DOCTYPE,
 * not a metalink), -ENOENT (no repomd.xml file or no usable URL), -ENOMEM;
 * why says which. */
int rpm_metalink_parse(const char *text, size_t len, struct rpm_metalink *out, char *why, size_t whylen);

/* Whether repomd.xml with these digests (sha512 may be "") matches one of
 * the metalink's hashes, as dnf accepts any of them. */
int rpm_metalink_matches(const struct rpm_metalink *m, const char *sha256, const char *sha512);

#endif
