/* The one directory walker and the fs helpers built on it: order of
 * visits, symlinks never entered, and hostile deep trees (1000 levels)
 * that once overflowed the stack of the recursive clone. */
#include "util/fs.h"
#include "util/path.h"
#include "util/walk.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[PATH_MAX];

static void make_file(const char *rel, const char *text)
{
	char p[PATH_MAX];
	int fd;

	path_join(p, top, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		fs_write_all(fd, text, strlen(text));
		close(fd);
	}
}

/* A chain of depth directories named d below dir, with a file at the end. */
static int make_deep(const char *dir, unsigned depth)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), next;
	unsigned i;

	for (i = 0; fd >= 0 && i < depth; i++) {
		if (mkdirat(fd, "d", 0755) < 0)
			break;
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return -1;
	next = openat(fd, "leaf", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	close(fd);
	if (next < 0)
		return -1;
	close(next);
	return i == depth ? 0 : -1;
}

struct seen {
	unsigned pre, post, other, max_depth;
	char order[1024];
};

static int record(const struct walk_entry *e, enum walk_visit v, void *data)
{
	struct seen *s = data;
	size_t len = strlen(s->order);

	if (e->depth > s->max_depth)
		s->max_depth = e->depth;
	if (v == WALK_DIR_PRE)
		s->pre++;
	else if (v == WALK_DIR_POST)
		s->post++;
	else
		s->other++;
	snprintf(s->order + len, sizeof(s->order) - len, "%c%s;", v == WALK_DIR_PRE ? '+' : v == WALK_DIR_POST ? '-' : '.',
		 e->path);
	return 0;
}

static int skip_b(const struct walk_entry *e, enum walk_visit v, void *data)
{
	(void)data;
	return v == WALK_DIR_PRE && strcmp(e->name, "b") == 0 ? WALK_SKIP : record(e, v, data);
}

static void test_walk_small(void)
{
	char p[PATH_MAX], target[PATH_MAX];
	struct seen s = { 0 };

	path_join(p, top, "small");
	mkdir(p, 0755);
	path_join(p, top, "small/a");
	mkdir(p, 0755);
	path_join(p, top, "small/b");
	mkdir(p, 0755);
	make_file("small/a/f", "x");
	make_file("small/b/g", "yy");
	path_join(p, top, "small/link");
	path_join(target, top, "small/a");
	symlink(target, p);
	path_join(p, top, "small");
	is_int(walk_tree(AT_FDCWD, p, WALK_MAX_DEPTH, record, &s), 0, "walks a small tree");
	is_int(s.pre, 3, "three directories entered (top, a, b)");
	is_int(s.post, 3, "each left once");
	is_int(s.other, 3, "two files and the symlink, which is not followed");
	ok(strstr(s.order, "+a;.a/f;-a;") != NULL, "a directory's entries come between its visits (%s)", s.order);
	ok(strstr(s.order, ".link;") != NULL, "the symlink is reported, not entered");
	memset(&s, 0, sizeof(s));
	walk_tree(AT_FDCWD, p, WALK_MAX_DEPTH, skip_b, &s);
	ok(strstr(s.order, "b/g") == NULL && strstr(s.order, "-b;") == NULL, "WALK_SKIP leaves a directory out");
}

static void test_deep(void)
{
	char deep[PATH_MAX], clone[PATH_MAX];
	unsigned long long files = 0, bytes = 0;
	struct seen s = { 0 };
	pid_t pid;
	int status;

	path_join(deep, top, "deep");
	mkdir(deep, 0755);
	ok(make_deep(deep, 1000) == 0, "made a 1000-level tree");
	is_int(walk_tree(AT_FDCWD, deep, WALK_MAX_DEPTH, record, &s), -ELOOP, "the walker refuses it past its depth limit");
	is_int(s.max_depth, WALK_MAX_DEPTH, "and went no deeper than the limit");
	is_int(fs_tree_usage(deep, &files, &bytes), -ELOOP, "fs_tree_usage refuses it with ELOOP");
	path_join(clone, top, "clone");
	/* In a child, so a crash shows as a failed test, not a dead suite. */
	pid = fork();
	if (pid == 0)
		_exit(fs_clone_tree(deep, clone) == -ELOOP ? 0 : 1);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fs_clone_tree refuses it with ELOOP and does not crash");
	is_int(fs_rm_rf(clone), 0, "the partial clone is removed");
	ok(access(clone, F_OK) < 0, "and is gone");
	is_int(fs_rm_rf(deep), 0, "fs_rm_rf removes the whole 1000-level tree");
	ok(access(deep, F_OK) < 0 && errno == ENOENT, "and it is gone");
}

static void test_clone(void)
{
	char src[PATH_MAX], dst[PATH_MAX], p[PATH_MAX], link[PATH_MAX];
	unsigned long long files = 0, bytes = 0;
	struct stat a, b;
	ssize_t n;

	path_join(src, top, "small");
	path_join(dst, top, "small-clone");
	is_int(fs_clone_tree(src, dst), 0, "clones a tree");
	path_join(p, dst, "b/g");
	ok(stat(p, &b) == 0 && b.st_size == 2, "a file is there");
	path_join(p, src, "b/g");
	stat(p, &a);
	ok(a.st_ino == b.st_ino, "as a hardlink of the source");
	path_join(p, dst, "link");
	n = readlink(p, link, sizeof(link) - 1);
	ok(n > 0, "the symlink is recreated as a symlink");
	is_int(fs_tree_usage(dst, &files, &bytes), 0, "fs_tree_usage counts the clone");
	is_int(files, 2, "two regular files");
	is_int(bytes, 3, "three bytes");
	is_int(fs_clone_tree(src, dst), -EEXIST, "cloning onto an existing tree refuses to overwrite a file");
	is_int(fs_rm_rf(dst), 0, "removed");
	is_int(fs_rm_rf(dst), 0, "removing what is gone is not an error");
}

int main(void)
{
	snprintf(top, sizeof(top), "/tmp/ph-walk-test.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	test_walk_small();
	test_clone();
	test_deep();
	fs_rm_rf(top);
	return tap_done();
}
