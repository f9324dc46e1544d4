#include "lib/distro/distrodef.h"

#include "util/fs.h"
#include "lib/kernel/osrelease.h"
#include "util/path.h"

#include <dirent.h>
#include <fnmatch.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PH_DATADIR
#define PH_DATADIR "/usr/local/share/provision-headers"
#endif

/* The data directory (distros/, patches/, bpf/) is the tool's own: it is
 * installed with the binary or named by the operator with --data-dir, and
 * is trusted as the binary is (SECURITY.md). Its files are therefore read
 * by path, not through the confinement layer, which is for the host root,
 * the output volume, banks and caches (scripts/opens-allowed). Its content
 * is still parsed defensively (fuzz_distrodef). */
int distrodef_data_dir(const char *override, char out[PATH_MAX])
{
	char exe[PATH_MAX], probe[PATH_MAX], *slash;
	ssize_t n;

	if (override && *override)
		return path_copy(out, override);
	if (path_join(probe, PH_DATADIR, "distros") == 0 && fs_is_dir(probe))
		return path_copy(out, PH_DATADIR);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* The binary's folder, cut here rather than by dirname(),
		 * which may or may not change its argument. */
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* build/provision-headers -> the source tree above build/ */
		if (slash && path_format(probe, "%s/../distros", exe) == 0 && fs_is_dir(probe))
			return path_format(out, "%s/..", exe);
	}
	return path_copy(out, PH_DATADIR);
}

static const char *keep_string(struct distro_def *d, const char *s)
{
	size_t n = strlen(s) + 1;
	char *at;

	if (d->used + n > sizeof(d->strings))
		return NULL;
	at = d->strings + d->used;
	memcpy(at, s, n);
	d->used += n;
	return at;
}

static int read_list(struct distro_def *d, json_object *root, const char *key, const char **out, int required,
		     char *why, size_t whylen)
{
	json_object *arr;
	size_t i, n;

	out[0] = NULL;
	if (!json_object_object_get_ex(root, key, &arr)) {
		if (required)
			snprintf(why, whylen, "%s: missing \"%s\"", d->file, key);
		return required ? -EINVAL : 0;
	}
	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(why, whylen, "%s: \"%s\" must be a list of strings", d->file, key);
		return -EINVAL;
	}
	n = json_object_array_length(arr);
	if (n > DISTRO_MAX_LIST) {
		snprintf(why, whylen, "%s: \"%s\" has more than %d entries", d->file, key, DISTRO_MAX_LIST);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(s, json_type_string) || !(out[i] = keep_string(d, json_object_get_string(s)))) {
			snprintf(why, whylen, "%s: \"%s\" must be a list of strings", d->file, key);
			return -EINVAL;
		}
	}
	out[n] = NULL;
	return 0;
}

static int read_string(struct distro_def *d, json_object *root, const char *key, char *out, size_t outlen, char *why,
		       size_t whylen)
{
	json_object *s;

	if (!json_object_object_get_ex(root, key, &s) || !json_object_is_type(s, json_type_string)) {
		snprintf(why, whylen, "%s: missing string \"%s\"", d->file, key);
		return -EINVAL;
	}
	snprintf(out, outlen, "%s", json_object_get_string(s));
	return 0;
}

/* What a file is chosen by: the os-release values it applies to. */
struct def_match {
	const char *ids[DISTRO_MAX_LIST + 1];
	const char *version_ids[DISTRO_MAX_LIST + 1]; /* fnmatch patterns; none: any */
	const char *platform_ids[DISTRO_MAX_LIST + 1];
};

static void read_optional_string(json_object *root, const char *key, char *out, size_t outlen)
{
	json_object *s;

	if (json_object_object_get_ex(root, key, &s) && json_object_is_type(s, json_type_string))
		snprintf(out, outlen, "%s", json_object_get_string(s));
}

static int read_optional_bool(struct distro_def *d, json_object *root, const char *key, int *out, char *why,
			      size_t whylen)
{
	json_object *b;

	if (!json_object_object_get_ex(root, key, &b))
		return 0;
	if (!json_object_is_type(b, json_type_boolean)) {
		snprintf(why, whylen, "%s: \"%s\" must be true or false", d->file, key);
		return -EINVAL;
	}
	*out = json_object_get_boolean(b);
	return 0;
}

static int parse_def(const char *path, struct distro_def *d, struct def_match *m, char *why, size_t whylen)
{
	char *text = NULL;
	json_object *root;
	int ret, apt, tarball;

	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", path);
	ret = fs_read_small_file(path, 1 << 20, &text, NULL);
	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	root = json_tokener_parse(text);
	free(text);
	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(why, whylen, "%s: not a JSON object", path);
		json_object_put(root);
		return -EINVAL;
	}
	ret = read_string(d, root, "name", d->name, sizeof(d->name), why, whylen);
	if (ret == 0)
		ret = read_string(d, root, "package_manager", d->package_manager, sizeof(d->package_manager), why, whylen);
	if (ret == 0)
		ret = read_string(d, root, "header_package", d->header_package, sizeof(d->header_package), why, whylen);
	/* What only apt repositories have is required of apt files only. */
	apt = strcmp(d->package_manager, "apt") == 0;
	tarball = strcmp(d->package_manager, "tarball") == 0;
	if (ret == 0)
		ret = read_list(d, root, "match_ids", m->ids, 1, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "version_ids", m->version_ids, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "platform_ids", m->platform_ids, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "follow_depends", d->follow_depends, apt, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "index_patterns", d->index_patterns, !tarball, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "components", d->components, apt, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "trusted_keyrings", d->trusted_keyrings, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "related_suites", d->related_suites, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "releases", d->releases, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "header_packages", d->header_packages, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "repo_dirs", d->repo_dirs, !apt && !tarball, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "vars_dirs", d->vars_dirs, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "arch_names", d->arch_names, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "variant_flavours", d->variant_flavours, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "key_dirs", d->key_dirs, 0, why, whylen);
	if (ret == 0)
		ret = read_list(d, root, "fallback_repos", d->fallback_repos, 0, why, whylen);
	if (ret == 0)
		ret = read_optional_bool(d, root, "gpgcheck_default", &d->gpgcheck_default, why, whylen);
	if (ret == 0)
		ret = read_optional_bool(d, root, "repo_gpgcheck_default", &d->repo_gpgcheck_default, why, whylen);
	if (ret == 0) {
		read_optional_string(root, "flavour_separator", d->flavour_separator, sizeof(d->flavour_separator));
		read_optional_string(root, "companion_package", d->companion_package, sizeof(d->companion_package));
		read_optional_string(root, "build_dir_template", d->build_dir_template, sizeof(d->build_dir_template));
		read_optional_string(root, "source_dir_template", d->source_dir_template, sizeof(d->source_dir_template));
		read_optional_string(root, "flavour_suffix", d->flavour_suffix, sizeof(d->flavour_suffix));
		read_optional_string(root, "release_provide", d->release_provide, sizeof(d->release_provide));
		read_optional_string(root, "releasever", d->releasever, sizeof(d->releasever));
		snprintf(d->checksum_url_template, sizeof(d->checksum_url_template), "{url}.sha256");
		read_optional_string(root, "checksum_url_template", d->checksum_url_template,
				     sizeof(d->checksum_url_template));
	}
	if (ret == 0 && d->flavour_separator[0] && strlen(d->flavour_separator) != 1) {
		snprintf(why, whylen, "%s: \"flavour_separator\" must be one character", d->file);
		ret = -EINVAL;
	}
	if (ret == 0 && (d->companion_package[0] || d->source_dir_template[0]) && !d->build_dir_template[0]) {
		snprintf(why, whylen, "%s: \"companion_package\" and \"source_dir_template\" need \"build_dir_template\"",
			 d->file);
		ret = -EINVAL;
	}
	if (ret == 0 && tarball)
		ret = read_string(d, root, "headers_url_template", d->headers_url_template,
				  sizeof(d->headers_url_template), why, whylen);
	json_object_put(root);
	return ret;
}

static int id_in(const char *id, const char *const *ids)
{
	for (; *ids; ids++)
		if (strcmp(id, *ids) == 0)
			return 1;
	return 0;
}

/* Appends each ID to a ", "-separated list (for the no-match message). */
static void list_ids(const char *const *ids, char *list, size_t size)
{
	for (; *ids; ids++) {
		size_t len = strlen(list);

		if (len + 1 < size)
			snprintf(list + len, size - len, "%s%s", len ? ", " : "", *ids);
	}
}

/* How well a file fits: its ID over the words of ID_LIKE (the first
 * word, the closest relative, first) over PLATFORM_ID; 0 when not at all
 * or when its version_ids leave this VERSION_ID out (Amazon Linux 2 is
 * not 2023). */
static int matches(const struct os_release *os, const struct def_match *m)
{
	char like[sizeof(os->id_like)], *tok, *save = NULL;
	const char *const *v;
	int k = 0;

	if (m->version_ids[0]) {
		for (v = m->version_ids; *v; v++)
			if (fnmatch(*v, os->version_id, 0) == 0)
				break;
		if (!*v)
			return 0;
	}
	if (os->id[0] && id_in(os->id, m->ids))
		return 100;
	snprintf(like, sizeof(like), "%s", os->id_like);
	for (tok = strtok_r(like, " ", &save); tok; tok = strtok_r(NULL, " ", &save), k++)
		if (id_in(tok, m->ids))
			return 50 - (k < 30 ? k : 30);
	if (os->platform_id[0] && id_in(os->platform_id, m->platform_ids))
		return 10;
	return 0;
}

int distrodef_load(const char *data_dir, const struct os_release *os, struct distro_def *def, char *why,
		   size_t whylen)
{
	char dir[PATH_MAX], best_path[PATH_MAX], joined[PATH_MAX], supported[512] = "";
	struct dirent **names = NULL;
	int n, i, best = 0, ret = path_join(joined, data_dir, "distros");

	if (ret < 0)
		return ret;
	/* The path goes into messages: "/usr/bin/../share" reads as a bug. */
	if (joined[0] != '/' || path_normalize(dir, joined) < 0)
		path_copy(dir, joined);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		return -ENOENT;
	}
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct def_match dm;
		size_t len = strlen(names[i]->d_name);
		int m;

		/* def serves as scratch while scanning; the best file is parsed
		 * into it once more at the end. */
		if (ret == 0 && len > 5 && strcmp(names[i]->d_name + len - 5, ".json") == 0 &&
		    path_join(path, dir, names[i]->d_name) == 0) {
			ret = parse_def(path, def, &dm, why, whylen);
			if (ret == 0)
				list_ids(dm.ids, supported, sizeof(supported));
			if (ret == 0 && (m = matches(os, &dm)) > best) {
				best = m;
				path_copy(best_path, path);
			}
		}
		free(names[i]);
	}
	free(names);
	if (ret < 0)
		return ret;
	if (!best) {
		snprintf(why, whylen, "no definition in %s matches ID=%s%s%s (supported IDs, also matched through ID_LIKE: %s)",
			 dir, os->id[0] ? os->id : "(none)", os->id_like[0] ? " ID_LIKE=" : "", os->id_like,
			 supported[0] ? supported : "none");
		return -ENOENT;
	}
	{
		struct def_match dm;

		return parse_def(best_path, def, &dm, why, whylen);
	}
}

int distrodef_each(const char *data_dir, void (*fn)(void *data, const struct distro_def *def, const char *const *ids),
		   void *data, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	struct dirent **names = NULL;
	struct distro_def *def = malloc(sizeof(*def));
	int n = 0, i, ret = path_join(dir, data_dir, "distros");

	if (!def)
		return -ENOMEM;
	if (ret == 0 && (n = scandir(dir, &names, NULL, alphasort)) < 0) {
		snprintf(why, whylen, "%s: %s", dir, strerror(errno));
		ret = -ENOENT;
	}
	for (i = 0; ret == 0 && names && i < n; i++) {
		char path[PATH_MAX];
		struct def_match dm;
		size_t len = strlen(names[i]->d_name);

		if (len > 5 && strcmp(names[i]->d_name + len - 5, ".json") == 0 && path_join(path, dir, names[i]->d_name) == 0) {
			ret = parse_def(path, def, &dm, why, whylen);
			if (ret == 0)
				fn(data, def, dm.ids);
		}
	}
	for (i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(def);
	return ret;
}

int distrodef_load_named(const char *data_dir, const char *name, struct distro_def *def, char *why, size_t whylen)
{
	struct os_release os;

	memset(&os, 0, sizeof(os));
	snprintf(os.id, sizeof(os.id), "%s", name);
	return distrodef_load(data_dir, &os, def, why, whylen);
}

void distrodef_expand(const char *tmpl, const char *release, const char *codename, char *out, size_t outlen)
{
	size_t o = 0;

	while (*tmpl && o + 1 < outlen) {
		const char *sub = NULL;
		size_t skip = 0;

		if (strncmp(tmpl, "{release}", 9) == 0)
			sub = release, skip = 9;
		else if (strncmp(tmpl, "{codename}", 10) == 0)
			sub = codename, skip = 10;
		if (sub) {
			o += (size_t)snprintf(out + o, outlen - o, "%s", sub);
			if (o >= outlen)
				o = outlen - 1;
			tmpl += skip;
		} else {
			out[o++] = *tmpl++;
		}
	}
	out[o] = '\0';
}
