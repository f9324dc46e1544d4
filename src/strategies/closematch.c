/* close-match: when no exact headers exist anywhere, the nearest tree
 * (warmed cache, output volume, --bank), cloned with hardlinks and
 * rewritten for the running kernel: version, release, its configuration,
 * timeconst, patches. Candidates are ranked by version and, where the
 * kernel has BTF, by how well their struct layouts agree with it. */
#include "lib/closematch/closematch.h"
#include "lib/kernel/configsrc.h"
#include "strategies/context.h"
#include "strategies/distro.h"
#include "lib/distro/distrodef.h"
#include "util/fs.h"
#include "util/log.h"
#include "lib/output/manifest.h"
#include "util/path.h"
#include "lib/runnerexec/runnerexec.h"
#include "strategies/strategy.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CANDIDATES 64
#define MEASURED 4 /* candidates built and measured against BTF */

/* The members probes commonly read: the layouts that decide whether a
 * close match reads the right memory. None is a bitfield. Measured per
 * group, so headers that do not compile in one area (net/sock.h of a
 * newer kernel with an older BCC) still count in the others. */
static const struct {
	const char *includes, *members;
} ranking_groups[] = {
	{ "linux/sched.h,linux/mm_types.h,linux/cred.h",
	  "task_struct.pid,task_struct.tgid,task_struct.comm,task_struct.real_parent,task_struct.parent,"
	  "task_struct.group_leader,task_struct.start_time,task_struct.mm,task_struct.cred,task_struct.flags,"
	  "task_struct.nsproxy,task_struct.files,mm_struct.arg_start,mm_struct.arg_end,mm_struct.env_start,"
	  "cred.uid,cred.gid,cred.euid" },
	{ "linux/fs.h", "file.f_inode,file.f_path,file.f_flags,file.f_mode,inode.i_ino,inode.i_mode,inode.i_sb,inode.i_size" },
	{ "net/sock.h,linux/skbuff.h",
	  "sock.__sk_common.skc_family,sock.__sk_common.skc_dport,sock.__sk_common.skc_num,sock.__sk_common.skc_daddr,"
	  "sock.__sk_common.skc_rcv_saddr,sock.sk_rcvbuf,sock.sk_sndbuf,sk_buff.len,sk_buff.data_len,sk_buff.data,"
	  "sk_buff.head,sk_buff.dev" },
};

struct candidates {
	struct cm_candidate c[MAX_CANDIDATES];
	size_t n;
	size_t other_arch, too_far, not_exact;
	char other_arch_name[64];
	char searched[1024];
};

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

static void scan_dir(struct provision_ctx *ctx, const char *dir, const char *kind, struct candidates *cs,
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

		if (names[i]->d_name[0] == '.' || strcmp(names[i]->d_name, ctx->kernel.release) == 0 ||
		    cs->n == MAX_CANDIDATES || path_join(release_dir, dir, names[i]->d_name) < 0 ||
		    path_join(build, release_dir, "build") < 0 || cm_tree_version(build, &code, &sub) < 0) {
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

/* Repository candidates need a distribution definition and apt sources
 * (or --mirror). */
static int has_distro_strategy_data(const struct provision_ctx *ctx)
{
	return ctx->kernel.have_distro || ctx->opts->n_mirrors > 0;
}

static void add_repo_candidates(struct provision_ctx *ctx, struct candidates *cs, const struct cm_limit *limit)
{
	struct distro_candidate *dc = calloc(MAX_CANDIDATES, sizeof(*dc));
	char why[1024];
	size_t n = 0, i;
	size_t used = strlen(cs->searched);

	if (!dc)
		return;
	if (distro_closematch_candidates(ctx, dc, MAX_CANDIDATES, &n, why, sizeof(why)) < 0) {
		log_info("close-match: no repository candidates: %s", why);
		free(dc);
		return;
	}
	snprintf(cs->searched + used, sizeof(cs->searched) - used, "%sthe distribution's repositories", used ? ", " : "");
	for (i = 0; i < n && cs->n < MAX_CANDIDATES; i++) {
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

static int gather(struct provision_ctx *ctx, struct candidates *cs, char *why, size_t whylen)
{
	const struct options *o = ctx->opts;
	struct cm_limit limit;
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
	for (i = 0; i < o->n_cache_dirs; i++)
		scan_dir(ctx, o->cache_dirs[i], "cache", cs, &limit);
	for (i = 0; i < o->n_banks; i++)
		scan_dir(ctx, o->banks[i], "bank", cs, &limit);
	if (has_distro_strategy_data(ctx))
		add_repo_candidates(ctx, cs, &limit);
	if (cs->n > 0) {
		cm_sort(cs->c, cs->n, ctx->kernel.version_code);
		return 0;
	}
	if (cs->too_far)
		snprintf(why, whylen, "%zu candidate tree(s) in %s, all beyond --max-distance %s of %u.%u", cs->too_far,
			 cs->searched, o->max_distance ? o->max_distance : "same-major", ctx->kernel.version_code >> 16,
			 (ctx->kernel.version_code >> 8) & 0xff);
	else if (cs->other_arch)
		snprintf(why, whylen, "the trees in %s are for another architecture (%s), not %s", cs->searched,
			 cs->other_arch_name, ctx->kernel.arch);
	else
		snprintf(why, whylen, "no candidate tree in %s (add one with --bank or a warmed --cache-dir)", cs->searched);
	return -ENOENT;
}

static int closematch_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	struct candidates *cs = malloc(sizeof(*cs));
	int ret;

	if (!cs)
		return -ENOMEM;
	ret = gather(ctx, cs, what, whatlen);
	if (ret == 0)
		snprintf(what, whatlen, "%zu candidate(s), nearest %s (%u.%u.%u) from %s", cs->n, cs->c[0].release,
			 cs->c[0].version_code >> 16, (cs->c[0].version_code >> 8) & 0xff, cs->c[0].sublevel, cs->c[0].origin);
	free(cs);
	return ret;
}

static size_t members_in(const char *list)
{
	size_t n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

/* Measures a rewritten tree against BTF with the runner, group by group. */
static void measure(struct provision_ctx *ctx, struct cm_candidate *c, const char *tree)
{
	size_t g, i, slot = 0;

	for (g = 0; g < sizeof(ranking_groups) / sizeof(ranking_groups[0]); g++) {
		const char *args[] = { "--tree", tree, "--btf-only", "--members", ranking_groups[g].members, "--include",
				       ranking_groups[g].includes, "--btf", ctx->kernel.btf_path, "--quiet", NULL };
		json_object *result = NULL, *rows = NULL;
		char why[512];

		if (runner_exec(&(struct runner_cmd){ ctx->opts->runner, ctx->opts->bpf_dir, 1 }, args, &result, why, sizeof(why)) < 0) {
			log_info("close-match: %s: layouts not measured: %s", c->release, why);
			return;
		}
		if (!json_object_object_get_ex(result, "btf", &rows) || json_object_array_length(rows) == 0)
			log_info("close-match: %s: %s do not compile here; their members are not measured", c->release,
				 ranking_groups[g].includes);
		else
			c->btf_measured = 1;
		for (i = 0; rows && i < json_object_array_length(rows); i++) {
			json_object *r = json_object_array_get_idx(rows, i), *m, *to, *bo;
			long err = 0;
			int match;

			if (!json_object_object_get_ex(r, "btf_offset", &bo) || !bo)
				continue;
			match = json_object_object_get_ex(r, "match", &m) && json_object_get_boolean(m);
			if (json_object_object_get_ex(r, "tree_offset", &to))
				err = labs((long)json_object_get_int64(to) - (long)json_object_get_int64(bo));
			c->btf_total++;
			c->btf_matched += match;
			c->btf_offset_error += err;
			if (slot + i < sizeof(c->member_state)) {
				c->member_state[slot + i] = match ? 1 : 2;
				c->member_error[slot + i] = err;
			}
		}
		slot += members_in(ranking_groups[g].members);
		json_object_put(result);
	}
}

/* Is a better than b? Compared on the members measured for both: more
 * agreeing members, then smaller offset error; else not better. */
static int better_layout(const struct cm_candidate *a, const struct cm_candidate *b)
{
	int am = 0, bm = 0;
	long ae = 0, be = 0;
	size_t i;

	if (!a->btf_measured)
		return 0;
	if (!b->btf_measured)
		return 1;
	for (i = 0; i < sizeof(a->member_state); i++) {
		if (!a->member_state[i] || !b->member_state[i])
			continue;
		am += a->member_state[i] == 1;
		bm += b->member_state[i] == 1;
		ae += a->member_error[i];
		be += b->member_error[i];
	}
	return am > bm || (am == bm && ae < be);
}

/* Downloads are the costly part: among the candidates measured, at most
 * two come from repositories (the nearest two), the rest from local trees. */
static void drop_extra_repo_candidates(struct candidates *cs)
{
	size_t i, kept = 0, repo = 0;

	for (i = 0; i < cs->n; i++) {
		if (cs->c[i].from_repo && repo >= 2 && kept < MEASURED)
			continue;
		repo += cs->c[i].from_repo;
		if (kept != i)
			cs->c[kept] = cs->c[i];
		kept++;
	}
	cs->n = kept;
}

static json_object *candidate_json(const struct cm_candidate *c, unsigned target)
{
	json_object *o = json_object_new_object();
	char v[32];

	snprintf(v, sizeof(v), "%u.%u.%u", c->version_code >> 16, (c->version_code >> 8) & 0xff, c->sublevel);
	json_object_object_add(o, "release", json_object_new_string(c->release));
	json_object_object_add(o, "version", json_object_new_string(v));
	json_object_object_add(o, "origin", json_object_new_string(c->origin));
	json_object_object_add(o, "distance", json_object_new_int64((int64_t)cm_distance(target, c->version_code)));
	if (c->btf_measured) {
		json_object_object_add(o, "btf_members_matching", json_object_new_int(c->btf_matched));
		json_object_object_add(o, "btf_members_compared", json_object_new_int(c->btf_total));
		json_object_object_add(o, "btf_offset_error", json_object_new_int64(c->btf_offset_error));
	}
	return o;
}

static int closematch_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	struct candidates *cs = malloc(sizeof(*cs));
	char data_dir[PATH_MAX], patches[PATH_MAX], trees[MEASURED][PATH_MAX];
	char *config = NULL, *renames = NULL, *implied = NULL;
	json_object *rewritten[MEASURED] = { NULL }, *fetched[MEASURED] = { NULL }, *info, *list;
	size_t i, n, best = 0;
	int ret, any_measured = 0;

	if (!cs)
		return -ENOMEM;
	ret = gather(ctx, cs, why, whylen);
	if (ret < 0)
		goto out;
	distrodef_data_dir(ctx->opts->data_dir, data_dir);
	path_join(patches, data_dir, "patches");
	renames = fs_read_text_at(data_dir, "patches/kconfig-renames", 1 << 20);
	implied = fs_read_text_at(data_dir, "patches/kconfig-implied", 1 << 20);
	if (ctx->kernel.config_source) {
		ret = configsrc_read(&ctx->hr, &ctx->kernel, &config, NULL);
		if (ret < 0) {
			snprintf(why, whylen, "cannot read the kernel config %s: %s", ctx->kernel.config_path, strerror(-ret));
			goto out;
		}
	} else {
		log_warn("close-match: no config for %s (no /proc/config.gz, /boot/config-%s): the candidate's configuration stays",
			 ctx->kernel.release, ctx->kernel.release);
	}
	drop_extra_repo_candidates(cs);
	n = cs->n < MEASURED ? cs->n : MEASURED;
	for (i = 0; i < n; i++) {
		struct cm_candidate *c = &cs->c[i];
		char inner[1024] = "";

		rewritten[i] = json_object_new_array();
		fetched[i] = json_object_new_array();
		if (path_format(trees[i], "%s/cand%zu", ctx->work_dir, i) < 0) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		if (c->from_repo) {
			char work[PATH_MAX];

			if (path_format(work, "%s/fetch%zu", ctx->work_dir, i) < 0 || mkdir(work, 0700) < 0 ||
			    mkdir(trees[i], 0755) < 0) {
				ret = -errno;
				snprintf(why, whylen, "cannot prepare %s: %s", work, strerror(-ret));
				goto out;
			}
			ret = distro_fetch_candidate(ctx, c->release, work, trees[i], fetched[i], inner, sizeof(inner));
			if (ret < 0) {
				snprintf(why, whylen, "%s: %s", c->release, inner);
				goto out;
			}
			fs_rm_rf(work);
		} else if ((ret = fs_clone_tree(c->build, trees[i])) < 0) {
			snprintf(why, whylen, "cannot clone %s: %s", c->build, strerror(-ret));
			goto out;
		}
		ret = cm_rewrite(trees[i], &ctx->kernel, config, renames, implied, patches, c->version_code, rewritten[i], inner,
				 sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s: %s", c->release, inner);
			goto out;
		}
		if (ctx->kernel.btf && n > 1)
			measure(ctx, c, trees[i]); /* ranking one candidate would change nothing */
		if (c->btf_measured) {
			any_measured = 1;
			log_info("close-match: %s (%s): %d of %d struct members agree with the kernel's BTF (offsets off by %ld bytes in all)",
				 c->release, c->origin, c->btf_matched, c->btf_total, c->btf_offset_error);
		}
		if (i > 0 && better_layout(c, &cs->c[best]))
			best = i;
	}
	/* The chosen clone becomes the tree. */
	if (rmdir(build_dir) < 0 || rename(trees[best], build_dir) < 0) {
		ret = -errno;
		snprintf(why, whylen, "cannot move the tree into %s: %s", build_dir, strerror(-ret));
		goto out;
	}
	info = json_object_new_object();
	json_object_object_add(info, "candidate", candidate_json(&cs->c[best], ctx->kernel.version_code));
	json_object_object_add(info, "chosen_by", json_object_new_string(any_measured ? "BTF agreement, then version nearness"
									      : "version nearness"));
	json_object_object_add(info, "config_applied",
			       ctx->kernel.config_source ? json_object_new_string(ctx->kernel.config_path) : NULL);
	json_object_object_add(info, "rewritten", json_object_get(rewritten[best]));
	list = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(list, candidate_json(&cs->c[i], ctx->kernel.version_code));
	json_object_object_add(info, "candidates", list);
	ctx->close_match = info;
	ctx->exact = 0;
	snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "close match: %s (%u.%u.%u) from %s, rewritten for %s",
		 cs->c[best].release, cs->c[best].version_code >> 16, (cs->c[best].version_code >> 8) & 0xff,
		 cs->c[best].sublevel, cs->c[best].origin, ctx->kernel.release);
	log_info("close-match: chose %s (%s)%s; an approximation of %s's headers", cs->c[best].release, cs->c[best].origin,
		 any_measured ? " for the best BTF agreement" : ", the nearest version", ctx->kernel.release);
	if (cs->c[best].from_repo) {
		for (i = 0; i < json_object_array_length(fetched[best]); i++)
			json_object_array_add(ctx->sources, json_object_get(json_object_array_get_idx(fetched[best], i)));
	} else {
		json_object *src = json_object_new_object();

		json_object_object_add(src, "type", json_object_new_string("close-match"));
		json_object_object_add(src, "path", json_object_new_string(cs->c[best].build));
		json_object_array_add(ctx->sources, src);
	}
	ret = 0;
out:
	for (i = 0; i < MEASURED; i++) {
		json_object_put(rewritten[i]);
		json_object_put(fetched[i]);
	}
	free(config);
	free(renames);
	free(implied);
	free(cs);
	return ret;
}

const struct strategy strategy_closematch = {
	.name = "close-match",
	.probe = closematch_probe,
	.provide = closematch_provide,
};
