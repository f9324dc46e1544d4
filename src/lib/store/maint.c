/* Keeping the store honest: verify (every object against its name, every
 * tree against its list), prune (trees, then unreferenced objects) and
 * the figures `cache ls` shows. */
#include "lib/store/store.h"

#include "lib/net/sha256.h"
#include "util/fs.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

static int hash_fd(int fd, char hex[65])
{
	char buf[65536];
	struct sha256 *h = sha256_new();
	int ret = 0;

	if (!h)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		sha256_update(h, buf, (size_t)n);
	}
	sha256_final_hex(h, hex);
	sha256_free(h);
	return ret;
}

/* Calls fn for each entry of objects/ (two levels); fn gets the
 * subdirectory fd, the name and its lstat. */
typedef int (*object_fn)(int sub_fd, const char *sub, const char *name, const struct stat *st, void *data);

struct object_walk {
	object_fn fn;
	void *data;
	int sub_fd;
	char sub[256];
};

static int object_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct object_walk *ow = data;

	if (e->depth == 0)
		return 0;
	if (e->depth == 1 && visit == WALK_DIR_PRE) {
		snprintf(ow->sub, sizeof(ow->sub), "%s", e->name);
		return 0;
	}
	if (visit == WALK_DIR_POST)
		return 0;
	/* Anything else (a file directly in objects/, a directory two deep)
	 * is passed on as it is; fn decides. */
	return ow->fn(e->parent_fd, e->depth == 1 ? "" : ow->sub, e->name, e->st, ow->data) < 0 ? -EIO : (visit == WALK_DIR_PRE ? WALK_SKIP : 0);
}

static int for_each_object(const struct store *s, object_fn fn, void *data)
{
	struct object_walk ow = { .fn = fn, .data = data };

	if (s->objects_fd < 0)
		return 0;
	return walk_tree(s->objects_fd, ".", 2, object_visit, &ow);
}

struct verify {
	store_report_fn report;
	void *data;
	int problems;
};

static int verify_object(int sub_fd, const char *sub, const char *name, const struct stat *st, void *data)
{
	struct verify *v = data;
	char path[PATH_MAX], got[65];
	int fd, ret;

	path_format(path, "objects/%s%s%s", sub, sub[0] ? "/" : "", name);
	if (!S_ISREG(st->st_mode) || !sub[0] || !store_is_sha(name) || strncmp(sub, name, 2) != 0 || strlen(sub) != 2) {
		v->report(v->data, "object", path, "not an object of this store (wrong name or type)", 0);
		v->problems++;
		return 0;
	}
	fd = openat(sub_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		v->report(v->data, "object", path, strerror(errno), 0);
		v->problems++;
		return 0;
	}
	ret = hash_fd(fd, got);
	close(fd);
	if (ret < 0) {
		v->report(v->data, "object", path, strerror(-ret), 0);
		v->problems++;
	} else if (strcmp(got, name) != 0) {
		char what[128];

		snprintf(what, sizeof(what), "content hashes to %.16s..., not its name", got);
		v->report(v->data, "object", path, what, (unsigned long long)st->st_size);
		v->problems++;
	}
	return 0;
}

int store_verify(const struct store *s, store_report_fn report, void *data)
{
	struct verify v = { .report = report, .data = data };
	const char **rels = NULL;
	size_t n = 0, i;
	int ret, trees_fd;
	DIR *d;

	ret = for_each_object(s, verify_object, &v);
	if (ret < 0 && ret != -EIO)
		return ret;
	ret = store_releases(s, &rels, &n);
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++) {
		char why[PATH_MAX + 128], path[PATH_MAX];

		if (store_tree_check(s, rels[i], why, sizeof(why)) < 0) {
			path_format(path, "trees/%s", rels[i]);
			report(data, "tree", path, why, 0);
			v.problems++;
		}
	}
	/* A tree on disk that the index does not name is left by a run
	 * killed between the two; it is never served. */
	trees_fd = openat(s->fd, "trees", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = trees_fd >= 0 ? fdopendir(trees_fd) : NULL;
	if (d) {
		struct dirent *de;
		struct store_tree t;

		while ((de = readdir(d))) {
			char path[PATH_MAX];

			if (de->d_name[0] == '.' || store_tree_entry(s, de->d_name, &t) == 0)
				continue;
			path_format(path, "trees/%s", de->d_name);
			report(data, "unindexed", path, "not in the index (never served; cache prune removes it)", 0);
		}
		closedir(d);
	} else if (trees_fd >= 0) {
		close(trees_fd);
	}
	free(rels);
	return v.problems;
}

/* Adds to refs (sha -> count) the list object of release and every object
 * its list names; ret_shas (may be NULL) gets the tree's own set. */
static int add_refs(const struct store *s, const char *release, json_object *refs, json_object *ret_shas)
{
	struct store_tree t;
	json_object *list, *entries, *mine = json_object_new_object();
	size_t i;
	int ret;

	ret = store_tree_entry(s, release, &t);
	if (ret == 0)
		ret = store_read_list(s, t.list, &list);
	if (ret < 0) {
		json_object_put(mine);
		return ret;
	}
	json_object_object_add(mine, t.list, NULL);
	json_object_object_get_ex(list, "entries", &entries);
	for (i = 0; i < json_object_array_length(entries); i++) {
		json_object *row = json_object_array_get_idx(entries, i), *type, *sha, *size;

		if (!json_object_is_type(row, json_type_array) || !(type = json_object_array_get_idx(row, 0)) ||
		    strcmp(json_object_get_string(type), "f") != 0)
			continue;
		sha = json_object_array_get_idx(row, 2);
		size = json_object_array_get_idx(row, 3);
		if (sha && store_is_sha(json_object_get_string(sha)))
			json_object_object_add(mine, json_object_get_string(sha), json_object_get(size));
	}
	json_object_object_foreach(mine, sha, size) {
		json_object *c;
		int64_t count = json_object_object_get_ex(refs, sha, &c) ? json_object_get_int64(c) : 0;

		json_object_object_add(refs, sha, json_object_new_int64(count + 1));
		if (ret_shas)
			json_object_object_add(ret_shas, sha, json_object_get(size));
	}
	json_object_put(mine);
	json_object_put(list);
	return 0;
}

int store_unique_bytes(const struct store *s, json_object **ret)
{
	json_object *refs = json_object_new_object(), *sets = json_object_new_object(), *out;
	const char **rels = NULL;
	size_t n = 0, i;
	int r;

	r = store_releases(s, &rels, &n);
	if (r < 0) {
		json_object_put(refs);
		json_object_put(sets);
		return r;
	}
	for (i = 0; i < n; i++) {
		json_object *set = json_object_new_object();

		if (add_refs(s, rels[i], refs, set) == 0)
			json_object_object_add(sets, rels[i], set);
		else
			json_object_put(set);
	}
	out = json_object_new_object();
	json_object_object_foreach(sets, rel, set) {
		unsigned long long bytes = 0;

		json_object_object_foreach(set, sha, size) {
			json_object *c;

			if (size && json_object_object_get_ex(refs, sha, &c) && json_object_get_int64(c) == 1)
				bytes += (unsigned long long)json_object_get_int64(size);
		}
		json_object_object_add(out, rel, json_object_new_int64((int64_t)bytes));
	}
	json_object_put(refs);
	json_object_put(sets);
	free(rels);
	*ret = out;
	return 0;
}

struct usage {
	unsigned long long bytes, objects;
};

static int usage_object(int sub_fd, const char *sub, const char *name, const struct stat *st, void *data)
{
	struct usage *u = data;

	(void)sub_fd;
	(void)sub;
	(void)name;
	if (S_ISREG(st->st_mode)) {
		u->bytes += (unsigned long long)st->st_size;
		u->objects++;
	}
	return 0;
}

int store_usage(const struct store *s, unsigned long long *ret_bytes, unsigned long long *ret_objects)
{
	struct usage u = { 0 };
	int ret = for_each_object(s, usage_object, &u);

	if (ret < 0)
		return ret;
	*ret_bytes = u.bytes;
	*ret_objects = u.objects;
	return 0;
}

struct sweep {
	json_object *refs;
	int dry_run, err;
	store_report_fn report;
	void *data;
	unsigned long long bytes;
};

static int sweep_object(int sub_fd, const char *sub, const char *name, const struct stat *st, void *data)
{
	struct sweep *sw = data;
	char path[PATH_MAX];

	if (!sub[0] || !S_ISREG(st->st_mode) || !store_is_sha(name) || json_object_object_get_ex(sw->refs, name, NULL))
		return 0; /* not ours to remove; verify names it */
	path_format(path, "objects/%s/%s", sub, name);
	sw->report(sw->data, "object", path, "unreferenced", (unsigned long long)st->st_size);
	sw->bytes += (unsigned long long)st->st_size;
	if (!sw->dry_run && unlinkat(sub_fd, name, 0) < 0 && errno != ENOENT && !sw->err)
		sw->err = -errno;
	return 0;
}

static int in_list(const char *const *list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int store_prune(struct store *s, const char *const *drop, size_t n_drop, int dry_run, store_report_fn report,
		void *data, unsigned long long *ret_bytes)
{
	struct sweep sw = { .dry_run = dry_run, .report = report, .data = data };
	json_object *trees;
	const char **rels = NULL;
	size_t n = 0, i;
	int ret, trees_fd;
	DIR *d;

	/* References first: a tree whose list cannot be read would have its
	 * objects swept, so nothing is removed then. */
	sw.refs = json_object_new_object();
	ret = store_releases(s, &rels, &n);
	for (i = 0; ret == 0 && i < n; i++)
		if (!in_list(drop, n_drop, rels[i]))
			ret = add_refs(s, rels[i], sw.refs, NULL);
	if (ret < 0)
		goto out;
	json_object_object_get_ex(s->index, "trees", &trees);
	for (i = 0; i < n_drop; i++) {
		char path[PATH_MAX];
		struct store_tree t = { 0 };

		if (store_tree_entry(s, drop[i], &t) < 0)
			continue;
		path_format(path, "trees/%s", drop[i]);
		report(data, "tree", path, "removed", t.bytes);
		if (!dry_run)
			json_object_object_del(trees, drop[i]);
	}
	if (!dry_run && n_drop) {
		ret = store_index_save(s);
		if (ret < 0)
			goto out;
	}
	/* Tree directories the index no longer names (the dropped ones, and
	 * those a killed run left). */
	trees_fd = openat(s->fd, "trees", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = trees_fd >= 0 ? fdopendir(trees_fd) : NULL;
	if (d) {
		struct dirent *de;
		struct store_tree t;

		while ((de = readdir(d))) {
			char path[PATH_MAX];

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (store_tree_entry(s, de->d_name, &t) == 0 && !(dry_run && in_list(drop, n_drop, de->d_name)))
				continue;
			if (!in_list(drop, n_drop, de->d_name)) {
				path_format(path, "trees/%s", de->d_name);
				report(data, "unindexed", path, "removed", 0);
			}
			if (!dry_run) {
				int r = fs_rm_rf_at(dirfd(d), de->d_name);

				if (r < 0 && ret == 0)
					ret = r;
			}
		}
		closedir(d);
	} else if (trees_fd >= 0) {
		close(trees_fd);
	}
	if (ret < 0)
		goto out;
	ret = for_each_object(s, sweep_object, &sw);
	if (ret == 0)
		ret = sw.err;
	if (ret == 0 && ret_bytes)
		*ret_bytes = sw.bytes;
out:
	json_object_put(sw.refs);
	free(rels);
	return ret;
}
