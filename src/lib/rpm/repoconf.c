#include "lib/rpm/repoconf.h"

#include "util/fs.h"
#include "util/hostroot.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPO_FILE_MAX (1u << 20)

/* The entries of a host folder, sorted, for reproducible order; the
 * folder's fd (confined) comes back open for reading them. */
static int list_dir(const struct hostroot *hr, const char *host_dir, struct dirent ***names, int *ret_fd)
{
	int fd = hostroot_open(hr, host_dir, O_RDONLY | O_DIRECTORY), n;

	if (fd < 0)
		return fd;
	n = scandirat(fd, ".", names, NULL, alphasort);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	*ret_fd = fd;
	return n;
}

/* A regular file of a host folder, at most max bytes, text. */
static int read_in_dir(int dir_fd, const char *name, char **text)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK), ret;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	ret = fs_read_fd(fd, REPO_FILE_MAX, text, NULL);
	close(fd);
	return ret;
}

/* Each file of a vars folder is a variable: its name, its first line. */
static void read_vars_dir(const struct hostroot *hr, const char *host_dir, struct rpm_vars *vars)
{
	struct dirent **names = NULL;
	int dir_fd = -1, n = list_dir(hr, host_dir, &names, &dir_fd), i;

	for (i = 0; i < n; i++) {
		char *text = NULL;

		if (names[i]->d_name[0] != '.' && read_in_dir(dir_fd, names[i]->d_name, &text) == 0) {
			text[strcspn(text, "\r\n")] = '\0';
			(void)rpm_vars_set(vars, names[i]->d_name, text);
		}
		free(text);
		free(names[i]);
	}
	free(names);
	if (dir_fd >= 0)
		close(dir_fd);
}

static int read_repo_dir(const struct hostroot *hr, const char *host_dir, struct rpm_config *cfg, char *why,
			 size_t whylen)
{
	struct dirent **names = NULL;
	int dir_fd = -1, n = list_dir(hr, host_dir, &names, &dir_fd), i, ret = 0;

	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);
		char *text = NULL, origin[PATH_MAX];

		if (ret == 0 && len > 5 && strcmp(names[i]->d_name + len - 5, ".repo") == 0 &&
		    read_in_dir(dir_fd, names[i]->d_name, &text) == 0) {
			if (path_format(origin, "%s%s/%s", hostroot_prefix(hr), host_dir, names[i]->d_name) < 0)
				path_copy(origin, names[i]->d_name);
			ret = rpm_repofile_parse(text, origin, &cfg->vars, cfg->repos, RPM_MAX_REPOS, &cfg->n, why, whylen);
		}
		free(text);
		free(names[i]);
	}
	free(names);
	if (dir_fd >= 0)
		close(dir_fd);
	return ret;
}

int rpm_config_read(const struct hostroot *hr, const char *const *repo_dirs, const char *const *vars_dirs,
		    const char *releasever, const char *basearch, struct rpm_config *cfg, char *why, size_t whylen)
{
	size_t i;
	int ret = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->repos = calloc(RPM_MAX_REPOS, sizeof(*cfg->repos));
	if (!cfg->repos)
		return -ENOMEM;
	if (rpm_vars_set(&cfg->vars, "releasever", releasever) < 0 || rpm_vars_set(&cfg->vars, "basearch", basearch) < 0 ||
	    rpm_vars_set(&cfg->vars, "arch", basearch) < 0)
		return -ENAMETOOLONG;
	for (i = 0; vars_dirs && vars_dirs[i]; i++)
		read_vars_dir(hr, vars_dirs[i], &cfg->vars);
	for (i = 0; ret == 0 && repo_dirs && repo_dirs[i]; i++)
		ret = read_repo_dir(hr, repo_dirs[i], cfg, why, whylen);
	return ret;
}

/* The keys of a host folder as file:// URLs of host paths, into urls. */
static void default_keys(const struct hostroot *hr, const char *host_dir, char urls[RPM_MAX_URLS][1024], int *n)
{
	static const char *const suffixes[] = { ".asc", ".gpg", ".key" };
	struct dirent **names = NULL;
	int dir_fd = -1, count = list_dir(hr, host_dir, &names, &dir_fd), i;
	size_t k;

	for (i = 0; i < count; i++) {
		size_t len = strlen(names[i]->d_name);

		for (k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]) && *n < RPM_MAX_URLS; k++)
			if (names[i]->d_name[0] != '.' && len > 4 && strcmp(names[i]->d_name + len - 4, suffixes[k]) == 0 &&
			    snprintf(urls[*n], sizeof(urls[*n]), "file://%s/%s", host_dir, names[i]->d_name) <
				    (int)sizeof(urls[*n]))
				(*n)++;
		free(names[i]);
	}
	free(names);
	if (dir_fd >= 0)
		close(dir_fd);
}

int rpm_config_apply_defaults(const struct hostroot *hr, struct rpm_config *cfg, const struct rpm_signing_defaults *d)
{
	char keys[RPM_MAX_URLS][1024];
	int n_keys = 0, changed = 0, j;
	size_t i;

	for (i = 0; d->key_dirs && d->key_dirs[i]; i++)
		default_keys(hr, d->key_dirs[i], keys, &n_keys);
	for (i = 0; i < cfg->n; i++) {
		struct rpm_repo *r = &cfg->repos[i];
		int before = r->gpgcheck + 2 * r->repo_gpgcheck + 4 * r->n_gpgkeys;

		if (!r->gpgcheck_given)
			r->gpgcheck = d->gpgcheck;
		if (!r->repo_gpgcheck_given)
			r->repo_gpgcheck = d->repo_gpgcheck;
		if (r->n_gpgkeys == 0 && (r->gpgcheck || r->repo_gpgcheck))
			for (j = 0; j < n_keys; j++)
				memcpy(r->gpgkeys[r->n_gpgkeys++], keys[j], sizeof(keys[j]));
		changed += before != r->gpgcheck + 2 * r->repo_gpgcheck + 4 * r->n_gpgkeys;
	}
	return changed;
}

int rpm_repo_set_baseurl(const struct rpm_vars *vars, const char *tmpl, struct rpm_repo *r)
{
	size_t len;

	if (rpm_vars_expand(vars, tmpl, r->baseurls[0], sizeof(r->baseurls[0])) < 0)
		return -ENAMETOOLONG;
	len = strlen(r->baseurls[0]);
	while (len > 1 && r->baseurls[0][len - 1] == '/')
		r->baseurls[0][--len] = '\0';
	snprintf(r->name, sizeof(r->name), "%s", r->baseurls[0]);
	r->n_baseurls = 1;
	return 0;
}

int rpm_config_add_mirror(struct rpm_config *cfg, const char *url, char *why, size_t whylen)
{
	struct rpm_repo *r;

	if (cfg->n >= RPM_MAX_REPOS) {
		snprintf(why, whylen, "--mirror %s: more than %d repositories", url, RPM_MAX_REPOS);
		return -E2BIG;
	}
	r = &cfg->repos[cfg->n];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "mirror-%zu", cfg->n + 1);
	snprintf(r->origin, sizeof(r->origin), "--mirror %s", url);
	if (rpm_repo_set_baseurl(&cfg->vars, url, r) < 0) {
		snprintf(why, whylen, "--mirror %s: too long once its variables are expanded", url);
		return -ENAMETOOLONG;
	}
	r->enabled = 1;
	r->sslverify = 1;
	r->gpgcheck = 1;
	r->repo_gpgcheck = 1;
	cfg->n++;
	return 0;
}

void rpm_config_free(struct rpm_config *cfg)
{
	free(cfg->repos);
	cfg->repos = NULL;
	cfg->n = 0;
}
