#include "tool/btfstep.h"

#include "lib/bccfix/uapibpf.h"
#include "lib/btf/btfload.h"
#include "lib/btf/correct.h"
#include "strategies/context.h"
#include "tool/exitcodes.h"
#include "util/log.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int btfstep_open(struct provision_ctx *ctx)
{
	const char *file = ctx->opts->btf_file;
	char named[256], why[512];
	int ret;

	ctx->btf = NULL;
	if (file && btfload_release_in_name(file, named, sizeof(named)) == 0 && strcmp(named, ctx->kernel.release) != 0) {
		log_error("--btf %s is named for kernel %s, not %s: refused (its layouts would be another kernel's)", file,
			  named, ctx->kernel.release);
		return PH_EXIT_USAGE;
	}
	if (!file && !ctx->kernel.btf)
		return 0; /* kernel.btf is only ever set for the running kernel */
	ret = btfload_open(file ? file : ctx->kernel.btf_path, &ctx->btf, why, sizeof(why));
	if (ret < 0 && file) {
		log_error("--btf %s: %s", file, why);
		return PH_EXIT_BAD_INPUT;
	}
	if (ret < 0)
		log_warn("the kernel's BTF %s: %s; a close match is not corrected", ctx->kernel.btf_path, why);
	return 0;
}

void btfstep_close(struct provision_ctx *ctx)
{
	btf__free(ctx->btf);
	ctx->btf = NULL;
}

static json_object *strings(const struct strlist *l)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_array_add(a, json_object_new_string(l->v[i]));
	return a;
}

static json_object *report_json(const struct btf_report *r, const char *source, double ms)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "btf", json_object_new_string(source));
	json_object_object_add(o, "structs_rewritten", json_object_new_int64((int64_t)r->rewritten.n));
	json_object_object_add(o, "members_checked", json_object_new_int64((int64_t)r->members_checked));
	json_object_object_add(o, "bitfields_placed", json_object_new_int64((int64_t)r->bitfields));
	json_object_object_add(o, "members_opaque", strings(&r->opaque));
	json_object_object_add(o, "members_kept_from_tree", strings(&r->kept));
	json_object_object_add(o, "members_dropped", strings(&r->dropped));
	json_object_object_add(o, "skipped", strings(&r->skipped));
	json_object_object_add(o, "structs", strings(&r->rewritten));
	json_object_object_add(o, "files_rewritten", json_object_new_int64((int64_t)r->files_rewritten));
	json_object_object_add(o, "ms", json_object_new_double(ms));
	return o;
}

int btfstep_correct(struct provision_ctx *ctx, const char *build)
{
	const char *source = ctx->opts->btf_file ? ctx->opts->btf_file : ctx->kernel.btf_path;
	struct btf_report rep;
	struct timespec t0, t1;
	char why[1024] = "";
	double ms;
	int ret;

	size_t renamed = 0;

	if (ctx->exact || !ctx->close_match)
		return 0;
	/* Without this, BCC's own older uapi bpf.h hides the tree's and
	 * net/sock.h, linux/filter.h ... of newer trees do not compile. */
	ret = bccfix_uapi_bpf(build, &renamed, why, sizeof(why));
	if (ret < 0) {
		log_error("close-match: %s", why);
		return ret;
	}
	if (renamed) {
		log_info("close-match: include/uapi/linux/bpf.h now compiles beside BCC's own copy (%zu names of its own)", renamed);
		json_object_object_add(ctx->close_match, "uapi_bpf_names_renamed_beside_bcc",
				       json_object_new_int64((int64_t)renamed));
	}
	if (!ctx->btf)
		return 0;
	memset(&rep, 0, sizeof(rep));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = btf_correct_tree(build, ctx->kernel.arch, ctx->btf, btf_default_roots, btf_default_roots_count, &rep, why,
			       sizeof(why));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (ret < 0) {
		log_error("btf-correction: %s", why);
		btf_report_free(&rep);
		return ret;
	}
	if (rep.rewritten.n == 0) {
		log_warn("btf-correction: the tree defines none of the structs to correct; it stays a close match");
		btf_report_free(&rep);
		return 0;
	}
	log_info("btf-correction: %zu structs rewritten from %s, %zu members asserted at the kernel's offsets, %zu made opaque, "
		 "%zu kept from the tree's headers (%.0f ms)",
		 rep.rewritten.n, source, rep.members_checked, rep.opaque.n, rep.kept.n, ms);
	json_object_object_add(ctx->close_match, "btf_correction", report_json(&rep, source, ms));
	btf_report_free(&rep);
	return 1;
}

const char *btfstep_level(const struct provision_ctx *ctx)
{
	json_object *c;

	if (ctx->exact)
		return "exact";
	if (ctx->close_match && json_object_object_get_ex(ctx->close_match, "btf_correction", &c))
		return "btf-corrected";
	return "close-match";
}
