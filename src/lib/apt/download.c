#include "lib/apt/download.h"

#include "lib/archive/deb.h"
#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void *download_one(void *data)
{
	struct apt_download *d = data;
	const struct apt_download_opts *o = d->opts;
	struct fetch_opts fo = o->repo->fetch;
	char userpwd[600];
	int attempt;

	/* Credentials follow the source the package came from. */
	fo.userpwd = apt_auth_for(o->repo->cfg, d->pkg->base_uri, userpwd, sizeof(userpwd));
	for (attempt = 1; attempt <= fo.attempts; attempt++) {
		struct unpack_opts uo = { .max_bytes = o->max_bytes, .max_entries = UNPACK_DEFAULT_MAX_ENTRIES,
					  .select = o->select, .select_data = o->select_data };
		struct fetch_pipe *fp;
		char fwhy[1024] = "", xwhy[1024] = "";
		int fd, xret, fret;

		if (attempt > 1) {
			o->repo->note(o->repo->note_data, 0, "retrying %s (attempt %d of %d) after: %s", d->url, attempt,
				      fo.attempts, d->why);
			fetch_backoff(attempt);
		}
		fs_rm_rf(d->dir);
		d->ret = mkdir(d->dir, 0755) < 0 ? -errno : fetch_pipe_start(&fo, d->url, d->pkg->size, &fp, &fd);
		if (d->ret < 0) {
			snprintf(d->why, sizeof(d->why), "%s: cannot start: %s", d->url, strerror(-d->ret));
			return NULL;
		}
		xret = deb_extract_fd(fd, d->dir, &uo, &d->st, xwhy, sizeof(xwhy));
		close(fd);
		fret = fetch_pipe_finish(fp, &d->res, fwhy, sizeof(fwhy));
		if (fret == -EAGAIN) {
			d->ret = fret;
			snprintf(d->why, sizeof(d->why), "%s", fwhy);
			continue;
		}
		if (fret < 0) {
			/* A package the signed index promises must be there: a 404
			 * is the mirror failing, not "no headers". */
			d->ret = fret == -EFBIG ? -EKEYREJECTED : fret == -ENOENT ? -ECOMM : fret;
			snprintf(d->why, sizeof(d->why), "%s", fwhy);
			return NULL;
		}
		if (strcmp(d->res.sha256, d->pkg->sha256) != 0 || d->res.bytes != d->pkg->size) {
			d->ret = -EKEYREJECTED;
			snprintf(d->why, sizeof(d->why), "%s: hash mismatch: sha256 %s, %llu bytes; the index lists %s, %llu bytes",
				 d->url, d->res.sha256, d->res.bytes, d->pkg->sha256, d->pkg->size);
			return NULL;
		}
		if (xret < 0) {
			d->ret = xret;
			snprintf(d->why, sizeof(d->why), "%s: %s", d->url, xwhy);
			return NULL;
		}
		d->ret = 0;
		return NULL;
	}
	return NULL;
}

int apt_download_run(const struct apt_download_opts *o, struct apt_download *d, size_t n, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		d[i].opts = o;
		d[i].ret = 0;
		snprintf(d[i].url, sizeof(d[i].url), "%s/%s", d[i].pkg->base_uri, d[i].pkg->filename);
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&d[i].thread, NULL, download_one, &d[i]) != 0)
			d[i].ret = -EAGAIN, d[i].thread = 0;
	for (i = 0; i < n; i++)
		if (d[i].thread)
			pthread_join(d[i].thread, NULL);
	for (i = 0; i < n; i++)
		if (d[i].ret < 0) {
			snprintf(why, whylen, "%s", d[i].why);
			return d[i].ret;
		}
	return 0;
}

int apt_download_gather(const struct apt_download *d, size_t n, const char *root, char *why, size_t whylen)
{
	char dest_src[PATH_MAX];
	size_t i;
	int ret = path_format(dest_src, "%s/usr/src", root);

	if (ret == 0)
		ret = fs_mkdir_p(dest_src, 0755);
	for (i = 0; ret == 0 && i < n; i++) {
		char src_dir[PATH_MAX];
		DIR *dir;
		struct dirent *de;

		if (path_format(src_dir, "%s/usr/src", d[i].dir) < 0 || !(dir = opendir(src_dir)))
			continue;
		while (ret == 0 && (de = readdir(dir))) {
			char from[PATH_MAX], to[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if (path_join(from, src_dir, de->d_name) < 0 || path_join(to, dest_src, de->d_name) < 0 ||
			    rename(from, to) < 0) {
				ret = -errno;
				snprintf(why, whylen, "cannot gather %s: %s", from, strerror(-ret));
			}
		}
		closedir(dir);
	}
	return ret;
}
