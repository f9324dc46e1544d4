/* What close-match reports of its choice: the manifest's close_match
 * object, the tree's sources and origin. */
#ifndef PH_CLOSEMATCH_RECORD_H
#define PH_CLOSEMATCH_RECORD_H

#include "strategies/closematch_build.h"
#include "strategies/closematch_gather.h"

struct provision_ctx;

/* Records builds[best] as the choice among builds[0..n) into ctx;
 * any_measured: the choice was made on BTF agreement. */
void closematch_record(struct provision_ctx *ctx, const struct cm_candidates *cs, const struct cm_build *builds,
		       size_t n, size_t best, int any_measured);

#endif
