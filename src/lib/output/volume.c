#include "lib/output/volume.h"

#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The byte of .lock that stands for release: writers of one release
 * exclude each other, writers of different releases (almost always a
 * different byte) go on side by side, even through long downloads. */
static off_t lock_byte(const char *release)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *release; release++)
		h = (h ^ (unsigned char)*release) * 16777619u;
	return (off_t)(h & 0x7fffffff);
}

static int lock_release(int fd, const char *release, int wait)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = lock_byte(release), .l_len = 1 };

	while (fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int open_lock_file(struct volume *v)
{
	char path[PATH_MAX];
	int ret = path_join(path, v->out, ".lock");

	if (ret < 0)
		return ret;
	/* Never through a symlink: one planted in a shared volume would make
	 * the lock create a file wherever it points. Such a link is removed. */
	v->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (v->lock_fd < 0 && errno == ELOOP && unlink(path) == 0)
		v->lock_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	return v->lock_fd < 0 ? -errno : 0;
}

int volume_lock(struct volume *v, const char *release, int *ret_waited)
{
	int ret = open_lock_file(v);

	*ret_waited = 0;
	if (ret < 0)
		return ret;
	ret = lock_release(v->lock_fd, release, 0);
	if (ret == 0)
		return 0;
	if (ret != -EAGAIN && ret != -EACCES)
		return ret;
	*ret_waited = 1;
	return lock_release(v->lock_fd, release, 1);
}

void volume_close(struct volume *v)
{
	if (v->lock_fd >= 0)
		close(v->lock_fd); /* releases the lock */
	v->lock_fd = -1;
}

int volume_release_dir(const struct volume *v, const char *release, char out[PATH_MAX])
{
	return path_join(out, v->out, release);
}

/* .staging/<release>: each release stages in a folder of its own, so
 * cleaning up after one never touches another's work in progress. */
static int release_staging(const struct volume *v, const char *release, char out[PATH_MAX])
{
	return path_format(out, "%s/%s/%s", v->out, STAGING, release);
}

/* Makes dir if missing; it must then be a real directory, never a
 * symlink planted in the volume. */
static int make_real_dir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return fs_is_real_dir(dir) ? 0 : -ENOTDIR;
}

int volume_tidy(struct volume *v, const char *release)
{
	int ret = open_lock_file(v);

	if (ret < 0)
		return ret;
	ret = lock_release(v->lock_fd, release, 0);
	if (ret == 0)
		ret = volume_clean_staging(v, release);
	else if (ret == -EAGAIN || ret == -EACCES)
		ret = 0; /* a writer of release is at work: its staging is its own */
	volume_close(v);
	return ret;
}

int volume_clean_staging(const struct volume *v, const char *release)
{
	char path[PATH_MAX];
	int ret = path_join(path, v->out, STAGING);

	if (ret < 0)
		return ret;
	/* A .staging that is not a real directory (a planted symlink) is
	 * removed as it is, never followed. */
	if (!fs_is_real_dir(path))
		return fs_rm_rf(path);
	ret = release_staging(v, release, path);
	if (ret == 0)
		ret = fs_rm_rf(path);
	/* .staging itself goes when no other release is staging. */
	if (ret == 0 && path_join(path, v->out, STAGING) == 0)
		rmdir(path);
	return ret;
}

int volume_stage(const struct volume *v, const char *release, char ret_stage[PATH_MAX])
{
	char dir[PATH_MAX], tmpl[PATH_MAX], build[PATH_MAX];
	int ret;

	ret = path_join(dir, v->out, STAGING);
	if (ret == 0)
		ret = make_real_dir(dir);
	if (ret == 0)
		ret = release_staging(v, release, dir);
	if (ret == 0)
		ret = make_real_dir(dir);
	if (ret == 0)
		ret = path_format(tmpl, "%s/XXXXXX", dir);
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
