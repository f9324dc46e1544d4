/* kheaders: the kernel's own headers from /sys/kernel/kheaders.tar.xz
 * (CONFIG_IKHEADERS), loading the kheaders module with libkmod when the
 * file is not there yet. Exact by construction. Extracted straight from
 * the xz stream, hashed on the way, never copied first. */
#include "lib/kernel/configsrc.h"
#include "strategies/context.h"
#include "util/fs.h"
#include "lib/net/sha256.h"
#include "util/log.h"
#include "lib/kernel/modload.h"
#include "util/path.h"
#include "strategies/strategy.h"
#include "lib/archive/unpack.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KHEADERS "/sys/kernel/kheaders.tar.xz"

/* Under the host root; for the running kernel, the container's own /sys
 * describes the same kernel when the host's is not mounted. */
static int kheaders_open(const struct provision_ctx *ctx)
{
	return ctx->kernel.running ? hostroot_open_runtime(&ctx->hr, KHEADERS, O_RDONLY)
				   : hostroot_open(&ctx->hr, KHEADERS, O_RDONLY);
}

/* The archive's path for messages; 0 when it is a regular file, opened
 * confined to the host root (a symlink out of the root finds nothing). */
static int kheaders_path(const struct provision_ctx *ctx, char out[PATH_MAX])
{
	int r = ctx->kernel.running ? hostroot_runtime_path(&ctx->hr, KHEADERS, out)
				    : hostroot_path(&ctx->hr, KHEADERS, out);
	int fd = r < 0 ? r : kheaders_open(ctx);
	struct stat st;

	if (fd < 0)
		return fd;
	r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -ENOENT;
	close(fd);
	return r;
}

static int kheaders_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	char path[PATH_MAX], why[PATH_MAX + 256];
	int r;

	if (kheaders_path(ctx, path) == 0) {
		snprintf(what, whatlen, "%s", path);
		return 0;
	}
	r = modload_check(&ctx->hr, ctx->kernel.release, "kheaders", why, sizeof(why));
	if (r < 0) {
		snprintf(what, whatlen, "no %s%s, and %s", hostroot_prefix(&ctx->hr), KHEADERS, why);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, r);
	}
	snprintf(what, whatlen, "%s%s once the kheaders module is loaded", hostroot_prefix(&ctx->hr),
		 KHEADERS);
	return 0;
}

static json_object *add_source(struct provision_ctx *ctx, const char *type, const char *path)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "path", json_object_new_string(hostroot_host_view(&ctx->hr, path)));
	json_object_array_add(ctx->sources, o);
	return o;
}

/* kheaders carries no .config: the kernel's config source provides it,
 * loading the configs module for /proc/config.gz when there is none. */
static int write_config(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	char dest[PATH_MAX], mod_why[PATH_MAX] = "";
	char *text = NULL;
	size_t len = 0;
	int r, loaded;

	if (!ctx->kernel.config_source && ctx->kernel.running) {
		r = modload_insert(&ctx->hr, ctx->kernel.release, "configs", &loaded, mod_why, sizeof(mod_why));
		if (r == 0) {
			kernel_find_config(&ctx->hr, &ctx->kernel);
			snprintf(mod_why, sizeof(mod_why), "the configs module is in the kernel, but there is no "
				 "/proc/config.gz, /boot/config-%s or /lib/modules/%s/config", ctx->kernel.release,
				 ctx->kernel.release);
		} else if (!mod_why[0]) {
			snprintf(mod_why, sizeof(mod_why), "loading configs failed: %s", strerror(-r));
		}
		if (!ctx->kernel.config_source)
			log_info("kheaders: no kernel config to add as .config (%s)", mod_why);
	}
	if (!ctx->kernel.config_source)
		return 0;
	r = configsrc_read(&ctx->hr, &ctx->kernel, &text, &len);
	if (r < 0) {
		snprintf(why, whylen, "cannot read the kernel config %s: %s", ctx->kernel.config_path, strerror(-r));
		/* Malformed is bad input; unreadable (EACCES, gone) is not. */
		return ctx_fail(ctx, r == -EILSEQ ? PH_FAIL_BAD_INPUT : PH_FAIL_NO_HEADERS, r);
	}
	r = path_join(dest, build_dir, ".config");
	if (r == 0)
		r = fs_write_file(dest, text, len);
	free(text);
	if (r < 0) {
		snprintf(why, whylen, "output volume: cannot write %s: %s", dest, strerror(-r));
		return ctx_fail(ctx, PH_FAIL_OUTPUT, r);
	}
	add_source(ctx, "config", ctx->kernel.config_path);
	return 0;
}

/* Streams the archive into build_dir, hashing it on the way. */
static int extract(struct provision_ctx *ctx, const char *path, const char *build_dir, char *why, size_t whylen)
{
	struct unpack_opts opts = { .max_bytes = ctx->opts->max_tree_bytes, .max_entries = UNPACK_DEFAULT_MAX_ENTRIES };
	struct unpack_stats st;
	unsigned long long raw = 0;
	struct sha256 *hash = sha256_new();
	struct unpack_stream *stream = NULL;
	char hex[65], inner[PATH_MAX + 256];
	json_object *src;
	int fd, r;

	if (!hash)
		return ctx_fail(ctx, PH_FAIL_INTERNAL, -ENOMEM);
	fd = kheaders_open(ctx);
	if (fd < 0) {
		r = ctx_fail(ctx, PH_FAIL_NO_HEADERS, fd);
		snprintf(why, whylen, "cannot open %s: %s", path, strerror(-r));
		sha256_free(hash);
		return r;
	}
	r = unpack_stream_open_fd(fd, hash, &raw, &stream, inner, sizeof(inner));
	if (r == 0) {
		char stream_why[512];
		int closed;

		r = unpack_archive(unpack_stream_archive(stream), build_dir, &opts, &st, inner, sizeof(inner));
		/* A decompression failure explains a truncated archive better. */
		closed = unpack_stream_close(stream, stream_why, sizeof(stream_why));
		if (closed < 0 && (r == 0 || r == -EILSEQ)) {
			r = closed;
			snprintf(inner, sizeof(inner), "%s", stream_why);
		}
	}
	if (r < 0) {
		snprintf(why, whylen, "%s: %s", path, inner);
		ctx_fail(ctx, ph_fail_unpacking(r), r);
	}
	close(fd);
	if (r == 0) {
		sha256_final_hex(hash, hex);
		src = add_source(ctx, "kheaders", path);
		json_object_object_add(src, "size", json_object_new_int64((int64_t)raw));
		json_object_object_add(src, "sha256", json_object_new_string(hex));
		json_object_object_add(src, "files", json_object_new_int64((int64_t)st.files));
		json_object_object_add(src, "unpacked_bytes", json_object_new_int64((int64_t)st.bytes));
		log_info("kheaders: extracted %llu files (%llu bytes) from %s (%llu bytes, sha256 %s)", st.files,
			 st.bytes, path, raw, hex);
	}
	sha256_free(hash);
	return r;
}

static int kheaders_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	char path[PATH_MAX], mod_why[PATH_MAX + 256] = "", unload_why[256] = "";
	int r, loaded = 0;

	if (kheaders_path(ctx, path) < 0) {
		log_info("kheaders: loading the kheaders module");
		r = modload_insert(&ctx->hr, ctx->kernel.release, "kheaders", &loaded, mod_why, sizeof(mod_why));
		if (r < 0) {
			snprintf(why, whylen, "%s", mod_why);
			return ctx_fail(ctx, PH_FAIL_NO_HEADERS, r);
		}
		if (kheaders_path(ctx, path) < 0) {
			snprintf(why, whylen, "module kheaders is loaded but %s did not appear", KHEADERS);
			r = ctx_fail(ctx, PH_FAIL_NO_HEADERS, -ENOENT);
			goto out;
		}
	}
	r = extract(ctx, path, build_dir, why, whylen);
	if (r == 0)
		r = write_config(ctx, build_dir, why, whylen);
	if (r == 0) {
		ctx->exact = 1;
		snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "%s%s", hostroot_host_view(&ctx->hr, path),
			 loaded ? " (kheaders module loaded by this run)" : "");
	}
out:
	if (loaded && ctx->opts->unload_kheaders) {
		if (modload_remove(&ctx->hr, ctx->kernel.release, "kheaders", unload_why, sizeof(unload_why)) < 0)
			log_warn("kheaders: %s", unload_why);
		else
			log_info("kheaders: unloaded the kheaders module again (--unload-kheaders)");
	}
	return r;
}

const struct strategy strategy_kheaders = {
	.name = "kheaders",
	.probe = kheaders_probe,
	.provide = kheaders_provide,
};
