/* close-match's candidates: the trees of other kernels in the output
 * volume, the warmed caches and the banks, and the distribution's header
 * packages, within --max-distance and of the same arch, nearest first. */
#ifndef PH_CLOSEMATCH_GATHER_H
#define PH_CLOSEMATCH_GATHER_H

#include "lib/closematch/closematch.h"

#include <stddef.h>

struct provision_ctx;

#define CLOSEMATCH_MAX_CANDIDATES 64

struct cm_candidates {
	struct cm_candidate c[CLOSEMATCH_MAX_CANDIDATES];
	size_t n;
	size_t other_arch, too_far, not_exact, links_out; /* what was passed over, for messages */
	char other_arch_name[64];
	char searched[1024];
};

/* Fills cs, nearest first. -ENOENT (why says what was searched and what
 * was passed over) when there is none; -EINVAL for a bad --max-distance. */
int closematch_gather(struct provision_ctx *ctx, struct cm_candidates *cs, char *why, size_t whylen);

/* Downloads are the costly part: of the first max candidates, at most
 * two (the nearest) come from repositories, the rest from local trees. */
void closematch_gather_trim(struct cm_candidates *cs, size_t max);

#endif
