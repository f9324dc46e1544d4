/* yum/dnf/zypper *.repo files: ini sections, one repository each, with
 * $variables ($releasever, $basearch, and the custom ones of the vars
 * directories) expanded. Parsing only: reading them from the host root
 * is repoconf.c's. */
#ifndef PH_RPM_REPOFILE_H
#define PH_RPM_REPOFILE_H

#include <limits.h>
#include <stddef.h>

#define RPM_MAX_VARS 32
#define RPM_MAX_URLS 4

struct rpm_vars {
	size_t n;
	struct {
		char name[64];
		char value[256];
	} v[RPM_MAX_VARS];
};

struct rpm_repo {
	char id[128];
	char name[256];
	char baseurls[RPM_MAX_URLS][1024]; /* expanded, no trailing '/' */
	int n_baseurls;
	char mirrorlist[1024]; /* expanded: a list of base URLs, one a line */
	char metalink[1024];   /* expanded: dnf's metalink of repomd.xml */
	int enabled;       /* default 1 */
	int gpgcheck;      /* default 0, as dnf's */
	int repo_gpgcheck; /* default 0 */
	int gpgcheck_given, repo_gpgcheck_given; /* the file says (else the family's default applies) */
	char gpgkeys[RPM_MAX_URLS][1024]; /* expanded URLs: file:///etc/pki/... */
	int n_gpgkeys;
	int has_proxy;     /* proxy= given: then proxy "" (or _none_) is no proxy at all */
	char proxy[1024];
	char proxy_username[256], proxy_password[256];
	char userpwd[512];        /* "username:password" of the server (HTTP basic), or "" */
	char sslcacert[PATH_MAX]; /* a host path: read under the host root */
	int sslverify;     /* default 1 */
	char origin[PATH_MAX + 64]; /* "file:line" of the section */
};

/* Sets (or replaces) a variable. -E2BIG when full, -ENAMETOOLONG when
 * name or value does not fit. */
int rpm_vars_set(struct rpm_vars *vars, const char *name, const char *value);

/* Expands $name and ${name} of vars in in. An unknown variable is kept
 * as written. -ENAMETOOLONG when out is too small. */
int rpm_vars_expand(const struct rpm_vars *vars, const char *in, char *out, size_t outlen);

/* Parses a .repo file's text (origin names it in messages) and appends
 * each section (but [main]) to out[*n..max). Bad lines are errors:
 * -EINVAL with why (file:line); -E2BIG past max. */
int rpm_repofile_parse(const char *text, const char *origin, const struct rpm_vars *vars, struct rpm_repo *out,
		       size_t max, size_t *n, char *why, size_t whylen);

#endif
