#include "lib/apt/repo.h"

#include "lib/apt/packages.h"
#include "lib/apt/release.h"
#include "lib/archive/unpack.h"
#include "lib/net/gpgverify.h"
#include "lib/net/hostkey.h"
#include "lib/pkgfetch/index.h"
#include "util/fs.h"
#include "util/hostroot.h"
#include "util/macro.h"
#include "util/path.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYFILES 64

static void no_note(void *data, int warning, const char *fmt, ...)
{
	(void)data;
	(void)warning;
	(void)fmt;
}

int apt_repo_init(struct apt_repo *r)
{
	memset(r, 0, sizeof(*r));
	fetch_opts_defaults(&r->fetch);
	r->note = no_note;
	r->index_sources = json_object_new_array();
	return r->index_sources ? 0 : -ENOMEM;
}

void apt_repo_free(struct apt_repo *r)
{
	apt_pkglist_free(&r->pkgs);
	json_object_put(r->index_sources);
	r->index_sources = NULL;
}

static int open_host_keyring(const struct apt_repo *r, const char *host_path, char out[PATH_MAX], char name[PATH_MAX],
			     int *ret_fd)
{
	return hostkey_open(r->hr, host_path, out, name, ret_fd);
}

/* The .gpg and .asc files of a host keyring folder, each confined. */
static int open_host_keyring_dir(const struct apt_repo *r, const char *host_dir, char files[][PATH_MAX],
				 char names[][PATH_MAX], int fds[], int n, int max)
{
	int dir_fd = hostroot_open(r->hr, host_dir, O_RDONLY | O_DIRECTORY);
	struct dirent *de;
	DIR *d;

	if (dir_fd < 0)
		return n;
	d = fdopendir(dir_fd);
	if (!d) {
		close(dir_fd);
		return n;
	}
	while ((de = readdir(d)) && n < max) {
		size_t len = strlen(de->d_name);
		char host_path[PATH_MAX];

		if (len > 4 && (!strcmp(de->d_name + len - 4, ".gpg") || !strcmp(de->d_name + len - 4, ".asc")) &&
		    path_join(host_path, host_dir, de->d_name) == 0 &&
		    open_host_keyring(r, host_path, files[n], names[n], &fds[n]) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Keyring files for a source: its Signed-By, else --keyring and the
 * distribution's trusted keyrings (files or folders) under the host root.
 * Host keyrings come back open (fds[i] >= 0): the caller closes them. */
static int collect_keyrings(const struct apt_repo *r, const struct apt_source *s, char files[][PATH_MAX],
			    char names[][PATH_MAX], int fds[], int max)
{
	int n = 0, i;

	for (i = 0; i < max; i++)
		fds[i] = -1;
	if (s->signed_by[0]) {
		char list[1024], *tok, *save = NULL;

		snprintf(list, sizeof(list), "%s", s->signed_by);
		for (tok = strtok_r(list, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
			if (tok[0] == '/' && open_host_keyring(r, tok, files[n], names[n], &fds[n]) == 0)
				n++;
		return n;
	}
	for (i = 0; i < r->n_keyrings && n < max; i++)
		if (path_copy(files[n], r->keyrings[i]) == 0 && path_copy(names[n], r->keyrings[i]) == 0)
			n++; /* given by the user: trusted as named */
	for (i = 0; r->trusted_keyrings && r->trusted_keyrings[i] && n < max; i++) {
		if (open_host_keyring(r, r->trusted_keyrings[i], files[n], names[n], &fds[n]) == 0)
			n++;
		else
			n = open_host_keyring_dir(r, r->trusted_keyrings[i], files, names, fds, n, max);
	}
	return n;
}

/* Checks data (or data and its detached sig) against the source's
 * keyrings; the signed text and the signer's fingerprint come back. */
static int verify_release(const struct apt_repo *r, const struct apt_source *s, const char *data, size_t len,
			  const char *sig, size_t sig_len, char **text, char fpr[65], char *why, size_t whylen)
{
	_cleanup_free_ char(*keyfiles)[PATH_MAX] = calloc(MAX_KEYFILES, PATH_MAX);
	_cleanup_free_ char(*keynames)[PATH_MAX] = calloc(MAX_KEYFILES, PATH_MAX);
	const char *key_ptrs[MAX_KEYFILES], *name_ptrs[MAX_KEYFILES];
	int key_fds[MAX_KEYFILES];
	struct gpg_keys keys;
	size_t text_len = 0;
	int n, i, ret;

	if (!keyfiles || !keynames)
		return -ENOMEM;
	n = collect_keyrings(r, s, keyfiles, keynames, key_fds, MAX_KEYFILES);
	for (i = 0; i < n; i++) {
		key_ptrs[i] = keyfiles[i];
		name_ptrs[i] = keynames[i];
	}
	keys.files = key_ptrs;
	keys.names = name_ptrs;
	keys.n_files = (size_t)n;
	keys.inline_key = s->signed_by_key;
	ret = gpg_verify(&keys, data, len, sig, sig_len, text, &text_len, fpr, why, whylen);
	for (i = 0; i < MAX_KEYFILES; i++)
		if (key_fds[i] >= 0)
			close(key_fds[i]);
	return ret;
}

/* Fetches and verifies dists/<suite>/InRelease (or Release and
 * Release.gpg); returns the Release text. */
static int fetch_release(struct apt_repo *r, const struct fetch_opts *fo, const struct apt_source *s, char **ret_text,
			 char *why, size_t whylen)
{
	char url[2048], gpg_url[2048], fpr[65] = "", gwhy[512] = "";
	char *data = NULL, *sig = NULL, *text = NULL;
	size_t len = 0, sig_len = 0;
	struct fetch_result res, sig_res;
	int ret, detached = 0;

	snprintf(url, sizeof(url), "%s/dists/%s/InRelease", s->uri, s->suite);
	ret = fetch_to_memory(fo, url, 64u << 20, &data, &len, &res, why, whylen);
	if (ret == -ENOENT) {
		snprintf(url, sizeof(url), "%s/dists/%s/Release", s->uri, s->suite);
		snprintf(gpg_url, sizeof(gpg_url), "%s/dists/%s/Release.gpg", s->uri, s->suite);
		ret = fetch_to_memory(fo, url, 64u << 20, &data, &len, &res, why, whylen);
		detached = 1;
		if (ret == 0 && !s->trusted && !r->skip_signature) {
			ret = fetch_to_memory(fo, gpg_url, 1u << 20, &sig, &sig_len, &sig_res, why, whylen);
			if (ret == -ENOENT) {
				snprintf(why, whylen, "%s: unsigned repository (no InRelease, no Release.gpg)", url);
				ret = -EKEYREJECTED;
			}
		}
	}
	if (ret < 0)
		goto out;
	if (s->trusted || r->skip_signature) {
		r->note(r->note_data, 1, "NOT checking the signature of %s (%s); only hashes protect what follows", url,
			s->trusted ? "trusted=yes in the source" : "--insecure-skip-signature");
		text = TAKE_PTR(data);
		index_record_source(r->index_sources, "release", url, &res, NULL);
		goto out;
	}
	ret = verify_release(r, s, data, len, detached ? sig : NULL, sig_len, &text, fpr, gwhy, sizeof(gwhy));
	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", detached ? gpg_url : url, gwhy);
		ret = ret == -ENOMEM ? ret : -EKEYREJECTED;
		goto out;
	}
	r->note(r->note_data, 0, "%s: good signature by %s", url, fpr);
	index_record_source(r->index_sources, "release", url, &res, fpr);
out:
	if (ret == 0)
		*ret_text = text;
	else
		free(text);
	free(data);
	free(sig);
	return ret;
}

static int feed_packages(void *data, const void *buf, size_t len)
{
	return packages_parser_feed(data, buf, len);
}

/* One attempt at a Packages index: stream, decompress, parse. */
static int read_index_once(const struct apt_repo *r, const struct fetch_opts *fo, const char *url,
			   const struct release_entry *e, int source_index, const char *base, struct apt_pkglist *into,
			   struct fetch_result *res, char *why, size_t whylen)
{
	struct packages_parser *parser = packages_parser_new(r->index_patterns, base, source_index, into);
	struct index_stream is;
	char pwhy[256] = "";
	int parse_ret;

	if (!parser)
		return -ENOMEM;
	if (index_stream_fetch(fo, url, e->size, feed_packages, parser, &is) < 0) {
		packages_parser_finish(parser, pwhy, sizeof(pwhy));
		return -ENOMEM;
	}
	*res = is.res;
	parse_ret = packages_parser_finish(parser, pwhy, sizeof(pwhy));
	if (is.fetch_ret < 0) {
		snprintf(why, whylen, "%s", is.fetch_why);
		return is.fetch_ret == -EFBIG ? -EKEYREJECTED : is.fetch_ret;
	}
	if (strcmp(res->sha256, e->sha256) != 0 || res->bytes != e->size) {
		snprintf(why, whylen, "%s: hash mismatch: sha256 %s, %llu bytes; Release lists %s, %llu bytes", url,
			 res->sha256, res->bytes, e->sha256, e->size);
		return -EKEYREJECTED;
	}
	if (is.data_ret < 0) {
		snprintf(why, whylen, "%s: corrupt index: %s", url, is.data_why);
		return -EILSEQ;
	}
	if (parse_ret < 0) {
		snprintf(why, whylen, "%s: malformed index: %s", url, pwhy);
		return -EILSEQ;
	}
	return 0;
}

static int merge_pkglist(struct apt_pkglist *into, const struct apt_pkglist *from)
{
	size_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < from->n; i++)
		ret = apt_pkglist_add(into, &from->pkgs[i]);
	return ret;
}

/* An index is read whole or not at all: a retry starts from nothing. */
static int read_index(struct apt_repo *r, const struct fetch_opts *fo, const char *url, const struct release_entry *e,
		      int source_index, const char *base, char *why, size_t whylen)
{
	int attempt, ret = -ECOMM;

	for (attempt = 1; attempt <= fo->attempts; attempt++) {
		struct apt_pkglist tmp = { 0 };
		struct fetch_result res;

		if (attempt > 1) {
			r->note(r->note_data, 0, "retrying %s (attempt %d of %d) after: %s", url, attempt, fo->attempts, why);
			fetch_backoff(attempt);
		}
		ret = read_index_once(r, fo, url, e, source_index, base, &tmp, &res, why, whylen);
		if (ret == 0) {
			ret = merge_pkglist(&r->pkgs, &tmp);
			index_record_source(r->index_sources, "index", url, &res, NULL);
		}
		apt_pkglist_free(&tmp);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

int apt_repo_wants_source(const struct apt_repo *r, size_t i)
{
	const struct apt_source *s = &r->cfg->sources[i];
	char list[128], *tok, *save = NULL;

	if (!s->archs[0])
		return 1;
	snprintf(list, sizeof(list), "%s", s->archs);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, r->arch) == 0 || strcmp(tok, "all") == 0)
			return 1;
	return 0;
}

/* The Packages index of one component for r's arch, in the first
 * compression Release lists. */
static const struct release_entry *find_index(const struct apt_repo *r, const struct apt_release *rel, const char *comp)
{
	static const char *const exts[] = { ".xz", ".gz", ".bz2", "" };
	const struct release_entry *e = NULL;
	char path[512];
	size_t x;

	for (x = 0; !e && x < ARRAY_SIZE(exts); x++) {
		snprintf(path, sizeof(path), "%s/binary-%s/Packages%s", comp, r->arch, exts[x]);
		e = apt_release_find(rel, path);
	}
	return e;
}

int apt_repo_read_source(struct apt_repo *r, size_t i, char *why, size_t whylen)
{
	const struct apt_source *s = &r->cfg->sources[i];
	struct fetch_opts fo = r->fetch;
	struct apt_release rel;
	char *text = NULL, userpwd[600];
	int ret, c, n_comp = s->n_components;

	/* Credentials follow the source. */
	fo.userpwd = apt_auth_for(r->cfg, s->uri, userpwd, sizeof(userpwd));
	ret = fetch_release(r, &fo, s, &text, why, whylen);
	if (ret < 0)
		return ret;
	ret = apt_release_parse(text, &rel, why, whylen);
	free(text);
	if (ret < 0) {
		char inner[256];

		snprintf(inner, sizeof(inner), "%s", why);
		snprintf(why, whylen, "%s/dists/%s: malformed Release: %s", s->uri, s->suite, inner);
		return -EILSEQ;
	}
	for (c = 0; ret == 0 && (n_comp ? c < n_comp : r->components && r->components[c] != NULL); c++) {
		const char *comp = n_comp ? s->components[c] : r->components[c];
		const struct release_entry *e = find_index(r, &rel, comp);
		char url[2048];

		if (!e) {
			r->note(r->note_data, 0, "%s/dists/%s lists no Packages index for %s/binary-%s", s->uri, s->suite,
				comp, r->arch);
			continue;
		}
		snprintf(url, sizeof(url), "%s/dists/%s/%s", s->uri, s->suite, e->path);
		r->note(r->note_data, 0, "reading %s (%llu bytes)", url, e->size);
		ret = read_index(r, &fo, url, e, (int)i, s->uri, why, whylen);
	}
	apt_release_free(&rel);
	return ret;
}

int apt_repo_error_is_fatal(int err)
{
	return err == -EKEYREJECTED || err == -ENOKEY || err == -EILSEQ || err == -ENOMEM;
}
