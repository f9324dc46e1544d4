/* The host's distribution, from os-release(5) under the host root. */
#ifndef PH_OSRELEASE_H
#define PH_OSRELEASE_H

#include <stddef.h>

struct os_release {
	char id[64];
	char id_like[128];
	char version_id[64];
	char version_codename[64];
	char platform_id[64]; /* "platform:el9", "platform:al2023" (RPM distributions) */
	char pretty_name[256];
	char build_id[64]; /* BUILD_ID: "17800.66.78" (Container-Optimized OS names its headers tarball by it) */
	char too_long[32]; /* the first key above whose value did not fit (left empty), or "" */
};

/* Parses os-release text: KEY=value, values unquoted or in single or
 * double quotes (backslash escapes inside double quotes), comments and
 * blank lines ignored. Unknown keys are skipped; a known key whose value
 * does not fit its field is left empty and named in too_long. */
void os_release_parse(const char *text, struct os_release *ret);

/* Reads <root>/etc/os-release, falling back to <root>/usr/lib/os-release.
 * -ENOENT when neither exists. */
struct hostroot;
int os_release_read(const struct hostroot *hr, struct os_release *ret);

#endif
