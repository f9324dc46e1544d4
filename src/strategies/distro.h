/* What the distro strategy offers close-match (distrocandidates.c): the
 * header packages its repositories (and the distribution's related
 * suites) hold for other kernels, and fetching one of them as a tree. */
#ifndef PH_DISTRO_H
#define PH_DISTRO_H

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>

struct provision_ctx;
struct distro_state;

/* Frees what the distro strategy kept on a context (ctx->distro). */
void distro_state_free(struct distro_state *st);

struct distro_candidate {
	char release[256];       /* "6.12.117+deb13-amd64" */
	unsigned code, sublevel; /* from the package's upstream version */
	char version[128];       /* the package's: "6.1.192-2" */
	char origin[PATH_MAX];
};

/* The linux-headers-<release> packages of a flavour (NULL: the
 * distribution's default, its data file's flavour_suffix) in the apt
 * indexes st has read: at most max. */
int distro_list_headers(const struct distro_state *st, const char *flavour, struct distro_candidate *out, size_t max,
			size_t *ret_n);

/* Lists linux-headers-<release> packages of the default flavour. */
int distro_closematch_candidates(struct provision_ctx *ctx, struct distro_candidate *out, size_t max, size_t *ret_n,
				 char *why, size_t whylen);

/* Downloads release's header packages (checked as the distro strategy
 * checks them) and builds its tree in build_dir, using work as scratch.
 * Appends the URLs and hashes to sources. */
int distro_fetch_candidate(struct provision_ctx *ctx, const char *release, const char *work, const char *build_dir,
			   json_object *sources, char *why, size_t whylen);

#endif
