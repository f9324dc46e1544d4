/* Building one close-match candidate: its tree (a hardlink clone of a
 * local tree, or the distribution's packages downloaded), rewritten for
 * the running kernel. */
#ifndef PH_CLOSEMATCH_BUILD_H
#define PH_CLOSEMATCH_BUILD_H

#include "lib/closematch/closematch.h"

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>

struct provision_ctx;

/* What every candidate is rewritten with, read once. */
struct cm_inputs {
	char *config;          /* the running kernel's .config, or NULL */
	char *renames, *implied;
	char patches[PATH_MAX];
};

/* -errno (why) when the running kernel's config cannot be read. */
int closematch_build_inputs(struct provision_ctx *ctx, struct cm_inputs *in, char *why, size_t whylen);
void closematch_build_inputs_free(struct cm_inputs *in);

/* One candidate built. */
struct cm_build {
	size_t cand;            /* its index among the candidates */
	char tree[PATH_MAX];    /* ctx->work_dir/candN */
	json_object *rewritten; /* the files rewritten */
	json_object *fetched;   /* what was downloaded (URLs, hashes) */
};

/* Builds candidate number cand, c, into b. On failure nothing of it is
 * left in the work folder, and why says what failed. */
int closematch_build(struct provision_ctx *ctx, const struct cm_inputs *in, const struct cm_candidate *c, size_t cand,
		     struct cm_build *b, char *why, size_t whylen);
void closematch_build_free(struct cm_build *b);

#endif
