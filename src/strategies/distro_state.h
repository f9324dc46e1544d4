/* What the distro strategy knows of the distribution's repositories,
 * shared by its two files: distro.c (the strategy) and
 * distrocandidates.c (what it offers close-match). Read once and kept on
 * the context, so warm reads the indexes once for every kernel. */
#ifndef PH_DISTRO_STATE_H
#define PH_DISTRO_STATE_H

#include "lib/apt/aptsources.h"
#include "lib/apt/repo.h"
#include "lib/distro/distrodef.h"

#include <json-c/json.h>

struct provision_ctx;

#define DISTRO_MAX_PACKAGES 16

struct distro_state {
	int index_status;        /* reading the indexes: 0, or why not */
	char index_why[2048];
	struct distro_def def;
	struct apt_config cfg;
	struct apt_repo repo;    /* the packages kept and the indexes read */
	int network_failures;    /* sources skipped as unreachable */
	char last_network_error[1024];
	int related_read;        /* close-match read the related suites */
};

/* The state of ctx, the indexes read on first use. NULL only when memory
 * runs out. */
struct distro_state *distro_state_get(struct provision_ctx *ctx);

/* What a kernel needs: its header package and what it depends on. */
struct distro_plan {
	const struct apt_pkg *chosen[DISTRO_MAX_PACKAGES];
	int n_chosen;
};

/* The packages for ctx's kernel, from the indexes read once (the state
 * comes back in *ret_st, also on failure, unless memory ran out).
 * -ENOENT: no such package; -ECOMM: none, and sources were unreachable;
 * or why the indexes could not be read. */
int distro_make_plan(struct provision_ctx *ctx, struct distro_state **ret_st, struct distro_plan *plan, char *why,
		     size_t whylen);

/* Reads source i of the state's config, logging what the library notes. */
int distro_read_source(struct distro_state *st, size_t i, char *why, size_t whylen);

/* Downloads pkgs (checked against the indexes) into work and builds the
 * tree of release they hold in build_dir. Appends the indexes and the
 * packages (URLs, hashes) to sources when not NULL. */
int distro_fetch_packages(struct provision_ctx *ctx, struct distro_state *st, const struct apt_pkg *const *pkgs, int n,
			  const char *release, const char *work, const char *build_dir, json_object *sources, char *why,
			  size_t whylen);

#endif
