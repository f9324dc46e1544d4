#include "lib/btf/treeindex.h"

#include "lib/btf/csource.h"
#include "util/fs.h"
#include "util/path.h"
#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ti_entry {
	char *key;
	const char *files[4]; /* a name defined in more files is ambiguous past 4 */
	size_t n;
};

struct tree_index {
	struct ti_entry *v;
	size_t n, cap;
	char **files;
	size_t n_files, cap_files;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ti_entry *)a)->key, ((const struct ti_entry *)b)->key);
}

static int add_entry(struct tree_index *ti, const char *key, const char *file)
{
	struct ti_entry *e;

	if (ti->n == ti->cap) {
		size_t cap = ti->cap ? ti->cap * 2 : 4096;
		struct ti_entry *v = realloc(ti->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ti->v = v;
		ti->cap = cap;
	}
	e = &ti->v[ti->n];
	e->key = strdup(key);
	if (!e->key)
		return -ENOMEM;
	e->files[0] = file;
	e->n = 1;
	ti->n++;
	return 0;
}

static int scan_file(struct tree_index *ti, const char *path)
{
	char *text = NULL, key[CS_NAME_MAX + 16], *copy;
	size_t len = 0, pos = 0;
	struct cs_def d;
	int ret;

	ret = fs_read_small_file(path, 64 << 20, &text, &len);
	if (ret < 0)
		return ret == -EFBIG ? 0 : ret;
	if (!strstr(text, "struct") && !strstr(text, "union")) {
		free(text);
		return 0;
	}
	if (ti->n_files == ti->cap_files) {
		size_t cap = ti->cap_files ? ti->cap_files * 2 : 1024;
		char **v = realloc(ti->files, cap * sizeof(*v));

		if (!v) {
			free(text);
			return -ENOMEM;
		}
		ti->files = v;
		ti->cap_files = cap;
	}
	copy = strdup(path);
	if (!copy) {
		free(text);
		return -ENOMEM;
	}
	ti->files[ti->n_files++] = copy;
	while (ret == 0 && cs_next_def(text, len, &pos, &d) == 0) {
		if (d.tag[0]) {
			snprintf(key, sizeof(key), "%s %s", d.is_union ? "union" : "struct", d.tag);
			ret = add_entry(ti, key, copy);
		}
		if (ret == 0 && d.tdname[0]) {
			snprintf(key, sizeof(key), "typedef %s", d.tdname);
			ret = add_entry(ti, key, copy);
		}
	}
	free(text);
	return ret;
}

struct scan {
	struct tree_index *ti;
	const char *dir;
};

/* Every .h file below the folder, through the one walker: no symlink
 * followed, no recursion, bounded depth (a bank tree may be hostile). */
static int scan_entry(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct scan *sc = data;
	char path[PATH_MAX];
	size_t nl = strlen(e->name);

	if (e->depth > 0 && e->name[0] == '.')
		return visit == WALK_DIR_PRE ? WALK_SKIP : 0;
	if (visit != WALK_OTHER || !S_ISREG(e->st->st_mode) || nl < 3 || strcmp(e->name + nl - 2, ".h") != 0)
		return 0;
	if (path_join(path, sc->dir, e->path) < 0)
		return -ENAMETOOLONG;
	return scan_file(sc->ti, path);
}

static int scan_dir(struct tree_index *ti, const char *dir)
{
	struct scan sc = { .ti = ti, .dir = dir };
	int ret = walk_tree(AT_FDCWD, dir, WALK_MAX_DEPTH, scan_entry, &sc);

	return ret == -ENOENT ? 0 : ret;
}

/* Sorted, then one entry per key with every file that defines it. */
static void merge(struct tree_index *ti)
{
	size_t i, o = 0;

	qsort(ti->v, ti->n, sizeof(ti->v[0]), cmp_entry);
	for (i = 0; i < ti->n; i++) {
		if (o > 0 && strcmp(ti->v[o - 1].key, ti->v[i].key) == 0) {
			struct ti_entry *e = &ti->v[o - 1];

			if (e->n < 4 && strcmp(e->files[e->n - 1], ti->v[i].files[0]) != 0)
				e->files[e->n++] = ti->v[i].files[0];
			free(ti->v[i].key);
			continue;
		}
		ti->v[o++] = ti->v[i];
	}
	ti->n = o;
}

int ti_build(const char *tree, const char *arch, struct tree_index **ret)
{
	struct tree_index *ti = calloc(1, sizeof(*ti));
	char dir[PATH_MAX];
	int r;

	if (!ti)
		return -ENOMEM;
	r = path_join(dir, tree, "include");
	if (r == 0)
		r = scan_dir(ti, dir);
	if (r == 0)
		r = path_format(dir, "%s/arch/%s/include", tree, arch);
	if (r == 0)
		r = scan_dir(ti, dir);
	if (r < 0) {
		ti_free(ti);
		return r;
	}
	merge(ti);
	*ret = ti;
	return 0;
}

void ti_free(struct tree_index *ti)
{
	size_t i;

	if (!ti)
		return;
	for (i = 0; i < ti->n; i++)
		free(ti->v[i].key);
	for (i = 0; i < ti->n_files; i++)
		free(ti->files[i]);
	free(ti->v);
	free(ti->files);
	free(ti);
}

size_t ti_lookup(const struct tree_index *ti, const char *key, const char *const **ret_files)
{
	struct ti_entry k = { .key = (char *)key }, *e;

	e = bsearch(&k, ti->v, ti->n, sizeof(ti->v[0]), cmp_entry);
	if (!e)
		return 0;
	*ret_files = e->files;
	return e->n;
}

size_t ti_file_count(const struct tree_index *ti)
{
	return ti->n_files;
}
