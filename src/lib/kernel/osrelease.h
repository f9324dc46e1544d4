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
	unsigned too_long; /* OS_RELEASE_* bits: each key above whose value did not fit (left empty) */
};

/* The keys of struct os_release, as bits of too_long. */
enum {
	OS_RELEASE_ID = 1u << 0,
	OS_RELEASE_ID_LIKE = 1u << 1,
	OS_RELEASE_VERSION_ID = 1u << 2,
	OS_RELEASE_VERSION_CODENAME = 1u << 3,
	OS_RELEASE_PLATFORM_ID = 1u << 4,
	OS_RELEASE_PRETTY_NAME = 1u << 5,
	OS_RELEASE_BUILD_ID = 1u << 6,
};

/* Parses os-release text: KEY=value, values unquoted or in single or
 * double quotes (backslash escapes inside double quotes), comments and
 * blank lines ignored. Unknown keys are skipped; a known key whose value
 * does not fit its field is left empty and its bit set in too_long
 * (every such key, so a caller can tell which one it needs is missing). */
void os_release_parse(const char *text, struct os_release *ret);

/* Reads <root>/etc/os-release, falling back to <root>/usr/lib/os-release.
 * -ENOENT when neither exists. */
struct hostroot;
int os_release_read(const struct hostroot *hr, struct os_release *ret);

#endif
