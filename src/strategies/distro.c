/* distro: the distribution's own header packages for this exact kernel,
 * found through the host's apt sources (or --mirror), with the chain of
 * trust checked at every step: InRelease signature against the keyrings
 * the host trusts for that source, the Packages index against Release,
 * each .deb against Packages. Packages stream from libcurl into
 * libarchive, in parallel, and only what BCC needs is written. */
#include "lib/apt/aptindex.h"
#include "lib/apt/aptsources.h"
#include "strategies/context.h"
#include "lib/archive/deb.h"
#include "lib/distro/distrodef.h"
#include "lib/net/fetch.h"
#include "util/fs.h"
#include "lib/net/gpgverify.h"
#include "util/log.h"
#include "util/path.h"
#include "strategies/strategy.h"
#include "util/treecopy.h"
#include "strategies/distro.h"
#include "lib/kernel/arch.h"
#include "lib/kernel/kversion.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PACKAGES 16
#define MAX_KEYFILES 64

/* What planning found, kept for provide (one kernel per process). */
struct distro_plan {
	int done;           /* indexes read */
	int index_status;
	char index_why[2048];
	int status;         /* for the kernel asked last */
	char why[2048];
	struct distro_def def;
	struct apt_config cfg;
	struct apt_pkglist pkgs;
	const struct apt_pkg *chosen[MAX_PACKAGES];
	int n_chosen;
	json_object *index_sources;
	const char *arch;
	struct fetch_opts fetch;
	int network_failures;
	char last_network_error[1024];
};

static struct distro_plan plan;

static void plan_fetch_opts(struct provision_ctx *ctx)
{
	fetch_opts_defaults(&plan.fetch);
	plan.fetch.connect_timeout_s = ctx->opts->connect_timeout_s;
	plan.fetch.stall_timeout_s = ctx->opts->stall_timeout_s;
	plan.fetch.attempts = ctx->opts->retries;
	plan.fetch.progress = 1;
	if (plan.cfg.http_proxy[0])
		plan.fetch.http_proxy = plan.cfg.http_proxy;
	if (plan.cfg.https_proxy[0])
		plan.fetch.https_proxy = plan.cfg.https_proxy;
}

static void add_index_source(const char *type, const char *url, const struct fetch_result *res, const char *fpr)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "url", json_object_new_string(url));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)res->bytes));
	json_object_object_add(o, "sha256", json_object_new_string(res->sha256));
	if (fpr)
		json_object_object_add(o, "signed_by", json_object_new_string(fpr));
	json_object_array_add(plan.index_sources, o);
}

/* Keyring files for a source: its Signed-By, else --keyring and the
 * distribution's trusted keyrings (files or folders) under the host root. */
static int collect_keyrings(struct provision_ctx *ctx, const struct apt_source *s, char files[][PATH_MAX], int max)
{
	int n = 0, i;

	if (s->signed_by[0]) {
		char list[1024], *tok, *save = NULL;

		snprintf(list, sizeof(list), "%s", s->signed_by);
		for (tok = strtok_r(list, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
			if (tok[0] == '/' && hostroot_path(&ctx->hr, tok, files[n]) == 0)
				n++;
		return n;
	}
	for (i = 0; i < ctx->opts->n_keyrings && n < max; i++)
		if (path_copy(files[n], ctx->opts->keyrings[i]) == 0)
			n++;
	for (i = 0; plan.def.trusted_keyrings[i] && n < max; i++) {
		char full[PATH_MAX];
		DIR *d;
		struct dirent *de;

		if (hostroot_path(&ctx->hr, plan.def.trusted_keyrings[i], full) < 0)
			continue;
		if (fs_is_file(full)) {
			path_copy(files[n++], full);
			continue;
		}
		d = opendir(full);
		if (!d)
			continue;
		while ((de = readdir(d)) && n < max) {
			size_t len = strlen(de->d_name);

			if (len > 4 && (!strcmp(de->d_name + len - 4, ".gpg") || !strcmp(de->d_name + len - 4, ".asc")) &&
			    path_join(files[n], full, de->d_name) == 0)
				n++;
		}
		closedir(d);
	}
	return n;
}

/* Fetches and verifies dists/<suite>/InRelease (or Release and
 * Release.gpg); returns the Release text. */
static int fetch_release(struct provision_ctx *ctx, const struct apt_source *s, char **ret_text, char *why,
			 size_t whylen)
{
	char url[2048], gpg_url[2048], fpr[65] = "";
	char(*keyfiles)[PATH_MAX] = calloc(MAX_KEYFILES, PATH_MAX);
	const char *key_ptrs[MAX_KEYFILES];
	char *data = NULL, *sig = NULL, *text = NULL;
	size_t len = 0, sig_len = 0, text_len = 0;
	struct fetch_result res, sig_res;
	struct gpg_keys keys;
	int ret, n, i, detached = 0;

	if (!keyfiles)
		return -ENOMEM;
	snprintf(url, sizeof(url), "%s/dists/%s/InRelease", s->uri, s->suite);
	ret = fetch_to_memory(&plan.fetch, url, 64u << 20, &data, &len, &res, why, whylen);
	if (ret == -ENOENT) {
		snprintf(url, sizeof(url), "%s/dists/%s/Release", s->uri, s->suite);
		snprintf(gpg_url, sizeof(gpg_url), "%s/dists/%s/Release.gpg", s->uri, s->suite);
		ret = fetch_to_memory(&plan.fetch, url, 64u << 20, &data, &len, &res, why, whylen);
		detached = 1;
		if (ret == 0 && !s->trusted && !ctx->opts->insecure_skip_signature) {
			ret = fetch_to_memory(&plan.fetch, gpg_url, 1u << 20, &sig, &sig_len, &sig_res, why, whylen);
			if (ret == -ENOENT) {
				snprintf(why, whylen, "%s: unsigned repository (no InRelease, no Release.gpg)", url);
				ret = -EKEYREJECTED;
			}
		}
	}
	if (ret < 0)
		goto out;
	if (s->trusted || ctx->opts->insecure_skip_signature) {
		log_warn("distro: NOT checking the signature of %s (%s); only hashes protect what follows", url,
			 s->trusted ? "trusted=yes in the source" : "--insecure-skip-signature");
		text = data;
		data = NULL;
		add_index_source("release", url, &res, NULL);
		goto out;
	}
	n = collect_keyrings(ctx, s, keyfiles, MAX_KEYFILES);
	for (i = 0; i < n; i++)
		key_ptrs[i] = keyfiles[i];
	keys.files = key_ptrs;
	keys.n_files = (size_t)n;
	keys.inline_key = s->signed_by_key;
	{
		char gwhy[512];

		ret = gpg_verify(&keys, data, len, detached ? sig : NULL, sig_len, &text, &text_len, fpr, gwhy,
				 sizeof(gwhy));
		if (ret < 0) {
			snprintf(why, whylen, "%s: %s", detached ? gpg_url : url, gwhy);
			ret = -EKEYREJECTED;
			goto out;
		}
	}
	log_info("distro: %s: good signature by %s", url, fpr);
	add_index_source("release", url, &res, fpr);
out:
	if (ret == 0)
		*ret_text = text;
	else
		free(text);
	free(data);
	free(sig);
	free(keyfiles);
	return ret;
}

/* One attempt at a Packages index: stream, decompress, parse. */
static int read_index_once(const char *url, const struct release_entry *e, int source_index, const char *base,
			   struct apt_pkglist *into, struct fetch_result *res, char *why, size_t whylen)
{
	struct packages_parser *parser = packages_parser_new(plan.def.index_patterns, base, source_index, into);
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct fetch_pipe *fp = NULL;
	char buf[65536], fwhy[1024] = "", pwhy[256] = "", awhy[512] = "";
	int fd = -1, ret, fret, parse_ret = 0, data_ret = 0;

	if (!parser || !a || fetch_pipe_start(&plan.fetch, url, e->size, &fp, &fd) < 0) {
		archive_read_free(a);
		if (parser)
			packages_parser_finish(parser, pwhy, sizeof(pwhy));
		return -ENOMEM;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	ret = unpack_open_fd_with(a, fd, awhy, sizeof(awhy));
	if (ret == 0 && archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		snprintf(awhy, sizeof(awhy), "%s", archive_error_string(a));
		ret = -EILSEQ;
	}
	while (ret == 0) {
		la_ssize_t n = archive_read_data(a, buf, sizeof(buf));

		if (n == 0)
			break;
		if (n < 0) {
			snprintf(awhy, sizeof(awhy), "%s", archive_error_string(a));
			data_ret = -EILSEQ;
			break;
		}
		if (parse_ret == 0)
			parse_ret = packages_parser_feed(parser, buf, (size_t)n);
	}
	archive_read_free(a);
	while (read(fd, buf, sizeof(buf)) > 0)
		; /* the hash must cover every byte */
	close(fd);
	fret = fetch_pipe_finish(fp, res, fwhy, sizeof(fwhy));
	parse_ret = packages_parser_finish(parser, pwhy, sizeof(pwhy));
	if (fret < 0) {
		snprintf(why, whylen, "%s", fwhy);
		return fret == -EFBIG ? -EKEYREJECTED : fret;
	}
	if (strcmp(res->sha256, e->sha256) != 0 || res->bytes != e->size) {
		snprintf(why, whylen, "%s: hash mismatch: sha256 %s, %llu bytes; Release lists %s, %llu bytes", url,
			 res->sha256, res->bytes, e->sha256, e->size);
		return -EKEYREJECTED;
	}
	if (ret < 0 || data_ret < 0) {
		snprintf(why, whylen, "%s: corrupt index: %s", url, awhy);
		return -EILSEQ;
	}
	if (parse_ret < 0) {
		snprintf(why, whylen, "%s: malformed index: %s", url, pwhy);
		return -EILSEQ;
	}
	return 0;
}

static int merge_pkglist(struct apt_pkglist *from)
{
	size_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < from->n; i++)
		ret = apt_pkglist_add(&plan.pkgs, &from->pkgs[i]);
	return ret;
}

static int read_index(const char *url, const struct release_entry *e, int source_index, const char *base, char *why,
		      size_t whylen)
{
	int attempt, ret = -ECOMM;

	for (attempt = 1; attempt <= plan.fetch.attempts; attempt++) {
		struct apt_pkglist tmp = { 0 };
		struct fetch_result res;

		if (attempt > 1) {
			log_info("distro: retrying %s (attempt %d of %d) after: %s", url, attempt, plan.fetch.attempts, why);
			fetch_backoff(attempt);
		}
		ret = read_index_once(url, e, source_index, base, &tmp, &res, why, whylen);
		if (ret == 0) {
			ret = merge_pkglist(&tmp);
			add_index_source("index", url, &res, NULL);
		}
		apt_pkglist_free(&tmp);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

static int source_wants_arch(const struct apt_source *s)
{
	char list[128], *tok, *save = NULL;

	if (!s->archs[0])
		return 1;
	snprintf(list, sizeof(list), "%s", s->archs);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, plan.arch) == 0 || strcmp(tok, "all") == 0)
			return 1;
	return 0;
}

static int read_source(struct provision_ctx *ctx, int index, char *why, size_t whylen)
{
	const struct apt_source *s = &plan.cfg.sources[index];
	struct apt_release rel;
	char *text = NULL;
	int ret, c, n_comp = s->n_components;

	ret = fetch_release(ctx, s, &text, why, whylen);
	if (ret < 0)
		return ret;
	ret = apt_release_parse(text, &rel, why, whylen);
	free(text);
	if (ret < 0) {
		char inner[256];

		snprintf(inner, sizeof(inner), "%s", why);
		snprintf(why, whylen, "%s/dists/%s: malformed Release: %s", s->uri, s->suite, inner);
		return -EILSEQ;
	}
	for (c = 0; ret == 0 && (n_comp ? c < n_comp : plan.def.components[c] != NULL); c++) {
		static const char *const exts[] = { ".xz", ".gz", ".bz2", "" };
		const char *comp = n_comp ? s->components[c] : plan.def.components[c];
		const struct release_entry *e = NULL;
		char path[512], url[2048];
		size_t x;

		for (x = 0; !e && x < sizeof(exts) / sizeof(exts[0]); x++) {
			snprintf(path, sizeof(path), "%s/binary-%s/Packages%s", comp, plan.arch, exts[x]);
			e = apt_release_find(&rel, path);
		}
		if (!e) {
			log_info("distro: %s/dists/%s lists no Packages index for %s/binary-%s", s->uri, s->suite, comp,
				 plan.arch);
			continue;
		}
		snprintf(url, sizeof(url), "%s/dists/%s/%s", s->uri, s->suite, e->path);
		log_info("distro: reading %s (%llu bytes)", url, e->size);
		ret = read_index(url, e, index, s->uri, why, whylen);
	}
	apt_release_free(&rel);
	return ret;
}

static int is_fatal(int ret)
{
	return ret == -EKEYREJECTED || ret == -ENOKEY || ret == -EILSEQ || ret == -ENOMEM;
}

static int load_config(struct provision_ctx *ctx, char *why, size_t whylen)
{
	char data_dir[PATH_MAX], inner[1024];
	int ret, i;

	ret = distrodef_data_dir(ctx->opts->data_dir, data_dir);
	if (ret < 0)
		return ret;
	if (ctx->kernel.have_distro)
		ret = distrodef_load(data_dir, &ctx->kernel.distro, &plan.def, inner, sizeof(inner));
	else if (ctx->opts->n_mirrors > 0)
		ret = distrodef_load_named(data_dir, "debian", &plan.def, inner, sizeof(inner));
	else {
		snprintf(inner, sizeof(inner), "no os-release under %s to tell the distribution", ctx->hr.root);
		ret = -ENOENT;
	}
	if (ret < 0) {
		snprintf(why, whylen, "%s", inner);
		return ret;
	}
	if (strcmp(plan.def.package_manager, "apt") != 0) {
		snprintf(why, whylen, "%s: package manager '%s' is not supported yet", plan.def.file,
			 plan.def.package_manager);
		return -ENOENT;
	}
	for (i = 0; i < ctx->opts->n_mirrors; i++) {
		ret = apt_add_mirror(&plan.cfg, ctx->opts->mirrors[i], inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EINVAL;
		}
	}
	if (ctx->opts->n_mirrors == 0) {
		ret = apt_config_read(&ctx->hr, &plan.cfg, inner, sizeof(inner));
		if (ret < 0) {
			snprintf(why, whylen, "%s", inner);
			return -EILSEQ;
		}
	}
	if (plan.cfg.n_sources == 0) {
		snprintf(why, whylen, "no apt sources under %s/etc/apt and no --mirror", hostroot_is_slash(&ctx->hr) ? "" :
			 ctx->hr.root);
		return -ENOENT;
	}
	return 0;
}

/* Reads every index once per process (warm provisions several kernels
 * from the same indexes). */
static int read_indexes(struct provision_ctx *ctx)
{
	size_t i;
	int ret;

	if (plan.done)
		return plan.index_status;
	plan.done = 1;
	/* libcurl and OpenSSL start-up costs milliseconds: only paid here, not
	 * on a cache hit. Runs before any download thread exists. */
	fetch_global_init();
	plan.index_sources = json_object_new_array();
	plan.arch = arch_deb_for_machine(ctx->kernel.machine);
	ret = load_config(ctx, plan.index_why, sizeof(plan.index_why));
	if (ret < 0) {
		snprintf(plan.why, sizeof(plan.why), "%s", plan.index_why);
		return plan.index_status = plan.status = ret;
	}
	plan_fetch_opts(ctx);
	for (i = 0; i < plan.cfg.n_sources; i++) {
		char why[2048] = "", userpwd[600];

		if (!source_wants_arch(&plan.cfg.sources[i]))
			continue;
		plan.fetch.userpwd = apt_auth_for(&plan.cfg, plan.cfg.sources[i].uri, userpwd, sizeof(userpwd));
		ret = read_source(ctx, (int)i, why, sizeof(why));
		if (ret < 0 && is_fatal(ret)) {
			snprintf(plan.why, sizeof(plan.why), "%s", why);
			snprintf(plan.index_why, sizeof(plan.index_why), "%s", why);
			return plan.index_status = plan.status = ret;
		}
		if (ret < 0) {
			log_warn("distro: skipping %s %s (%s): %s", plan.cfg.sources[i].uri, plan.cfg.sources[i].suite,
				 plan.cfg.sources[i].origin, why);
			plan.network_failures++;
			snprintf(plan.last_network_error, sizeof(plan.last_network_error), "%s", why);
		}
	}
	plan.fetch.userpwd = NULL;
	return plan.index_status = 0;
}

/* The packages for ctx's kernel, from the indexes read once. */
static int make_plan(struct provision_ctx *ctx)
{
	char name[256];
	int ret = read_indexes(ctx);

	if (ret < 0) {
		snprintf(plan.why, sizeof(plan.why), "%s", plan.index_why);
		return plan.status = ret;
	}
	distrodef_expand(plan.def.header_package, ctx->kernel.release, "", name, sizeof(name));
	plan.n_chosen = apt_depends_closure(&plan.pkgs, name, plan.def.follow_depends, plan.chosen, MAX_PACKAGES);
	if (plan.n_chosen <= 0) {
		if (plan.network_failures) {
			snprintf(plan.why, sizeof(plan.why), "no package %s found, and %d source(s) failed; last: %s", name,
				 plan.network_failures, plan.last_network_error);
			return plan.status = -ECOMM;
		}
		snprintf(plan.why, sizeof(plan.why), "no package %s in the %s indexes of %zu apt source(s)", name,
			 plan.arch, plan.cfg.n_sources);
		return plan.status = -ENOENT;
	}
	return plan.status = 0;
}

static int distro_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	int ret = make_plan(ctx), i;
	size_t o;

	if (ret < 0) {
		snprintf(what, whatlen, "%s", plan.why);
		/* A failed check of the chain of trust is not a "skip". */
		return ret;
	}
	o = (size_t)snprintf(what, whatlen, "%s packages", plan.def.name);
	for (i = 0; i < plan.n_chosen && o < whatlen; i++)
		o += (size_t)snprintf(what + o, whatlen - o, " %s_%s", plan.chosen[i]->name, plan.chosen[i]->version);
	return 0;
}

struct pkg_job {
	pthread_t thread;
	const struct apt_pkg *pkg;
	const char *arch;
	char url[2048];
	char dir[PATH_MAX];
	unsigned long long max_bytes;
	int ret;
	char why[2048];
	struct fetch_result res;
	struct unpack_stats st;
};

/* Keeps usr/src/<tree>/<what BCC needs>. */
static int select_header_member(void *data, const char *member, char out_rel[PATH_MAX])
{
	const struct pkg_job *job = data;
	const char *rest;

	if (strncmp(member, "usr/src/", 8) != 0)
		return 0;
	rest = strchr(member + 8, '/');
	if (rest && !treecopy_wanted(rest + 1, 0, job->arch) && !treecopy_wanted(rest + 1, 1, job->arch))
		return 0;
	return path_copy(out_rel, member) == 0;
}

static void *pkg_job_run(void *data)
{
	struct pkg_job *job = data;
	int attempt;

	for (attempt = 1; attempt <= plan.fetch.attempts; attempt++) {
		struct unpack_opts uo = { .max_bytes = job->max_bytes, .max_entries = UNPACK_DEFAULT_MAX_ENTRIES,
					  .select = select_header_member, .select_data = job };
		struct fetch_pipe *fp;
		char fwhy[1024] = "", xwhy[1024] = "";
		int fd, xret, fret;

		if (attempt > 1) {
			log_info("distro: retrying %s (attempt %d of %d) after: %s", job->url, attempt, plan.fetch.attempts,
				 job->why);
			fetch_backoff(attempt);
		}
		fs_rm_rf(job->dir);
		if (mkdir(job->dir, 0755) < 0 || fetch_pipe_start(&plan.fetch, job->url, job->pkg->size, &fp, &fd) < 0) {
			job->ret = -errno ? -errno : -ENOMEM;
			snprintf(job->why, sizeof(job->why), "%s: cannot start: %s", job->url, strerror(-job->ret));
			return NULL;
		}
		xret = deb_extract_fd(fd, job->dir, &uo, &job->st, xwhy, sizeof(xwhy));
		close(fd);
		fret = fetch_pipe_finish(fp, &job->res, fwhy, sizeof(fwhy));
		if (fret == -EAGAIN) {
			job->ret = fret;
			snprintf(job->why, sizeof(job->why), "%s", fwhy);
			continue;
		}
		if (fret < 0) {
			/* A package the signed index promises must be there: a 404
			 * is the mirror failing, not "no headers". */
			job->ret = fret == -EFBIG ? -EKEYREJECTED : fret == -ENOENT ? -ECOMM : fret;
			snprintf(job->why, sizeof(job->why), "%s", fwhy);
			return NULL;
		}
		if (strcmp(job->res.sha256, job->pkg->sha256) != 0 || job->res.bytes != job->pkg->size) {
			job->ret = -EKEYREJECTED;
			snprintf(job->why, sizeof(job->why), "%s: hash mismatch: sha256 %s, %llu bytes; the index lists %s, %llu bytes",
				 job->url, job->res.sha256, job->res.bytes, job->pkg->sha256, job->pkg->size);
			return NULL;
		}
		if (xret < 0) {
			job->ret = xret;
			snprintf(job->why, sizeof(job->why), "%s: %s", job->url, xwhy);
			return NULL;
		}
		job->ret = 0;
		return NULL;
	}
	return NULL;
}

/* Moves every usr/src/<tree> of the unpacked packages under one root. */
static int gather_trees(struct pkg_job *jobs, int n, const char *root, char *why, size_t whylen)
{
	char dest_src[PATH_MAX];
	int i, ret = path_format(dest_src, "%s/usr/src", root);

	if (ret == 0)
		ret = fs_mkdir_p(dest_src, 0755);
	for (i = 0; ret == 0 && i < n; i++) {
		char src_dir[PATH_MAX];
		DIR *d;
		struct dirent *de;

		if (path_format(src_dir, "%s/usr/src", jobs[i].dir) < 0 || !(d = opendir(src_dir)))
			continue;
		while (ret == 0 && (de = readdir(d))) {
			char from[PATH_MAX], to[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (path_join(from, src_dir, de->d_name) < 0 || path_join(to, dest_src, de->d_name) < 0 ||
			    rename(from, to) < 0) {
				ret = -errno;
				snprintf(why, whylen, "cannot gather %s: %s", from, strerror(-ret));
			}
		}
		closedir(d);
	}
	return ret;
}

static void record_packages(json_object *sources, struct pkg_job *jobs, int n)
{
	int i;

	for (i = 0; i < (int)json_object_array_length(plan.index_sources); i++)
		json_object_array_add(sources, json_object_get(json_object_array_get_idx(plan.index_sources, (size_t)i)));
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string("package"));
		json_object_object_add(o, "name", json_object_new_string(jobs[i].pkg->name));
		json_object_object_add(o, "version", json_object_new_string(jobs[i].pkg->version));
		json_object_object_add(o, "url", json_object_new_string(jobs[i].url));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)jobs[i].res.bytes));
		json_object_object_add(o, "sha256", json_object_new_string(jobs[i].res.sha256));
		json_object_array_add(sources, o);
	}
}

/* Downloads pkgs in parallel into work, checks them, and merges the tree
 * of release they hold into build_dir. */
static int fetch_packages(struct provision_ctx *ctx, const struct apt_pkg *const *pkgs, int n, const char *release,
			  const char *work, const char *build_dir, json_object *sources, char *why, size_t whylen)
{
	struct pkg_job *jobs = calloc((size_t)n, sizeof(*jobs));
	char root[PATH_MAX], found_at[PATH_MAX], userpwd[600];
	struct hostroot pkgroot;
	int i, ret = 0;

	if (!jobs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		jobs[i].pkg = pkgs[i];
		jobs[i].arch = ctx->kernel.arch;
		jobs[i].max_bytes = ctx->opts->max_tree_bytes;
		snprintf(jobs[i].url, sizeof(jobs[i].url), "%s/%s", pkgs[i]->base_uri, pkgs[i]->filename);
		if (path_format(jobs[i].dir, "%s/pkg%d", work, i) < 0) {
			free(jobs);
			return -ENAMETOOLONG;
		}
		log_info("distro: fetching %s (%llu bytes)", jobs[i].url, pkgs[i]->size);
	}
	/* Credentials follow the source the packages came from. */
	plan.fetch.userpwd = apt_auth_for(&plan.cfg, pkgs[0]->base_uri, userpwd, sizeof(userpwd));
	for (i = 0; i < n; i++)
		if (pthread_create(&jobs[i].thread, NULL, pkg_job_run, &jobs[i]) != 0)
			jobs[i].ret = -EAGAIN, jobs[i].thread = 0;
	for (i = 0; i < n; i++)
		if (jobs[i].thread)
			pthread_join(jobs[i].thread, NULL);
	plan.fetch.userpwd = NULL;
	for (i = 0; i < n && ret == 0; i++) {
		if (jobs[i].ret < 0) {
			ret = jobs[i].ret;
			snprintf(why, whylen, "%s", jobs[i].why);
		} else {
			log_info("distro: verified %s (sha256 %s), %llu files kept", jobs[i].url, jobs[i].res.sha256,
				 jobs[i].st.files);
		}
	}
	if (ret == 0)
		ret = path_join(root, work, "root");
	if (ret == 0)
		ret = gather_trees(jobs, n, root, why, whylen);
	if (ret == 0)
		ret = hostroot_init(&pkgroot, root);
	if (ret == 0) {
		ret = host_tree_copy(&pkgroot, release, ctx->kernel.arch, build_dir, TREECOPY_MOVE, ctx, NULL, found_at, why,
				     whylen);
		if (ret == -ENOENT)
			ret = -EILSEQ; /* the packages did not hold the tree they promise */
	}
	if (ret == 0 && sources)
		record_packages(sources, jobs, n);
	free(jobs);
	return ret;
}

static int distro_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	int ret = make_plan(ctx);

	if (ret < 0) {
		snprintf(why, whylen, "%s", plan.why);
		return ret;
	}
	ret = fetch_packages(ctx, plan.chosen, plan.n_chosen, ctx->kernel.release, ctx->work_dir, build_dir, ctx->sources,
			     why, whylen);
	if (ret == 0) {
		ctx->exact = 1;
		snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "%s package %s %s from %s", plan.def.name,
			 plan.chosen[0]->name, plan.chosen[0]->version, plan.chosen[0]->base_uri);
	}
	return ret;
}

/* The suites of the same distribution beside the host's own (its
 * backports, the next release), on the same mirrors with the same keys. */
static void read_related_suites(struct provision_ctx *ctx)
{
	const char *codename = ctx->kernel.have_distro ? ctx->kernel.distro.version_codename : "";
	const char *next = "";
	size_t n_host = plan.cfg.n_sources, i, t;

	if (!codename[0])
		return;
	for (i = 0; plan.def.releases[i]; i++)
		if (strcmp(plan.def.releases[i], codename) == 0 && plan.def.releases[i + 1])
			next = plan.def.releases[i + 1];
	for (i = 0; i < n_host; i++) {
		for (t = 0; plan.def.related_suites[t]; t++) {
			struct apt_source *bigger, *s;
			char suite[128];
			size_t k, dup = 0;

			if (strcmp(plan.cfg.sources[i].suite, codename) != 0)
				continue;
			distrodef_expand(plan.def.related_suites[t], "", codename, suite, sizeof(suite));
			if (strstr(plan.def.related_suites[t], "{next}")) {
				if (!next[0])
					continue;
				snprintf(suite, sizeof(suite), "%s", next);
			}
			for (k = 0; k < plan.cfg.n_sources; k++)
				dup |= !strcmp(plan.cfg.sources[k].uri, plan.cfg.sources[i].uri) && !strcmp(plan.cfg.sources[k].suite, suite);
			if (dup)
				continue;
			bigger = realloc(plan.cfg.sources, (plan.cfg.n_sources + 1) * sizeof(*bigger));
			if (!bigger)
				return;
			plan.cfg.sources = bigger;
			s = &plan.cfg.sources[plan.cfg.n_sources];
			*s = plan.cfg.sources[i];
			s->signed_by_key = plan.cfg.sources[i].signed_by_key ? strdup(plan.cfg.sources[i].signed_by_key) : NULL;
			snprintf(s->suite, sizeof(s->suite), "%s", suite);
			snprintf(s->origin, sizeof(s->origin), "related suite of %s", plan.cfg.sources[i].origin);
			plan.cfg.n_sources++;
		}
	}
	for (i = n_host; i < plan.cfg.n_sources; i++) {
		char why[2048] = "";

		log_info("distro: also reading %s %s for close-match candidates", plan.cfg.sources[i].uri, plan.cfg.sources[i].suite);
		if (read_source(ctx, (int)i, why, sizeof(why)) < 0)
			log_info("distro: %s %s not used: %s", plan.cfg.sources[i].uri, plan.cfg.sources[i].suite, why);
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

int distro_closematch_candidates(struct provision_ctx *ctx, struct distro_candidate *out, size_t max, size_t *ret_n,
				 char *why, size_t whylen)
{
	char suffix[64];
	size_t i, n = 0;
	static int related_read;

	*ret_n = 0;
	make_plan(ctx);
	if (plan.status < 0 && plan.status != -ENOENT) {
		snprintf(why, whylen, "%s", plan.why);
		return plan.status;
	}
	if (!plan.def.name[0] || !plan.cfg.n_sources) {
		snprintf(why, whylen, "%s", plan.why[0] ? plan.why : "no distribution repository");
		return -ENOENT;
	}
	if (!related_read) {
		related_read = 1;
		read_related_suites(ctx);
	}
	distrodef_expand(plan.def.flavour_suffix, "", "", suffix, sizeof(suffix));
	if (strstr(suffix, "{debarch}")) {
		char *at = strstr(suffix, "{debarch}");
		char rest[64];

		snprintf(rest, sizeof(rest), "%s", at + 9);
		snprintf(at, sizeof(suffix) - (size_t)(at - suffix), "%s%s", plan.arch, rest);
	}
	for (i = 0; i < plan.pkgs.n && n < max; i++) {
		const struct apt_pkg *p = &plan.pkgs.pkgs[i];
		size_t len = strlen(p->name), sl = strlen(suffix);

		/* linux-headers-<release> of the default flavour only */
		/* ...and not another flavour ending the same way (-cloud-amd64, -rt-amd64) */
		if (strncmp(p->name, "linux-headers-", 14) != 0 || len <= sl + 14 || strcmp(p->name + len - sl, suffix) != 0 ||
		    !isdigit((unsigned char)p->name[14]) || !isdigit((unsigned char)p->name[len - sl - 1]))
			continue;
		/* A release has three numbers (6.1.0-56, 6.12.117+deb13);
		 * metapackages such as linux-headers-6.12-amd64 do not. */
		{
			struct kversion kv;

			if (kversion_parse(p->name + 14, &kv) < 0 || !kv.has_sublevel)
				continue;
		}
		if (upstream_version(p->version, &out[n].code, &out[n].sublevel) < 0)
			continue;
		snprintf(out[n].release, sizeof(out[n].release), "%s", p->name + 14);
		snprintf(out[n].origin, sizeof(out[n].origin), "%s package %s %s from %s", plan.def.name, p->name,
			 p->version, p->base_uri);
		n++;
	}
	*ret_n = n;
	return 0;
}

int distro_fetch_candidate(struct provision_ctx *ctx, const char *release, const char *work, const char *build_dir,
			   json_object *sources, char *why, size_t whylen)
{
	const struct apt_pkg *pkgs[MAX_PACKAGES];
	char name[300];
	int n;

	snprintf(name, sizeof(name), "linux-headers-%s", release);
	n = apt_depends_closure(&plan.pkgs, name, plan.def.follow_depends, pkgs, MAX_PACKAGES);
	if (n <= 0) {
		snprintf(why, whylen, "no package %s", name);
		return -ENOENT;
	}
	return fetch_packages(ctx, pkgs, n, release, work, build_dir, sources, why, whylen);
}

const struct strategy strategy_distro = {
	.name = "distro",
	.probe = distro_probe,
	.provide = distro_provide,
};
