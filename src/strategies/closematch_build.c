#include "strategies/closematch_build.h"

#include "lib/distro/distrodef.h"
#include "lib/kernel/configsrc.h"
#include "lib/store/store.h"
#include "strategies/context.h"
#include "strategies/distro.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int closematch_build_inputs(struct provision_ctx *ctx, struct cm_inputs *in, char *why, size_t whylen)
{
	char data_dir[PATH_MAX];
	int ret;

	memset(in, 0, sizeof(*in));
	distrodef_data_dir(ctx->opts->data_dir, data_dir);
	path_join(in->patches, data_dir, "patches");
	in->renames = fs_read_text_at(data_dir, "patches/kconfig-renames", 1 << 20);
	in->implied = fs_read_text_at(data_dir, "patches/kconfig-implied", 1 << 20);
	if (!ctx->kernel.config_source) {
		log_warn("close-match: no config for %s (no /proc/config.gz, /boot/config-%s): the candidate's configuration stays",
			 ctx->kernel.release, ctx->kernel.release);
		return 0;
	}
	ret = configsrc_read(&ctx->hr, &ctx->kernel, &in->config, NULL);
	if (ret < 0)
		snprintf(why, whylen, "cannot read the kernel config %s: %s", ctx->kernel.config_path, strerror(-ret));
	return ret;
}

void closematch_build_inputs_free(struct cm_inputs *in)
{
	free(in->config);
	free(in->renames);
	free(in->implied);
	memset(in, 0, sizeof(*in));
}

/* A tree of a warmed cache's store, served as the cache strategy serves
 * one: hardlinks to the objects, each checked against the tree's list. */
static int serve_from_store(const struct cm_candidate *c, struct cm_build *b, char *why, size_t whylen)
{
	unsigned long long files, bytes;
	char inner[PATH_MAX + 128] = "";
	struct store s;
	int linked, ret;

	if (mkdir(b->tree, 0755) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot prepare %s: %s", b->tree, strerror(-ret));
		return ret;
	}
	ret = store_open(&s, c->build, 0);
	if (ret < 0) {
		snprintf(why, whylen, "the store of %s: %s", c->build, strerror(-ret));
		return ret;
	}
	ret = store_use_lock(&s, 0, STORE_READER_WAIT_S);
	if (ret < 0) {
		store_use_lock_problem(&s, ret, why, whylen);
		store_close(&s);
		/* A store being pruned has no tree to give now: not a network
		 * error, as a timeout would read. */
		return ret == -ETIMEDOUT ? -ENOENT : ret;
	}
	ret = store_serve(&s, c->release, b->tree, &linked, &files, &bytes, inner, sizeof(inner));
	store_close(&s);
	if (ret < 0) {
		snprintf(why, whylen, "the stored tree of %s in %s is not served: %s (run cache verify)", c->release, c->build,
			 inner);
		return ret;
	}
	log_info("close-match: %s served from the store of %s (%llu files, %s)", c->release, c->build, files,
		 linked ? "hardlinked" : "copied");
	return 0;
}

/* The candidate's tree, as it is: downloaded, served from a store, or
 * cloned with hardlinks. */
static int make_tree(struct provision_ctx *ctx, const struct cm_candidate *c, struct cm_build *b, char *why,
		     size_t whylen)
{
	char work[PATH_MAX], inner[1024] = "";
	int ret;

	if (c->from_store)
		return serve_from_store(c, b, why, whylen);
	if (!c->from_repo) {
		ret = fs_clone_tree(c->build, b->tree);
		if (ret < 0)
			snprintf(why, whylen, "cannot clone %s: %s", c->build, strerror(-ret));
		return ret;
	}
	if (path_format(work, "%s/fetch%zu", ctx->work_dir, b->cand) < 0) {
		snprintf(why, whylen, "%s: %s", ctx->work_dir, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (mkdir(work, 0700) < 0 || mkdir(b->tree, 0755) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot prepare %s: %s", work, strerror(-ret));
		fs_rm_rf(work);
		return ret;
	}
	ret = distro_fetch_candidate(ctx, c->release, work, b->tree, b->fetched, inner, sizeof(inner));
	if (ret < 0)
		snprintf(why, whylen, "%s: %s", c->release, inner);
	fs_rm_rf(work);
	return ret;
}

int closematch_build(struct provision_ctx *ctx, const struct cm_inputs *in, const struct cm_candidate *c, size_t cand,
		     struct cm_build *b, char *why, size_t whylen)
{
	char inner[1024] = "";
	int ret;

	memset(b, 0, sizeof(*b));
	b->cand = cand;
	b->rewritten = json_object_new_array();
	b->fetched = json_object_new_array();
	if (!b->rewritten || !b->fetched) {
		closematch_build_free(b);
		return -ENOMEM;
	}
	if (path_format(b->tree, "%s/cand%zu", ctx->work_dir, cand) < 0) {
		snprintf(why, whylen, "%s: %s", ctx->work_dir, strerror(ENAMETOOLONG));
		closematch_build_free(b);
		return -ENAMETOOLONG;
	}
	ret = make_tree(ctx, c, b, why, whylen);
	if (ret == 0) {
		ret = cm_rewrite(b->tree, &ctx->kernel, in->config, in->renames, in->implied, in->patches, c->version_code,
				 b->rewritten, inner, sizeof(inner));
		if (ret < 0)
			snprintf(why, whylen, "%s: %s", c->release, inner);
	}
	if (ret < 0) {
		fs_rm_rf(b->tree);
		closematch_build_free(b);
	}
	return ret;
}

void closematch_build_free(struct cm_build *b)
{
	json_object_put(b->rewritten);
	json_object_put(b->fetched);
	b->rewritten = b->fetched = NULL;
}
