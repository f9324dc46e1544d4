/* The rpm back end of the distro strategy: the host's yum/dnf/zypper
 * repo files (lib/rpm/repoconf.c), each repository's signed repomd.xml
 * and streamed primary index (lib/rpm/rpmrepo.c), and the package that
 * provides the headers of the running kernel's release as the plan. */
#include "lib/distro/urltemplate.h"
#include "lib/kernel/kversion.h"
#include "lib/rpm/payload.h"
#include "lib/rpm/repoconf.h"
#include "lib/rpm/reponet.h"
#include "lib/rpm/rpmrepo.h"
#include "lib/rpm/rpmsig.h"
#include "strategies/context.h"
#include "strategies/distro.h"
#include "strategies/distro_state.h"
#include "util/hostroot.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct distro_rpm {
	struct rpm_config cfg;
	struct rpm_reader reader;
	struct rpm_sigcheck checks[RPM_MAX_REPOS]; /* gpgcheck of each repository */
	struct rpm_repo_net nets[RPM_MAX_REPOS];   /* how each is reached: proxy, certificates */
	int fallbacks_read;                        /* the data file's fallback_repos, once */
	int uses_mirrors;                          /* --mirror replaced the host's repo files */
};

/* $releasever from the data file's template: "{version_id}" (Fedora:
 * 40) or "{version_id_major}" (Rocky 9.4: 9). A vars folder may still
 * override it (Amazon Linux's /etc/dnf/vars/releasever). */
static void releasever(const struct provision_ctx *ctx, const struct distro_def *def, char *out, size_t len)
{
	const char *v = ctx->kernel.have_distro ? ctx->kernel.distro.version_id : "";

	snprintf(out, len, "%s", v);
	if (strcmp(def->releasever, "{version_id_major}") == 0)
		out[strcspn(out, ".")] = '\0';
}

/* --mirror: each lone URL is a repository base used instead of the
 * host's repo files, trusted through --keyring alone (as apt's --mirror
 * is through its keyrings); an apt source ('URL SUITE ...') is for the
 * apt hosts of a mixed fleet. How many were added, or -errno with why. */
static int add_mirrors(struct provision_ctx *ctx, struct distro_state *st, struct rpm_config *cfg)
{
	int i, n = 0, ret;

	for (i = 0; i < ctx->opts->n_mirrors; i++)
		if (!urltemplate_mirror_is_base(ctx->opts->mirrors[i]))
			log_info("distro: --mirror '%s' is an apt source: not used on this RPM host", ctx->opts->mirrors[i]);
		else
			n++;
	if (n && !ctx->opts->n_keyrings && !ctx->opts->insecure_skip_signature) {
		snprintf(st->index_why, sizeof(st->index_why),
			 "--mirror URL on an RPM host needs the repository's signing key: give it with --keyring FILE "
			 "(or --insecure-skip-signature)");
		return -ENOKEY;
	}
	for (i = 0; i < ctx->opts->n_mirrors; i++) {
		if (!urltemplate_mirror_is_base(ctx->opts->mirrors[i]))
			continue;
		ret = rpm_config_add_mirror(cfg, ctx->opts->mirrors[i], st->index_why, sizeof(st->index_why));
		if (ret < 0)
			return -EILSEQ;
	}
	return n;
}

/* The family's defaults for what a repo file leaves unsaid (zypper
 * checks signatures, with the keys the system trusts): a host's repos
 * are checked as its own package manager would check them. */
static void apply_signing_defaults(struct provision_ctx *ctx, struct distro_state *st)
{
	const struct rpm_signing_defaults defaults = { .gpgcheck = st->def.gpgcheck_default,
						       .repo_gpgcheck = st->def.repo_gpgcheck_default,
						       .key_dirs = st->def.key_dirs };
	int n = rpm_config_apply_defaults(&ctx->hr, &st->rpm->cfg, &defaults);

	if (n > 0)
		log_info("distro: %d repositories leave gpgcheck, repo_gpgcheck or gpgkey unsaid: %s's defaults apply "
			 "(gpgcheck=%d, repo_gpgcheck=%d%s)",
			 n, st->def.file, defaults.gpgcheck, defaults.repo_gpgcheck,
			 st->def.key_dirs[0] ? ", the keys of its key_dirs" : "");
}

/* Reads repository i of the configuration into the package list. A
 * repository that cannot be reached is skipped (one line) and, unless it
 * is only a fallback (best_effort: a vault an air-gapped node cannot
 * reach must not turn "no package" into a network failure), counted as a
 * network failure; what breaks the chain of trust, or a repo file's own
 * fault, is returned. */
static int read_one_repo(struct provision_ctx *ctx, struct distro_state *st, size_t i, int best_effort)
{
	struct distro_rpm *d = st->rpm;
	const struct rpm_repo *r = &d->cfg.repos[i];
	char why[2048] = "";
	int ret;

	st->n_sources++;
	d->checks[i] = (struct rpm_sigcheck){ .hr = &ctx->hr, .repo = r, .keyrings = ctx->opts->keyrings,
					      .n_keyrings = ctx->opts->n_keyrings };
	/* A CA file the host cannot give is the repo file's fault, as a
	 * line that does not parse is. */
	ret = rpm_repo_net_init(&d->nets[i], &d->reader.fetch, &ctx->hr, r, st->index_why, sizeof(st->index_why));
	if (ret < 0)
		return ret == -ENOMEM ? ret : -EILSEQ;
	if (!r->sslverify)
		log_warn("distro: sslverify=0 in %s: NOT checking the TLS certificates of [%s]'s servers", r->origin, r->id);
	ret = rpm_reader_read(&d->reader, r, &d->nets[i].fetch, (int)i, why, sizeof(why));
	if (ret < 0 && rpm_reader_error_is_fatal(ret)) {
		snprintf(st->index_why, sizeof(st->index_why), "%s", why);
		return ret;
	}
	if (ret < 0 && best_effort) {
		log_info("distro: fallback repository %s (%s) not read: %s", r->id, r->origin, why);
		st->n_sources--;
	} else if (ret < 0) {
		log_warn("distro: skipping repository %s (%s): %s", r->id, r->origin, why);
		st->network_failures++;
		snprintf(st->last_network_error, sizeof(st->last_network_error), "%s", why);
	}
	return 0;
}

static int rpm_read_indexes(struct provision_ctx *ctx, struct distro_state *st)
{
	struct distro_rpm *d = calloc(1, sizeof(*d));
	char relver[64], why[2048];
	int n_mirrors = 0;
	size_t i;
	int ret;

	if (!d || rpm_reader_init(&d->reader) < 0) {
		free(d);
		return -ENOMEM;
	}
	st->rpm = d;
	st->index_sources = d->reader.index_sources;
	for (i = 0; i < (size_t)ctx->opts->n_mirrors; i++)
		n_mirrors += urltemplate_mirror_is_base(ctx->opts->mirrors[i]);
	d->uses_mirrors = n_mirrors > 0;
	releasever(ctx, &st->def, relver, sizeof(relver));
	/* With --mirror, the host's repo files are not read: its variables are. */
	ret = rpm_config_read(&ctx->hr, n_mirrors ? NULL : st->def.repo_dirs, st->def.vars_dirs, relver,
			      ctx->kernel.machine, &d->cfg, st->index_why, sizeof(st->index_why));
	if (ret < 0)
		return ret == -ENOMEM ? ret : -EILSEQ;
	apply_signing_defaults(ctx, st);
	ret = add_mirrors(ctx, st, &d->cfg);
	if (ret < 0)
		return ret;
	/* librpm reads its configuration once, before download threads;
	 * without it only gpgcheck=1 packages fail. */
	if (rpmsig_global_init(why, sizeof(why)) < 0)
		log_warn("distro: %s: RPM signatures (gpgcheck=1) cannot be checked", why);
	distro_fetch_opts(ctx, &d->reader.fetch);
	d->reader.hr = &ctx->hr;
	d->reader.basearch = ctx->kernel.machine;
	d->reader.name_patterns = st->def.index_patterns;
	d->reader.release_provide = st->def.release_provide[0] ? st->def.release_provide : NULL;
	d->reader.keyrings = ctx->opts->keyrings;
	d->reader.n_keyrings = ctx->opts->n_keyrings;
	d->reader.skip_signature = ctx->opts->insecure_skip_signature;
	d->reader.note = distro_note;
	for (i = 0; i < d->cfg.n; i++) {
		if (!d->cfg.repos[i].enabled)
			continue;
		ret = read_one_repo(ctx, st, i, 0);
		if (ret < 0)
			return ret;
	}
	if (st->n_sources == 0) {
		snprintf(st->index_why, sizeof(st->index_why), "no enabled repository in the repo folders under %s",
			 hostroot_is_slash(&ctx->hr) ? "/" : ctx->hr.root);
		return -ENOENT;
	}
	return 0;
}

/* The gpgkeys of the host's enabled, checked repositories: the family's
 * own keys, the only ones a fallback repository's packages may carry. */
static void host_keys(const struct rpm_config *cfg, size_t n_host, struct rpm_repo *r)
{
	size_t i;
	int k, j;

	for (i = 0; i < n_host; i++) {
		const struct rpm_repo *h = &cfg->repos[i];

		if (!h->enabled || !h->gpgcheck)
			continue;
		for (k = 0; k < h->n_gpgkeys && r->n_gpgkeys < RPM_MAX_URLS; k++) {
			for (j = 0; j < r->n_gpgkeys && strcmp(r->gpgkeys[j], h->gpgkeys[k]) != 0; j++)
				;
			if (j == r->n_gpgkeys)
				memcpy(r->gpgkeys[r->n_gpgkeys++], h->gpgkeys[k], sizeof(h->gpgkeys[k]));
		}
	}
}

/* One "[ID=]baseurl" template of the data file as a repository for this
 * host: 0 with it in r, -ENOENT when it is for another ID, -EINVAL when
 * it does not expand to a URL. $releasever, $basearch, the vars folders'
 * variables and $version_id (os-release's VERSION_ID: Rocky's vault is
 * per point release) are expanded. */
static int fallback_repo(const struct provision_ctx *ctx, const struct distro_state *st, const char *entry, size_t k,
			 struct rpm_repo *r)
{
	const char *eq = strchr(entry, '='), *slashes = strstr(entry, "://");
	const char *id = ctx->kernel.have_distro ? ctx->kernel.distro.id : "";
	struct rpm_vars vars = st->rpm->cfg.vars;

	if (eq && (!slashes || eq < slashes)) {
		if (strlen(id) != (size_t)(eq - entry) || strncmp(entry, id, (size_t)(eq - entry)) != 0)
			return -ENOENT;
		entry = eq + 1;
	}
	memset(r, 0, sizeof(*r));
	if (rpm_vars_set(&vars, "version_id", ctx->kernel.have_distro ? ctx->kernel.distro.version_id : "") < 0 ||
	    rpm_repo_set_baseurl(&vars, entry, r) < 0 || strchr(r->baseurls[0], '$') ||
	    (strncmp(r->baseurls[0], "http://", 7) != 0 && strncmp(r->baseurls[0], "https://", 8) != 0))
		return -EINVAL;
	r->enabled = 1;
	r->gpgcheck = 1; /* a fallback is vouched for by the family's keys, always */
	r->sslverify = 1;
	snprintf(r->id, sizeof(r->id), "fallback-%zu", k + 1);
	snprintf(r->origin, sizeof(r->origin), "%s fallback_repos[%zu]", st->def.file, k);
	return 0;
}

/* The data file's fallback repositories (vault, archive: where a point
 * release's kernels go when the next one ships), read once, only when
 * the host's own repositories lack the release. Their packages must be
 * signed with a key the host's repositories name; without one they are
 * not read. */
static int read_fallback_repos(struct provision_ctx *ctx, struct distro_state *st, const char *release)
{
	struct distro_rpm *d = st->rpm;
	size_t n_host = d->cfg.n, k;
	int ret;

	d->fallbacks_read = 1;
	if (d->uses_mirrors)
		return 0; /* --mirror names where packages come from: nothing else is asked */
	for (k = 0; st->def.fallback_repos[k] && d->cfg.n < RPM_MAX_REPOS; k++) {
		struct rpm_repo *r = &d->cfg.repos[d->cfg.n];

		ret = fallback_repo(ctx, st, st->def.fallback_repos[k], k, r);
		if (ret == -ENOENT)
			continue;
		if (ret < 0) {
			log_warn("distro: %s fallback_repos[%zu] '%s' does not expand to an http(s) URL: not read", st->def.file, k,
				 st->def.fallback_repos[k]);
			continue;
		}
		host_keys(&d->cfg, n_host, r);
		if (r->n_gpgkeys == 0 && ctx->opts->n_keyrings == 0 && !d->reader.skip_signature) {
			log_warn("distro: not reading the fallback repository %s (%s): no repository of the host checks its "
				 "packages with a gpgkey, so nothing could vouch for the fallback's",
				 r->baseurls[0], r->origin);
			continue;
		}
		log_info("distro: %s is not in the host's repositories: reading the fallback repository %s (%s)", release,
			 r->baseurls[0], r->origin);
		d->cfg.n++;
		ret = read_one_repo(ctx, st, d->cfg.n - 1, 1);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* A name template of the data file for this release: {major}, {minor}
 * of the kernel version, {flavour} after a '+' of the release (RHEL's
 * "+rt", "+64k"). A template with {flavour} serves flavoured releases
 * only, one without serves the others. */
static int expand_name(const char *tmpl, const char *release, const char *flavour, char *out, size_t len)
{
	struct kversion kv;
	size_t o = 0;

	if ((strstr(tmpl, "{flavour}") != NULL) != (flavour[0] != '\0') || kversion_parse(release, &kv) < 0)
		return -ENOENT;
	while (*tmpl && o + 1 < len) {
		char num[16];
		const char *sub = NULL;
		size_t skip = 0;

		if (strncmp(tmpl, "{major}", 7) == 0)
			snprintf(num, sizeof(num), "%u", kv.major), sub = num, skip = 7;
		else if (strncmp(tmpl, "{minor}", 7) == 0)
			snprintf(num, sizeof(num), "%u", kv.minor), sub = num, skip = 7;
		else if (strncmp(tmpl, "{flavour}", 9) == 0)
			sub = flavour, skip = 9;
		if (sub) {
			o += (size_t)snprintf(out + o, len - o, "%s", sub);
			if (o >= len)
				return -ENAMETOOLONG;
			tmpl += skip;
		} else {
			out[o++] = *tmpl++;
		}
	}
	out[o] = '\0';
	return *tmpl ? -ENAMETOOLONG : 0;
}

static int name_wanted(const struct distro_def *def, const char *name, const char *release, const char *flavour)
{
	const char *const *t;
	char want[256];

	if (expand_name(def->header_package, release, flavour, want, sizeof(want)) == 0 && strcmp(want, name) == 0)
		return 1;
	for (t = def->header_packages; *t; t++)
		if (expand_name(*t, release, flavour, want, sizeof(want)) == 0 && strcmp(want, name) == 0)
			return 1;
	return 0;
}

/* Whether p provides its own name at version (SUSE's
 * "kernel-default-devel = 6.4.0-150600.23.25", its package being
 * 6.4.0-150600.23.25.1). */
static int provides_own_name_at(const struct rpm_pkg *p, const char *version)
{
	size_t n = strlen(version);
	const char *w;

	for (w = p->own_evrs; (w = strstr(w, version)) != NULL; w += n)
		if ((w == p->own_evrs || w[-1] == ' ') && (w[n] == ' ' || w[n] == '\0'))
			return 1;
	return 0;
}

/* Whether p holds the headers of release: it says so through its
 * provides (kernel-devel-uname-r = release, else its own name at the
 * release's version), else its version-release.arch is the release. */
static int holds_release(const struct rpm_pkg *p, const char *release, const char *version, const char *flavour)
{
	char evra[400];

	if (p->uname_r[0])
		return strcmp(p->uname_r, release) == 0;
	if (provides_own_name_at(p, version))
		return 1;
	snprintf(evra, sizeof(evra), "%s-%s.%s%s%s", p->ver, p->rel, p->arch, flavour[0] ? "+" : "", flavour);
	return strcmp(evra, release) == 0;
}

/* The RPM's own signature, when its repository asks (gpgcheck=1) and
 * the user did not turn signatures off. */
static void *rpm_verify_data(struct distro_state *st, const struct distro_pkg *p)
{
	const struct rpm_repo *r = &st->rpm->cfg.repos[p->source_index];

	if (!r->gpgcheck)
		return NULL;
	if (st->rpm->reader.skip_signature) {
		log_warn("distro: NOT checking the signature of %s/%s (--insecure-skip-signature; gpgcheck=1 in %s)",
			 p->base_uri, p->location, r->origin);
		return NULL;
	}
	log_info("distro: gpgcheck=1 in %s: checking the signature of %s", r->origin, p->location);
	return &st->rpm->checks[p->source_index];
}

/* The release as the data file splits it: "{version}+{flavour}" (RHEL,
 * the flavour optional) or, with "-" as flavour_separator, the flavour
 * after the last '-' (SUSE: 6.4.0-150600.23.25 and default). */
static void split_release(const struct distro_def *def, const char *release, char *version, size_t vlen,
			  const char **flavour)
{
	const char *at = strrchr(release, def->flavour_separator[0] ? def->flavour_separator[0] : '+');

	*flavour = at ? at + 1 : "";
	snprintf(version, vlen, "%.*s", at ? (int)(at - release) : (int)strlen(release), release);
}

static int plan_package(struct distro_plan *plan, const struct rpm_pkg *p, char *why, size_t whylen)
{
	struct distro_pkg *c = &plan->chosen[plan->n_chosen];

	if (!p->digest[0]) {
		snprintf(why, whylen, "%s/%s: primary.xml gives no sha256 or sha512 checksum for it", p->base_uri,
			 p->location);
		return -EKEYREJECTED;
	}
	*c = (struct distro_pkg){ 0 }; /* flags of other back ends (no_digest, unsized) stay off */
	c->name = p->name;
	c->version = p->evr;
	c->base_uri = p->base_uri;
	c->location = p->location;
	c->size = p->size;
	c->digest_algo = p->digest_algo;
	c->digest = p->digest;
	c->source_index = p->repo_index;
	plan->n_chosen++;
	return 0;
}

/* {arch} of the dir templates: the machine, or its name in arch_names
 * ("aarch64=arm64": SUSE's obj tree is .../arm64/64kb). */
static const char *arch_name(const struct distro_def *def, const char *machine)
{
	const char *const *a;
	size_t n = strlen(machine);

	for (a = def->arch_names; *a; a++)
		if (strncmp(*a, machine, n) == 0 && (*a)[n] == '=')
			return *a + n + 1;
	return machine;
}

/* {variant}: "-<flavour>" when the data file says the flavour is built
 * from sources of its own (SUSE's kernel-azure-devel needs
 * kernel-devel-azure, in /usr/src/linux-<version>-azure), else "". */
static void variant_of(const struct distro_def *def, const char *flavour, char *out, size_t len)
{
	const char *const *f;

	out[0] = '\0';
	for (f = def->variant_flavours; *f; f++)
		if (strcmp(*f, flavour) == 0)
			snprintf(out, len, "-%s", flavour);
}

/* Whether repository a checks at least what repository b does. */
static int checks_at_least(const struct rpm_repo *a, const struct rpm_repo *b)
{
	return a->gpgcheck >= b->gpgcheck && a->repo_gpgcheck >= b->repo_gpgcheck;
}

/* The companion of the chosen package: its name, providing itself at
 * version, and built with it (the same epoch:version-release, as SUSE
 * builds the pair). From the chosen package's own repository first, else
 * from one that checks at least as much: a companion holds most of the
 * tree, so it must not come in through a laxer repository. Its index in
 * the package list, or -ENOENT with *weaker set when only a laxer
 * repository has it. */
static int find_companion(const struct distro_state *st, const struct distro_plan *plan, const char *companion,
			  const char *version, const struct rpm_pkg **weaker)
{
	const struct rpm_pkglist *l = &st->rpm->reader.pkgs;
	const struct rpm_repo *main_repo = &st->rpm->cfg.repos[plan->chosen[0].source_index];
	long other = -1;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct rpm_pkg *p = &l->pkgs[i];
		char vr[224];

		snprintf(vr, sizeof(vr), "%s-%s", p->ver, p->rel);
		if (strcmp(p->name, companion) != 0 || strcmp(p->evr, plan->chosen[0].version) != 0 ||
		    !(provides_own_name_at(p, version) || strcmp(vr, version) == 0))
			continue;
		if (p->repo_index == plan->chosen[0].source_index)
			return (int)i;
		if (other < 0 && checks_at_least(&st->rpm->cfg.repos[p->repo_index], main_repo))
			other = (long)i;
		else if (!*weaker)
			*weaker = p;
	}
	return other >= 0 ? (int)other : -ENOENT;
}

/* A split tree (SUSE): the data file's companion package of the same
 * version, and the folders of the build and source trees. */
static int plan_split(struct provision_ctx *ctx, struct distro_state *st, const char *version, const char *flavour,
		      struct distro_plan *plan, char *why, size_t whylen)
{
	const struct rpm_pkglist *l = &st->rpm->reader.pkgs;
	const struct distro_def *def = &st->def;
	char inner[256], variant[80], companion[256];
	struct url_vars v = { .version = version, .flavour = flavour, .variant = variant,
			      .arch = arch_name(def, ctx->kernel.machine) };
	int ret;

	variant_of(def, flavour, variant, sizeof(variant));
	ret = urltemplate_expand(def->build_dir_template, &v, NULL, plan->build_dir, sizeof(plan->build_dir), inner,
				 sizeof(inner));
	if (ret == 0 && def->source_dir_template[0])
		ret = urltemplate_expand(def->source_dir_template, &v, NULL, plan->source_dir, sizeof(plan->source_dir),
					 inner, sizeof(inner));
	if (ret == 0 && def->companion_package[0])
		ret = urltemplate_expand(def->companion_package, &v, NULL, companion, sizeof(companion), inner,
					 sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "%s: the tree's folders or companion for %s: %s", def->file, ctx->kernel.release,
			 ret == -ENAMETOOLONG ? "too long" : inner);
		plan->build_dir[0] = plan->source_dir[0] = '\0';
		return -ENOENT;
	}
	if (!def->companion_package[0])
		return 0;
	{
		const struct rpm_pkg *weaker = NULL;

		ret = find_companion(st, plan, companion, version, &weaker);
		if (ret >= 0)
			return plan_package(plan, &l->pkgs[ret], why, whylen);
		if (weaker) {
			const struct rpm_repo *w = &st->rpm->cfg.repos[weaker->repo_index];

			snprintf(why, whylen, "%s %s needs %s %s, found only in %s (%s), whose checks (gpgcheck=%d, repo_gpgcheck=%d) "
				 "are weaker than those of the repository of %s: refused",
				 plan->chosen[0].name, plan->chosen[0].version, companion, plan->chosen[0].version, w->id,
				 w->origin, w->gpgcheck, w->repo_gpgcheck, plan->chosen[0].name);
			plan->build_dir[0] = plan->source_dir[0] = '\0';
			return -EKEYREJECTED;
		}
	}
	snprintf(why, whylen, "%s %s needs %s = %s (%s), which none of the %s primary indexes of %d repositories has",
		 plan->chosen[0].name, plan->chosen[0].version, companion, version, def->file, ctx->kernel.machine,
		 st->n_sources);
	plan->build_dir[0] = plan->source_dir[0] = '\0';
	return -ENOENT;
}

static int rpm_plan(struct provision_ctx *ctx, struct distro_state *st, const char *release, struct distro_plan *plan,
		    char *why, size_t whylen)
{
	const struct rpm_pkglist *l = &st->rpm->reader.pkgs;
	const char *flavour;
	char first[256] = "", version[256];
	size_t i;
	int ret;

	plan->n_chosen = 0;
	split_release(&st->def, release, version, sizeof(version), &flavour);
again:
	for (i = 0; i < l->n; i++) {
		const struct rpm_pkg *p = &l->pkgs[i];

		if (strcmp(p->arch, "noarch") == 0 || !name_wanted(&st->def, p->name, release, flavour) ||
		    !holds_release(p, release, version, flavour))
			continue;
		ret = plan_package(plan, p, why, whylen);
		if (ret == 0 && st->def.build_dir_template[0])
			ret = plan_split(ctx, st, version, flavour, plan, why, whylen);
		if (ret < 0)
			plan->n_chosen = 0;
		return ret;
	}
	if (!st->rpm->fallbacks_read && st->def.fallback_repos[0]) {
		ret = read_fallback_repos(ctx, st, release);
		if (ret < 0) {
			snprintf(why, whylen, "%s", st->index_why);
			return ret;
		}
		goto again;
	}
	expand_name(st->def.header_package, release, flavour, first, sizeof(first));
	snprintf(why, whylen, "no package %s (or another of %s) for %s in the %s primary indexes of %d repositories",
		 first[0] ? first : st->def.header_package, st->def.file, release, ctx->kernel.machine, st->n_sources);
	return -ENOENT;
}

/* close-match: the header packages of the default flavour for other
 * kernels. Its release is what the package provides as
 * kernel-devel-uname-r (else its version-release.arch); a flavoured one
 * ("+rt") is left out, and so is a name the data file's templates do not
 * give that release without a flavour: kernel-devel, Amazon Linux's
 * kernel6.12-devel, but not kernel-uek-devel (another flavour, named
 * literally). The same release in two repositories is offered once. */
static int rpm_candidates(struct provision_ctx *ctx, struct distro_state *st, struct distro_candidate *out, size_t max,
			  size_t *ret_n)
{
	const struct rpm_pkglist *l = &st->rpm->reader.pkgs;
	size_t i, j, n = 0;

	(void)ctx;
	for (i = 0; i < l->n && n < max; i++) {
		const struct rpm_pkg *p = &l->pkgs[i];
		struct distro_candidate *c = &out[n];
		const char *const *t;
		char want[256];
		struct kversion kv;
		int named = 0;

		if (p->uname_r[0])
			snprintf(c->release, sizeof(c->release), "%s", p->uname_r);
		else
			snprintf(c->release, sizeof(c->release), "%s-%s.%s", p->ver, p->rel, p->arch);
		if (strcmp(p->arch, "noarch") == 0 || strchr(c->release, '+') || kversion_parse(c->release, &kv) < 0 ||
		    !kv.has_sublevel)
			continue;
		named = expand_name(st->def.header_package, c->release, "", want, sizeof(want)) == 0 && strcmp(want, p->name) == 0;
		for (t = st->def.header_packages; !named && *t; t++)
			named = (strstr(*t, "{major}") || strstr(*t, "{minor}")) &&
				expand_name(*t, c->release, "", want, sizeof(want)) == 0 && strcmp(want, p->name) == 0;
		for (j = 0; named && j < n; j++)
			named = strcmp(out[j].release, c->release) != 0;
		if (!named)
			continue;
		c->code = kversion_code(kv.major, kv.minor, kv.sublevel);
		c->sublevel = kv.sublevel;
		snprintf(c->version, sizeof(c->version), "%s", p->evr);
		snprintf(c->origin, sizeof(c->origin), "%s package %s %s from %s", st->def.name, p->name, p->evr, p->base_uri);
		n++;
	}
	*ret_n = n;
	return 0;
}

/* The repo file's username and password, for its packages too. */
static const char *rpm_auth(const struct distro_state *st, const struct distro_pkg *p, char *buf, size_t len)
{
	const char *up = st->rpm->cfg.repos[p->source_index].userpwd;

	if (!up[0])
		return NULL;
	snprintf(buf, len, "%s", up);
	return buf;
}

/* Packages come the way their repository's index came. */
static const struct fetch_opts *rpm_fetch_for(const struct distro_state *st, const struct distro_pkg *p)
{
	return &st->rpm->nets[p->source_index].fetch;
}

static void rpm_free(struct distro_state *st)
{
	size_t i;

	if (!st->rpm)
		return;
	for (i = 0; i < RPM_MAX_REPOS; i++)
		rpm_repo_net_free(&st->rpm->nets[i]);
	rpm_reader_free(&st->rpm->reader);
	rpm_config_free(&st->rpm->cfg);
	free(st->rpm);
	st->rpm = NULL;
	st->index_sources = NULL;
}

const struct distro_backend distro_backend_rpm = {
	.package_manager = "rpm",
	.read_indexes = rpm_read_indexes,
	.plan = rpm_plan,
	.extract = rpm_extract_fd,
	.verify = rpmsig_verify_fd,
	.verify_data = rpm_verify_data,
	.auth_for = rpm_auth,
	.fetch_for = rpm_fetch_for,
	.candidates = rpm_candidates,
	.free = rpm_free,
};
