/* The apt back end of the distro strategy: the host's apt sources (or
 * --mirror), each InRelease checked and its Packages indexes read
 * (lib/apt/repo.c), the header package and its Depends as the plan. */
#include "lib/apt/repo.h"
#include "lib/archive/deb.h"
#include "lib/distro/urltemplate.h"
#include "lib/kernel/arch.h"
#include "strategies/context.h"
#include "strategies/distro_state.h"
#include "util/hostroot.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A host apt file left out: one line naming it. */
static void warn_line(void *data, const char *line)
{
	(void)data;
	log_warn("%s", line);
}

static int load_config(struct provision_ctx *ctx, struct distro_state *st, char *why, size_t whylen)
{
	char inner[1024];
	int ret, i;

	int n_apt = 0;

	/* A lone URL is the base of a tarball distribution's template (one
	 * configuration for a mixed fleet): not an apt source. */
	for (i = 0; i < ctx->opts->n_mirrors; i++) {
		if (urltemplate_mirror_is_base(ctx->opts->mirrors[i]))
			continue;
		ret = apt_add_mirror(&st->cfg, ctx->opts->mirrors[i], inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EINVAL;
		}
		n_apt++;
	}
	if (n_apt == 0) {
		st->cfg.warn = warn_line;
		ret = apt_config_read(&ctx->hr, &st->cfg, inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EILSEQ;
		}
	}
	st->n_sources = (int)st->cfg.n_sources;
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

	distro_fetch_opts(ctx, &r->fetch);
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
	r->note = distro_note;
}

int distro_read_source(struct distro_state *st, size_t i, char *why, size_t whylen)
{
	return apt_repo_read_source(&st->repo, i, why, whylen);
}

/* Reads every index once: a failed check of the chain of trust stops
 * everything, an unreachable source is skipped. */
static int apt_read_indexes(struct provision_ctx *ctx, struct distro_state *st)
{
	size_t i;
	int ret;

	if (apt_repo_init(&st->repo) < 0)
		return -ENOMEM;
	st->index_sources = st->repo.index_sources;
	st->repo.arch = arch_deb_for_machine(ctx->kernel.machine);
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

int distro_apt_closure(const struct distro_state *st, const char *name, struct distro_plan *plan)
{
	const struct apt_pkg *pkgs[DISTRO_MAX_PACKAGES];
	int n = apt_pkglist_depends_closure(&st->repo.pkgs, name, st->def.follow_depends, pkgs, DISTRO_MAX_PACKAGES), i;

	plan->n_chosen = n > 0 ? n : 0;
	plan->build_dir[0] = plan->source_dir[0] = '\0';
	for (i = 0; i < plan->n_chosen; i++) {
		struct distro_pkg *p = &plan->chosen[i];

		*p = (struct distro_pkg){ 0 }; /* flags of other back ends (no_digest, unsized) stay off */
		p->name = pkgs[i]->name;
		p->version = pkgs[i]->version;
		p->base_uri = pkgs[i]->base_uri;
		p->location = pkgs[i]->filename;
		p->size = pkgs[i]->size;
		p->digest_algo = "sha256";
		p->digest = pkgs[i]->sha256;
		p->source_index = pkgs[i]->source_index;
	}
	return n;
}

static int apt_plan(struct provision_ctx *ctx, struct distro_state *st, const char *release, struct distro_plan *plan,
		    char *why, size_t whylen)
{
	char name[256];

	(void)ctx;
	distrodef_expand(st->def.header_package, release, "", name, sizeof(name));
	if (distro_apt_closure(st, name, plan) > 0)
		return 0;
	snprintf(why, whylen, "no package %s in the %s indexes of %zu apt source(s)", name, st->repo.arch,
		 st->cfg.n_sources);
	return -ENOENT;
}

static const char *apt_auth(const struct distro_state *st, const struct distro_pkg *p, char *buf, size_t len)
{
	return apt_auth_for(&st->cfg, p->base_uri, buf, len);
}

static void apt_free(struct distro_state *st)
{
	apt_repo_free(&st->repo);
	apt_config_free(&st->cfg);
	st->index_sources = NULL;
}

const struct distro_backend distro_backend_apt = {
	.package_manager = "apt",
	.read_indexes = apt_read_indexes,
	.plan = apt_plan,
	.extract = deb_extract_fd,
	.auth_for = apt_auth,
	.candidates = distro_apt_candidates,
	.free = apt_free,
};
