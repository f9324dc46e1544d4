/* warm: one provisioning per kernel into the same output, as a cache for
 * image builds; the worst exit code wins. The kernels come from
 * tool/warmsel.c (named, --kernels-from, --latest), each for one
 * architecture (--arch; this machine's by default): a kernel of another
 * architecture is provisioned as that machine's (its Debian packages from
 * binary-<arch>, its tree keeping arch/<its arch>), with the repositories'
 * indexes read once per architecture. With --cache-dir, each published
 * tree is stored in the first cache dir's store, and a tree the store
 * holds is served from it (the cache strategy, which also matches the
 * arch) instead of being fetched again. Without --output, the trees are
 * published into <cache>/.warm and removed from there once stored. */
#include "tool/warm.h"

#include "lib/kernel/arch.h"
#include "lib/output/manifest.h"
#include "strategies/context.h"
#include "strategies/distro.h"
#include "strategies/distro_state.h"
#include "tool/cachecmd.h"
#include "tool/exitcodes.h"
#include "tool/provision.h"
#include "tool/status.h"
#include "tool/warmsel.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/path.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* The indexes of one architecture, read once for all its kernels. */
struct arch_indexes {
	const char *machine;
	struct distro_state *st;
};

struct warm_run {
	struct options *opts;
	char this_machine[65];
	struct arch_indexes idx[MAX_ARCHES + 1];
	int n_idx;
};

static struct distro_state **indexes_of(struct warm_run *w, const char *machine)
{
	int i;

	for (i = 0; i < w->n_idx; i++)
		if (strcmp(w->idx[i].machine, machine) == 0)
			return &w->idx[i].st;
	w->idx[w->n_idx].machine = machine;
	return &w->idx[w->n_idx++].st;
}

/* What a kernel of machine is provisioned as: that machine and its arch/
 * directory, and the distribution --distro names instead of the host's. */
static int kernel_for(struct warm_run *w, struct provision_ctx *ctx, const char *release, const char *machine,
		      char *why, size_t whylen)
{
	const struct options *o = w->opts;
	const char *arch = arch_kernel_for_machine(machine);

	if (hostroot_init(&ctx->hr, o->host_root) < 0) {
		snprintf(why, whylen, "warm: cannot read the host root %s", o->host_root);
		return -EINVAL;
	}
	if (kernel_info_read(&ctx->hr, release, "warm", &ctx->kernel, why, whylen) < 0)
		return -EINVAL;
	snprintf(ctx->kernel.machine, sizeof(ctx->kernel.machine), "%s", machine);
	snprintf(ctx->kernel.arch, sizeof(ctx->kernel.arch), "%s", arch ? arch : machine);
	if (strcmp(machine, w->this_machine) != 0) {
		/* Nothing of this machine describes another's kernel. */
		ctx->kernel.running = 0;
		ctx->kernel.btf = 0;
	}
	if (o->distro) {
		const char *colon = strchr(o->distro, ':');

		memset(&ctx->kernel.distro, 0, sizeof(ctx->kernel.distro));
		snprintf(ctx->kernel.distro.id, sizeof(ctx->kernel.distro.id), "%.*s", (int)(colon - o->distro),
			 o->distro);
		snprintf(ctx->kernel.distro.version_id, sizeof(ctx->kernel.distro.version_id), "%s", colon + 1);
		snprintf(ctx->kernel.distro.pretty_name, sizeof(ctx->kernel.distro.pretty_name), "%s (--distro)",
			 o->distro);
		ctx->kernel.have_distro = 1;
	}
	return 0;
}

/* Reading the indexes failed: as the distro strategy's failure would
 * exit, but a configuration the back end refuses (-EINVAL: --mirror for
 * an RPM distribution) is the command line's. */
static int index_failure_code(int err)
{
	return err == -EINVAL ? PH_EXIT_USAGE : provision_exit_code_for(err);
}

/* --latest for machine: its indexes (read here, kept for its kernels). */
static int select_latest(struct warm_run *w, const char *machine, struct warm_list *l)
{
	struct provision_ctx ctx;
	struct distro_state **st = indexes_of(w, machine);
	char why[2048] = "";
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = w->opts;
	if (kernel_for(w, &ctx, NULL, machine, why, sizeof(why)) < 0) {
		log_error("%s", why);
		return PH_EXIT_USAGE;
	}
	ctx.distro = *st;
	*st = distro_state_get(&ctx);
	if (!*st)
		return PH_EXIT_INTERNAL;
	if ((*st)->index_status < 0) {
		log_error("warm --latest: %s", (*st)->index_why);
		return index_failure_code((*st)->index_status);
	}
	if ((*st)->backend != &distro_backend_apt) {
		log_error("warm --latest: %s is read with %s; --latest reads apt repositories only", (*st)->def.name,
			  (*st)->def.package_manager);
		return PH_EXIT_USAGE;
	}
	ret = warmsel_latest(w->opts, *st, machine, l, why, sizeof(why));
	if (ret < 0) {
		log_error("warm --latest: %s%s%s", why, (*st)->network_failures ? "; last source failure: " : "",
			  (*st)->network_failures ? (*st)->last_network_error : "");
		return ret == -ENOMEM ? PH_EXIT_INTERNAL : (*st)->network_failures ? PH_EXIT_NETWORK : PH_EXIT_NO_HEADERS;
	}
	return PH_EXIT_OK;
}

/* The store and the output keep one tree per release: a release chosen
 * for two machines (Ubuntu's 6.8.0-45-generic on amd64 and arm64) would
 * have one tree replace the other. Said in one line. */
static int one_release_two_machines(const struct warm_list *l)
{
	const struct warm_kernel *a, *b;

	if (!warmsel_two_machines(l, &a, &b))
		return 0;
	log_error("warm: %s is chosen for both %s and %s, but the store and the output keep one tree per release "
		  "(until they are keyed by release and arch): warm each arch in its own run, with its own --cache-dir "
		  "and --output",
		  a->release, arch_deb_for_machine(a->machine), arch_deb_for_machine(b->machine));
	return 1;
}

/* A named release whose name says another arch than those warm is for
 * (6.1.0-56-amd64 with --arch arm64) would be provisioned as the wrong
 * machine's: refused in one line. */
static int names_other_arch(const struct warm_run *w, const char *release, const char *from)
{
	const struct options *o = w->opts;
	const char *other = warmsel_foreign_arch(o, w->this_machine, release);
	char list[128] = "";
	int i;

	if (!other)
		return 0;
	for (i = 0; i < o->n_arches; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "," : "",
			 arch_deb_for_machine(o->arches[i]));
	log_error("warm: %s%s%s names the architecture %s, which warm is not for (%s %s); add it to --arch", release,
		  from ? " from --kernels-from " : "", from ? from : "", other, o->n_arches ? "--arch" : "this machine:",
		  o->n_arches ? list : arch_deb_for_machine(w->this_machine));
	return 1;
}

/* Every kernel the options name, each with its machine. */
static int select_kernels(struct warm_run *w, struct warm_list *l)
{
	const struct options *o = w->opts;
	const char *dflt = o->n_arches ? NULL : w->this_machine;
	char why[1024];
	int i, code;

	for (i = 0; i < o->n_warm; i++) {
		const char *machine = dflt ? dflt : warmsel_machine_of(o, o->warm_releases[i]);

		if (names_other_arch(w, o->warm_releases[i], NULL))
			return PH_EXIT_USAGE;
		if (!machine) {
			log_error("warm: %s does not end with the name of one --arch; warm it with one --arch", o->warm_releases[i]);
			return PH_EXIT_USAGE;
		}
		if (warmsel_add(l, o->warm_releases[i], machine) < 0)
			return PH_EXIT_INTERNAL;
	}
	if (o->kernels_from) {
		struct warm_list from = { 0 };
		size_t k;
		int ret = warmsel_read_file(o->kernels_from, "", &from, why, sizeof(why));

		if (ret < 0) {
			log_error("%s", why);
			warmsel_free(&from);
			return ret == -ENOMEM ? PH_EXIT_INTERNAL : PH_EXIT_USAGE;
		}
		for (k = 0; k < from.n; k++) {
			const char *machine = dflt ? dflt : warmsel_machine_of(o, from.k[k].release);

			if (names_other_arch(w, from.k[k].release, o->kernels_from)) {
				warmsel_free(&from);
				return PH_EXIT_USAGE;
			}
			if (!machine) {
				log_error("warm: %s (from --kernels-from %s) does not end with the name of one --arch",
					  from.k[k].release, o->kernels_from);
				warmsel_free(&from);
				return PH_EXIT_USAGE;
			}
			if (warmsel_add(l, from.k[k].release, machine) < 0) {
				warmsel_free(&from);
				return PH_EXIT_INTERNAL;
			}
		}
		warmsel_free(&from);
	}
	/* Before --latest reads any index, then with its choice. */
	if (one_release_two_machines(l))
		return PH_EXIT_USAGE;
	for (i = 0; o->latest && i < (o->n_arches ? o->n_arches : 1); i++) {
		code = select_latest(w, o->n_arches ? o->arches[i] : w->this_machine, l);
		if (code != PH_EXIT_OK)
			return code;
	}
	if (one_release_two_machines(l))
		return PH_EXIT_USAGE;
	if (l->n == 0) {
		log_error("warm: no kernel to warm%s", o->kernels_from ? " (--kernels-from names none)" : "");
		return PH_EXIT_USAGE;
	}
	return PH_EXIT_OK;
}

/* The chosen kernels, one a line ("RELEASE ARCH", the Debian arch), before
 * any is warmed: on stdout, unless stdout carries --json. */
static void print_selection(const struct warm_run *w, const struct warm_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (w->opts->json)
			log_info("warm: chosen %s %s", l->k[i].release, arch_deb_for_machine(l->k[i].machine));
		else
			printf("%s %s\n", l->k[i].release, arch_deb_for_machine(l->k[i].machine));
	}
	fflush(stdout);
}

/* Does output/<release> hold a tree of another arch? Then it is not
 * replaced: one output keeps one tree per release, and a node of that
 * arch may be reading it (said in one line). */
static int other_arch_published(const struct options *o, const char *release, const char *arch)
{
	char rd[PATH_MAX];
	json_object *m = NULL, *kernel = NULL;
	const char *had;
	int other;

	if (path_join(rd, o->output, release) < 0 || manifest_read(rd, &m) < 0)
		return 0;
	json_object_object_get_ex(m, "kernel", &kernel);
	had = json_get_string(kernel, "arch", "");
	other = had[0] && strcmp(had, arch) != 0;
	if (other)
		log_error("warm: %s holds the tree of %s for %s; not replaced by the one for %s (an output keeps one tree "
			  "per release: warm the other arch into another --output)",
			  rd, release, had, arch);
	json_object_put(m);
	return other;
}

static int warm_one(struct warm_run *w, const struct warm_kernel *k, size_t nth, size_t of, const char *private_out)
{
	struct options *opts = w->opts;
	struct distro_state **st = indexes_of(w, k->machine);
	struct provision_ctx ctx;
	json_object *status = json_object_new_object();
	char why[512] = "", other[64];
	int code, stored;

	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.distro = *st;
	ctx.sources = json_object_new_array();
	/* One object per release: each must say which one it is. */
	json_object_object_add(status, "release", json_object_new_string(k->release));
	json_object_object_add(status, "arch", json_object_new_string(arch_deb_for_machine(k->machine)));
	json_object_object_add(status, "output", json_object_new_string(opts->output));
	if (kernel_for(w, &ctx, k->release, k->machine, why, sizeof(why)) < 0) {
		log_error("%s", why[0] ? why : "warm: cannot read the host root");
		code = PH_EXIT_USAGE;
	} else {
		log_info("warm: %s (%s), kernel %zu of %zu", ctx.kernel.release, arch_deb_for_machine(k->machine), nth, of);
		stored = opts->n_cache_dirs > 0 ? cachecmd_stored(opts, ctx.kernel.release, ctx.kernel.arch, other,
								     sizeof(other))
						: 0;
		if (stored == -EEXIST && !opts->dry_run) {
			log_error("warm: the store of %s holds %s for %s; not warmed for %s (the store keeps one tree per "
				  "release until it is keyed by release and arch)",
				  opts->cache_dirs[0], ctx.kernel.release, other, ctx.kernel.arch);
			code = PH_EXIT_OUTPUT;
		} else if (other_arch_published(opts, ctx.kernel.release, ctx.kernel.arch)) {
			code = PH_EXIT_OUTPUT;
		} else if (private_out && stored == 1) {
			log_info("warm: %s is in the store of %s already, nothing to do", ctx.kernel.release,
				 opts->cache_dirs[0]);
			json_set_string(status, "result", "stored");
			code = PH_EXIT_OK;
		} else {
			code = provision_run(&ctx, status);
		}
		if (code == PH_EXIT_OK && opts->n_cache_dirs > 0 && !opts->dry_run &&
		    strcmp(json_get_string(status, "result", ""), "stored") != 0) {
			code = cachecmd_ingest(opts, ctx.kernel.release);
			if (code == PH_EXIT_OK && private_out) {
				char rd[PATH_MAX];

				if (path_join(rd, private_out, ctx.kernel.release) == 0)
					fs_rm_rf(rd);
			}
		}
	}
	if (opts->json)
		status_print_result(status, code);
	json_object_put(status);
	json_object_put(ctx.sources);
	json_object_put(ctx.close_match);
	json_object_put(ctx.cache_index);
	*st = ctx.distro;
	return code;
}

int warm_run(struct options *opts)
{
	struct warm_run w = { .opts = opts };
	struct warm_list l = { 0 };
	char private_out[PATH_MAX];
	struct utsname un;
	int worst = PH_EXIT_OK, private = 0, selected, i;
	size_t k;

	if (uname(&un) < 0) {
		log_error("uname: %s", strerror(errno));
		return PH_EXIT_INTERNAL;
	}
	snprintf(w.this_machine, sizeof(w.this_machine), "%s", un.machine);
	if (opts->n_cache_dirs > 0 && !opts->output_given) {
		if (path_join(private_out, opts->cache_dirs[0], ".warm") < 0 || fs_mkdir_p(private_out, 0755) < 0) {
			log_error("warm: cannot create %s/.warm", opts->cache_dirs[0]);
			return PH_EXIT_OUTPUT;
		}
		opts->output = private_out;
		private = 1;
	}
	worst = select_kernels(&w, &l);
	if (worst == PH_EXIT_OK && (opts->latest || opts->kernels_from || opts->n_arches))
		print_selection(&w, &l);
	/* A failed kernel does not stop the others; the worst code wins. */
	for (k = 0, selected = worst == PH_EXIT_OK; selected && k < l.n; k++) {
		int code;

		/* On a terminal, one progress line for the whole warm. */
		log_progress_run((int)k, (int)l.n);
		code = warm_one(&w, &l.k[k], k + 1, l.n, private ? private_out : NULL);
		if (code > worst)
			worst = code;
	}
	log_progress_run(0, 0);
	for (i = 0; i < w.n_idx; i++)
		distro_state_free(w.idx[i].st);
	warmsel_free(&l);
	return worst;
}
