/* A yum/dnf mirrorlist: plain text, one repository base URL a line,
 * '#' comments and blank lines. Parsing only: rpmrepo.c fetches it. */
#ifndef PH_RPM_MIRRORLIST_H
#define PH_RPM_MIRRORLIST_H

#include <stddef.h>

#define RPM_MIRRORS_MAX 32
#define RPM_MIRRORLIST_MAX_BYTES (1u << 20) /* a list is a few KiB: more is not a list */

/* Base URLs to try in order (no trailing '/'). */
struct rpm_mirrors {
	int n;
	char base[RPM_MIRRORS_MAX][1024];
};

/* Appends a base URL (trailing '/' dropped) to m: -EINVAL when it is not
 * http(s)://host... in printable characters, -E2BIG when m is full (the
 * first ones are enough to try), -ENAMETOOLONG. */
int rpm_mirrors_add(struct rpm_mirrors *m, const char *url, size_t len);

/* Parses a mirrorlist into *out (set only on success): the http and https
 * URLs in order, others (ftp, rsync) skipped. -EILSEQ for what is not a
 * text list (a NUL byte, a line longer than a URL can be), -ENOENT when
 * it lists no http(s) URL; why says which. */
int rpm_mirrorlist_parse(const char *text, size_t len, struct rpm_mirrors *out, char *why, size_t whylen);

#endif
