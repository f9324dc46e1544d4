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
int rpm_config_add_mirror(struct rpm_config *cfg, const char *url, char *why, size_t whylen);
void rpm_config_free(struct rpm_config *cfg);

#endif
