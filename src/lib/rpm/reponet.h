/* How one repository is reached: the run's download options with the
 * repo file's credentials (username, password), its proxy
 * (proxy_username, proxy_password), its sslcacert (a
 * host file, read here under the host root, confined: libcurl gets the
 * certificates, never the path) and sslverify. */
#ifndef PH_RPM_REPONET_H
#define PH_RPM_REPONET_H

#include "lib/net/fetch.h"
#include "lib/rpm/repofile.h"

struct hostroot;

#define RPM_CACERT_MAX (4u << 20)

struct rpm_repo_net {
	struct fetch_opts fetch; /* points into the repository and ca */
	char *ca;
	size_t ca_len;
};

/* Sets n from base and repo (which must outlive n). -errno with why
 * naming the sslcacert file that cannot be read under the host root
 * (missing, not a regular file, a link leading out of it, too large);
 * n is then unset. */
int rpm_repo_net_init(struct rpm_repo_net *n, const struct fetch_opts *base, const struct hostroot *hr,
		      const struct rpm_repo *repo, char *why, size_t whylen);
void rpm_repo_net_free(struct rpm_repo_net *n);

#endif
