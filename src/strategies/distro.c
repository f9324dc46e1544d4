/* distro: the distribution's own header packages for this exact kernel,
 * found through the host's apt sources (or --mirror), with the chain of
 * trust checked at every step (lib/apt/repo.c: InRelease signature, the
 * Packages index against Release; lib/apt/download.c: each .deb against
 * Packages). Packages stream from libcurl into libarchive, in parallel,
 * and only what BCC needs is written. */
#include "strategies/distro.h"

#include "lib/apt/download.h"
#include "lib/kernel/arch.h"
#include "strategies/context.h"
#include "strategies/distro_state.h"
#include "strategies/strategy.h"
#include "util/hostroot.h"
#include "util/log.h"
#include "util/path.h"
#include "util/treecopy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void note(void *data, int warning, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	(void)data;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (warning)
		log_warn("distro: %s", msg);
	else
		log_info("distro: %s", msg);
}

static int load_config(struct provision_ctx *ctx, struct distro_state *st, char *why, size_t whylen)
{
	char data_dir[PATH_MAX], inner[1024];
	int ret, i;

	ret = distrodef_data_dir(ctx->opts->data_dir, data_dir);
	if (ret < 0)
		return ret;
	if (ctx->kernel.have_distro)
		ret = distrodef_load(data_dir, &ctx->kernel.distro, &st->def, inner, sizeof(inner));
	else if (ctx->opts->n_mirrors > 0)
		ret = distrodef_load_named(data_dir, "debian", &st->def, inner, sizeof(inner));
	else {
		snprintf(inner, sizeof(inner), "no os-release under %s to tell the distribution", ctx->hr.root);
		ret = -ENOENT;
	}
	if (ret < 0) {
		snprintf(why, whylen, "%s", inner);
		return ret;
	}
	if (strcmp(st->def.package_manager, "apt") != 0) {
		snprintf(why, whylen, "%s: package manager '%s' is not supported yet", st->def.file,
			 st->def.package_manager);
		return -ENOENT;
	}
	for (i = 0; i < ctx->opts->n_mirrors; i++) {
		ret = apt_add_mirror(&st->cfg, ctx->opts->mirrors[i], inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EINVAL;
		}
	}
	if (ctx->opts->n_mirrors == 0) {
		ret = apt_config_read(&ctx->hr, &st->cfg, inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EILSEQ;
		}
	}
	if (st->cfg.n_sources == 0) {
		snprintf(why, whylen, "no apt sources under %s/etc/apt and no --mirror", hostroot_is_slash(&ctx->hr) ? "" :
			 ctx->hr.root);
		return -ENOENT;
	}
	return 0;
}

/* The repository reader, as the options and the distribution say. */
static void setup_repo(struct provision_ctx *ctx, struct distro_state *st)
{
	struct apt_repo *r = &st->repo;

	r->fetch.connect_timeout_s = ctx->opts->connect_timeout_s;
	r->fetch.stall_timeout_s = ctx->opts->stall_timeout_s;
	/* --deadline counts from the first download of the run. */
	r->fetch.deadline = ctx->opts->deadline_s > 0 ? fetch_now() + (double)ctx->opts->deadline_s : 0;
	r->fetch.attempts = ctx->opts->retries;
	r->fetch.progress = 1;
	if (st->cfg.http_proxy[0])
		r->fetch.http_proxy = st->cfg.http_proxy;
	if (st->cfg.https_proxy[0])
		r->fetch.https_proxy = st->cfg.https_proxy;
	r->cfg = &st->cfg;
	r->hr = &ctx->hr;
	r->index_patterns = st->def.index_patterns;
	r->components = st->def.components;
	r->keyrings = ctx->opts->keyrings;
	r->n_keyrings = ctx->opts->n_keyrings;
	r->trusted_keyrings = st->def.trusted_keyrings;
	r->skip_signature = ctx->opts->insecure_skip_signature;
	r->note = note;
}

int distro_read_source(struct distro_state *st, size_t i, char *why, size_t whylen)
{
	return apt_repo_read_source(&st->repo, i, why, whylen);
}

/* Reads every index once: a failed check of the chain of trust stops
 * everything, an unreachable source is skipped. */
static int read_indexes(struct provision_ctx *ctx, struct distro_state *st)
{
	size_t i;
	int ret;

	/* libcurl and OpenSSL start-up costs milliseconds: only paid here, not
	 * on a cache hit. Runs before any download thread exists. */
	fetch_global_init();
	ret = load_config(ctx, st, st->index_why, sizeof(st->index_why));
	if (ret < 0)
		return ret;
	setup_repo(ctx, st);
	for (i = 0; i < st->cfg.n_sources; i++) {
		char why[2048] = "";

		if (!apt_repo_wants_source(&st->repo, i))
			continue;
		ret = distro_read_source(st, i, why, sizeof(why));
		if (ret < 0 && apt_repo_error_is_fatal(ret)) {
			snprintf(st->index_why, sizeof(st->index_why), "%s", why);
			return ret;
		}
		if (ret < 0) {
			log_warn("distro: skipping %s %s (%s): %s", st->cfg.sources[i].uri, st->cfg.sources[i].suite,
				 st->cfg.sources[i].origin, why);
			st->network_failures++;
			snprintf(st->last_network_error, sizeof(st->last_network_error), "%s", why);
		}
	}
	return 0;
}

struct distro_state *distro_state_get(struct provision_ctx *ctx)
{
	struct distro_state *st = ctx->distro;

	if (st)
		return st;
	st = calloc(1, sizeof(*st));
	if (!st || apt_repo_init(&st->repo) < 0) {
		free(st);
		return NULL;
	}
	st->repo.arch = arch_deb_for_machine(ctx->kernel.machine);
	st->index_status = read_indexes(ctx, st);
	return ctx->distro = st;
}

void distro_state_free(struct distro_state *st)
{
	if (!st)
		return;
	apt_repo_free(&st->repo);
	apt_config_free(&st->cfg);
	free(st);
}

int distro_make_plan(struct provision_ctx *ctx, struct distro_state **ret_st, struct distro_plan *plan, char *why,
		     size_t whylen)
{
	struct distro_state *st = distro_state_get(ctx);
	char name[256];

	if (!st)
		return -ENOMEM;
	*ret_st = st;
	if (st->index_status < 0) {
		snprintf(why, whylen, "%s", st->index_why);
		return st->index_status;
	}
	distrodef_expand(st->def.header_package, ctx->kernel.release, "", name, sizeof(name));
	plan->n_chosen = apt_pkglist_depends_closure(&st->repo.pkgs, name, st->def.follow_depends, plan->chosen,
						     DISTRO_MAX_PACKAGES);
	if (plan->n_chosen > 0)
		return 0;
	if (st->network_failures) {
		snprintf(why, whylen, "no package %s found, and %d source(s) failed; last: %s", name, st->network_failures,
			 st->last_network_error);
		return -ECOMM;
	}
	snprintf(why, whylen, "no package %s in the %s indexes of %zu apt source(s)", name, st->repo.arch,
		 st->cfg.n_sources);
	return -ENOENT;
}

static int distro_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	struct distro_state *st;
	struct distro_plan plan;
	int ret = distro_make_plan(ctx, &st, &plan, what, whatlen), i;
	size_t o;

	if (ret < 0)
		return ret; /* a failed check of the chain of trust is not a "skip" */
	o = (size_t)snprintf(what, whatlen, "%s packages", st->def.name);
	for (i = 0; i < plan.n_chosen && o < whatlen; i++)
		o += (size_t)snprintf(what + o, whatlen - o, " %s_%s", plan.chosen[i]->name, plan.chosen[i]->version);
	return 0;
}

/* Keeps usr/src/<tree>/<what BCC needs> of the kernel arch in data. */
static int select_header_member(void *data, const char *member, char out_rel[PATH_MAX])
{
	const char *arch = data;
	const char *rest;

	if (strncmp(member, "usr/src/", 8) != 0)
		return 0;
	rest = strchr(member + 8, '/');
	if (rest && !treecopy_wanted(rest + 1, 0, arch) && !treecopy_wanted(rest + 1, 1, arch))
		return 0;
	return path_copy(out_rel, member) == 0;
}

static void record_packages(const struct distro_state *st, json_object *sources, const struct apt_download *d, int n)
{
	size_t i;
	int k;

	for (i = 0; i < json_object_array_length(st->repo.index_sources); i++)
		json_object_array_add(sources, json_object_get(json_object_array_get_idx(st->repo.index_sources, i)));
	for (k = 0; k < n; k++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("package"));
		json_object_object_add(o, "name", json_object_new_string(d[k].pkg->name));
		json_object_object_add(o, "version", json_object_new_string(d[k].pkg->version));
		json_object_object_add(o, "url", json_object_new_string(d[k].url));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)d[k].res.bytes));
		json_object_object_add(o, "sha256", json_object_new_string(d[k].res.sha256));
		json_object_array_add(sources, o);
	}
}

/* The unpacked packages under work/root, as one tree for release. */
static int merge_tree(struct provision_ctx *ctx, const struct apt_download *d, int n, const char *release,
		      const char *work, const char *build_dir, char *why, size_t whylen)
{
	char root[PATH_MAX], found_at[PATH_MAX];
	struct hostroot pkgroot;
	int ret = path_join(root, work, "root");

	if (ret == 0)
		ret = apt_download_gather(d, (size_t)n, root, why, whylen);
	if (ret == 0)
		ret = hostroot_init(&pkgroot, root);
	if (ret == 0) {
		ret = host_tree_copy(&pkgroot, release, ctx->kernel.arch, build_dir, TREECOPY_MOVE, ctx, NULL, found_at, why,
				     whylen);
		if (ret == -ENOENT)
			ret = -EILSEQ; /* the packages did not hold the tree they promise */
	}
	return ret;
}

int distro_fetch_packages(struct provision_ctx *ctx, struct distro_state *st, const struct apt_pkg *const *pkgs, int n,
			  const char *release, const char *work, const char *build_dir, json_object *sources, char *why,
			  size_t whylen)
{
	struct apt_download_opts o = { .repo = &st->repo, .max_bytes = ctx->opts->max_tree_bytes,
				       .select = select_header_member, .select_data = ctx->kernel.arch };
	struct apt_download *d = calloc((size_t)n, sizeof(*d));
	int i, ret;

	if (!d)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		d[i].pkg = pkgs[i];
		if (path_format(d[i].dir, "%s/pkg%d", work, i) < 0) {
			free(d);
			return -ENAMETOOLONG;
		}
		log_info("distro: fetching %s/%s (%llu bytes)", pkgs[i]->base_uri, pkgs[i]->filename, pkgs[i]->size);
	}
	ret = apt_download_run(&o, d, (size_t)n, why, whylen);
	for (i = 0; ret == 0 && i < n; i++)
		log_info("distro: verified %s (sha256 %s), %llu files kept", d[i].url, d[i].res.sha256, d[i].st.files);
	if (ret == 0)
		ret = merge_tree(ctx, d, n, release, work, build_dir, why, whylen);
	if (ret == 0 && sources)
		record_packages(st, sources, d, n);
	free(d);
	return ret;
}

static int distro_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	struct distro_state *st;
	struct distro_plan plan;
	int ret = distro_make_plan(ctx, &st, &plan, why, whylen);

	if (ret < 0)
		return ret;
	ret = distro_fetch_packages(ctx, st, plan.chosen, plan.n_chosen, ctx->kernel.release, ctx->work_dir, build_dir,
				    ctx->sources, why, whylen);
	if (ret == 0) {
		ctx->exact = 1;
		snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "%s package %s %s from %s", st->def.name,
			 plan.chosen[0]->name, plan.chosen[0]->version, plan.chosen[0]->base_uri);
	}
	return ret;
}

const struct strategy strategy_distro = {
	.name = "distro",
	.probe = distro_probe,
	.provide = distro_provide,
};
