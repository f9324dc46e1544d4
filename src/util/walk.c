#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One open directory on the walk's stack. Frames live on the heap, so
 * the depth costs memory and one fd per level, never C stack. */
struct frame {
	DIR *dir;
	size_t path_len; /* length of the directory's path in the buffer */
	size_t name_off; /* where its own name starts in the buffer */
	struct stat st;
};

struct walk {
	struct frame *frames;
	unsigned depth, cap;
	char *path;
	size_t path_cap;
	int top_fd;
};

static int path_set(struct walk *w, size_t at, const char *name, size_t *ret_len)
{
	size_t n = strlen(name), need = at + (at ? 1 : 0) + n + 1;
	char *grown;

	if (need > w->path_cap) {
		size_t cap = w->path_cap ? w->path_cap : 256;

		while (cap < need)
			cap *= 2;
		grown = realloc(w->path, cap);
		if (!grown)
			return -ENOMEM;
		w->path = grown;
		w->path_cap = cap;
	}
	if (at)
		w->path[at++] = '/';
	memcpy(w->path + at, name, n + 1);
	*ret_len = at + n;
	return 0;
}

static int push(struct walk *w, int parent_fd, const char *name, const struct stat *st, size_t path_len, size_t name_off)
{
	struct frame *grown;
	int fd;

	if (w->depth == w->cap) {
		unsigned cap = w->cap ? w->cap * 2 : 16;

		grown = realloc(w->frames, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		w->frames = grown;
		w->cap = cap;
	}
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w->frames[w->depth].dir = fdopendir(fd);
	if (!w->frames[w->depth].dir) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	w->frames[w->depth].path_len = path_len;
	w->frames[w->depth].name_off = name_off;
	w->frames[w->depth].st = *st;
	if (w->depth == 0)
		w->top_fd = fd;
	w->depth++;
	return 0;
}

static int parent_of_top(struct walk *w, unsigned level, int dir_fd)
{
	return level == 0 ? dir_fd : dirfd(w->frames[level - 1].dir);
}

/* Closes the top frame and reports it with WALK_DIR_POST. */
static int pop(struct walk *w, int dir_fd, const char *top_name, walk_fn fn, void *data)
{
	struct frame f = w->frames[--w->depth];
	struct walk_entry e;
	int ret;

	closedir(f.dir);
	if (w->depth == 0)
		w->top_fd = -1;
	w->path[f.path_len] = '\0';
	e = (struct walk_entry){ .root_fd = w->top_fd,
				 .parent_fd = parent_of_top(w, w->depth, dir_fd),
				 .name = w->depth == 0 ? top_name : w->path + f.name_off,
				 .path = w->path,
				 .st = &f.st,
				 .depth = w->depth };
	ret = fn(&e, WALK_DIR_POST, data);
	return ret < 0 ? ret : 0;
}

/* Reads the next entry of the top frame, skipping . and .. */
static int next_entry(struct frame *f, struct dirent **ret)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		de = readdir(f->dir);
		if (!de) {
			*ret = NULL;
			return errno ? -errno : 0;
		}
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			*ret = de;
			return 0;
		}
	}
}

static int visit_child(struct walk *w, unsigned max_depth, walk_fn fn, void *data)
{
	struct frame *f = &w->frames[w->depth - 1];
	int parent = dirfd(f->dir), ret;
	struct walk_entry e;
	struct dirent *de;
	struct stat st;
	size_t len;

	ret = next_entry(f, &de);
	if (ret < 0 || !de)
		return ret < 0 ? ret : 1; /* 1: this directory is done */
	if (fstatat(parent, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	ret = path_set(w, f->path_len, de->d_name, &len);
	if (ret < 0)
		return ret;
	e = (struct walk_entry){ .root_fd = w->top_fd,
				 .parent_fd = parent,
				 .name = w->path + len - strlen(de->d_name),
				 .path = w->path,
				 .st = &st,
				 .depth = w->depth };
	if (!S_ISDIR(st.st_mode)) {
		ret = fn(&e, WALK_OTHER, data);
		w->path[f->path_len] = '\0';
		return ret < 0 ? ret : 0;
	}
	if (w->depth > max_depth)
		return -ELOOP;
	ret = fn(&e, WALK_DIR_PRE, data);
	if (ret == WALK_SKIP || ret < 0) {
		w->path[f->path_len] = '\0';
		return ret < 0 ? ret : 0;
	}
	return push(w, parent, de->d_name, &st, len, len - strlen(de->d_name));
}

int walk_tree(int dir_fd, const char *name, unsigned max_depth, walk_fn fn, void *data)
{
	struct walk w = { .top_fd = -1 };
	struct walk_entry e;
	struct stat st;
	size_t len;
	int ret;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	ret = path_set(&w, 0, "", &len);
	if (ret < 0)
		return ret;
	e = (struct walk_entry){ .root_fd = -1, .parent_fd = dir_fd, .name = name, .path = w.path, .st = &st };
	if (!S_ISDIR(st.st_mode)) {
		ret = fn(&e, WALK_OTHER, data);
		free(w.path);
		return ret;
	}
	ret = fn(&e, WALK_DIR_PRE, data);
	if (ret == 0)
		ret = push(&w, dir_fd, name, &st, 0, 0);
	while (ret >= 0 && w.depth > 0) {
		ret = visit_child(&w, max_depth, fn, data);
		if (ret == 1)
			ret = pop(&w, dir_fd, name, fn, data);
	}
	while (w.depth > 0) { /* stopped early: close what is open */
		closedir(w.frames[--w.depth].dir);
	}
	free(w.frames);
	free(w.path);
	return ret == WALK_SKIP ? 0 : ret;
}
