#include "strategies/cacheurl.h"

#include "lib/kernel/treecheck.h"
#include "lib/net/fetch.h"
#include "lib/pkgfetch/bodies.h"
#include "strategies/distro_state.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/path.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Downloads at once: objects are small, most of the time is round trips. */
#define CACHEURL_WORKERS 8
/* The index and a file list: a tree's list is ~1 MB, the index ~300
 * bytes a tree; parsed, a document takes some ten times its size. */
#define CACHEURL_MAX_DOC (16u << 20)

/* The index's SHA-256 given as URL#sha256=HEX, or NULL: the one thing
 * about a remote cache this run can know it did not come from whoever
 * answers (cli.c has checked its form). */
static const char *index_pin(const struct provision_ctx *ctx)
{
	const char *hash = strchr(ctx->opts->cache_url, '#');

	return hash && strncmp(hash, "#sha256=", 8) == 0 ? hash + 8 : NULL;
}

static int url_of(const struct provision_ctx *ctx, const char *rel, char *out, size_t outlen)
{
	const char *base = ctx->opts->cache_url, *hash = strchr(base, '#');
	size_t n = hash ? (size_t)(hash - base) : strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	if ((size_t)snprintf(out, outlen, "%.*s/%s", (int)n, base, rel) >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

static enum ph_fail fetch_kind(int err)
{
	switch (-err) {
	case EKEYREJECTED: case EBADMSG:
		return PH_FAIL_VERIFY;
	case ENOMEM:
		return PH_FAIL_INTERNAL;
	case ENOSPC: case EDQUOT: case EROFS: /* the local store: the output's filesystem, or a --cache-dir */
		return PH_FAIL_OUTPUT;
	case EFBIG:
		return PH_FAIL_BAD_INPUT;
	case ENOENT: case ECOMM: case EAGAIN: case ETIMEDOUT: case ETIME: case EACCES: case ELOOP: case ENOTSUP:
	case ECONNREFUSED: case EHOSTUNREACH: case ENETUNREACH: case EPIPE:
		return PH_FAIL_NETWORK;
	default:
		return PH_FAIL_INTERNAL;
	}
}

static void cacheurl_fetch_opts(struct provision_ctx *ctx, struct fetch_opts *fo)
{
	distro_fetch_opts(ctx, fo); /* timeouts, retries, deadline: as every download of a run */
	fo->progress = 0;            /* thousands of small bodies: no progress line each */
}

/* A whole document (the index, a file list) of at most CACHEURL_MAX_DOC
 * bytes; on failure why names the URL. The caller maps the error. */
static int fetch_document(struct provision_ctx *ctx, const char *url, char **ret_text, size_t *ret_len,
			  struct fetch_result *res, char *why, size_t whylen)
{
	struct fetch_opts fo;
	int ret;

	cacheurl_fetch_opts(ctx, &fo);
	why[0] = '\0';
	ret = fetch_to_memory(&fo, url, CACHEURL_MAX_DOC, ret_text, ret_len, res, why, whylen);
	if (ret < 0 && !why[0])
		snprintf(why, whylen, "%s: %s", url, strerror(-ret));
	return ret;
}

/* index.json, fetched and parsed once per context. */
static int load_index(struct provision_ctx *ctx, char *why, size_t whylen)
{
	struct fetch_result res;
	char url[2048], *text = NULL;
	json_object *idx, *trees;
	size_t len;
	int ret;

	if (ctx->cache_index)
		return 0;
	ret = url_of(ctx, "index.json", url, sizeof(url));
	if (ret < 0) {
		snprintf(why, whylen, "--cache-url %s: too long", ctx->opts->cache_url);
		return ctx_fail(ctx, PH_FAIL_BAD_INPUT, ret);
	}
	fetch_global_init();
	ret = fetch_document(ctx, url, &text, &len, &res, why, whylen);
	if (ret < 0)
		return ctx_fail(ctx, ret == -EFBIG ? PH_FAIL_BAD_INPUT : PH_FAIL_NETWORK, ret);
	if (index_pin(ctx) && strcmp(res.sha256, index_pin(ctx)) != 0) {
		free(text);
		snprintf(why, whylen, "%s: hash mismatch: it hashes to %s, the --cache-url pin says %s", url, res.sha256,
			 index_pin(ctx));
		return ctx_fail(ctx, PH_FAIL_VERIFY, -EKEYREJECTED);
	}
	idx = json_tokener_parse(text);
	free(text);
	if (!idx || !json_object_object_get_ex(idx, "trees", &trees) || !json_object_is_type(trees, json_type_object)) {
		json_object_put(idx);
		snprintf(why, whylen, "%s: not a cache index (malformed JSON, or no \"trees\" object)", url);
		return ctx_fail(ctx, PH_FAIL_BAD_INPUT, -EBADMSG);
	}
	ctx->cache_index = idx;
	return 0;
}

/* The kernel's entry in the index: its list's hash, same arch. */
static int index_entry(struct provision_ctx *ctx, json_object **ret_entry, const char **ret_list, char *why,
		       size_t whylen)
{
	json_object *trees, *e;
	const char *list, *arch;
	char url[2048];

	url_of(ctx, "index.json", url, sizeof(url));
	json_object_object_get_ex(ctx->cache_index, "trees", &trees);
	if (!json_object_object_get_ex(trees, ctx->kernel.release, &e)) {
		snprintf(why, whylen, "no tree for %s in the index of --cache-url %s", ctx->kernel.release, url);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
	}
	list = json_get_string(e, "list", "");
	arch = json_get_string(e, "arch", "");
	if (!json_object_is_type(e, json_type_object) || !store_is_sha(list)) {
		snprintf(why, whylen, "%s: the entry of %s is malformed (no file list hash)", url, ctx->kernel.release);
		return ctx_fail(ctx, PH_FAIL_BAD_INPUT, -EBADMSG);
	}
	if (strcmp(arch, ctx->kernel.arch) != 0) {
		snprintf(why, whylen, "the tree of %s in the index of --cache-url %s is for arch %s, not %s",
			 ctx->kernel.release, url, arch, ctx->kernel.arch);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
	}
	*ret_entry = e;
	*ret_list = list;
	return 0;
}

int cacheurl_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	json_object *e;
	const char *list;
	char url[2048];
	int ret;

	ret = load_index(ctx, what, whatlen);
	if (ret < 0)
		return ret;
	ret = index_entry(ctx, &e, &list, what, whatlen);
	if (ret < 0)
		return ret;
	url_of(ctx, "", url, sizeof(url));
	snprintf(what, whatlen, "--cache-url %s (file list %.12s)", url, list);
	return 0;
}

/* The first --cache-dir keeps what is fetched for the next run and the
 * next kernel. Without one (or when it cannot be written), the run's work
 * directory beside the staging tree does for this run: on the output's
 * filesystem, so the tree is published by hardlink, and removed with the
 * work directory whatever happens (a failure, SIGTERM). */
static int open_local_store(struct provision_ctx *ctx, struct store *s, char tmp_dir[PATH_MAX], char *why,
			    size_t whylen)
{
	int ret;

	tmp_dir[0] = '\0';
	if (ctx->opts->n_cache_dirs > 0) {
		ret = store_open(s, ctx->opts->cache_dirs[0], 1);
		if (ret == 0) {
			ret = store_lock(s);
			if (ret == 0)
				return 0;
			store_close(s);
		}
		log_info("cache: %s cannot take what --cache-url fetches (%s): using a store for this run only",
			 ctx->opts->cache_dirs[0], strerror(-ret));
	}
	ret = path_join(tmp_dir, ctx->work_dir, "store");
	if (ret == 0) {
		ret = store_open(s, tmp_dir, 1);
		if (ret == 0) {
			ret = store_lock(s);
			if (ret < 0)
				store_close(s);
		}
		if (ret < 0)
			fs_rm_rf(tmp_dir);
	}
	if (ret < 0) {
		snprintf(why, whylen, "cannot make a store for --cache-url in %s: %s", tmp_dir, strerror(-ret));
		tmp_dir[0] = '\0';
		return ctx_fail(ctx, ret == -ENOSPC || ret == -EDQUOT || ret == -EROFS ? PH_FAIL_OUTPUT : PH_FAIL_INTERNAL,
				ret);
	}
	return 0;
}

/* The list object, unless the local store has it: fetched whole (it is
 * parsed whole anyway), its hash checked before it is stored. */
static int fetch_list(struct provision_ctx *ctx, struct store *s, const char *sha, char *why, size_t whylen)
{
	struct fetch_result res;
	char url[2048], rel[80], got[65], *text = NULL;
	size_t len;
	int added, ret;

	if (store_has_object(s, sha))
		return 0;
	snprintf(rel, sizeof(rel), "objects/%c%c/%s", sha[0], sha[1], sha);
	url_of(ctx, rel, url, sizeof(url));
	ret = fetch_document(ctx, url, &text, &len, &res, why, whylen);
	if (ret < 0)
		return ctx_fail(ctx, fetch_kind(ret), ret == -ENOENT ? -ECOMM : ret);
	if (strcmp(res.sha256, sha) != 0) {
		free(text);
		snprintf(why, whylen, "%s: hash mismatch: the file list hashes to %s, the index names %s", url, res.sha256,
			 sha);
		return ctx_fail(ctx, PH_FAIL_VERIFY, -EKEYREJECTED);
	}
	ret = store_put_mem(s, text, len, got, &added);
	free(text);
	if (ret == 0 && strcmp(got, sha) != 0)
		ret = -EBADMSG; /* it changed between the two hashes: never */
	if (ret < 0) {
		snprintf(why, whylen, "%s: cannot store it in %s: %s", url, s->dir, strerror(-ret));
		return ctx_fail(ctx, ret == -EBADMSG ? PH_FAIL_VERIFY : PH_FAIL_INTERNAL, ret);
	}
	return 0;
}

/* The objects the list names that the local store lacks, each once. */
static int missing_objects(struct provision_ctx *ctx, struct store *s, const char *list_sha,
			   struct pkgfetch_body **ret_b, size_t *ret_n, size_t *ret_total, char *why, size_t whylen)
{
	json_object *list = NULL, *entries, *seen = NULL;
	struct pkgfetch_body *b = NULL;
	size_t i, n = 0, total = 0, len;
	char url[2048], inner[1024];
	int ret;

	url_of(ctx, "", url, sizeof(url));
	ret = store_read_list(s, list_sha, &list);
	if (ret < 0) {
		snprintf(why, whylen, "%sobjects/%c%c/%s: not a file list (%s)", url, list_sha[0], list_sha[1], list_sha,
			 ret == -EBADMSG ? "malformed" : strerror(-ret));
		return ctx_fail(ctx, ret == -EBADMSG ? PH_FAIL_BAD_INPUT : PH_FAIL_INTERNAL, ret);
	}
	/* Every row is checked before anything is fetched for it. */
	ret = store_list_check(list, inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "%sobjects/%c%c/%s: %s", url, list_sha[0], list_sha[1], list_sha, inner);
		ret = ctx_fail(ctx, PH_FAIL_BAD_INPUT, ret);
		goto out;
	}
	json_object_object_get_ex(list, "entries", &entries);
	len = json_object_array_length(entries);
	seen = json_object_new_object();
	b = calloc(len + 1, sizeof(*b));
	if (!b || !seen) {
		ret = ctx_fail(ctx, PH_FAIL_INTERNAL, -ENOMEM);
		goto out;
	}
	for (i = 0; i < len; i++) {
		json_object *row = json_object_array_get_idx(entries, i);
		json_object *sz = json_object_array_get_idx(row, 3);
		const char *sha = json_object_get_string(json_object_array_get_idx(row, 2));

		/* store_list_check made sure of the types, hashes and sizes. */
		if (strcmp(json_object_get_string(json_object_array_get_idx(row, 0)), "f") != 0)
			continue;
		if (json_object_object_get_ex(seen, sha, NULL))
			continue;
		json_object_object_add(seen, sha, NULL);
		total++;
		if (store_has_object(s, sha))
			continue;
		snprintf(b[n].url, sizeof(b[n].url), "%sobjects/%c%c/%s", url, sha[0], sha[1], sha);
		memcpy(b[n].sha256, sha, 65);
		b[n].size = (unsigned long long)json_object_get_int64(sz);
		n++;
	}
	*ret_b = b;
	*ret_n = n;
	*ret_total = total;
	b = NULL;
out:
	free(b);
	json_object_put(seen);
	json_object_put(list);
	return ret;
}

/* Objects stream into store writers; the store checks each hash. */
static int op_open(void *data, const struct pkgfetch_body *b, void **ret_w)
{
	(void)b;
	return store_writer_new(data, (struct store_writer **)ret_w);
}

static int op_write(void *w, const void *buf, size_t len)
{
	return store_writer_write(w, buf, len);
}

static int op_commit(void *data, const struct pkgfetch_body *b, void *w, char got[65])
{
	int added, ret;

	(void)data;
	ret = store_writer_commit(w, b->sha256, b->size, got, &added);
	store_writer_free(w);
	return ret;
}

static void op_discard(void *data, void *w)
{
	(void)data;
	store_writer_free(w);
}

static void note(void *data, int warning, const char *fmt, ...)
{
	va_list ap;

	(void)data;
	va_start(ap, fmt);
	distro_vnote("cache", warning, fmt, ap);
	va_end(ap);
}

/* Is the tree of this list in the local store already, and whole? */
static int already_stored(struct provision_ctx *ctx, struct store *s, const char *list_sha)
{
	struct store_tree t;
	char why[512];

	return store_tree_entry(s, ctx->kernel.release, &t) == 0 && strcmp(t.list, list_sha) == 0 &&
	       strcmp(t.arch, ctx->kernel.arch) == 0 && store_tree_check(s, ctx->kernel.release, why, sizeof(why)) == 0;
}

static enum ph_fail adopt_fail_kind(int err)
{
	switch (-err) {
	case EBADMSG: case ENAMETOOLONG: case EMLINK: case ELOOP:
		return PH_FAIL_BAD_INPUT;
	case ENOSPC: case EDQUOT: case EROFS:
		return PH_FAIL_OUTPUT;
	default:
		return PH_FAIL_INTERNAL;
	}
}

/* Builds the fetched tree in the local store. What the index says of the
 * tree (exact, level) is believed only when the index is pinned: anyone
 * who can answer for the URL can write it. The tree must then pass the
 * tree check here, or it is dropped from the store again: a tree that
 * cannot be served is never kept to fail every later run. */
static int adopt(struct provision_ctx *ctx, struct store *s, const char *list_sha, json_object *entry, char *why,
		 size_t whylen)
{
	char origin[2048 + 64], build[PATH_MAX], inner[1024];
	const char *pin = index_pin(ctx);
	struct store_tree_info info = { .release = ctx->kernel.release, .arch = ctx->kernel.arch, .origin = origin };
	int ret;

	url_of(ctx, "", build, sizeof(build));
	snprintf(origin, sizeof(origin), "cache-url %s%s", build, pin ? " (index pinned)" : "");
	if (pin) {
		info.exact = json_get_bool(entry, "exact", 0);
		info.level = json_get_string(entry, "level", info.exact ? "exact" : "close-match");
		if (strcmp(info.level, "exact") != 0 && strcmp(info.level, "btf-corrected") != 0)
			info.level = "close-match";
		info.exact = info.exact && strcmp(info.level, "exact") == 0;
	} else {
		info.level = "close-match";
		if (json_get_bool(entry, "exact", 0) || strcmp(json_get_string(entry, "level", ""), "close-match") != 0)
			log_info("cache: the index of %s says %s is %s; without a pin (--cache-url URL#sha256=HASH of "
				 "index.json) that is not believed: it is taken as a close match", build, ctx->kernel.release,
				 json_get_string(entry, "level", "exact"));
	}
	ret = store_adopt_tree(s, list_sha, &info, inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "the tree of %s from --cache-url %s cannot be built in %s: %s", ctx->kernel.release,
			 build, s->dir, inner);
		return ctx_fail(ctx, adopt_fail_kind(ret), ret);
	}
	ret = path_format(build, "%s/trees/%s/build", s->dir, ctx->kernel.release);
	if (ret == 0)
		ret = treecheck_verify(build, &ctx->kernel, NULL, inner, sizeof(inner)) < 0 ? -EBADMSG : 0;
	if (ret < 0) {
		store_forget_tree(s, ctx->kernel.release);
		url_of(ctx, "", build, sizeof(build));
		snprintf(why, whylen, "the tree of %s from --cache-url %s is not a tree for this kernel: %s (dropped from %s)",
			 ctx->kernel.release, build, inner, s->dir);
		return ctx_fail(ctx, PH_FAIL_BAD_INPUT, ret);
	}
	return 0;
}

int cacheurl_fetch(struct provision_ctx *ctx, struct store *s, char tmp_dir[PATH_MAX], char *why, size_t whylen)
{
	struct pkgfetch_body_ops ops = { .open = op_open, .write = op_write, .commit = op_commit,
					 .discard = op_discard, .note = note };
	struct pkgfetch_body *b = NULL;
	struct fetch_opts fo;
	json_object *entry;
	const char *list;
	char list_sha[65];
	size_t n = 0, total = 0;
	int ret;

	ret = load_index(ctx, why, whylen);
	if (ret == 0)
		ret = index_entry(ctx, &entry, &list, why, whylen);
	if (ret < 0)
		return ret;
	memcpy(list_sha, list, 65);
	ret = open_local_store(ctx, s, tmp_dir, why, whylen);
	if (ret < 0)
		return ret;
	if (already_stored(ctx, s, list_sha))
		return 0; /* another run fetched it while this one waited for the lock */
	ret = fetch_list(ctx, s, list_sha, why, whylen);
	if (ret == 0)
		ret = missing_objects(ctx, s, list_sha, &b, &n, &total, why, whylen);
	if (ret < 0)
		goto fail;
	log_info("cache: fetching %zu of the %zu objects of %s from %s (the local store %s has the rest)", n, total,
		 ctx->kernel.release, ctx->opts->cache_url, s->dir);
	ops.data = s;
	cacheurl_fetch_opts(ctx, &fo);
	ret = pkgfetch_bodies(&fo, CACHEURL_WORKERS, b, n, &ops, why, whylen);
	free(b);
	if (ret < 0) {
		ctx_fail(ctx, fetch_kind(ret), ret);
		goto fail;
	}
	ret = adopt(ctx, s, list_sha, entry, why, whylen);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	store_close(s);
	if (tmp_dir[0])
		fs_rm_rf(tmp_dir);
	tmp_dir[0] = '\0';
	return ret;
}
