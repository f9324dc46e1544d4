/* cache: a complete tree for this exact kernel in a warmed cache
 * (--cache-dir, e.g. baked into the image by `warm`): first the cache's
 * content-addressed store (lib/store: hardlinked from its objects when the
 * output is on the same filesystem, copied otherwise), then the older
 * layout <cache>/<release>/build; last --cache-url (strategies/cacheurl.c),
 * fetched into a local store and served from there the same way. The
 * output volume's own published tree is the fast path in provision.c. */
#include "strategies/context.h"
#include "util/fs.h"
#include "util/json.h"
#include "lib/output/manifest.h"
#include "util/path.h"
#include "strategies/strategy.h"
#include "lib/kernel/treecheck.h"
#include "lib/store/store.h"
#include "strategies/cacheurl.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The first cache dir holding a tree that passes the tree checks. */
static int find_cached_tree(struct provision_ctx *ctx, char release_dir[PATH_MAX])
{
	int i;

	for (i = 0; i < ctx->opts->n_cache_dirs; i++) {
		char build[PATH_MAX], why[PATH_MAX + 128];

		if (path_join(release_dir, ctx->opts->cache_dirs[i], ctx->kernel.release) < 0 ||
		    path_join(build, release_dir, "build") < 0)
			continue;
		if (fs_is_real_dir(release_dir) && treecheck_verify(build, &ctx->kernel, NULL, why, sizeof(why)) == 0)
			return 0;
	}
	return -ENOENT;
}

/* The first cache dir whose store indexes release (the tree itself is
 * checked while it is served), its use lock shared. (A --cache-url fetch
 * serves from a store whose writer lock it holds: prune cannot run.) */
static int find_stored_tree(struct provision_ctx *ctx, struct store *ret_store)
{
	struct store_tree t;
	int i;

	for (i = 0; i < ctx->opts->n_cache_dirs; i++) {
		if (store_open(ret_store, ctx->opts->cache_dirs[i], 0) < 0)
			continue;
		if (store_tree_entry(ret_store, ctx->kernel.release, &t) == 0 && strcmp(t.arch, ctx->kernel.arch) == 0) {
			char why[PATH_MAX + 128];
			/* Held until store_close: no prune removes the objects
			 * while they are linked out. */
			int ret = store_use_lock(ret_store, 0, STORE_READER_WAIT_S);

			if (ret == 0)
				return 0;
			store_use_lock_problem(ret_store, ret, why, sizeof(why));
			log_warn("cache: %s: the store is passed over", why);
		}
		store_close(ret_store);
	}
	return -ENOENT;
}

/* What store_serve checks is said in lib/store/tree.c: the list against
 * the index's hash, every tree file against the list (its object by inode,
 * its size), and a copy's content against its hash. The served tree then
 * passes the same tree check as any other (run_strategy). */
static int serve_stored(struct provision_ctx *ctx, struct store *s, const char *url, const char *build_dir, char *why,
			size_t whylen)
{
	char reason[PATH_MAX + 128];
	struct store_tree t;
	json_object *source;
	int linked = 0, ret;

	ret = store_serve(s, ctx->kernel.release, build_dir, &linked, &ctx->tree_files, &ctx->tree_bytes, reason,
			  sizeof(reason));
	if (ret < 0) {
		snprintf(why, whylen, "the stored tree of %s in %s is not served: %s (run cache verify)", ctx->kernel.release,
			 s->dir, reason);
		return ctx_fail(ctx, ret == -ENOSPC || ret == -EDQUOT || ret == -EROFS ? PH_FAIL_OUTPUT : PH_FAIL_VERIFY,
				ret);
	}
	ctx->tree_counted = 1;
	store_tree_entry(s, ctx->kernel.release, &t);
	ctx->exact = t.exact;
	source = json_object_new_object();
	json_object_object_add(source, "type", json_object_new_string("cache"));
	json_object_object_add(source, "path", json_object_new_string(s->dir));
	if (url)
		json_object_object_add(source, "url", json_object_new_string(url));
	json_object_object_add(source, "store", json_object_new_boolean(1));
	json_object_object_add(source, "linked", json_object_new_boolean(linked));
	json_object_object_add(source, "origin", json_object_new_string(t.origin));
	json_object_array_add(ctx->sources, source);
	if (url)
		snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "warmed cache %s through the store %s (%s; first from %s)",
			 url, s->dir, linked ? "hardlinked" : "copied", t.origin);
	else
		snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "store of warmed cache %s (%s; first from %s)", s->dir,
			 linked ? "hardlinked" : "copied", t.origin);
	return 0;
}

/* What the cache dirs lack, --cache-url may have; --offline never asks. */
static int remote_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	if (ctx->opts->offline) {
		log_info("cache: --cache-url %s not used: --offline forbids the network", ctx->opts->cache_url);
		snprintf(what, whatlen, "no tree for %s in the cache directories, and --offline keeps --cache-url from being "
			 "asked", ctx->kernel.release);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
	}
	return cacheurl_probe(ctx, what, whatlen);
}

static int cache_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	char dir[PATH_MAX];
	struct store s;

	if (ctx->opts->n_cache_dirs == 0 && ctx->opts->cache_url)
		return remote_probe(ctx, what, whatlen);
	if (ctx->opts->n_cache_dirs == 0) {
		snprintf(what, whatlen, "no tree published in the output volume and no --cache-dir given");
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
	}
	if (find_stored_tree(ctx, &s) == 0) {
		snprintf(what, whatlen, "the store of %s", s.dir);
		store_close(&s);
		return 0;
	}
	if (find_cached_tree(ctx, dir) < 0) {
		if (ctx->opts->cache_url)
			return remote_probe(ctx, what, whatlen);
		snprintf(what, whatlen, "no tree for %s in the cache directories", ctx->kernel.release);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
	}
	snprintf(what, whatlen, "%s", dir);
	return 0;
}

static int cache_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	char dir[PATH_MAX], src[PATH_MAX];
	json_object *cached = NULL, *source;
	struct store s;
	int ret;

	if (find_stored_tree(ctx, &s) == 0) {
		ret = serve_stored(ctx, &s, NULL, build_dir, why, whylen);
		store_close(&s);
		return ret;
	}
	ret = find_cached_tree(ctx, dir);
	if (ret < 0 && ctx->opts->cache_url && !ctx->opts->offline) {
		char tmp_dir[PATH_MAX];

		ret = cacheurl_fetch(ctx, &s, tmp_dir, why, whylen);
		if (ret < 0)
			return ret;
		ret = serve_stored(ctx, &s, ctx->opts->cache_url, build_dir, why, whylen);
		store_close(&s);
		/* A store for this run only goes (run_strategy would remove it with
		 * the work dir anyway); what was served by hardlink stays. */
		if (tmp_dir[0])
			fs_rm_rf(tmp_dir);
		return ret;
	}
	if (ret < 0) {
		snprintf(why, whylen, "the cached tree for %s disappeared", ctx->kernel.release);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
	}
	ret = path_join(src, dir, "build");
	if (ret < 0) {
		snprintf(why, whylen, "%s/build: %s", dir, strerror(-ret));
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
	}
	/* build_dir exists and is empty: clone into it entry by entry. */
	ret = fs_rm_rf(build_dir);
	if (ret == 0)
		ret = fs_clone_tree(src, build_dir);
	if (ret < 0) {
		snprintf(why, whylen, "cannot clone %s: %s", src, strerror(-ret));
		/* fs_clone_tree does not say which side failed: a full or
		 * read-only volume is the output's, anything else the cache's. */
		return ctx_fail(ctx, ret == -ENOSPC || ret == -EDQUOT || ret == -EROFS ? PH_FAIL_OUTPUT : PH_FAIL_NO_HEADERS,
				ret);
	}
	/* A cached tree is exact only when its manifest says so: a tree with
	 * no manifest, or one that does not say, is taken as approximate. */
	ctx->exact = 0;
	if (manifest_read(dir, &cached) == 0) {
		ctx->exact = json_get_bool(cached, "exact", 0);
		json_object_put(cached);
	}
	source = json_object_new_object();
	json_object_object_add(source, "type", json_object_new_string("cache"));
	json_object_object_add(source, "path", json_object_new_string(dir));
	json_object_array_add(ctx->sources, source);
	snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "warmed cache %s", dir);
	return 0;
}

const struct strategy strategy_cache = {
	.name = "cache",
	.probe = cache_probe,
	.provide = cache_provide,
};
