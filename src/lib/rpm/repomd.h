/* repodata/repomd.xml: where a repository's primary index is, its size
 * and its checksum (the repomd is what the repository's key signs). */
#ifndef PH_RPM_REPOMD_H
#define PH_RPM_REPOMD_H

#include <stddef.h>

struct rpm_repomd_entry {
	char href[1024];       /* "repodata/<sum>-primary.xml.zst" */
	char digest_algo[8];   /* "sha256", "sha512" */
	char digest[129];
	unsigned long long size; /* compressed; 0 when not given */
};

/* Parses repomd.xml text and finds its "primary" data. -EILSEQ (why)
 * for malformed XML, -ENOENT when it has no primary, -ENOTSUP for a
 * checksum type other than sha256 and sha512 (sha1, md5 are not enough
 * to trust). */
int rpm_repomd_parse(const char *text, size_t len, struct rpm_repomd_entry *primary, char *why, size_t whylen);

#endif
