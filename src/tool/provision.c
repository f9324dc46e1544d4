#include "tool/provision.h"

#include "strategies/context.h"
#include "tool/btfstep.h"
#include "tool/exitcodes.h"
#include "tool/interrupt.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "lib/output/manifest.h"
#include "util/path.h"
#include "lib/output/volume.h"
#include "strategies/strategy.h"
#include "lib/kernel/treecheck.h"
#include "tool/validate.h"

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* For steps that record no kind yet (the distro and close-match
 * strategies, validate.c): their errno is read as it always was, which is
 * right for errors from fetch.c (EACCES is HTTP 401/403 there, ELOOP too
 * many redirects). Convert such a step by calling ctx_fail() where it
 * fails (strategies/context.h); host.c, cache.c and kheaders.c show how. */
int provision_exit_code_for(int err)
{
	switch (-err) {
	case ENOSPC: case EDQUOT: case EROFS: case ENOTDIR:
		return PH_EXIT_OUTPUT;
	case EKEYREJECTED: case EBADMSG: case ENOKEY:
		return PH_EXIT_VERIFY;
	case ECONNREFUSED: case ETIMEDOUT: case ETIME: case EHOSTUNREACH: case ENETUNREACH: case ECOMM: case EAGAIN:
	case ELOOP: case EACCES: case EPIPE:
		return PH_EXIT_NETWORK;
	case EILSEQ: case EFBIG:
		return PH_EXIT_BAD_INPUT;
	case ENOENT: case EPERM: case ENOSYS:
		return PH_EXIT_NO_HEADERS;
	default:
		return PH_EXIT_INTERNAL;
	}
}

int provision_exit_code(const struct ph_failure *f, int err)
{
	switch (f->kind) {
	case PH_FAIL_NO_HEADERS: return PH_EXIT_NO_HEADERS;
	case PH_FAIL_NETWORK: return PH_EXIT_NETWORK;
	case PH_FAIL_VERIFY: return PH_EXIT_VERIFY;
	case PH_FAIL_BAD_INPUT: return PH_EXIT_BAD_INPUT;
	case PH_FAIL_OUTPUT: return PH_EXIT_OUTPUT;
	case PH_FAIL_INTERNAL: return PH_EXIT_INTERNAL;
	case PH_FAIL_UNSET: break;
	}
	return provision_exit_code_for(err);
}

/* Exit codes ranked by how much they tell: the most telling failure of
 * the chain is the one reported when no strategy succeeds. */
static int severity(int code)
{
	static const int order[] = { PH_EXIT_NO_HEADERS, PH_EXIT_INTERNAL, PH_EXIT_NETWORK, PH_EXIT_VALIDATION,
				     PH_EXIT_BAD_INPUT, PH_EXIT_VERIFY, PH_EXIT_OUTPUT };
	int i;

	for (i = 0; i < (int)(sizeof(order) / sizeof(order[0])); i++)
		if (order[i] == code)
			return i;
	return 0;
}

static int has_strategy(const struct options *o, const char *name)
{
	int i;

	for (i = 0; i < o->n_strategies; i++)
		if (strcmp(o->strategies[i], name) == 0)
			return 1;
	return 0;
}

/* A published tree that passes the checks is reused as it is. */
static int published_tree_ok(const struct provision_ctx *ctx, const struct volume *vol, char release_dir[PATH_MAX])
{
	char build[PATH_MAX], why[PATH_MAX + 128];
	json_object *m = NULL;

	if (volume_release_dir(vol, ctx->kernel.release, release_dir) < 0 || path_join(build, release_dir, "build") < 0)
		return 0;
	/* A symlink planted at <out>/<release> is never a published tree. */
	if (!fs_is_real_dir(release_dir) || manifest_read(release_dir, &m) < 0)
		return 0;
	json_object_put(m);
	return treecheck_verify(build, &ctx->kernel, NULL, why, sizeof(why)) == 0;
}

/* Copies the manifest's validation result into the --json status. */
static void status_validation(json_object *status, const char *release_dir)
{
	json_object *m = NULL, *v;

	if (manifest_read(release_dir, &m) < 0)
		return;
	if (json_object_object_get_ex(m, "validation", &v))
		json_object_object_add(status, "validation", json_object_get(v));
	json_object_put(m);
}

/* With --validate, the published tree's validation decides the code. */
static int validated(struct provision_ctx *ctx, json_object *status, const char *release_dir, int code)
{
	if (code != PH_EXIT_OK || !ctx->opts->validate)
		return code;
	code = validate_published(ctx, release_dir);
	status_validation(status, release_dir);
	return code;
}

/* A published tree's standing (1 exact, 2 a close match corrected from
 * BTF, 0 a close match or unknown) and recorded validation verdict (""
 * when it was never validated), read from its manifest. */
static void tree_standing(const char *release_dir, int *exact, char *verdict, size_t verdictlen)
{
	json_object *m = NULL, *v, *val;

	*exact = 0;
	snprintf(verdict, verdictlen, "%s", "");
	if (manifest_read(release_dir, &m) < 0)
		return;
	*exact = json_get_bool(m, "exact", 0);
	if (!*exact && strcmp(json_get_string(m, "level", ""), "btf-corrected") == 0)
		*exact = 2;
	if (json_object_object_get_ex(m, "validation", &val) && json_object_object_get_ex(val, "verdict", &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(verdict, verdictlen, "%s", json_object_get_string(v));
	json_object_put(m);
}

/* A cache hit says what the tree is; one below --require is not reused as
 * if it met it: the chain builds a new one (returns 0 then). */
static int report_reuse(struct provision_ctx *ctx, json_object *status, const char *release_dir,
			char *why, size_t whylen)
{
	char build[PATH_MAX], verdict[64];
	int exact;

	path_join(build, release_dir, "build");
	tree_standing(release_dir, &exact, verdict, sizeof(verdict));
	if (validate_tree_meets(ctx->opts->require, exact, verdict[0] ? verdict : NULL, why, whylen) < 0) {
		/* Under --validate, name what the recorded result found wrong;
		 * a recorded failure is only reported, the runner does not run. */
		if (ctx->opts->validate && ctx->kernel.running &&
		    (strcmp(verdict, "mismatch") == 0 || strcmp(verdict, "compile-failed") == 0))
			validate_published(ctx, release_dir);
		log_warn("cache: %s is published but not reused: %s; building it again", build, why);
		return 0;
	}
	log_info("cache: %s is published and complete (%s, validation: %s), nothing to do", build,
		 exact == 1 ? "exact" : exact == 2 ? "btf-corrected" : "approximate", verdict[0] ? verdict : "not run");
	json_set_string(status, "result", ctx->opts->dry_run ? "dry-run" : "reused");
	json_set_string(status, "strategy", "cache");
	json_set_string(status, "tree", build);
	json_object_object_add(status, "exact", json_object_new_boolean(exact == 1));
	json_set_string(status, "level", exact == 1 ? "exact" : exact == 2 ? "btf-corrected" : "close-match");
	status_validation(status, release_dir);
	return 1;
}

static int dry_run(struct provision_ctx *ctx, json_object *status)
{
	int i;

	for (i = 0; i < ctx->opts->n_strategies; i++) {
		const struct strategy *s = strategy_by_name(ctx->opts->strategies[i]);
		char what[PATH_MAX * 2];

		if (s == &strategy_distro && ctx->opts->offline) {
			log_info("dry-run: distro: not tried, --offline");
			continue;
		}
		if (s == &strategy_distro)
			log_info("dry-run: distro reads the package indexes (apt Packages, rpm primary.xml) over the network to learn what it would download; "
				 "it downloads no package and writes nothing");
		if (s->probe(ctx, what, sizeof(what)) == 0) {
			log_info("dry-run: %s would provide headers from %s", s->name, what);
			json_set_string(status, "result", "dry-run");
			json_set_string(status, "strategy", s->name);
			json_set_string(status, "source", what);
			return PH_EXIT_OK;
		}
		log_info("dry-run: %s: %s", s->name, what);
	}
	log_error("no strategy can provide headers for %s (tried %s)", ctx->kernel.release, ctx->opts->strategy_list);
	return PH_EXIT_NO_HEADERS;
}

/* Appends "; name: text" to a bounded list of reasons. */
static void add_reason(char *list, size_t size, const char *name, const char *text)
{
	size_t len = strlen(list);

	if (len + 1 < size)
		snprintf(list + len, size - len, "%s%s: %s", len ? "; " : "", name, text);
}

/* A signature that no trusted key made is fixed by trusting the right
 * keyring: the error line says how (gpgverify names the keyrings tried). */
static const char *verify_hint(int code, const char *text)
{
	if (code == PH_EXIT_VERIFY && strstr(text, "keyring"))
		return "; to trust the key, add its keyring with --keyring FILE (PROVISION_HEADERS_KEYRING) for "
		       "sources without signed-by, or fix the source's signed-by";
	return "";
}

/* Under a --require level, a tree that cannot meet it is never published:
 * --validate runs on the staged tree, and exactness is known without it.
 * Returns a PH_EXIT_* code. */
static int meets_require(struct provision_ctx *ctx, const struct strategy *s, const char *stage, json_object *status)
{
	char verdict[64], why[256];
	int exact, code = PH_EXIT_OK;

	if (ctx->opts->validate) {
		code = validate_published(ctx, stage);
		status_validation(status, stage);
	}
	tree_standing(stage, &exact, verdict, sizeof(verdict));
	if (validate_tree_meets(ctx->opts->require, exact, verdict[0] ? verdict : NULL, why, sizeof(why)) < 0)
		code = PH_EXIT_VALIDATION;
	else
		snprintf(why, sizeof(why), "--require is not met: validation verdict %s",
			 verdict[0] ? verdict : "none (the runner did not run)");
	if (code != PH_EXIT_OK) {
		json_object_object_add(status, "exact", json_object_new_boolean(exact == 1));
		log_error("%s: not published: %s", s->name, why);
	}
	return code;
}

/* Stages, provides, checks and publishes one strategy's tree; returns 0,
 * a negative errno, or PH_EXIT_VALIDATION for a tree below --require. */
static int run_strategy(struct provision_ctx *ctx, const struct strategy *s, const struct volume *vol,
			const char *what, double t_probe, json_object *status)
{
	char stage[PATH_MAX], build[PATH_MAX], release_dir[PATH_MAX], why[PATH_MAX * 2] = "";
	struct manifest_timings tm = { 0 };
	struct tree_facts facts;
	double t0 = now_ms();
	int ret, code;

	ret = volume_stage(vol, ctx->kernel.release, stage);
	if (ret < 0) {
		log_error("output %s: cannot create a staging directory: %s", vol->out, strerror(-ret));
		return ctx_fail(ctx, PH_FAIL_OUTPUT, ret);
	}
	interrupt_guard(stage, ctx->work_dir);
	path_join(build, stage, "build");
	if (path_format(ctx->work_dir, "%s.work", stage) < 0 || mkdir(ctx->work_dir, 0700) < 0) {
		ret = ctx_fail(ctx, PH_FAIL_OUTPUT, -errno);
		log_error("output %s: cannot create a work directory: %s", vol->out, strerror(-ret));
		goto fail;
	}
	log_info("%s: providing headers from %s into %s", s->name, what, stage);
	ret = s->provide(ctx, build, why, sizeof(why));
	if (ret < 0) {
		log_error("%s: %s%s", s->name, why[0] ? why : strerror(-ret),
			  verify_hint(provision_exit_code(&ctx->failure, ret), why));
		goto fail;
	}
	ret = btfstep_correct(ctx, build);
	if (ret < 0)
		goto fail;
	ret = treecheck_verify(build, &ctx->kernel, &facts, why, sizeof(why));
	if (ret < 0) {
		ctx_fail(ctx, PH_FAIL_VERIFY, ret);
		log_error("%s: tree check failed: %s", s->name, why);
		goto fail;
	}
	tm.probe_ms = t_probe;
	tm.provide_ms = now_ms() - t0;
	tm.total_ms = tm.probe_ms + tm.provide_ms;
	ret = manifest_write(&(struct manifest_input){ .strategy = s->name,
						       .kernel = &ctx->kernel,
						       .exact = ctx->exact,
						       .level = btfstep_level(ctx),
						       .origin = ctx->tree_origin,
						       .host_root = ctx->hr.root,
						       .sources = ctx->sources,
						       .close_match = ctx->close_match,
						       .counted = ctx->tree_counted,
						       .files = ctx->tree_files,
						       .bytes = ctx->tree_bytes },
			     stage, &facts, &tm);
	if (ret < 0) {
		ctx_fail(ctx, PH_FAIL_OUTPUT, ret);
		log_error("output %s: cannot write manifest.json: %s", stage, strerror(-ret));
		goto fail;
	}
	fs_rm_rf(ctx->work_dir);
	code = meets_require(ctx, s, stage, status);
	if (code != PH_EXIT_OK) {
		ret = code;
		goto fail;
	}
	ret = volume_publish(vol, stage, ctx->kernel.release);
	if (ret < 0) {
		ctx_fail(ctx, PH_FAIL_OUTPUT, ret);
		log_error("output %s: cannot publish %s: %s", vol->out, ctx->kernel.release, strerror(-ret));
		goto fail;
	}
	interrupt_guard(NULL, NULL);
	volume_release_dir(vol, ctx->kernel.release, release_dir);
	path_join(build, release_dir, "build");
	log_info("%s: published %s (%s, LINUX_VERSION_CODE %u, %.0f ms)", s->name, build,
		 ctx->exact ? "exact" : strcmp(btfstep_level(ctx), "btf-corrected") == 0 ? "btf-corrected" : "approximate",
		 facts.version_code, tm.provide_ms);
	json_set_string(status, "result", "published");
	json_set_string(status, "strategy", s->name);
	json_set_string(status, "tree", build);
	json_object_object_add(status, "exact", json_object_new_boolean(ctx->exact));
	json_set_string(status, "level", btfstep_level(ctx));
	return 0;
fail:
	fs_rm_rf(ctx->work_dir);
	fs_rm_rf(stage);
	interrupt_guard(NULL, NULL);
	return ret;
}

static int run_chain(struct provision_ctx *ctx, struct volume *vol, json_object *status)
{
	int i, worst = PH_EXIT_NO_HEADERS;
	char reasons[4096] = ""; /* why each strategy was skipped: -q hides those lines */

	for (i = 0; i < ctx->opts->n_strategies; i++) {
		const struct strategy *s = strategy_by_name(ctx->opts->strategies[i]);
		char what[PATH_MAX * 2] = "";
		double t0 = now_ms();
		int ret, code;

		ctx->failure = (struct ph_failure){ 0 };
		if (ctx->opts->offline && s == &strategy_distro) {
			log_info("%s: skipped: --offline (it downloads)", s->name);
			add_reason(reasons, sizeof(reasons), s->name, "not tried, --offline");
			continue;
		}
		ret = s->probe(ctx, what, sizeof(what));
		if (ret < 0) {
			code = provision_exit_code(&ctx->failure, ret);
			if (code == PH_EXIT_NO_HEADERS) {
				log_info("%s: skipped: %s", s->name, what);
				add_reason(reasons, sizeof(reasons), s->name, what);
				continue;
			}
			log_error("%s: %s%s", s->name, what, verify_hint(code, what));
			if (severity(code) > severity(worst))
				worst = code;
			if (code == PH_EXIT_VERIFY)
				return code; /* a broken chain of trust is never worked around */
			continue;
		}
		ctx->failure = (struct ph_failure){ 0 };
		ret = run_strategy(ctx, s, vol, what, now_ms() - t0, status);
		if (ret == 0)
			return PH_EXIT_OK;
		code = ret > 0 ? ret : provision_exit_code(&ctx->failure, ret);
		if (code == PH_EXIT_OUTPUT)
			return code; /* no other strategy can write either */
		if (severity(code) > severity(worst))
			worst = code;
		json_object_put(ctx->sources);
		ctx->sources = json_object_new_array();
		json_object_put(ctx->close_match);
		ctx->close_match = NULL;
		ctx->tree_counted = 0;
	}
	if (worst == PH_EXIT_NO_HEADERS && ctx->opts->offline)
		log_error("offline: no tree for %s in the cache directories or on the host, and --offline forbids the "
			  "network (tried %s)%s%s", ctx->kernel.release, ctx->opts->strategy_list, reasons[0] ? ": " : "",
			  reasons);
	else if (worst == PH_EXIT_NO_HEADERS)
		log_error("no strategy could provide headers for %s (tried %s)%s%s", ctx->kernel.release,
			  ctx->opts->strategy_list, reasons[0] ? ": " : "; see the errors above", reasons);
	return worst;
}

int provision_run(struct provision_ctx *ctx, json_object *status)
{
	const struct options *o = ctx->opts;
	char release_dir[PATH_MAX], rejected[256] = "";
	struct volume vol;
	int ret, waited, code;

	ret = volume_open(&vol, o->output, o->dry_run);
	if (ret < 0) {
		log_error("output %s: %s", o->output, strerror(-ret));
		return PH_EXIT_OUTPUT;
	}
	if (has_strategy(o, "cache") && !o->force && published_tree_ok(ctx, &vol, release_dir) &&
	    report_reuse(ctx, status, release_dir, rejected, sizeof(rejected))) {
		if (o->dry_run)
			return PH_EXIT_OK;
		/* A run killed right after publishing left its staging behind. */
		volume_tidy(&vol, ctx->kernel.release);
		return validated(ctx, status, release_dir, PH_EXIT_OK);
	}
	if (o->dry_run)
		return dry_run(ctx, status);

	ret = volume_lock(&vol, ctx->kernel.release, &waited);
	if (ret < 0) {
		log_error("output %s: cannot take %s/.lock: %s", o->output, o->output, strerror(-ret));
		return PH_EXIT_OUTPUT;
	}
	if (waited) {
		log_info("waited for another provisioner on %s", o->output);
		/* It may have published exactly what we need. */
		if (has_strategy(o, "cache") && published_tree_ok(ctx, &vol, release_dir) &&
		    report_reuse(ctx, status, release_dir, rejected, sizeof(rejected))) {
			volume_clean_staging(&vol, ctx->kernel.release);
			volume_close(&vol);
			return validated(ctx, status, release_dir, PH_EXIT_OK);
		}
	}
	ret = volume_clean_staging(&vol, ctx->kernel.release);
	if (ret < 0) {
		log_error("output %s: cannot clean %s/.staging: %s", o->output, o->output, strerror(-ret));
		volume_close(&vol);
		return PH_EXIT_OUTPUT;
	}
	/* The chain validated what it published (meets_require). */
	code = btfstep_open(ctx);
	if (code == PH_EXIT_OK)
		code = run_chain(ctx, &vol, status);
	btfstep_close(ctx);
	volume_clean_staging(&vol, ctx->kernel.release);
	volume_close(&vol);
	if (code != PH_EXIT_OK && rejected[0]) {
		/* The one line -q leaves must say why the published tree is not good enough. */
		log_error("the tree published for %s is not reused: %s, and no strategy built one that is",
			  ctx->kernel.release, rejected);
		if (code == PH_EXIT_NO_HEADERS)
			code = PH_EXIT_VALIDATION;
	}
	return code;
}
