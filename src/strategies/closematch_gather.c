#include "strategies/closematch_gather.h"

#include "lib/kernel/kversion.h"
#include "lib/output/manifest.h"
#include "lib/store/store.h"
#include "strategies/context.h"
#include "strategies/distro.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A published tree that is itself a close match is no candidate. */
static int tree_is_exact(const char *release_dir)
{
	json_object *m = NULL, *ex;
	int exact = 1;

	if (manifest_read(release_dir, &m) == 0) {
		if (json_object_object_get_ex(m, "exact", &ex))
			exact = json_object_get_boolean(ex);
		json_object_put(m);
	}
	return exact;
}

/* Which arch a tree is for: the one whose arch/<arch>/include it has. */
static int tree_has_arch(const char *build, const char *arch, char *other, size_t otherlen)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;

	if (path_format(path, "%s/arch/%s/include", build, arch) == 0 && fs_is_dir(path))
		return 1;
	if (path_format(path, "%s/arch", build) == 0 && (d = opendir(path))) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				snprintf(other, otherlen, "%s", de->d_name);
				break;
			}
		closedir(d);
	}
	return 0;
}

static void scan_dir(struct provision_ctx *ctx, const char *dir, const char *kind, struct cm_candidates *cs,
		     const struct cm_limit *limit)
{
	struct dirent **names = NULL;
	int n, i;
	size_t used = strlen(cs->searched);

	snprintf(cs->searched + used, sizeof(cs->searched) - used, "%s%s", used ? ", " : "", dir);
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		struct cm_candidate *c = &cs->c[cs->n];
		char release_dir[PATH_MAX], build[PATH_MAX];
		unsigned code, sub;
		int r = 0;

		if (names[i]->d_name[0] == '.' || strcmp(names[i]->d_name, ctx->kernel.release) == 0 ||
		    cs->n == CLOSEMATCH_MAX_CANDIDATES || path_join(release_dir, dir, names[i]->d_name) < 0 ||
		    path_join(build, release_dir, "build") < 0 || (r = cm_tree_version(build, &code, &sub)) < 0) {
			if (r == -EXDEV)
				cs->links_out++;
			free(names[i]);
			continue;
		}
		if (!tree_is_exact(release_dir))
			cs->not_exact++;
		else if (!tree_has_arch(build, ctx->kernel.arch, cs->other_arch_name, sizeof(cs->other_arch_name)))
			cs->other_arch++;
		else if (!cm_allowed(limit, ctx->kernel.version_code, code))
			cs->too_far++;
		else {
			memset(c, 0, sizeof(*c));
			snprintf(c->release, sizeof(c->release), "%s", names[i]->d_name);
			c->version_code = code;
			c->sublevel = sub;
			path_copy(c->build, build);
			snprintf(c->origin, sizeof(c->origin), "%s %s", kind, release_dir);
			cs->n++;
		}
		free(names[i]);
	}
	free(names);
}

/* The trees a warmed cache keeps in its content-addressed store (warm
 * --cache-dir): the index says each tree's release, arch and exactness;
 * the version is the stored tree's own version.h, as for any tree. Served
 * from the store by hardlink when built (closematch_build.c). */
static void add_store_candidates(struct provision_ctx *ctx, const char *dir, struct cm_candidates *cs,
				 const struct cm_limit *limit)
{
	const char **rels = NULL;
	struct store s;
	size_t n = 0, i;

	if (store_open(&s, dir, 0) < 0)
		return;
	if (store_releases(&s, &rels, &n) < 0 || n == 0) {
		free(rels);
		store_close(&s);
		return;
	}
	snprintf(cs->searched + strlen(cs->searched), sizeof(cs->searched) - strlen(cs->searched), "%sthe store of %s",
		 cs->searched[0] ? ", " : "", dir);
	for (i = 0; i < n && cs->n < CLOSEMATCH_MAX_CANDIDATES; i++) {
		struct cm_candidate *c = &cs->c[cs->n];
		char build[PATH_MAX];
		struct store_tree t;
		unsigned code, sub;
		int r;

		/* The index names folders: a name that is no kernel release
		 * ("../x") is not looked at. */
		if (kversion_release_problem(rels[i]) || strcmp(rels[i], ctx->kernel.release) == 0 ||
		    store_tree_entry(&s, rels[i], &t) < 0 ||
		    path_format(build, "%s/trees/%s/build", dir, rels[i]) < 0)
			continue;
		if (!t.exact) {
			cs->not_exact++;
			continue;
		}
		if (strcmp(t.arch, ctx->kernel.arch) != 0) {
			cs->other_arch++;
			snprintf(cs->other_arch_name, sizeof(cs->other_arch_name), "%s", t.arch);
			continue;
		}
		r = cm_tree_version(build, &code, &sub);
		if (r < 0) {
			if (r == -EXDEV)
				cs->links_out++;
			continue;
		}
		if (!cm_allowed(limit, ctx->kernel.version_code, code)) {
			cs->too_far++;
			continue;
		}
		memset(c, 0, sizeof(*c));
		snprintf(c->release, sizeof(c->release), "%s", rels[i]);
		c->version_code = code;
		c->sublevel = sub;
		c->from_store = 1;
		path_copy(c->build, dir);
		snprintf(c->origin, sizeof(c->origin), "store of warmed cache %s (first from %s)", dir, t.origin);
		cs->n++;
	}
	free(rels);
	store_close(&s);
}

/* Repository candidates need a distribution definition and apt sources
 * (or --mirror). */
static int has_distro_strategy_data(const struct provision_ctx *ctx)
{
	if (ctx->opts->offline) /* --offline: no repository is asked */
		return 0;
	return ctx->kernel.have_distro || ctx->opts->n_mirrors > 0;
}

static void add_repo_candidates(struct provision_ctx *ctx, struct cm_candidates *cs, const struct cm_limit *limit)
{
	struct distro_candidate *dc = calloc(CLOSEMATCH_MAX_CANDIDATES, sizeof(*dc));
	char why[1024];
	size_t n = 0, i;
	size_t used = strlen(cs->searched);

	if (!dc)
		return;
	if (distro_closematch_candidates(ctx, dc, CLOSEMATCH_MAX_CANDIDATES, &n, why, sizeof(why)) < 0) {
		log_info("close-match: no repository candidates: %s", why);
		free(dc);
		return;
	}
	snprintf(cs->searched + used, sizeof(cs->searched) - used, "%sthe distribution's repositories", used ? ", " : "");
	for (i = 0; i < n && cs->n < CLOSEMATCH_MAX_CANDIDATES; i++) {
		struct cm_candidate *c = &cs->c[cs->n];

		if (strcmp(dc[i].release, ctx->kernel.release) == 0)
			continue;
		if (!cm_allowed(limit, ctx->kernel.version_code, dc[i].code)) {
			cs->too_far++;
			continue;
		}
		memset(c, 0, sizeof(*c));
		snprintf(c->release, sizeof(c->release), "%s", dc[i].release);
		c->version_code = dc[i].code;
		c->sublevel = dc[i].sublevel;
		c->from_repo = 1;
		snprintf(c->origin, sizeof(c->origin), "%s", dc[i].origin);
		cs->n++;
	}
	free(dc);
}

int closematch_gather(struct provision_ctx *ctx, struct cm_candidates *cs, char *why, size_t whylen)
{
	const struct options *o = ctx->opts;
	struct cm_limit limit;
	unsigned major, minor, sub;
	int i;

	memset(cs, 0, sizeof(*cs));
	if (cm_parse_limit(o->max_distance, &limit) < 0) {
		snprintf(why, whylen, "--max-distance '%s': expected same-major, same-minor, any or a number", o->max_distance);
		return -EINVAL;
	}
	if (!ctx->kernel.version_source) {
		snprintf(why, whylen, "the version of kernel %s is unknown", ctx->kernel.release);
		return -ENOENT;
	}
	scan_dir(ctx, o->output, "output volume", cs, &limit);
	for (i = 0; i < o->n_cache_dirs; i++) {
		scan_dir(ctx, o->cache_dirs[i], "cache", cs, &limit);
		add_store_candidates(ctx, o->cache_dirs[i], cs, &limit);
	}
	for (i = 0; i < o->n_banks; i++)
		scan_dir(ctx, o->banks[i], "bank", cs, &limit);
	if (has_distro_strategy_data(ctx))
		add_repo_candidates(ctx, cs, &limit);
	if (cs->n > 0) {
		cm_sort(cs->c, cs->n, ctx->kernel.version_code);
		return 0;
	}
	kversion_split(ctx->kernel.version_code, &major, &minor, &sub);
	if (cs->too_far)
		snprintf(why, whylen, "%zu candidate tree(s) in %s, all beyond --max-distance %s of %u.%u", cs->too_far,
			 cs->searched, o->max_distance ? o->max_distance : "same-major", major, minor);
	else if (cs->links_out)
		snprintf(why, whylen, "%zu candidate tree(s) in %s refused: a symbolic link on the way to include/generated/uapi/linux/version.h leads out of the tree",
			 cs->links_out, cs->searched);
	else if (cs->other_arch)
		snprintf(why, whylen, "the trees in %s are for another architecture (%s), not %s", cs->searched,
			 cs->other_arch_name, ctx->kernel.arch);
	else
		snprintf(why, whylen, "no candidate tree in %s (add one with --bank or a warmed --cache-dir)", cs->searched);
	return -ENOENT;
}

void closematch_gather_trim(struct cm_candidates *cs, size_t max)
{
	size_t i, kept = 0, repo = 0;

	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].from_repo && repo >= 2 && kept < max)
			continue;
		repo += cs->c[i].from_repo;
		if (kept != i)
			cs->c[kept] = cs->c[i];
		kept++;
	}
	cs->n = kept;
}
