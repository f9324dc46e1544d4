/* What the distro strategy offers close-match: the header packages of
 * the default flavour that the distribution's repositories hold for
 * other kernels (each back end's candidates hook: apt's is here, with
 * its related suites and the listing warm shares; rpm's is in
 * distro_rpm.c), and fetching one as a tree through the back end's plan
 * and the shared pipeline the exact package takes. */
#include "strategies/distro.h"

#include "lib/apt/suites.h"
#include "lib/kernel/kversion.h"
#include "strategies/context.h"
#include "strategies/distro_state.h"
#include "util/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The suites of the same distribution beside the host's own (its
 * backports, the next release), on the same mirrors with the same keys. */
static void read_related_suites(struct provision_ctx *ctx, struct distro_state *st)
{
	const char *codename = ctx->kernel.have_distro ? ctx->kernel.distro.version_codename : "";
	size_t n_host = st->cfg.n_sources, i;

	if (apt_suites_add_related(&st->cfg, codename, st->def.related_suites, st->def.releases) < 0)
		log_info("distro: related suites not read: %s", strerror(ENOMEM));
	for (i = n_host; i < st->cfg.n_sources; i++) {
		char why[2048] = "";

		log_info("distro: also reading %s %s for close-match candidates", st->cfg.sources[i].uri,
			 st->cfg.sources[i].suite);
		if (distro_read_source(st, i, why, sizeof(why)) < 0)
			log_info("distro: %s %s not used: %s", st->cfg.sources[i].uri, st->cfg.sources[i].suite, why);
	}
}

/* "1:6.12.117-1~bpo12+1" -> the code of 6.12.117, and its sublevel. */
static int upstream_version(const char *v, unsigned *code, unsigned *sub)
{
	const char *colon = strchr(v, ':');
	struct kversion kv;

	if (kversion_parse(colon ? colon + 1 : v, &kv) < 0)
		return -EINVAL;
	*code = kversion_code(kv.major, kv.minor, kv.sublevel);
	*sub = kv.sublevel;
	return 0;
}

/* The flavour suffix of the headers: the data file's ("-amd64", {debarch}
 * expanded) without a flavour; with one, "-<flavour>" and the arch part
 * when the default names the arch ("cloud" -> "-cloud-amd64"; "amd64"
 * itself, or "cloud-amd64", as given). */
static void flavour_suffix(const struct distro_state *st, const char *flavour, char *suffix, size_t len)
{
	char arch_part[80];
	size_t fl, al;
	char *at;

	distrodef_expand(st->def.flavour_suffix, "", "", suffix, len);
	at = strstr(suffix, "{debarch}");
	if (at) {
		char rest[64];

		snprintf(rest, sizeof(rest), "%s", at + 9);
		snprintf(at, len - (size_t)(at - suffix), "%s%s", st->repo.arch, rest);
	}
	if (!flavour)
		return;
	snprintf(arch_part, sizeof(arch_part), "-%s", st->repo.arch ? st->repo.arch : "");
	fl = strlen(flavour);
	al = strlen(arch_part);
	if (!at || strcmp(flavour, arch_part + 1) == 0 || (fl > al && strcmp(flavour + fl - al, arch_part) == 0))
		snprintf(suffix, len, "-%s", flavour);
	else
		snprintf(suffix, len, "-%s%s", flavour, arch_part);
}

/* linux-headers-<release> of the flavour, with a release of three
 * numbers: not another flavour ending the same way (-cloud-amd64,
 * -rt-amd64), nor a metapackage such as linux-headers-6.12-amd64. */
static int is_flavour_headers(const char *name, const char *suffix)
{
	size_t len = strlen(name), sl = strlen(suffix);
	struct kversion kv;

	if (strncmp(name, "linux-headers-", 14) != 0 || len <= sl + 14 || strcmp(name + len - sl, suffix) != 0 ||
	    !isdigit((unsigned char)name[14]) || !isdigit((unsigned char)name[len - sl - 1]))
		return 0;
	return kversion_parse(name + 14, &kv) == 0 && kv.has_sublevel;
}

int distro_list_headers(const struct distro_state *st, const char *flavour, struct distro_candidate *out, size_t max,
			size_t *ret_n)
{
	char suffix[128];
	size_t i, n = 0;

	flavour_suffix(st, flavour, suffix, sizeof(suffix));
	for (i = 0; i < st->repo.pkgs.n && n < max; i++) {
		const struct apt_pkg *p = &st->repo.pkgs.pkgs[i];

		if (!is_flavour_headers(p->name, suffix) || upstream_version(p->version, &out[n].code, &out[n].sublevel) < 0)
			continue;
		snprintf(out[n].release, sizeof(out[n].release), "%s", p->name + 14);
		snprintf(out[n].version, sizeof(out[n].version), "%s", p->version);
		snprintf(out[n].origin, sizeof(out[n].origin), "%s package %s %s from %s", st->def.name, p->name,
			 p->version, p->base_uri);
		n++;
	}
	*ret_n = n;
	return 0;
}

int distro_apt_candidates(struct provision_ctx *ctx, struct distro_state *st, struct distro_candidate *out, size_t max,
			  size_t *ret_n)
{
	if (!st->related_read) {
		st->related_read = 1;
		read_related_suites(ctx, st);
	}
	return distro_list_headers(st, NULL, out, max, ret_n);
}

int distro_closematch_candidates(struct provision_ctx *ctx, struct distro_candidate *out, size_t max, size_t *ret_n,
				 char *why, size_t whylen)
{
	struct distro_state *st = NULL;
	struct distro_plan plan;
	char pwhy[2048] = "";
	int ret;

	*ret_n = 0;
	ret = distro_make_plan(ctx, &st, &plan, pwhy, sizeof(pwhy));
	if (!st)
		return -ENOMEM;
	/* No package for this very kernel is what close-match is for. */
	if (ret < 0 && ret != -ENOENT) {
		snprintf(why, whylen, "%s", pwhy);
		return ret;
	}
	if (!st->backend || !st->backend->candidates) {
		snprintf(why, whylen, "%s", pwhy[0] ? pwhy : "the distribution's back end offers no close-match candidates");
		return -ENOENT;
	}
	if (!st->def.name[0] || !st->n_sources) {
		snprintf(why, whylen, "%s", pwhy[0] ? pwhy : "no distribution repository");
		return -ENOENT;
	}
	return st->backend->candidates(ctx, st, out, max, ret_n);
}

int distro_fetch_candidate(struct provision_ctx *ctx, const char *release, const char *work, const char *build_dir,
			   json_object *sources, char *why, size_t whylen)
{
	struct distro_state *st = distro_state_get(ctx);
	struct distro_plan plan;
	int ret;

	if (!st)
		return -ENOMEM;
	if (st->index_status < 0 || !st->backend || !st->backend->candidates) {
		snprintf(why, whylen, "no repository package for %s", release);
		return -ENOENT;
	}
	/* As distro_make_plan starts it: a plan of one tree (no build and
	 * source folders) unless the back end says otherwise. */
	memset(&plan, 0, sizeof(plan));
	ret = st->backend->plan(ctx, st, release, &plan, why, whylen);
	if (ret < 0)
		return ret;
	return distro_fetch_packages(ctx, st, &plan, release, work, build_dir, sources, why, whylen);
}
