#include "util/confine.h"

#include "util/fs.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40 /* the kernel's own limit */

static int kernel_open(int root_fd, const char *path, int flags, mode_t mode, enum confine_mode how)
{
	struct open_how oh = { .flags = (unsigned long long)(flags | O_CLOEXEC) };
	long fd;

	if (flags & (O_CREAT | O_TMPFILE))
		oh.mode = mode;
	switch (how) {
	case CONFINE_IN_ROOT:
		oh.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		break;
	case CONFINE_BENEATH:
		oh.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		break;
	case CONFINE_BENEATH_NO_SYMLINKS:
		oh.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
		break;
	}
	/* openat2 follows a final symlink even with O_CREAT; the rule here is
	 * that a file being created is never reached through one. */
	if (flags & O_CREAT)
		oh.flags |= O_NOFOLLOW;
	do
		fd = syscall(SYS_openat2, root_fd, path, &oh, sizeof(oh));
	while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup: retry */
	return fd < 0 ? -errno : (int)fd;
}

/* The directory fds of the walk so far: [0] is the root itself (not
 * ours to close), the last is where the next component is looked up. */
struct walk_stack {
	int *fds;
	size_t n, cap;
};

static int stack_push(struct walk_stack *s, int fd)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		int *grown = realloc(s->fds, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->fds = grown;
		s->cap = cap;
	}
	s->fds[s->n++] = fd;
	return 0;
}

static void stack_reset(struct walk_stack *s)
{
	while (s->n > 1)
		close(s->fds[--s->n]);
}

static void stack_free(struct walk_stack *s)
{
	stack_reset(s);
	free(s->fds);
}

/* Puts "target/rest" in pending (rest may be empty). */
static int splice_link(char pending[PATH_MAX], const char *target, const char *rest)
{
	char next[PATH_MAX];
	int ret = *rest ? path_format(next, "%s/%s", target, rest) : path_copy(next, target);

	if (ret == 0)
		memcpy(pending, next, strlen(next) + 1);
	return ret;
}

/* Handles a ".." component: pops a level, or refuses a climb out. */
static int walk_dotdot(struct walk_stack *s, enum confine_mode how)
{
	if (s->n > 1) {
		close(s->fds[--s->n]);
		return 0;
	}
	return how == CONFINE_IN_ROOT ? 0 : -EXDEV;
}

/* The component at the top of the stack named name is a symlink: reads
 * it and makes the rest of the walk start from its target. */
static int walk_follow(struct walk_stack *s, const char *name, char pending[PATH_MAX], const char *rest,
		       enum confine_mode how, int *links)
{
	char target[PATH_MAX];
	ssize_t len;

	if (how == CONFINE_BENEATH_NO_SYMLINKS || ++*links > MAX_SYMLINKS)
		return -ELOOP;
	len = readlinkat(s->fds[s->n - 1], name, target, sizeof(target) - 1);
	if (len < 0)
		return -errno;
	target[len] = '\0';
	if (target[0] == '/') {
		if (how != CONFINE_IN_ROOT)
			return -EXDEV;
		stack_reset(s);
	}
	return splice_link(pending, target, rest);
}

int confine_open_walk(int root_fd, const char *path, int flags, mode_t mode, enum confine_mode how)
{
	struct walk_stack s = { 0 };
	char pending[PATH_MAX], name[NAME_MAX + 1];
	int links = 0, ret, fd;

	ret = path_copy(pending, path);
	if (ret == 0)
		ret = stack_push(&s, root_fd);
	while (ret == 0) {
		const char *cp = pending, *start;
		struct stat st;
		size_t n;

		if (!path_next_component(&cp, &start, &n)) {
			/* No component left: the path named the directory itself. */
			ret = openat(s.fds[s.n - 1], ".", (flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_CLOEXEC);
			ret = ret < 0 ? -errno : ret;
			break;
		}
		if (n > NAME_MAX) {
			ret = -ENAMETOOLONG;
			break;
		}
		memcpy(name, start, n);
		name[n] = '\0';
		while (*cp == '/')
			cp++;
		memmove(pending, cp, strlen(cp) + 1);
		if (path_is_dot(name, n))
			continue;
		if (path_is_dotdot(name, n)) {
			ret = walk_dotdot(&s, how);
			continue;
		}
		if (fstatat(s.fds[s.n - 1], name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && !*pending && (flags & O_CREAT)) {
				ret = openat(s.fds[s.n - 1], name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
				ret = ret < 0 ? -errno : ret;
			} else {
				ret = -errno;
			}
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (!*pending && (flags & (O_PATH | O_NOFOLLOW)) == (O_PATH | O_NOFOLLOW)) {
				/* As open(2): O_PATH with O_NOFOLLOW opens the link
				 * itself, which is how callers look at what a tree
				 * entry is without following it. */
				ret = openat(s.fds[s.n - 1], name, flags | O_CLOEXEC);
				ret = ret < 0 ? -errno : ret;
				break;
			}
			if (!*pending && (flags & (O_NOFOLLOW | O_CREAT))) {
				/* As open(2): O_EXCL names the link itself as existing. */
				ret = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ? -EEXIST : -ELOOP;
				break;
			}
			ret = walk_follow(&s, name, pending, pending, how, &links);
			continue;
		}
		if (!*pending) {
			ret = openat(s.fds[s.n - 1], name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			ret = ret < 0 ? -errno : ret;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			ret = -ENOTDIR;
			break;
		}
		fd = openat(s.fds[s.n - 1], name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		ret = fd < 0 ? -errno : stack_push(&s, fd);
		if (ret < 0 && fd >= 0)
			close(fd);
	}
	stack_free(&s);
	return ret;
}

int confine_open(int root_fd, const char *path, int flags, mode_t mode, enum confine_mode how)
{
	int fd = kernel_open(root_fd, path, flags, mode, how);

	if (fd == -ENOSYS)
		return confine_open_walk(root_fd, path, flags, mode, how);
	return fd;
}

int confine_read_beneath(const char *dir, const char *rel, size_t max, char **ret_text)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, ret;

	if (dfd < 0)
		return -errno;
	fd = confine_open(dfd, rel, O_RDONLY | O_NONBLOCK, 0, CONFINE_BENEATH);
	close(dfd);
	if (fd < 0)
		return fd;
	ret = fs_read_fd(fd, max, ret_text, NULL);
	close(fd);
	return ret;
}
