/* An apt Packages index, parsed as a stream, keeping only the packages
 * that matter. */
#ifndef PH_APT_PACKAGES_H
#define PH_APT_PACKAGES_H

#include "lib/apt/pkglist.h"

#include <stddef.h>

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

#endif
