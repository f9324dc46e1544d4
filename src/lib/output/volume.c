#include "lib/output/volume.h"

#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGING ".staging"

int volume_open(struct volume *v, const char *out, int dry_run)
{
	struct stat st;
	int ret;

	v->lock_fd = -1;
	ret = path_copy(v->out, out);
	if (ret < 0)
		return ret;
	if (stat(out, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;
	return dry_run ? 0 : fs_mkdir_p(out, 0755);
}

int volume_lock(struct volume *v, int *ret_waited)
{
	char path[PATH_MAX];
	int ret = path_join(path, v->out, ".lock");

	*ret_waited = 0;
	if (ret < 0)
		return ret;
	/* Never through a symlink: one planted in a shared volume would make
	 * the lock create a file wherever it points. Such a link is removed. */
	v->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (v->lock_fd < 0 && errno == ELOOP && unlink(path) == 0)
		v->lock_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (v->lock_fd < 0)
		return -errno;
	if (flock(v->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	*ret_waited = 1;
	while (flock(v->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

void volume_close(struct volume *v)
{
	if (v->lock_fd >= 0)
		close(v->lock_fd); /* releases the flock */
	v->lock_fd = -1;
}

int volume_release_dir(const struct volume *v, const char *release, char out[PATH_MAX])
{
	return path_join(out, v->out, release);
}

int volume_clean_staging(const struct volume *v)
{
	char path[PATH_MAX];
	int ret = path_join(path, v->out, STAGING);

	return ret < 0 ? ret : fs_rm_rf(path);
}

int volume_stage(const struct volume *v, const char *release, char ret_stage[PATH_MAX])
{
	char dir[PATH_MAX], tmpl[PATH_MAX], build[PATH_MAX];
	int ret;

	ret = path_join(dir, v->out, STAGING);
	if (ret < 0)
		return ret;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* Staging happens only in a real directory (the lock is held, and
	 * volume_clean_staging removed anything else that was there). */
	if (!fs_is_real_dir(dir))
		return -ENOTDIR;
	ret = path_format(tmpl, "%s/%s.XXXXXX", dir, release);
	if (ret < 0)
		return ret;
	if (!mkdtemp(tmpl))
		return -errno;
	/* mkdtemp makes 0700; consumers in other containers must read it. */
	if (chmod(tmpl, 0755) < 0)
		return -errno;
	ret = path_join(build, tmpl, "build");
	if (ret < 0)
		return ret;
	if (mkdir(build, 0755) < 0)
		return -errno;
	return path_copy(ret_stage, tmpl);
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	close(fd);
	return ret;
}

int volume_publish(const struct volume *v, const char *stage, const char *release)
{
	char target[PATH_MAX];
	int ret = volume_release_dir(v, release, target);

	struct stat st;

	if (ret < 0)
		return ret;
	/* <out>/<release> is the tool's own name: anything there that is not
	 * a directory (a symlink planted in a shared volume) is removed, never
	 * followed. */
	if (lstat(target, &st) == 0 && !S_ISDIR(st.st_mode) && unlink(target) < 0)
		return -errno;
	if (rename(stage, target) == 0)
		return fsync_dir(v->out);
	if (errno != EEXIST && errno != ENOTEMPTY)
		return -errno;
	/* An older tree is there: swap atomically, then remove the old one,
	 * which now sits at the staging path. */
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, target, RENAME_EXCHANGE) < 0)
		return -errno;
	ret = fsync_dir(v->out);
	fs_rm_rf(stage);
	return ret;
}
