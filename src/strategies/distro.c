/* distro: the distribution's own header packages for this exact kernel,
 * found through the host's package configuration by the back end its
 * data file names (distro_apt.c: apt sources or --mirror, InRelease and
 * Packages; distro_rpm.c: yum/dnf/zypper repo files, repomd.xml and
 * primary.xml; distro_tarball.c: one headers tarball per build beside its
 * checksum file), with the chain of trust checked at every step. Packages
 * of either format stream from libcurl into libarchive, in parallel,
 * each checked against its signed index (lib/pkgfetch), and only what
 * BCC needs is written. */
#include "strategies/distro.h"

#include "strategies/context.h"
#include "strategies/distro_state.h"
#include "strategies/strategy.h"
#include "util/hostroot.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/treecopy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void distro_vnote(const char *who, int warning, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (warning)
		log_warn("%s: %s", who, msg);
	else
		log_info("%s: %s", who, msg);
}

void distro_note(void *data, int warning, const char *fmt, ...)
{
	va_list ap;

	(void)data;
	va_start(ap, fmt);
	distro_vnote("distro", warning, fmt, ap);
	va_end(ap);
}

static const struct distro_backend *const backends[] = { &distro_backend_apt, &distro_backend_rpm,
							  &distro_backend_tarball };

/* The distribution's data file, and the back end its package manager
 * names. */
static int load_def(struct provision_ctx *ctx, struct distro_state *st, char *why, size_t whylen)
{
	char data_dir[PATH_MAX], inner[1024];
	size_t i;
	int ret;

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
	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (strcmp(st->def.package_manager, backends[i]->package_manager) == 0)
			st->backend = backends[i];
	if (!st->backend) {
		snprintf(why, whylen, "%s: package manager '%s' is not supported", st->def.file, st->def.package_manager);
		return -ENOENT;
	}
	return 0;
}

void distro_fetch_opts(struct provision_ctx *ctx, struct fetch_opts *fo)
{
	fetch_opts_defaults(fo);
	fo->connect_timeout_s = ctx->opts->connect_timeout_s;
	fo->stall_timeout_s = ctx->opts->stall_timeout_s;
	/* --deadline counts from the first download of the run. */
	if (ctx->opts->deadline_s > 0 && ctx->fetch_deadline == 0)
		ctx->fetch_deadline = fetch_now() + (double)ctx->opts->deadline_s;
	fo->deadline = ctx->fetch_deadline;
	fo->attempts = ctx->opts->retries;
	fo->progress = 1;
}

static int read_indexes(struct provision_ctx *ctx, struct distro_state *st)
{
	int ret;

	/* libcurl and OpenSSL start-up costs milliseconds: only paid here, not
	 * on a cache hit. Runs before any download thread exists. */
	fetch_global_init();
	ret = load_def(ctx, st, st->index_why, sizeof(st->index_why));
	if (ret < 0)
		return ret;
	return st->backend->read_indexes(ctx, st);
}

struct distro_state *distro_state_get(struct provision_ctx *ctx)
{
	struct distro_state *st = ctx->distro;

	if (st)
		return st;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->index_status = read_indexes(ctx, st);
	return ctx->distro = st;
}

void distro_state_free(struct distro_state *st)
{
	if (!st)
		return;
	if (st->backend)
		st->backend->free(st);
	free(st);
}

int distro_make_plan(struct provision_ctx *ctx, struct distro_state **ret_st, struct distro_plan *plan, char *why,
		     size_t whylen)
{
	struct distro_state *st = distro_state_get(ctx);
	char pwhy[2048] = "";
	int ret;

	if (!st)
		return -ENOMEM;
	*ret_st = st;
	if (st->index_status < 0) {
		snprintf(why, whylen, "%s", st->index_why);
		return st->index_status;
	}
	plan->build_dir[0] = plan->source_dir[0] = '\0';
	ret = st->backend->plan(ctx, st, ctx->kernel.release, plan, pwhy, sizeof(pwhy));
	if (ret != -ENOENT || !st->network_failures) {
		snprintf(why, whylen, "%s", pwhy);
		return ret;
	}
	snprintf(why, whylen, "%s, and %d source(s) failed; last: %s", pwhy, st->network_failures,
		 st->last_network_error);
	return -ECOMM;
}

static int distro_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	struct distro_state *st;
	struct distro_plan plan;
	int ret = distro_make_plan(ctx, &st, &plan, what, whatlen), i;
	size_t o;

	if (ret < 0)
		return ret; /* a failed check of the chain of trust is not a "skip" */
	o = (size_t)snprintf(what, whatlen, "%s %s", st->def.name,
			     st->backend == &distro_backend_tarball ? "headers tarball" : "packages");
	for (i = 0; i < plan.n_chosen && o < whatlen; i++)
		o += (size_t)snprintf(what + o, whatlen - o, " %s_%s", plan.chosen[i].name, plan.chosen[i].version);
	return 0;
}

/* Which members of the packages are written: the arch's part of what BCC
 * needs, below the plan's folders when it names them, else below any
 * usr/src/<tree> (a .deb's usr/src/linux-headers-<release>, an RPM's
 * usr/src/kernels/<release>). */
struct member_filter {
	const char *arch;
	const char *trees[2]; /* the plan's build and source folders, or NULL */
};

static int wanted_below(const char *rest, const char *arch)
{
	return !rest || !*rest || treecopy_wanted(rest, 0, arch) || treecopy_wanted(rest, 1, arch);
}

static int select_header_member(void *data, const char *member, char out_rel[PATH_MAX])
{
	const struct member_filter *f = data;
	const char *tree = member + 8, *rest;
	int i;

	if (f->trees[0]) {
		for (i = 0; i < 2; i++) {
			size_t n = f->trees[i] ? strlen(f->trees[i]) : 0;

			if (n && strncmp(member, f->trees[i], n) == 0 && (member[n] == '/' || member[n] == '\0') &&
			    wanted_below(member[n] ? member + n + 1 : NULL, f->arch))
				return path_copy(out_rel, member) == 0;
		}
		return 0;
	}
	if (strncmp(member, "usr/src/", 8) != 0)
		return 0;
	if (strncmp(tree, "kernels/", 8) == 0)
		tree += 8;
	rest = strchr(tree, '/');
	if (rest && !wanted_below(rest + 1, f->arch))
		return 0;
	return path_copy(out_rel, member) == 0;
}

static void record_packages(const struct distro_state *st, json_object *sources, const struct distro_plan *plan,
			    const struct pkgfetch_item *d)
{
	size_t i;
	int k;

	for (i = 0; st->index_sources && i < json_object_array_length(st->index_sources); i++)
		json_object_array_add(sources, json_object_get(json_object_array_get_idx(st->index_sources, i)));
	for (k = 0; k < plan->n_chosen; k++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("package"));
		json_object_object_add(o, "name", json_object_new_string(plan->chosen[k].name));
		json_object_object_add(o, "version", json_object_new_string(plan->chosen[k].version));
		json_object_object_add(o, "url", json_object_new_string(d[k].url));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)d[k].res.bytes));
		json_object_object_add(o, "sha256", json_object_new_string(d[k].res.sha256));
		if (strcmp(d[k].digest_algo, "sha512") == 0)
			json_object_object_add(o, "sha512", json_object_new_string(d[k].res.sha512));
		json_object_array_add(sources, o);
	}
}

/* The unpacked packages under work/root, as one tree for release: where
 * the plan says, else where the host strategy would look on a host. */
static int merge_tree(struct provision_ctx *ctx, const struct distro_plan *plan, const struct pkgfetch_item *d,
		      const char *release, const char *work, const char *build_dir, char *why, size_t whylen)
{
	char root[PATH_MAX], found_at[PATH_MAX], bpath[PATH_MAX], spath[PATH_MAX];
	struct hostroot pkgroot;
	int ret = path_join(root, work, "root");

	if (ret == 0)
		ret = pkgfetch_gather(d, (size_t)plan->n_chosen, root, why, whylen);
	if (ret == 0)
		ret = hostroot_init(&pkgroot, root);
	if (ret == 0 && plan->build_dir[0]) {
		ret = path_format(bpath, "/%s", plan->build_dir);
		if (ret == 0)
			ret = path_format(spath, "/%s", plan->source_dir);
		if (ret == 0)
			ret = host_tree_copy_at(&pkgroot, bpath, plan->source_dir[0] ? spath : NULL, ctx->kernel.arch,
						build_dir, TREECOPY_MOVE, ctx, why, whylen);
		if (ret == -ENOENT)
			ret = -EILSEQ; /* the packages did not hold the tree their data file promises */
	} else if (ret == 0) {
		ret = host_tree_copy(&pkgroot, release, ctx->kernel.arch, build_dir, TREECOPY_MOVE, ctx, NULL, found_at, why,
				     whylen);
		if (ret == -ENOENT)
			ret = -EILSEQ; /* the packages did not hold the tree they promise */
	}
	return ret;
}

int distro_fetch_packages(struct provision_ctx *ctx, struct distro_state *st, const struct distro_plan *plan,
			  const char *release, const char *work, const char *build_dir, json_object *sources, char *why,
			  size_t whylen)
{
	struct member_filter filter = { .arch = ctx->kernel.arch };
	struct pkgfetch_opts o = { .max_bytes = ctx->opts->max_tree_bytes, .extract = st->backend->extract,
				   .select = select_header_member, .select_data = &filter,
				   .note = distro_note, .verify = st->backend->verify };
	int i, ret, n = plan->n_chosen;
	struct pkgfetch_item *d = calloc((size_t)n, sizeof(*d));
	char (*auth)[600] = calloc((size_t)n, 600);

	if (!d || !auth) {
		free(d);
		free(auth);
		return -ENOMEM;
	}
	if (plan->build_dir[0]) {
		filter.trees[0] = plan->build_dir;
		filter.trees[1] = plan->source_dir[0] ? plan->source_dir : NULL;
	}
	distro_fetch_opts(ctx, &o.fetch);
	if (st->backend == &distro_backend_apt)
		o.fetch = st->repo.fetch; /* the host's apt proxies */
	o.max_parallel = ctx->opts->jobs;
	for (i = 0; i < n; i++) {
		const struct distro_pkg *p = &plan->chosen[i];

		snprintf(d[i].url, sizeof(d[i].url), "%s/%s", p->base_uri, p->location);
		d[i].size = p->size;
		snprintf(d[i].digest_algo, sizeof(d[i].digest_algo), "%s", p->digest_algo);
		snprintf(d[i].digest, sizeof(d[i].digest), "%s", p->digest);
		d[i].no_digest = p->no_digest;
		d[i].unsized = p->unsized;
		d[i].userpwd = st->backend->auth_for(st, p, auth[i], sizeof(auth[i]));
		d[i].fetch = st->backend->fetch_for ? st->backend->fetch_for(st, p) : NULL;
		d[i].verify_data = st->backend->verify_data ? st->backend->verify_data(st, p) : NULL;
		if (path_format(d[i].dir, "%s/pkg%d", work, i) < 0) {
			free(d);
			free(auth);
			return -ENAMETOOLONG;
		}
		if (p->size)
			log_info("distro: fetching %s (%llu bytes)", d[i].url, p->size);
		else
			log_info("distro: fetching %s", d[i].url);
	}
	ret = pkgfetch_run(&o, d, (size_t)n, why, whylen);
	for (i = 0; ret == 0 && i < n; i++)
		if (d[i].no_digest)
			log_info("distro: fetched %s (not verified: no checksum published), %llu files kept", d[i].url,
				 d[i].st.files);
		else
			log_info("distro: verified %s (%s %s), %llu files kept", d[i].url, d[i].digest_algo, d[i].digest,
				 d[i].st.files);
	if (ret == 0)
		ret = merge_tree(ctx, plan, d, release, work, build_dir, why, whylen);
	if (ret == 0 && sources)
		record_packages(st, sources, plan, d);
	free(d);
	free(auth);
	return ret;
}

/* The manifest's origin: the package that names the release, and any
 * other of the plan that came from another repository (a companion
 * fetched elsewhere must not hide behind the first package's URL). */
static void distro_origin(const struct distro_state *st, const struct distro_plan *plan, char *out, size_t len)
{
	size_t o;
	int i;

	o = (size_t)snprintf(out, len, "%s package %s %s from %s", st->def.name, plan->chosen[0].name,
			     plan->chosen[0].version, plan->chosen[0].base_uri);
	for (i = 1; i < plan->n_chosen && o < len; i++)
		if (strcmp(plan->chosen[i].base_uri, plan->chosen[0].base_uri) != 0)
			o += (size_t)snprintf(out + o, len - o, ", with %s %s from %s", plan->chosen[i].name,
					      plan->chosen[i].version, plan->chosen[i].base_uri);
}

static int distro_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	struct distro_state *st;
	struct distro_plan plan;
	int ret = distro_make_plan(ctx, &st, &plan, why, whylen);

	if (ret < 0)
		return ret;
	ret = distro_fetch_packages(ctx, st, &plan, ctx->kernel.release, ctx->work_dir, build_dir,
				    ctx->sources, why, whylen);
	if (ret == 0 && st->backend->finish)
		ret = st->backend->finish(ctx, st, build_dir, why, whylen);
	if (ret == 0) {
		/* Nothing vouched for an unverified download: its tree may be
		 * anything with the right release string. */
		ctx->exact = !plan.chosen[0].no_digest;
		if (!ctx->exact)
			log_info("distro: %s/%s was checked against no checksum: published as a close match, not exact",
				 plan.chosen[0].base_uri, plan.chosen[0].location);
		distro_origin(st, &plan, ctx->tree_origin, sizeof(ctx->tree_origin));
	}
	return ret;
}

const struct strategy strategy_distro = {
	.name = "distro",
	.probe = distro_probe,
	.provide = distro_provide,
};
