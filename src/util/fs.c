#include "util/fs.h"

#include "util/path.h"
#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_read_all(ssize_t (*read_fn)(void *src, void *buf, size_t len), void *src, size_t max, char **ret_text,
		size_t *ret_len)
{
	size_t len = 0, cap = max < 4096 ? max : 4096;
	char *buf = malloc(cap + 1);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap && cap >= max) {
			/* Exactly max bytes so far: one byte more decides
			 * whether the source is larger than the limit. */
			char extra;

			n = read_fn(src, &extra, 1);
			if (n < 0)
				ret = (int)n;
			else if (n > 0)
				ret = -EFBIG;
			break;
		}
		if (len == cap) {
			char *bigger;

			cap = cap > max / 2 ? max : cap * 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger) {
				ret = -ENOMEM;
				break;
			}
			buf = bigger;
		}
		n = read_fn(src, buf + len, cap - len);
		if (n < 0) {
			ret = (int)n;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (ret < 0) {
		free(buf);
		return ret;
	}
	buf[len] = '\0';
	*ret_text = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}

static ssize_t read_fd(void *src, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(*(int *)src, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int fs_read_fd(int fd, size_t max, char **ret_text, size_t *ret_len)
{
	struct stat st;

	/* A FIFO or a device could block or never end: regular files only. */
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	return fs_read_all(read_fd, &fd, max, ret_text, ret_len);
}

int fs_read_small_file(const char *path, size_t max, char **ret_text, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = fs_read_all(read_fd, &fd, max, ret_text, ret_len);
	close(fd);
	return ret;
}

int fs_read_line(const char *path, char *buf, size_t size)
{
	char *text = NULL, *nl;
	int ret = fs_read_small_file(path, 65536, &text, NULL);

	if (ret < 0)
		return ret;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (strlen(text) >= size) {
		free(text);
		return -ENAMETOOLONG;
	}
	strcpy(buf, text);
	free(text);
	return 0;
}

int fs_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fs_write_file(const char *path, const void *data, size_t len)
{
	int fd, ret;

	/* Replace, never write into: what is at path may be a symlink planted
	 * to point out of the tree, or a hardlink shared with a bank or cache
	 * tree that must not change. */
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = fs_write_all(fd, data, len);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

/* Opens (making it when missing) each directory of rel's parent under
 * dir_fd, refusing a symlink anywhere on the way. Returns a directory fd
 * and points *ret_name at rel's last component. */
static int open_parent_beneath(int dir_fd, const char *rel, const char **ret_name)
{
	const char *p = rel, *start;
	char name[NAME_MAX + 1];
	size_t n;
	int fd = dup(dir_fd), next;

	if (fd < 0)
		return -errno;
	while (path_next_component(&p, &start, &n)) {
		if (n > NAME_MAX || path_is_dot(start, n) || path_is_dotdot(start, n)) {
			close(fd);
			return n > NAME_MAX ? -ENAMETOOLONG : -EINVAL;
		}
		while (*p == '/')
			p++;
		if (!*p) {
			*ret_name = start;
			return fd;
		}
		memcpy(name, start, n);
		name[n] = '\0';
		if (mkdirat(fd, name, 0755) < 0 && errno != EEXIST) {
			next = -errno;
		} else {
			next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0)
				next = errno == ENOTDIR ? -ELOOP : -errno;
		}
		close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	close(fd);
	return -EINVAL;
}

int fs_write_file_beneath(const char *dir, const char *rel, const void *data, size_t len)
{
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), parent, fd, ret;
	const char *name = NULL;

	if (dir_fd < 0)
		return -errno;
	parent = open_parent_beneath(dir_fd, rel, &name);
	close(dir_fd);
	if (parent < 0)
		return parent;
	if (unlinkat(parent, name, 0) < 0 && errno != ENOENT) {
		ret = -errno;
		close(parent);
		return ret;
	}
	fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	ret = fd < 0 ? -errno : fs_write_all(fd, data, len);
	if (fd >= 0 && close(fd) < 0 && ret == 0)
		ret = -errno;
	close(parent);
	return ret;
}

int fs_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;
	int ret = path_copy(buf, path);

	if (ret < 0)
		return ret;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0) {
		if (errno != EEXIST)
			return -errno;
		if (!fs_is_dir(buf))
			return -ENOTDIR;
	}
	return 0;
}

/* Directories deeper than this are moved up to the top of the tree being
 * removed and removed in a later pass, so a hostile deep tree needs no
 * more than this many open directories. */
#define RM_HOIST_DEPTH 64

struct rm_state {
	unsigned hoisted;
};

static int rm_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct rm_state *rm = data;
	char name[32];

	if (visit == WALK_OTHER)
		return unlinkat(e->parent_fd, e->name, 0) < 0 && errno != ENOENT ? -errno : 0;
	if (visit == WALK_DIR_PRE) {
		if (e->depth < RM_HOIST_DEPTH)
			return 0;
		snprintf(name, sizeof(name), ".rm-%u", rm->hoisted++);
		if (renameat(e->parent_fd, e->name, e->root_fd, name) < 0)
			return -errno;
		return WALK_SKIP;
	}
	if (unlinkat(e->parent_fd, e->name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return e->depth == 0 && errno == ENOTEMPTY ? -EAGAIN : -errno;
	return 0;
}

int fs_rm_rf_at(int parent_fd, const char *name)
{
	struct rm_state rm = { 0 };
	int ret;

	/* Each pass removes what lies within RM_HOIST_DEPTH levels and moves
	 * deeper directories up; the top is left only while some remain. */
	do {
		unsigned before = rm.hoisted;

		ret = walk_tree(parent_fd, name, RM_HOIST_DEPTH, rm_visit, &rm);
		if (ret == -EAGAIN && rm.hoisted == before)
			return -ENOTEMPTY; /* something refills the tree as we go */
	} while (ret == -EAGAIN);
	return ret == -ENOENT ? 0 : ret;
}

int fs_rm_rf(const char *path)
{
	return fs_rm_rf_at(AT_FDCWD, path);
}

static int copy_file_at(int src_dir, const char *src, int src_flags, int dst_dir, const char *dst, int dst_flags)
{
	int in, out, ret = 0;
	struct stat st;

	in = openat(src_dir, src, O_RDONLY | O_CLOEXEC | src_flags);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(in);
		return -EINVAL;
	}
	out = openat(dst_dir, dst, O_WRONLY | O_CREAT | O_CLOEXEC | dst_flags, st.st_mode & 0777);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			break;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) {
			char buf[65536];
			ssize_t r;

			while ((r = read(in, buf, sizeof(buf))) > 0) {
				ret = fs_write_all(out, buf, (size_t)r);
				if (ret < 0)
					break;
			}
			if (r < 0 && ret == 0)
				ret = -errno;
			break;
		}
		ret = -errno;
		break;
	}
	if (close(out) < 0 && ret == 0)
		ret = -errno;
	close(in);
	return ret;
}

int fs_copy_file(const char *src, const char *dst)
{
	return copy_file_at(AT_FDCWD, src, 0, AT_FDCWD, dst, O_TRUNC);
}

int fs_copy_file_at(int src_dir, const char *src, int dst_dir, const char *dst)
{
	return copy_file_at(src_dir, src, O_NOFOLLOW, dst_dir, dst, O_EXCL | O_NOFOLLOW);
}

int fs_link_or_copy(const char *src, const char *dst)
{
	if (link(src, dst) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -errno;
	return fs_copy_file(src, dst);
}

char *fs_read_text_at(const char *dir, const char *rel, size_t max)
{
	char path[PATH_MAX];
	char *text = NULL;

	if (path_join(path, dir, rel) < 0 || fs_read_small_file(path, max, &text, NULL) < 0)
		return NULL;
	return text;
}

int fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_real_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

struct usage {
	unsigned long long files, bytes;
};

static int usage_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct usage *u = data;

	if (visit == WALK_OTHER && S_ISREG(e->st->st_mode)) {
		u->files++;
		u->bytes += (unsigned long long)e->st->st_size;
	}
	return 0;
}

int fs_tree_usage(const char *dir, unsigned long long *ret_files, unsigned long long *ret_bytes)
{
	struct usage u = { 0 };
	int ret = walk_tree(AT_FDCWD, dir, WALK_MAX_DEPTH, usage_visit, &u);

	if (ret < 0)
		return ret;
	*ret_files = u.files;
	*ret_bytes = u.bytes;
	return 0;
}

/* The clone's open directories, one per level of the walk. */
struct clone_state {
	int *dst_fds;
	unsigned cap;
	int dst_parent_fd;
	const char *dst_name;
};

static int clone_dst_parent(const struct clone_state *c, unsigned depth)
{
	return depth == 0 ? c->dst_parent_fd : c->dst_fds[depth - 1];
}

static int clone_dir_pre(struct clone_state *c, const struct walk_entry *e)
{
	const char *name = e->depth == 0 ? c->dst_name : e->name;
	int parent = clone_dst_parent(c, e->depth), fd;

	if (e->depth >= c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 16;
		int *grown = realloc(c->dst_fds, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		for (unsigned i = c->cap; i < cap; i++)
			grown[i] = -1;
		c->dst_fds = grown;
		c->cap = cap;
	}
	if (mkdirat(parent, name, e->st->st_mode & 0777) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	c->dst_fds[e->depth] = fd;
	return 0;
}

static int clone_other(struct clone_state *c, const struct walk_entry *e)
{
	int parent = clone_dst_parent(c, e->depth);
	const char *name = e->depth == 0 ? c->dst_name : e->name;
	char target[PATH_MAX];
	ssize_t n;

	if (S_ISLNK(e->st->st_mode)) {
		n = readlinkat(e->parent_fd, e->name, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlinkat(target, parent, name) < 0 ? -errno : 0;
	}
	if (!S_ISREG(e->st->st_mode))
		return 0;
	if (linkat(e->parent_fd, e->name, parent, name, 0) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return -errno;
	return fs_copy_file_at(e->parent_fd, e->name, parent, name);
}

static int clone_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct clone_state *c = data;

	if (visit == WALK_DIR_PRE)
		return clone_dir_pre(c, e);
	if (visit == WALK_DIR_POST) {
		close(c->dst_fds[e->depth]);
		c->dst_fds[e->depth] = -1;
		return 0;
	}
	return clone_other(c, e);
}

int fs_clone_tree(const char *src, const char *dst)
{
	struct clone_state c = { .dst_parent_fd = AT_FDCWD, .dst_name = dst };
	unsigned i;
	int ret = walk_tree(AT_FDCWD, src, WALK_MAX_DEPTH, clone_visit, &c);

	/* A walk stopped early leaves the levels it was in open. */
	for (i = 0; ret < 0 && i < c.cap; i++)
		if (c.dst_fds[i] >= 0)
			close(c.dst_fds[i]);
	free(c.dst_fds);
	return ret;
}
