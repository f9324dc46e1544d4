#include "util/hostroot.h"

#include "util/confine.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SYMLINKS 40 /* as the kernel's own limit */

int hostroot_init(struct hostroot *hr, const char *root)
{
	char cwd[PATH_MAX], abs[PATH_MAX];
	int ret;

	if (!root || !*root)
		root = "/";
	if (root[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		ret = path_join(abs, cwd, root);
		if (ret < 0)
			return ret;
		root = abs;
	}
	return path_normalize(hr->root, root);
}

int hostroot_is_slash(const struct hostroot *hr)
{
	return strcmp(hr->root, "/") == 0;
}

const char *hostroot_prefix(const struct hostroot *hr)
{
	return hostroot_is_slash(hr) ? "" : hr->root;
}

const char *hostroot_host_view(const struct hostroot *hr, const char *path)
{
	size_t n = strlen(hr->root);

	if (hostroot_is_slash(hr) || strncmp(path, hr->root, n) != 0)
		return path;
	if (path[n] == '/')
		return path + n;
	return path[n] == '\0' ? "/" : path;
}

int hostroot_path(const struct hostroot *hr, const char *host_path, char out[PATH_MAX])
{
	return path_join(out, hr->root, host_path);
}

int hostroot_runtime_path(const struct hostroot *hr, const char *path, char out[PATH_MAX])
{
	int ret = hostroot_path(hr, path, out);

	if (ret < 0 || hostroot_is_slash(hr))
		return ret;
	if (access(out, F_OK) == 0)
		return 0;
	return path_copy(out, path);
}

int hostroot_open_root(const struct hostroot *hr)
{
	int fd = open(hr->root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int hostroot_open(const struct hostroot *hr, const char *host_path, int flags)
{
	int root_fd = hostroot_open_root(hr), fd;

	if (root_fd < 0)
		return root_fd;
	/* O_NONBLOCK: a FIFO planted where a file is expected must not hang the
	 * open; callers check what they opened is a regular file. An O_PATH
	 * open never blocks, and openat2 refuses other flags beside it. */
	fd = confine_open(root_fd, host_path, flags | ((flags & O_PATH) ? 0 : O_NONBLOCK), 0, CONFINE_IN_ROOT);
	close(root_fd);
	return fd;
}

int hostroot_open_runtime(const struct hostroot *hr, const char *path, int flags)
{
	int fd = hostroot_open(hr, path, flags);

	if (fd != -ENOENT || hostroot_is_slash(hr))
		return fd;
	fd = open(path, flags | ((flags & O_PATH) ? 0 : O_NONBLOCK) | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Pops the last component of an absolute, normalised path in place. */
static void pop_component(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == path)
		path[1] = '\0';
	else if (slash)
		*slash = '\0';
}

int hostroot_resolve(const struct hostroot *hr, const char *host_path, char ret_host_path[PATH_MAX])
{
	char resolved[PATH_MAX] = "/";
	char pending[PATH_MAX];
	char full[PATH_MAX], target[PATH_MAX], next[PATH_MAX];
	int links = 0, ret;
	char *p;

	ret = path_copy(pending, host_path);
	if (ret < 0)
		return ret;
	p = pending;
	for (;;) {
		const char *cp = p, *start;
		size_t n;
		struct stat st;
		ssize_t len;

		if (!path_next_component(&cp, &start, &n))
			break;
		p = (char *)cp;
		if (path_is_dot(start, n))
			continue;
		if (path_is_dotdot(start, n)) {
			if (strcmp(resolved, "/") == 0)
				return -EXDEV;
			pop_component(resolved);
			continue;
		}
		if (strlen(resolved) + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		if (strcmp(resolved, "/") != 0)
			strcat(resolved, "/");
		strncat(resolved, start, n);

		ret = hostroot_path(hr, resolved, full);
		if (ret < 0)
			return ret;
		if (lstat(full, &st) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > MAX_SYMLINKS)
			return -ELOOP;
		len = readlink(full, target, sizeof(target) - 1);
		if (len < 0)
			return -errno;
		target[len] = '\0';
		/* The rest of the walk becomes: target, then what was left. */
		ret = path_format(next, "%s/%s", target, p);
		if (ret < 0)
			return ret;
		if (target[0] == '/')
			strcpy(resolved, "/");
		else
			pop_component(resolved);
		strcpy(pending, next);
		p = pending;
	}
	return path_copy(ret_host_path, resolved);
}
