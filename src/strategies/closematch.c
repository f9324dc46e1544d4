/* close-match: when no exact headers exist anywhere, the nearest tree
 * (warmed cache, output volume, --bank, the distribution's packages),
 * cloned with hardlinks and rewritten for the running kernel: version,
 * release, its configuration, timeconst, patches. The flow: gather the
 * candidates (closematch_gather.c), build the nearest few
 * (closematch_build.c), rank them where the kernel has BTF
 * (closematch_rank.c), move the best into place and record the choice
 * (closematch_record.c). */
#include "lib/kernel/kversion.h"
#include "strategies/closematch_build.h"
#include "strategies/closematch_gather.h"
#include "strategies/closematch_rank.h"
#include "strategies/closematch_record.h"
#include "strategies/context.h"
#include "strategies/strategy.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEASURED 4 /* candidates built and measured against BTF */
/* A candidate that fails to build is passed over for the next one, up to
 * this many tries (each may be a download). */
#define MAX_TRIES (2 * MEASURED)

static int closematch_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	struct cm_candidates *cs = malloc(sizeof(*cs));
	int ret;

	if (!cs)
		return -ENOMEM;
	ret = closematch_gather(ctx, cs, what, whatlen);
	if (ret == 0) {
		unsigned major, minor, sub;

		kversion_split(cs->c[0].version_code, &major, &minor, &sub);
		snprintf(what, whatlen, "%zu candidate(s), nearest %s (%u.%u.%u) from %s", cs->n, cs->c[0].release, major,
			 minor, cs->c[0].sublevel, cs->c[0].origin);
	}
	free(cs);
	return ret;
}

/* Builds up to MEASURED candidates, nearest first, passing over one that
 * fails (a download, a rewrite) for the next, and ranks those built.
 * Returns how many were built (*best the one to use), or the first
 * failure when none was. */
static int build_and_rank(struct provision_ctx *ctx, struct cm_candidates *cs, const struct cm_inputs *in,
			  struct cm_build *builds, size_t *best, int *any_measured, char *why, size_t whylen)
{
	struct ph_failure before = ctx->failure, first_failure = { 0 };
	size_t i, n = 0;
	int first_err = 0;

	for (i = 0; i < cs->n && i < MAX_TRIES && n < MEASURED; i++) {
		struct cm_candidate *c = &cs->c[i];
		char inner[1024] = "";
		int ret = closematch_build(ctx, in, c, i, &builds[n], inner, sizeof(inner));

		if (ret < 0) {
			log_warn("close-match: candidate %s passed over: %s", c->release, inner[0] ? inner : strerror(-ret));
			if (!first_err) {
				first_err = ret;
				first_failure = ctx->failure;
				snprintf(why, whylen, "%s", inner[0] ? inner : strerror(-ret));
			}
			/* Recovered from: what the failed build recorded is not the run's failure. */
			ctx->failure = before;
			continue;
		}
		if (ctx->kernel.btf && cs->n > 1)
			closematch_rank_measure(ctx, c, builds[n].tree); /* ranking one candidate would change nothing */
		if (c->btf_measured) {
			*any_measured = 1;
			log_info("close-match: %s (%s): %d of %d struct members agree with the kernel's BTF (offsets off by %ld bytes in all)",
				 c->release, c->origin, c->btf_matched, c->btf_total, c->btf_offset_error);
		}
		if (n > 0 && closematch_rank_better(c, &cs->c[builds[*best].cand]))
			*best = n;
		n++;
	}
	if (n > 0)
		return (int)n;
	ctx->failure = first_failure; /* none was built: the nearest one's failure stands */
	return first_err ? first_err : -ENOENT;
}

static int closematch_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	struct cm_candidates *cs = malloc(sizeof(*cs));
	struct cm_build builds[MEASURED] = { 0 };
	struct cm_inputs in = { 0 };
	size_t i, best = 0;
	int ret, n = 0, any_measured = 0;

	if (!cs)
		return -ENOMEM;
	ret = closematch_gather(ctx, cs, why, whylen);
	if (ret == 0)
		ret = closematch_build_inputs(ctx, &in, why, whylen);
	if (ret < 0)
		goto out;
	closematch_gather_trim(cs, MEASURED);
	ret = n = build_and_rank(ctx, cs, &in, builds, &best, &any_measured, why, whylen);
	if (ret < 0)
		goto out;
	/* The chosen clone becomes the tree. */
	if (rmdir(build_dir) < 0 || rename(builds[best].tree, build_dir) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot move the tree into %s: %s", build_dir, strerror(-ret));
		goto out;
	}
	closematch_record(ctx, cs, builds, (size_t)n, best, any_measured);
	ret = 0;
out:
	for (i = 0; i < MEASURED; i++)
		closematch_build_free(&builds[i]);
	closematch_build_inputs_free(&in);
	free(cs);
	return ret;
}

const struct strategy strategy_closematch = {
	.name = "close-match",
	.probe = closematch_probe,
	.provide = closematch_provide,
};
