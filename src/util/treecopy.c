#include "util/treecopy.h"

#include "util/confine.h"
#include "util/fs.h"
#include "util/hostroot.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 64

struct copy_job {
	const struct hostroot *hr;
	const struct treecopy_source *src;
	const char *arch;
	const char *dest;
	int overlay; /* copying the build tree over the source tree */
	char *failed; /* PATH_MAX: the first host path that could not be copied */
	int deref_depth; /* > 0 while copying what a symlink points to */
	int root_fd; /* the host root: every host path is opened under it, confined */
	char root_real[PATH_MAX]; /* where root_fd is, links resolved ("" for "/") */
	struct treecopy_stats stats;
};

/* The kconfig outputs BCC or kbuild read; the thousands of per-symbol
 * dependency files beside them in include/config are not needed. */
static int wanted_config_file(const char *name)
{
	static const char *const keep[] = { "auto.conf", "auto.conf.cmd", "kernel.release", "tristate.conf" };
	size_t i;

	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (strcmp(name, keep[i]) == 0)
			return 1;
	return 0;
}

int treecopy_wanted(const char *rel, int is_dir, const char *arch)
{
	char arch_dir[128];
	size_t alen;

	if (strcmp(rel, "Makefile") == 0 || strcmp(rel, ".config") == 0)
		return !is_dir;
	if (strcmp(rel, "include") == 0)
		return 1;
	if (strncmp(rel, "include/config", 14) == 0 && (rel[14] == '\0' || rel[14] == '/')) {
		if (rel[14] == '\0')
			return is_dir;
		return !is_dir && !strchr(rel + 15, '/') && wanted_config_file(rel + 15);
	}
	if (strncmp(rel, "include/", 8) == 0)
		return 1;
	if (strcmp(rel, "arch") == 0)
		return is_dir;
	snprintf(arch_dir, sizeof(arch_dir), "arch/%s", arch);
	alen = strlen(arch_dir);
	if (strcmp(rel, arch_dir) == 0)
		return is_dir;
	if (strncmp(rel, arch_dir, alen) == 0 && rel[alen] == '/') {
		const char *sub = rel + alen + 1;

		return strcmp(sub, "include") == 0 || strncmp(sub, "include/", 8) == 0;
	}
	return 0;
}

/* Removes whatever is at path unless it is already a directory and a
 * directory is wanted, so an overlay never writes through a symlink. */
static int clear_dest(const char *path, int want_dir)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (want_dir && S_ISDIR(st.st_mode))
		return 0;
	return fs_rm_rf(path);
}

/* Where a symlink in a header tree may lead when it leaves the tree: the
 * places distributions keep kernel headers and their build helpers. A
 * link to /etc, /root or a large unrelated directory is not followed. */
static int deref_allowed(const struct copy_job *job, const char *resolved)
{
	static const char *const header_places[] = { "/usr/src", "/usr/lib", "/lib", "/usr/include" };
	size_t i;

	if (path_is_within(resolved, job->src->build) || (job->src->source && path_is_within(resolved, job->src->source)))
		return 1;
	for (i = 0; i < sizeof(header_places) / sizeof(header_places[0]); i++)
		if (path_is_within(resolved, header_places[i]))
			return 1;
	return 0;
}

/* Maps a resolved host path to its place in the merged tree, if any. */
static int tree_relpath(struct copy_job *job, const char *host_path, char out[PATH_MAX])
{
	const char *roots[2] = { job->src->build, job->src->source };
	int i;

	for (i = 0; i < 2; i++) {
		size_t n;

		if (!roots[i] || !path_is_within(host_path, roots[i]))
			continue;
		n = strlen(roots[i]);
		return path_copy(out, host_path[n] ? host_path + n + 1 : "");
	}
	return -ENOENT;
}

/* Every host path of the copy is opened here, resolved as the host would
 * resolve it but never out of the host root (util/confine.h): a
 * directory swapped for a symlink while the copy runs leads back inside
 * the root, never to the provisioner's own files. */
static int host_open(const struct copy_job *job, const char *host_path, int flags)
{
	return confine_open(job->root_fd, host_path, flags, 0, CONFINE_IN_ROOT);
}

static void fd_path(int fd, char out[64])
{
	snprintf(out, 64, "/proc/self/fd/%d", fd);
}

/* Where fd is, in this process's view. */
static int fd_real_path(int fd, char out[PATH_MAX])
{
	char link[64];
	ssize_t len;

	fd_path(fd, link);
	len = readlink(link, out, PATH_MAX - 1);
	if (len < 0)
		return -errno;
	out[len] = '\0';
	return 0;
}

/* The host path (under the root, not prefixed) of what fd is. The prefix
 * is the root's real path, so a --host-root given through a symlink
 * still matches. */
static int fd_host_path(const struct copy_job *job, int fd, char out[PATH_MAX])
{
	char real[PATH_MAX];
	size_t n = strlen(job->root_real);
	int ret = fd_real_path(fd, real);

	if (ret < 0)
		return ret;
	if (n && (strncmp(real, job->root_real, n) != 0 || (real[n] != '/' && real[n] != '\0')))
		return -EXDEV; /* moved out from under the root while we looked */
	return path_copy(out, real[n] ? real + n : "/");
}

/* Moves the host file (in a scratch tree of ours) to dest, by the
 * directory fd that holds it. */
static int move_host_file(const struct copy_job *job, const char *host_path, const char *dest)
{
	char parent[PATH_MAX];
	const char *name;
	char *slash;
	int ret = path_copy(parent, host_path), dfd;

	if (ret < 0)
		return ret;
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	name = host_path + (slash - parent) + 1;
	*(slash == parent ? slash + 1 : slash) = '\0';
	dfd = host_open(job, parent, O_PATH | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	ret = renameat(dfd, name, AT_FDCWD, dest) < 0 ? -errno : 0;
	close(dfd);
	return ret;
}

/* Hardlinks what fd is to dest (copying across filesystems). */
static int link_fd(int fd, const char *dest)
{
	char src[64];

	fd_path(fd, src);
	if (linkat(AT_FDCWD, src, AT_FDCWD, dest, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -errno;
	return fs_copy_file(src, dest);
}

static int copy_dir(struct copy_job *job, const char *host_dir, const char *rel, int depth);

static int copy_entry(struct copy_job *job, const char *host_path, const char *rel, int depth);

static int copy_symlink(struct copy_job *job, const char *host_path, const char *rel, int depth)
{
	char resolved[PATH_MAX], target_rel[PATH_MAX], dest[PATH_MAX];
	char link_text[PATH_MAX];
	struct stat st;
	int ret, fd;

	/* Where the link leads, resolved by the confinement layer: what it
	 * reached is inside the host root, whatever the link says. */
	fd = host_open(job, host_path, O_PATH);
	if (fd < 0)
		return 0; /* dangling: nothing BCC could have used */
	ret = fstat(fd, &st) < 0 ? -errno : fd_host_path(job, fd, resolved);
	close(fd);
	if (ret < 0)
		return 0;
	if (tree_relpath(job, resolved, target_rel) == 0 && strcmp(target_rel, rel) == 0)
		return 0; /* a symlink farm entry: the merged tree holds its target right here */
	if (tree_relpath(job, resolved, target_rel) == 0 &&
	    treecopy_wanted(target_rel, S_ISDIR(st.st_mode), job->arch)) {
		/* Stays inside the tree: keep it as a link, relative. */
		char from[PATH_MAX], to[PATH_MAX], *slash;

		ret = path_format(from, "/%s", rel);
		if (ret < 0)
			return ret;
		slash = strrchr(from, '/');
		*(slash == from ? slash + 1 : slash) = '\0';
		ret = path_format(to, "/%s", target_rel);
		if (ret < 0)
			return ret;
		ret = path_relative(link_text, from, to);
		if (ret < 0)
			return ret;
		ret = path_join(dest, job->dest, rel);
		if (ret < 0)
			return ret;
		ret = clear_dest(dest, 0);
		if (ret < 0)
			return ret;
		return symlink(link_text, dest) < 0 ? -errno : 0;
	}
	/* Points outside the tree: take what it points to, if it is a place
	 * where headers live. */
	if (!deref_allowed(job, resolved)) {
		job->stats.links_refused++;
		return 0;
	}
	job->deref_depth++;
	ret = copy_entry(job, resolved, rel, depth + 1);
	job->deref_depth--;
	return ret;
}

static int copy_entry(struct copy_job *job, const char *host_path, const char *rel, int depth)
{
	char dest[PATH_MAX], src[64];
	_cleanup_close_ int fd = -1;
	struct stat st;
	int ret;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	/* The entry itself (a symlink is not followed here), reached
	 * confined: whatever the path's directories have become since they
	 * were listed, it is inside the host root. */
	fd = host_open(job, host_path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!treecopy_wanted(rel, S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode), job->arch) &&
	    !(S_ISLNK(st.st_mode) && treecopy_wanted(rel, 0, job->arch)))
		return 0;
	if (S_ISLNK(st.st_mode))
		return copy_symlink(job, host_path, rel, depth);
	ret = path_join(dest, job->dest, rel);
	if (ret < 0)
		return ret;
	if (S_ISDIR(st.st_mode)) {
		ret = clear_dest(dest, 1);
		if (ret == 0 && mkdir(dest, 0755) < 0 && errno != EEXIST)
			ret = -errno;
		return ret < 0 ? ret : copy_dir(job, host_path, rel, depth);
	}
	if (!S_ISREG(st.st_mode))
		return 0; /* devices, fifos, sockets have no place in a header tree */
	/* The build tree's Makefile is often a one-line wrapper that includes
	 * the source tree's by absolute path; the real one wins. */
	if (job->overlay && strcmp(rel, "Makefile") == 0 && st.st_size < 1024)
		return 0;
	if (!(st.st_mode & S_IROTH)) {
		job->stats.private_skipped++;
		return 0;
	}
	if (job->src->max_bytes && job->stats.bytes + (unsigned long long)st.st_size > job->src->max_bytes)
		return -EFBIG;
	ret = clear_dest(dest, 0);
	if (ret < 0)
		return ret;
	job->stats.files++;
	job->stats.bytes += (unsigned long long)st.st_size;
	/* A file reached through a symlink may be reached again: never move it. */
	if (job->src->mode == TREECOPY_MOVE && job->deref_depth == 0)
		return move_host_file(job, host_path, dest);
	if (job->src->mode != TREECOPY_COPY)
		return link_fd(fd, dest);
	/* Reopened through the fd the confined lookup gave, never by path. */
	fd_path(fd, src);
	return fs_copy_file(src, dest);
}

/* One directory's entries, each through copy_entry (which follows the
 * host's symlinks under the host root and recurses into directories,
 * bounded by MAX_DEPTH). */
struct dir_visit {
	struct copy_job *job;
	const char *host_dir, *rel;
	int depth;
};

static int copy_child(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct dir_visit *dv = data;
	char child_host[PATH_MAX], child_rel[PATH_MAX];
	int ret;

	if (e->depth == 0)
		return 0; /* the directory itself */
	if (visit == WALK_DIR_POST)
		return 0;
	ret = path_join(child_host, dv->host_dir, e->name);
	if (ret == 0)
		ret = *dv->rel ? path_join(child_rel, dv->rel, e->name) : path_copy(child_rel, e->name);
	if (ret == 0)
		ret = copy_entry(dv->job, child_host, child_rel, dv->depth + 1);
	if (ret < 0) {
		if (!dv->job->failed[0])
			path_copy(dv->job->failed, child_host);
		return ret;
	}
	return visit == WALK_DIR_PRE ? WALK_SKIP : 0;
}

static int copy_dir(struct copy_job *job, const char *host_dir, const char *rel, int depth)
{
	struct dir_visit dv = { .job = job, .host_dir = host_dir, .rel = rel, .depth = depth };
	int fd = host_open(job, host_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW), ret;

	if (fd < 0)
		return fd;
	ret = walk_tree(fd, ".", 1, copy_child, &dv);
	close(fd);
	return ret;
}

int treecopy_copy(const struct hostroot *hr, const struct treecopy_source *src, const char *arch,
		  const char *dest_dir, struct treecopy_stats *ret_stats, char ret_failed_path[PATH_MAX])
{
	struct copy_job job = { .hr = hr, .src = src, .arch = arch, .dest = dest_dir, .failed = ret_failed_path };
	int ret;

	ret_failed_path[0] = '\0';
	job.root_fd = hostroot_open_root(hr);
	if (job.root_fd < 0)
		return job.root_fd;
	ret = fd_real_path(job.root_fd, job.root_real);
	if (ret < 0) {
		close(job.root_fd);
		return ret;
	}
	if (strcmp(job.root_real, "/") == 0)
		job.root_real[0] = '\0';
	ret = fs_mkdir_p(dest_dir, 0755);
	if (ret == 0 && src->source && strcmp(src->source, src->build) != 0) {
		ret = copy_dir(&job, src->source, "", 0);
		job.overlay = 1;
	}
	if (ret == 0)
		ret = copy_dir(&job, src->build, "", 0);
	if (ret == 0 && ret_stats)
		*ret_stats = job.stats;
	close(job.root_fd);
	return ret;
}
