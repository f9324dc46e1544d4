#include "tool/validate.h"

#include "strategies/context.h"
#include "tool/exitcodes.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "lib/output/manifest.h"
#include "util/path.h"
#include "lib/runnerexec/runnerexec.h"
#include "lib/btf/btfload.h"

#include <bpf/btf.h>
#include <unistd.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const require_names[] = { "none", "no-mismatch", "validated", "btf-corrected", "exact" };

int validate_parse_require(const char *s, enum require_level *ret)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(require_names); i++)
		if (strcmp(s, require_names[i]) == 0) {
			*ret = (enum require_level)i;
			return 0;
		}
	return -EINVAL;
}

int validate_tree_meets(enum require_level level, int exact, const char *verdict, char *why, size_t whylen)
{
	if (level >= REQUIRE_EXACT && exact != 1) {
		snprintf(why, whylen, "the tree is approximate (a close match%s) and --require %s asks for an exact one",
			 exact == 2 ? " corrected from BTF" : "", require_names[level]);
		return -1;
	}
	if (level >= REQUIRE_BTF_CORRECTED && exact == 0) {
		snprintf(why, whylen,
			 "the tree is a close match not corrected from the kernel's BTF and --require %s asks for at least that",
			 require_names[level]);
		return -1;
	}
	if (level >= REQUIRE_NO_MISMATCH && verdict &&
	    (strcmp(verdict, "mismatch") == 0 || strcmp(verdict, "compile-failed") == 0)) {
		snprintf(why, whylen, "its validation verdict is %s and --require %s does not allow that", verdict,
			 require_names[level]);
		return -1;
	}
	return 0;
}

/* The runner reads raw BTF only: an archive (BTFHub's <release>.btf.tar.xz)
 * is written out as the BTF the correction used, into a private file
 * under $TMPDIR that the caller removes. */
static int raw_btf(const struct provision_ctx *ctx, const char *file, char out[PATH_MAX], char *why, size_t whylen)
{
	struct btf *own = NULL;
	char err[256];
	int ret;

	if (!ctx->btf) {
		ret = btfload_open(file, &own, err, sizeof(err));
		if (ret < 0) {
			snprintf(why, whylen, "--btf %s: %s", file, err);
			return ret;
		}
	}
	ret = btfload_write_raw(ctx->btf ? ctx->btf : own, path_tmpdir(), out);
	btf__free(own);
	if (ret < 0)
		snprintf(why, whylen, "cannot write the BTF of %s for the runner into %s (set TMPDIR to a writable directory): %s",
			 file, path_tmpdir(), strerror(-ret));
	return ret;
}

static int run_runner(const struct provision_ctx *ctx, const char *tree, json_object **ret, char *why, size_t whylen)
{
	const char *btf = ctx->opts->btf_file;
	char raw[PATH_MAX] = "";
	struct runner_cmd cmd = { .runner = ctx->opts->runner,
				  .bpf_dir = ctx->opts->bpf_dir,
				  .quiet = log_get_level() < LOG_INFO };
	int r;

	if (btf && btfload_is_archive(btf)) {
		r = raw_btf(ctx, btf, raw, why, whylen);
		if (r < 0)
			return r;
		btf = raw;
	}
	{
		const char *args[] = { "--tree", tree, btf ? "--btf" : NULL, btf, NULL };

		r = runner_exec(&cmd, args, ret, why, whylen);
	}
	if (raw[0])
		unlink(raw);
	return r;
}

/* Replaces the manifest's "validation" by result, atomically. */
static int record(const char *release_dir, json_object *result)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	json_object *m = NULL;
	const char *text;
	int ret = manifest_read(release_dir, &m);

	if (ret < 0)
		return ret;
	json_object_object_add(m, "validation", json_object_get(result));
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	ret = path_join(path, release_dir, "manifest.json");
	if (ret == 0)
		ret = path_join(tmp, release_dir, ".manifest.json.tmp");
	if (ret == 0)
		ret = fs_write_file(tmp, text, strlen(text));
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	json_object_put(m);
	return ret;
}


/* exact: 1 exact, 2 a close match corrected from BTF, 0 a close match. */
static int decide(const struct provision_ctx *ctx, json_object *result, int exact)
{
	const char *verdict = json_get_string(result, "verdict", NULL);
	enum require_level req = ctx->opts->require;
	json_object *mm;

	if (!verdict)
		verdict = "not-validated";
	if (strcmp(verdict, "mismatch") == 0) {
		char names[1024] = "";
		size_t i;

		/* A recorded result comes from the volume: check every type. */
		if (json_object_object_get_ex(result, "mismatches", &mm) && json_object_is_type(mm, json_type_array))
			for (i = 0; i < json_object_array_length(mm); i++) {
				json_object *name = json_object_array_get_idx(mm, i);

				if (!json_object_is_type(name, json_type_string))
					continue;
				strncat(names, " ", sizeof(names) - strlen(names) - 1);
				strncat(names, json_object_get_string(name), sizeof(names) - strlen(names) - 1);
			}
		log_error("validation: the headers are WRONG for this kernel:%s", names);
		return req >= REQUIRE_NO_MISMATCH ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	if (strcmp(verdict, "compile-failed") == 0) {
		log_error("validation: the probes do not compile against the tree");
		return req >= REQUIRE_NO_MISMATCH ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	if (strcmp(verdict, "ok") != 0) {
		const char *why = json_get_string(result, "cannot_validate", NULL);

		log_warn("validation: not validated: %s", why ? why : "no result");
		return req >= REQUIRE_VALIDATED ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	if (exact == 2) {
		log_info("validation: close match corrected from the kernel's BTF, no mismatch found");
		return req >= REQUIRE_EXACT ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	if (!exact) {
		log_info("validation: close match, no mismatch found");
		return req >= REQUIRE_BTF_CORRECTED ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	log_info("validation: exact headers, every check passed");
	return PH_EXIT_OK;
}

int validate_published(struct provision_ctx *ctx, const char *release_dir)
{
	char tree[PATH_MAX], why[PATH_MAX + 128];
	json_object *m = NULL, *prev, *ex, *result = NULL;
	int exact = 1, ret, code;

	if (path_join(tree, release_dir, "build") < 0)
		return PH_EXIT_INTERNAL;
	if (!ctx->kernel.running) {
		/* Probes can only be checked against the kernel they run on. */
		result = json_object_new_object();
		json_object_object_add(result, "verdict", json_object_new_string("not-validated"));
		snprintf(why, sizeof(why), "the tree is for %s, not for the running kernel", ctx->kernel.release);
		json_object_object_add(result, "cannot_validate", json_object_new_string(why));
		record(release_dir, result);
		code = decide(ctx, result, 1);
		json_object_put(result);
		return code;
	}
	if (manifest_read(release_dir, &m) == 0) {
		if (json_object_object_get_ex(m, "exact", &ex))
			exact = json_object_is_type(ex, json_type_boolean) && json_object_get_boolean(ex);
		if (!exact && json_get_string(m, "level", NULL) && strcmp(json_get_string(m, "level", NULL), "btf-corrected") == 0)
			exact = 2;
		if (json_object_object_get_ex(m, "validation", &prev) && prev && json_get_string(prev, "verdict", NULL) &&
		    strcmp(json_get_string(prev, "verdict", NULL), "not-validated") != 0) {
			log_info("validation: reusing the result recorded in %s/manifest.json", release_dir);
			code = decide(ctx, prev, exact);
			json_object_put(m);
			return code;
		}
		json_object_put(m);
	}
	log_info("validation: running the BCC runner on %s", tree);
	ret = run_runner(ctx, tree, &result, why, sizeof(why));
	if (ret < 0) {
		log_error("validation: %s", why);
		return ctx->opts->require >= REQUIRE_VALIDATED ? PH_EXIT_VALIDATION : PH_EXIT_OK;
	}
	ret = record(release_dir, result);
	if (ret < 0)
		log_warn("validation: cannot record the result in %s/manifest.json: %s", release_dir, strerror(-ret));
	code = decide(ctx, result, exact);
	json_object_put(result);
	return code;
}
