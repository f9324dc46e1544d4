/* Ranking close-match candidates, where the kernel has BTF: by how many
 * of the struct members probes commonly read agree with it. */
#ifndef PH_CLOSEMATCH_RANK_H
#define PH_CLOSEMATCH_RANK_H

#include "lib/closematch/closematch.h"

struct provision_ctx;

/* Measures the rewritten tree of c against the kernel's BTF with the
 * runner, filling c's btf_* and member_* fields. A runner that fails or
 * answers nonsense leaves c unmeasured (logged), never stops the run. */
void closematch_rank_measure(struct provision_ctx *ctx, struct cm_candidate *c, const char *tree);

/* Is a better than b? Compared on the members measured for both: more
 * agreeing members, then smaller offset error; else not better. */
int closematch_rank_better(const struct cm_candidate *a, const struct cm_candidate *b);

#endif
