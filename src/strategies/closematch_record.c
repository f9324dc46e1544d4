#include "strategies/closematch_record.h"

#include "lib/kernel/kversion.h"
#include "strategies/context.h"
#include "util/log.h"

#include <stdio.h>

static json_object *candidate_json(const struct cm_candidate *c, unsigned target)
{
	json_object *o = json_object_new_object();
	unsigned major, minor, sub;
	char v[32];

	kversion_split(c->version_code, &major, &minor, &sub);
	snprintf(v, sizeof(v), "%u.%u.%u", major, minor, c->sublevel);
	json_object_object_add(o, "release", json_object_new_string(c->release));
	json_object_object_add(o, "version", json_object_new_string(v));
	json_object_object_add(o, "origin", json_object_new_string(c->origin));
	json_object_object_add(o, "distance", json_object_new_int64((int64_t)cm_distance(target, c->version_code)));
	if (c->btf_measured) {
		json_object_object_add(o, "btf_members_matching", json_object_new_int(c->btf_matched));
		json_object_object_add(o, "btf_members_compared", json_object_new_int(c->btf_total));
		json_object_object_add(o, "btf_offset_error", json_object_new_int64(c->btf_offset_error));
	}
	return o;
}

/* Where the tree came from: the packages downloaded, or the local tree. */
static void record_sources(struct provision_ctx *ctx, const struct cm_candidate *c, const struct cm_build *b)
{
	json_object *src;
	size_t i;

	if (c->from_repo) {
		for (i = 0; i < json_object_array_length(b->fetched); i++)
			json_object_array_add(ctx->sources, json_object_get(json_object_array_get_idx(b->fetched, i)));
		return;
	}
	src = json_object_new_object();
	json_object_object_add(src, "type", json_object_new_string("close-match"));
	json_object_object_add(src, "path", json_object_new_string(c->build));
	if (c->from_store) {
		json_object_object_add(src, "store", json_object_new_boolean(1));
		json_object_object_add(src, "release", json_object_new_string(c->release));
	}
	json_object_array_add(ctx->sources, src);
}

void closematch_record(struct provision_ctx *ctx, const struct cm_candidates *cs, const struct cm_build *builds,
		       size_t n, size_t best, int any_measured)
{
	const struct cm_candidate *c = &cs->c[builds[best].cand];
	json_object *info = json_object_new_object(), *list = json_object_new_array();
	unsigned major, minor, sub;
	size_t i;

	json_object_object_add(info, "candidate", candidate_json(c, ctx->kernel.version_code));
	json_object_object_add(info, "chosen_by", json_object_new_string(any_measured ? "BTF agreement, then version nearness"
									      : "version nearness"));
	json_object_object_add(info, "config_applied",
			       ctx->kernel.config_source ? json_object_new_string(ctx->kernel.config_path) : NULL);
	json_object_object_add(info, "rewritten", json_object_get(builds[best].rewritten));
	for (i = 0; i < n; i++)
		json_object_array_add(list, candidate_json(&cs->c[builds[i].cand], ctx->kernel.version_code));
	json_object_object_add(info, "candidates", list);
	ctx->close_match = info;
	ctx->exact = 0;
	kversion_split(c->version_code, &major, &minor, &sub);
	snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "close match: %s (%u.%u.%u) from %s, rewritten for %s",
		 c->release, major, minor, c->sublevel, c->origin, ctx->kernel.release);
	log_info("close-match: chose %s (%s)%s; an approximation of %s's headers", c->release, c->origin,
		 any_measured ? " for the best BTF agreement" : ", the nearest version", ctx->kernel.release);
	record_sources(ctx, c, &builds[best]);
}
