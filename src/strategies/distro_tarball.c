/* The tarball back end of the distro strategy: distributions that
 * publish one kernel headers tarball per build rather than packages
 * (Container-Optimized OS: its BUILD_ID names the tarball). The URL is
 * the data file's template (lib/distro/urltemplate.c; --mirror replaces
 * its base), the checksum file beside it is checked when published, the
 * tarball streams through the shared download pipeline (distro.c,
 * lib/pkgfetch) into libarchive, and the tree's configuration must be
 * the host's own: the tarball alone never decides it. */
#include "lib/archive/tarball.h"
#include "lib/distro/urltemplate.h"
#include "lib/kconfig/compare.h"
#include "lib/kconfig/parse.h"
#include "lib/kernel/configsrc.h"
#include "strategies/context.h"
#include "strategies/distro_state.h"
#include "util/confine.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct distro_tarball {
	char url[2048], base[2048], file[512];
	char sum_url[2048];
	char sha256[65];
	char sum_read[2048]; /* the checksum URL read last, and what it held: probe and provide plan twice */
	char sum_digest[65];
	json_object *sources; /* the checksum file read */
};

/* The first --mirror that is a lone URL (apt sources in the same
 * configuration are for the fleet's apt hosts), or "". */
static void mirror_base(const struct provision_ctx *ctx, char *out, size_t len)
{
	const char *m = "";
	int i;

	for (i = 0; i < ctx->opts->n_mirrors && !*m; i++)
		if (urltemplate_mirror_is_base(ctx->opts->mirrors[i]))
			m = ctx->opts->mirrors[i];
	while (*m == ' ' || *m == '\t')
		m++;
	snprintf(out, len, "%.*s", (int)strcspn(m, " \t"), m);
}

static int tarball_read_indexes(struct provision_ctx *ctx, struct distro_state *st)
{
	struct distro_tarball *t = calloc(1, sizeof(*t));

	if (!t || !(t->sources = json_object_new_array())) {
		free(t);
		return -ENOMEM;
	}
	st->tarball = t;
	st->index_sources = t->sources;
	st->n_sources = 1;
	if (ctx->kernel.have_distro && (ctx->kernel.distro.too_long & OS_RELEASE_BUILD_ID)) {
		snprintf(st->index_why, sizeof(st->index_why), "%s: the host's os-release has a BUILD_ID longer than %zu bytes: refused",
			 st->def.file, sizeof(ctx->kernel.distro.build_id) - 1);
		return -ENOENT;
	}
	if (!ctx->kernel.have_distro || !ctx->kernel.distro.build_id[0]) {
		snprintf(st->index_why, sizeof(st->index_why), "%s: no BUILD_ID in the host's os-release to name the headers tarball",
			 st->def.file);
		return -ENOENT;
	}
	return 0;
}

/* The checksum file beside the tarball: 0 with t->sha256, or 0 with it
 * empty (and one line saying so) when none is published. */
static int read_checksum(struct provision_ctx *ctx, struct distro_state *st, const struct url_vars *v,
			 char *why, size_t whylen)
{
	struct distro_tarball *t = st->tarball;
	struct fetch_result res;
	struct fetch_opts fo;
	char inner[1024] = "", *body = NULL;
	size_t len = 0;
	int ret;

	t->sha256[0] = '\0';
	if (!st->def.checksum_url_template[0]) {
		log_warn("distro: %s publishes no checksum (no checksum_url_template in %s): not verified", t->url, st->def.file);
		return 0;
	}
	ret = urltemplate_expand(st->def.checksum_url_template, v, NULL, t->sum_url, sizeof(t->sum_url), inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "%s: checksum_url_template: %s", st->def.file, ret == -EINVAL ? inner : strerror(-ret));
		return -EINVAL;
	}
	if (strcmp(t->sum_read, t->sum_url) == 0) {
		snprintf(t->sha256, sizeof(t->sha256), "%s", t->sum_digest);
		return 0;
	}
	distro_fetch_opts(ctx, &fo);
	fo.progress = 0;
	ret = fetch_to_memory(&fo, t->sum_url, 4096, &body, &len, &res, inner, sizeof(inner));
	if (ret == -ENOENT) {
		log_warn("distro: no checksum published at %s: %s is not verified", t->sum_url, t->url);
		snprintf(t->sum_read, sizeof(t->sum_read), "%s", t->sum_url);
		t->sum_digest[0] = '\0';
		return 0;
	}
	if (ret < 0) {
		snprintf(why, whylen, "%s", inner);
		st->network_failures++;
		snprintf(st->last_network_error, sizeof(st->last_network_error), "%s", inner);
		return ret == -EFBIG ? -EKEYREJECTED : ret;
	}
	ret = urltemplate_parse_sha256(body, len, t->file, t->sha256);
	free(body);
	if (ret < 0) {
		snprintf(why, whylen, ret == -ENOENT ? "%s: no single checksum line for %s" : "%s: not a SHA-256 checksum file%s",
			 t->sum_url, ret == -ENOENT ? t->file : "");
		return -EKEYREJECTED;
	}
	snprintf(t->sum_read, sizeof(t->sum_read), "%s", t->sum_url);
	snprintf(t->sum_digest, sizeof(t->sum_digest), "%s", t->sha256);
	{
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("checksum"));
		json_object_object_add(o, "url", json_object_new_string(t->sum_url));
		json_object_object_add(o, "sha256", json_object_new_string(res.sha256));
		json_object_array_add(t->sources, o);
	}
	return 0;
}

static int tarball_plan(struct provision_ctx *ctx, struct distro_state *st, const char *release,
			struct distro_plan *plan, char *why, size_t whylen)
{
	struct distro_tarball *t = st->tarball;
	const struct os_release *os = &ctx->kernel.distro;
	struct url_vars v = { .build_id = os->build_id, .release = release, .version_id = os->version_id,
			      .arch = ctx->kernel.machine };
	char mirror[1024], inner[1024] = "", *slash;
	int ret;

	plan->n_chosen = 0;
	/* Checked before any download: the configuration is the host's. */
	if (!ctx->kernel.config_source) {
		snprintf(why, whylen,
			 "no kernel config for %s on the host (/boot/config-%s, /proc/config.gz): the %s tarball's own is not trusted alone",
			 release, release, st->def.name);
		return -ENOENT;
	}
	mirror_base(ctx, mirror, sizeof(mirror));
	ret = urltemplate_expand(st->def.headers_url_template, &v, mirror, t->url, sizeof(t->url), inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "%s: headers_url_template: %s", st->def.file, ret == -EINVAL ? inner : strerror(-ret));
		return -ENOENT;
	}
	if (!mirror[0] && urltemplate_host_is_placeholder(t->url)) {
		snprintf(why, whylen, "%s: the headers URL %s has a placeholder host: give its base with --mirror URL",
			 st->def.file, t->url);
		return -ENOENT;
	}
	slash = strrchr(t->url, '/');
	if (!slash || slash[1] == '\0') {
		snprintf(why, whylen, "%s: headers_url_template: '%s' names no file", st->def.file, t->url);
		return -ENOENT;
	}
	snprintf(t->base, sizeof(t->base), "%.*s", (int)(slash - t->url), t->url);
	snprintf(t->file, sizeof(t->file), "%s", slash + 1);
	v.url = t->url;
	ret = read_checksum(ctx, st, &v, why, whylen);
	if (ret < 0)
		return ret;
	plan->chosen[0] = (struct distro_pkg){ .name = st->def.header_package, .version = os->build_id,
					       .base_uri = t->base, .location = t->file, .digest_algo = "sha256",
					       .digest = t->sha256, .no_digest = !t->sha256[0],
					       .unsized = 1 };
	plan->n_chosen = 1;
	return 0;
}

/* A file of the staged tree (its .config), read beneath it. NULL (*err)
 * when absent. */
static char *read_tree_file(const char *build_dir, const char *rel, int *err)
{
	char *text = NULL;

	*err = confine_read_beneath(build_dir, rel, 64 << 20, &text);
	return *err < 0 ? NULL : text;
}

/* Compares the tree's rel with the host's parsed config: 0 when they
 * agree (or rel is absent and optional), -EKEYREJECTED when they differ,
 * -EILSEQ when rel is required and absent or cannot be parsed. */
static int compare_tree_config(struct provision_ctx *ctx, struct distro_state *st, const struct kconfig *host,
			       const char *build_dir, const char *rel, int required, char *why, size_t whylen)
{
	struct kconfig tree;
	char inner[256], *text;
	const char *first;
	size_t n;
	int ret, err;

	text = read_tree_file(build_dir, rel, &err);
	if (!text) {
		if (err == -ENOENT && !required)
			return 0;
		snprintf(why, whylen, "%s/%s: %s %s: the tarball cannot be tied to this kernel's build without it",
			 st->tarball->base, st->tarball->file, rel, err == -ENOENT ? "is missing" : strerror(-err));
		return -EILSEQ;
	}
	ret = kconfig_parse(text, &tree, inner, sizeof(inner));
	free(text);
	if (ret < 0) {
		snprintf(why, whylen, "%s/%s: %s: %s", st->tarball->base, st->tarball->file, rel, inner);
		return -EILSEQ;
	}
	n = kconfig_differences(host, &tree, &first);
	kconfig_free(&tree);
	if (n > 0) {
		snprintf(why, whylen, "%s/%s: its %s differs from the host's %s in %zu symbol(s), CONFIG_%s first: not this kernel's build",
			 st->tarball->base, st->tarball->file, rel, ctx->kernel.config_path, n, first);
		return -EKEYREJECTED;
	}
	return 0;
}

/* The kernel configuration is the host's: a tarball without a .config,
 * or whose .config disagrees with it, is not this kernel's build. */
static int tarball_finish(struct provision_ctx *ctx, struct distro_state *st, const char *build_dir, char *why,
			  size_t whylen)
{
	struct kconfig host;
	char *host_text = NULL, inner[256];
	int ret;

	ret = configsrc_read(&ctx->hr, &ctx->kernel, &host_text, NULL);
	if (ret < 0) {
		snprintf(why, whylen, "cannot read the kernel config %s: %s", ctx->kernel.config_path, strerror(-ret));
		return ret;
	}
	ret = kconfig_parse(host_text, &host, inner, sizeof(inner));
	free(host_text);
	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", ctx->kernel.config_path, inner);
		return -EILSEQ;
	}
	/* Only .config: Debian-built trees show that include/config/auto.conf
	 * may differ from it in build-environment symbols (CC_VERSION_TEXT
	 * and some 40 others) in a tree that is exactly right. */
	ret = compare_tree_config(ctx, st, &host, build_dir, ".config", 1, why, whylen);
	if (ret == 0)
		log_info("distro: the tarball's .config agrees with the host's %s (%zu symbols)",
			 ctx->kernel.config_path, host.n);
	kconfig_free(&host);
	return ret;
}

static const char *tarball_auth(const struct distro_state *st, const struct distro_pkg *p, char *buf, size_t len)
{
	(void)st, (void)p, (void)buf, (void)len;
	return NULL;
}

static void tarball_free(struct distro_state *st)
{
	if (!st->tarball)
		return;
	json_object_put(st->tarball->sources);
	free(st->tarball);
	st->tarball = NULL;
	st->index_sources = NULL;
}

const struct distro_backend distro_backend_tarball = {
	.package_manager = "tarball",
	.read_indexes = tarball_read_indexes,
	.plan = tarball_plan,
	.extract = tarball_extract_fd,
	.auth_for = tarball_auth,
	.finish = tarball_finish,
	.free = tarball_free,
};
