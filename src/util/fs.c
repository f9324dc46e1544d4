#include "util/fs.h"

#include "util/path.h"

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
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *bigger;

			if (cap >= max) {
				ret = -EFBIG;
				break;
			}
			cap = cap * 2 > max ? max : cap * 2;
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

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	ret = fs_write_all(fd, data, len);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
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

int fs_rm_rf_at(int parent_fd, const char *name)
{
	struct stat st;
	int fd, ret = 0;
	DIR *d;
	struct dirent *de;

	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ret = fs_rm_rf_at(dirfd(d), de->d_name);
		if (ret < 0)
			break;
	}
	closedir(d);
	if (ret == 0 && unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = -errno;
	return ret;
}

int fs_rm_rf(const char *path)
{
	return fs_rm_rf_at(AT_FDCWD, path);
}

int fs_copy_file(const char *src, const char *dst)
{
	int in, out, ret = 0;
	struct stat st;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	if (fstat(in, &st) < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 0777);
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

int fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int tree_usage_at(int parent_fd, const char *name, unsigned long long *files, unsigned long long *bytes)
{
	int fd, ret = 0;
	DIR *d;
	struct dirent *de;

	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			break;
		}
		if (S_ISREG(st.st_mode)) {
			(*files)++;
			*bytes += (unsigned long long)st.st_size;
		} else if (S_ISDIR(st.st_mode)) {
			ret = tree_usage_at(dirfd(d), de->d_name, files, bytes);
			if (ret < 0)
				break;
		}
	}
	closedir(d);
	return ret;
}

int fs_tree_usage(const char *dir, unsigned long long *ret_files, unsigned long long *ret_bytes)
{
	*ret_files = 0;
	*ret_bytes = 0;
	return tree_usage_at(AT_FDCWD, dir, ret_files, ret_bytes);
}

int fs_clone_tree(const char *src, const char *dst)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (lstat(src, &st) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(src, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		return symlink(target, dst) < 0 ? -errno : 0;
	}
	if (S_ISREG(st.st_mode))
		return fs_link_or_copy(src, dst);
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(dst, st.st_mode & 0777) < 0 && errno != EEXIST)
		return -errno;
	d = opendir(src);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char s[PATH_MAX], t[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ret = path_join(s, src, de->d_name);
		if (ret == 0)
			ret = path_join(t, dst, de->d_name);
		if (ret == 0)
			ret = fs_clone_tree(s, t);
		if (ret < 0)
			break;
	}
	closedir(d);
	return ret;
}
