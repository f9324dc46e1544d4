/* The host's yum/dnf/zypper repositories: every *.repo file of the
 * repository folders under the host root, with $releasever and $basearch
 * set by the caller and overridden (as dnf does) by the files of the vars
 * folders (/etc/dnf/vars/releasever on Amazon Linux). Every file is
 * opened confined to the host root. */
#ifndef PH_RPM_REPOCONF_H
#define PH_RPM_REPOCONF_H

#include "lib/rpm/repofile.h"

struct hostroot;

#define RPM_MAX_REPOS 64

struct rpm_config {
	struct rpm_repo *repos; /* RPM_MAX_REPOS of them */
	size_t n;
	struct rpm_vars vars;
};

/* Reads the repositories (none with repo_dirs NULL: the variables only). A file that cannot be parsed is an error
 * (-EINVAL, why names file and line), a missing folder is not. */
int rpm_config_read(const struct hostroot *hr, const char *const *repo_dirs, const char *const *vars_dirs,
		    const char *releasever, const char *basearch, struct rpm_config *cfg, char *why, size_t whylen);
/* Appends a --mirror base URL (the variables expanded) as a repository
 * whose trust is the caller's keyrings alone: repo_gpgcheck and gpgcheck
 * on, no gpgkey. -E2BIG, -ENAMETOOLONG with why. */
/* What a family's package manager does for a repository whose file says
 * nothing: zypper checks signatures unless told not to (dnf does not),
 * with the keys the system trusts (/usr/lib/rpm/gnupg/keys) when the
 * file names no gpgkey. */
struct rpm_signing_defaults {
	int gpgcheck;
	int repo_gpgcheck;
	const char *const *key_dirs; /* host folders of trusted *.asc, *.gpg, *.key keys; NULL-terminated */
};

/* Applies d to every repository of cfg whose file left gpgcheck or
 * repo_gpgcheck unsaid, and gives the keys of d's folders (up to
 * RPM_MAX_URLS, in name order) to those that name no gpgkey. Returns how
 * many repositories it changed. */
int rpm_config_apply_defaults(const struct hostroot *hr, struct rpm_config *cfg, const struct rpm_signing_defaults *d);

/* r's one base URL (and its name): tmpl with vars expanded, no trailing
 * '/'. -ENAMETOOLONG when it does not fit. */
int rpm_repo_set_baseurl(const struct rpm_vars *vars, const char *tmpl, struct rpm_repo *r);

int rpm_config_add_mirror(struct rpm_config *cfg, const char *url, char *why, size_t whylen);
void rpm_config_free(struct rpm_config *cfg);

#endif
