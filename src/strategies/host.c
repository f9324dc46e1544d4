/* host: headers already installed on the host, found where kbuild and
 * the distributions put them, with every symlink resolved under the host
 * root. A split build/source layout is merged into one tree. */
#include "strategies/context.h"
#include "util/fs.h"
#include "util/hostroot.h"
#include "util/log.h"
#include "util/path.h"
#include "strategies/strategy.h"
#include "util/treecopy.h"

#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_tree {
	char build[PATH_MAX];  /* resolved host path */
	char source[PATH_MAX]; /* resolved host path, "" when not split */
	char found_at[PATH_MAX];
};

/* A regular file at host_dir/rel, opened confined to the host root. */
static int has_file(const struct hostroot *hr, const char *host_dir, const char *rel)
{
	char host_path[PATH_MAX];
	struct stat st;
	int fd, regular;

	if (path_join(host_path, host_dir, rel) < 0)
		return 0;
	/* O_PATH: whether the file is there, not whether this process may
	 * read it; an unreadable header is reported by the copy, naming it. */
	fd = hostroot_open(hr, host_path, O_PATH);
	if (fd < 0)
		return 0;
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return regular;
}

/* Debian's build tree carries a one-line Makefile that includes the
 * source tree's ("include /usr/src/linux-headers-X-common/Makefile");
 * that names the source tree when no "source" link does. */
static int source_from_wrapper_makefile(const struct hostroot *hr, const char *build, char out[PATH_MAX])
{
	char host_path[PATH_MAX];
	char *text = NULL, *line, *save = NULL;
	int ret = -ENOENT, fd, r;

	/* Small wrappers only ("KBUILD_OUTPUT=..." may come first, as in 7.x),
	 * read confined to the host root. */
	if (path_join(host_path, build, "Makefile") < 0)
		return -ENOENT;
	fd = hostroot_open(hr, host_path, O_RDONLY);
	if (fd < 0)
		return -ENOENT;
	r = fs_read_fd(fd, 4096, &text, NULL);
	close(fd);
	if (r < 0)
		return -ENOENT;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (strncmp(line, "include /", 9) != 0 || n < 18 || strcmp(line + n - 9, "/Makefile") != 0)
			continue;
		line[n - 9] = '\0';
		ret = hostroot_resolve(hr, line + 8, out);
		break;
	}
	free(text);
	return ret;
}

/* Resolves one candidate; 0 when it holds a usable tree. */
static int try_candidate(const struct hostroot *hr, const char *build_path, const char *source_path,
			 struct host_tree *t, char *why, size_t whylen)
{
	int ret = hostroot_resolve(hr, build_path, t->build);

	if (ret < 0) {
		if (ret == -ELOOP)
			snprintf(why, whylen, "%s%s: refused, symlink loop", hostroot_prefix(hr), build_path);
		else if (ret == -EXDEV)
			snprintf(why, whylen, "%s%s: refused, a symlink climbs out of the host root", hostroot_prefix(hr), build_path);
		else if (ret != -ENOENT)
			snprintf(why, whylen, "%s%s: %s", hostroot_prefix(hr), build_path, strerror(-ret));
		return ret;
	}
	t->source[0] = '\0';
	if (!source_path || hostroot_resolve(hr, source_path, t->source) < 0)
		if (source_from_wrapper_makefile(hr, t->build, t->source) < 0)
			t->source[0] = '\0';
	if (strcmp(t->source, t->build) == 0)
		t->source[0] = '\0';
	/* BCC needs kconfig.h (source side) and the generated headers (build side). */
	if (!has_file(hr, t->build, "include/linux/kconfig.h") &&
	    !(t->source[0] && has_file(hr, t->source, "include/linux/kconfig.h"))) {
		snprintf(why, whylen, "%.1024s%.2048s: no include/linux/kconfig.h (incomplete headers)", hostroot_prefix(hr), t->build);
		return -ENOENT;
	}
	if (!has_file(hr, t->build, "include/generated/uapi/linux/version.h")) {
		snprintf(why, whylen, "%.1024s%.2048s: no include/generated/uapi/linux/version.h (not a configured build tree)",
			 hostroot_prefix(hr), t->build);
		return -ENOENT;
	}
	snprintf(t->found_at, sizeof(t->found_at), "%s", build_path);
	return 0;
}

static int find_host_tree(const struct hostroot *hr, const char *r, struct host_tree *t, char *why, size_t whylen)
{
	char build[PATH_MAX], source[PATH_MAX], usr_src[PATH_MAX], kernels[PATH_MAX];
	const char *cands[3][2] = { { build, source }, { usr_src, NULL }, { kernels, NULL } };
	int i, ret = -ENOENT;

	if (path_format(build, "/lib/modules/%s/build", r) < 0 || path_format(source, "/lib/modules/%s/source", r) < 0 ||
	    path_format(usr_src, "/usr/src/linux-headers-%s", r) < 0 || path_format(kernels, "/usr/src/kernels/%s", r) < 0)
		return -ENAMETOOLONG;
	why[0] = '\0';
	for (i = 0; i < 3; i++) {
		char this_why[PATH_MAX + 128] = "";

		ret = try_candidate(hr, cands[i][0], cands[i][1], t, this_why, sizeof(this_why));
		if (ret == 0)
			return 0;
		/* Keep the most telling reason: a refusal beats "not there". */
		if (this_why[0])
			snprintf(why, whylen, "%s", this_why);
	}
	if (!why[0])
		snprintf(why, whylen, "none of %s%s, %s%s, %s%s exists", hostroot_prefix(hr), build, hostroot_prefix(hr), usr_src, hostroot_prefix(hr),
			 kernels);
	return -ENOENT;
}

static int host_probe(struct provision_ctx *ctx, char *what, size_t whatlen)
{
	struct host_tree t;
	int ret = find_host_tree(&ctx->hr, ctx->kernel.release, &t, what, whatlen);

	if (ret < 0)
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
	if (t.source[0])
		snprintf(what, whatlen, "%s%s (build %s, source %s)", hostroot_prefix(&ctx->hr), t.found_at, t.build, t.source);
	else
		snprintf(what, whatlen, "%s%s (%s)", hostroot_prefix(&ctx->hr), t.found_at, t.build);
	return 0;
}

/* The manifest names host files as the host sees them (hostroot.h). */
static json_object *source_object(const char *role, const char *host_path)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("host"));
	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_object_add(o, "path", json_object_new_string(host_path));
	return o;
}

/* Copies the tree t found under hr into build_dir. */
static int copy_found(const struct hostroot *hr, const struct host_tree *t, const char *arch, const char *build_dir,
		      enum treecopy_mode mode, struct provision_ctx *ctx, json_object *sources, char *why, size_t whylen)
{
	struct treecopy_source src;
	struct treecopy_stats stats;
	char failed[PATH_MAX];
	int ret;

	src.build = t->build;
	src.source = t->source[0] ? t->source : NULL;
	src.mode = mode;
	src.max_bytes = ctx->opts->max_tree_bytes;
	ret = treecopy_copy(hr, &src, arch, build_dir, &stats, failed);
	if (ret < 0) {
		/* A host file that cannot be read (EACCES, EIO) means no headers
		 * from here, whatever the errno; a full volume means no strategy
		 * can write. */
		if (ret == -ENOSPC || ret == -EDQUOT || ret == -EROFS) {
			snprintf(why, whylen, "output volume: cannot write %s: %s", build_dir, strerror(-ret));
			return ctx_fail(ctx, PH_FAIL_OUTPUT, ret);
		}
		if (ret == -EFBIG) {
			snprintf(why, whylen, "the header tree at %s%s is larger than --max-tree-size (%llu bytes)",
				 hostroot_prefix(hr), t->build, src.max_bytes);
			return ctx_fail(ctx, PH_FAIL_BAD_INPUT, ret);
		}
		if (failed[0]) {
			snprintf(why, whylen, "cannot copy %s%s: %s", hostroot_prefix(hr), failed, strerror(-ret));
			return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
		}
		snprintf(why, whylen, "cannot write %s: %s", build_dir, strerror(-ret));
		return ctx_fail(ctx, PH_FAIL_OUTPUT, ret);
	}
	if (sources) {
		json_object_array_add(sources, source_object("build", t->build));
		if (t->source[0])
			json_object_array_add(sources, source_object("source", t->source));
	}
	if (stats.private_skipped || stats.links_refused)
		log_info("host: left out %llu file(s) not readable by everyone and %llu link(s) leading out of the header places",
			 stats.private_skipped, stats.links_refused);
	ctx->tree_files = stats.files;
	ctx->tree_bytes = stats.bytes;
	ctx->tree_counted = 1;
	return 0;
}

int host_tree_copy(const struct hostroot *hr, const char *release, const char *arch, const char *build_dir,
		   enum treecopy_mode mode, struct provision_ctx *ctx, json_object *sources, char found_at[PATH_MAX],
		   char *why, size_t whylen)
{
	struct host_tree t;
	int ret = find_host_tree(hr, release, &t, why, whylen);

	if (ret < 0)
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
	ret = copy_found(hr, &t, arch, build_dir, mode, ctx, sources, why, whylen);
	if (ret == 0)
		path_copy(found_at, t.found_at);
	return ret;
}

int host_tree_copy_at(const struct hostroot *hr, const char *build_path, const char *source_path, const char *arch,
		      const char *build_dir, enum treecopy_mode mode, struct provision_ctx *ctx, char *why, size_t whylen)
{
	struct host_tree t;
	int ret;

	why[0] = '\0';
	ret = try_candidate(hr, build_path, source_path, &t, why, whylen);
	if (ret < 0) {
		if (!why[0])
			snprintf(why, whylen, "%s%s: no such folder", hostroot_prefix(hr), build_path);
		return ctx_fail(ctx, PH_FAIL_NO_HEADERS, ret);
	}
	return copy_found(hr, &t, arch, build_dir, mode, ctx, NULL, why, whylen);
}

static int host_provide(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen)
{
	char found_at[PATH_MAX];
	int ret = host_tree_copy(&ctx->hr, ctx->kernel.release, ctx->kernel.arch, build_dir, TREECOPY_COPY, ctx,
				 ctx->sources, found_at, why, whylen);

	if (ret < 0)
		return ret;
	ctx->exact = 1;
	snprintf(ctx->tree_origin, sizeof(ctx->tree_origin), "host headers at %s", found_at);
	return 0;
}

const struct strategy strategy_host = {
	.name = "host",
	.probe = host_probe,
	.provide = host_provide,
};
