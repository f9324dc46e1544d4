/* Ingesting a published tree into the store: each regular file becomes
 * (or meets) its object and is hardlinked into trees/<release>;
 * directories and symlinks are recreated. The new tree is built in tmp/
 * and renamed into place, then the index names it: a run killed at any
 * point leaves either the old state or a tmp/ the next writer empties. */
#include "lib/store/store.h"

#include "util/confine.h"
#include "util/fs.h"
#include "util/hostroot.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/path.h"
#include "util/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ingest {
	struct store *s;
	int dest[WALK_MAX_DEPTH + 2]; /* the new tree's directory at each depth */
	json_object *entries;
	json_object *seen; /* objects of this tree, counted once */
	unsigned long long files, bytes, new_bytes;
};

static int ingest_file(struct ingest *in, const struct walk_entry *e, int dest_fd)
{
	_cleanup_close_ int fd = -1;
	unsigned long long size = 0;
	char sha[65], rel[68];
	struct stat st;
	json_object *row;
	int added = 0, ret, ofd;

	fd = openat(e->parent_fd, e->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	ret = store_put_fd(in->s, fd, sha, &size, &added);
	if (ret < 0)
		return ret;
	snprintf(rel, sizeof(rel), "%c%c/%s", sha[0], sha[1], sha);
	ofd = in->s->objects_fd;
	if (linkat(ofd, rel, dest_fd, e->name, 0) < 0)
		return -errno;
	if (added)
		in->new_bytes += size;
	in->files++;
	in->bytes += size;
	if (!json_object_object_get_ex(in->seen, sha, NULL))
		json_object_object_add(in->seen, sha, NULL);
	row = json_object_new_array();
	json_object_array_add(row, json_object_new_string("f"));
	json_object_array_add(row, json_object_new_string(e->path));
	json_object_array_add(row, json_object_new_string(sha));
	json_object_array_add(row, json_object_new_int64((int64_t)size));
	json_object_array_add(row, json_object_new_int(st.st_mode & 0777));
	json_object_array_add(in->entries, row);
	return 0;
}

static int ingest_link(struct ingest *in, const struct walk_entry *e, int dest_fd)
{
	char target[PATH_MAX];
	json_object *row;
	ssize_t n;

	n = readlinkat(e->parent_fd, e->name, target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	if (symlinkat(target, dest_fd, e->name) < 0)
		return -errno;
	row = json_object_new_array();
	json_object_array_add(row, json_object_new_string("l"));
	json_object_array_add(row, json_object_new_string(e->path));
	json_object_array_add(row, json_object_new_string(target));
	json_object_array_add(in->entries, row);
	return 0;
}

static int ingest_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct ingest *in = data;
	json_object *row;
	int fd;

	if (e->depth == 0)
		return 0; /* the top: dest[0] is already open */
	switch (visit) {
	case WALK_DIR_PRE:
		if (mkdirat(in->dest[e->depth - 1], e->name, 0755) < 0)
			return -errno;
		fd = openat(in->dest[e->depth - 1], e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		in->dest[e->depth] = fd;
		row = json_object_new_array();
		json_object_array_add(row, json_object_new_string("d"));
		json_object_array_add(row, json_object_new_string(e->path));
		json_object_array_add(in->entries, row);
		return 0;
	case WALK_DIR_POST:
		close(in->dest[e->depth]);
		in->dest[e->depth] = -1;
		return 0;
	case WALK_OTHER:
		if (S_ISREG(e->st->st_mode))
			return ingest_file(in, e, in->dest[e->depth - 1]);
		if (S_ISLNK(e->st->st_mode))
			return ingest_link(in, e, in->dest[e->depth - 1]);
		return -EINVAL; /* a published tree holds no device, FIFO or socket */
	}
	return 0;
}

/* Moves the finished tree tmp_name to trees/<release>, swapping out an
 * older one atomically and removing it afterwards. */
static int install_tree(struct store *s, const char *tmp_name, const char *release)
{
	char dst[PATH_MAX];
	int ret;

	ret = path_format(dst, "trees/%s", release);
	if (ret < 0)
		return ret;
	if (renameat2(s->fd, tmp_name, s->fd, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (renameat2(s->fd, tmp_name, s->fd, dst, RENAME_EXCHANGE) < 0)
		return -errno;
	return fs_rm_rf_at(s->fd, tmp_name); /* now the older tree */
}

int store_ingest(struct store *s, const char *src, const struct store_tree_info *info,
		 unsigned long long *ret_new_bytes)
{
	struct ingest in = { .s = s };
	char tmp_name[PATH_MAX], list_sha[65];
	json_object *list = NULL, *entry, *trees;
	const char *text;
	int ret, added = 0;
	size_t i;

	if (!info->release[0] || strchr(info->release, '/') || info->release[0] == '.')
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(in.dest); i++)
		in.dest[i] = -1;
	ret = path_format(tmp_name, "tmp/tree.%ld.%lu", (long)getpid(), s->tmp_seq++);
	if (ret < 0)
		return ret;
	if (mkdirat(s->fd, tmp_name, 0755) < 0)
		return -errno;
	in.dest[0] = openat(s->fd, tmp_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (in.dest[0] < 0) {
		ret = -errno;
		goto fail;
	}
	in.entries = json_object_new_array();
	in.seen = json_object_new_object();
	ret = walk_tree(AT_FDCWD, src, WALK_MAX_DEPTH, ingest_visit, &in);
	for (i = 0; i < ARRAY_SIZE(in.dest); i++)
		if (in.dest[i] >= 0)
			close(in.dest[i]);
	if (ret < 0)
		goto fail;

	list = json_object_new_object();
	json_object_object_add(list, "release", json_object_new_string(info->release));
	json_object_object_add(list, "entries", json_object_get(in.entries));
	text = json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	ret = store_put_mem(s, text, strlen(text), list_sha, &added);
	if (ret < 0)
		goto fail;
	if (added)
		in.new_bytes += strlen(text);
	ret = install_tree(s, tmp_name, info->release);
	if (ret < 0)
		goto fail;

	entry = json_object_new_object();
	json_object_object_add(entry, "release", json_object_new_string(info->release));
	json_object_object_add(entry, "arch", json_object_new_string(info->arch ? info->arch : ""));
	json_object_object_add(entry, "origin", json_object_new_string(info->origin ? info->origin : ""));
	json_object_object_add(entry, "exact", json_object_new_boolean(info->exact));
	json_object_object_add(entry, "level",
			       json_object_new_string(info->level ? info->level : info->exact ? "exact" : "close-match"));
	json_object_object_add(entry, "files", json_object_new_int64((int64_t)in.files));
	json_object_object_add(entry, "bytes", json_object_new_int64((int64_t)in.bytes));
	json_object_object_add(entry, "objects", json_object_new_int64(json_object_object_length(in.seen)));
	json_object_object_add(entry, "time", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(entry, "list", json_object_new_string(list_sha));
	json_object_object_get_ex(s->index, "trees", &trees);
	json_object_object_add(trees, info->release, entry);
	ret = store_index_save(s);
	if (ret == 0 && ret_new_bytes)
		*ret_new_bytes = in.new_bytes;
	json_object_put(list);
	json_object_put(in.entries);
	json_object_put(in.seen);
	return ret;
fail:
	json_object_put(list);
	json_object_put(in.entries);
	json_object_put(in.seen);
	fs_rm_rf_at(s->fd, tmp_name);
	return ret;
}

/* Adopting a tree whose list and objects came from elsewhere (a cache
 * URL): the tree is built from the list alone, so each path is checked
 * before anything is made from it. */
static int adopt_path_ok(const char *path)
{
	const char *p = path;

	if (!*path || *path == '/' || strlen(path) >= PATH_MAX)
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/' && !*++p)
			return 0; /* a trailing slash */
	}
	return 1;
}

struct adopt {
	int root_fd, parent_fd;
	char parent[PATH_MAX]; /* what parent_fd is, "" for the root */
};

/* The directory holding path (already made, never through a symlink) and
 * the last component of path. */
static int adopt_parent(struct adopt *a, const char *path, const char **ret_name)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	int fd;

	*ret_name = slash ? slash + 1 : path;
	if (strlen(a->parent) == n && strncmp(a->parent, path, n) == 0)
		return a->parent_fd;
	if (n == 0) {
		fd = a->root_fd;
	} else {
		char dir[PATH_MAX];

		memcpy(dir, path, n);
		dir[n] = '\0';
		fd = confine_open(a->root_fd, dir, O_RDONLY | O_DIRECTORY, 0, CONFINE_BENEATH_NO_SYMLINKS);
		if (fd < 0)
			return fd;
	}
	if (a->parent_fd >= 0 && a->parent_fd != a->root_fd)
		close(a->parent_fd);
	a->parent_fd = fd;
	memcpy(a->parent, path, n);
	a->parent[n] = '\0';
	return fd;
}

/* One row, checked: ["d", path], ["f", path, sha, size, mode] or
 * ["l", path, target]. */
static int row_check(json_object *row, const char **ret_type, const char **ret_path, const char **ret_arg, char *why,
		     size_t whylen)
{
	json_object *v0 = json_object_array_get_idx(row, 0), *v1 = json_object_array_get_idx(row, 1),
		    *v2 = json_object_array_get_idx(row, 2), *v3 = json_object_array_get_idx(row, 3);
	const char *type, *path, *arg = NULL;

	if (!json_object_is_type(row, json_type_array) || !json_object_is_type(v0, json_type_string) ||
	    !json_object_is_type(v1, json_type_string)) {
		snprintf(why, whylen, "a row of the file list is malformed");
		return -EBADMSG;
	}
	type = json_object_get_string(v0);
	path = json_object_get_string(v1);
	if (!adopt_path_ok(path)) {
		snprintf(why, whylen, "the file list names an unsafe path '%.200s'", path);
		return -EBADMSG;
	}
	if (strcmp(type, "d") != 0 && strcmp(type, "f") != 0 && strcmp(type, "l") != 0) {
		snprintf(why, whylen, "%s: unknown type '%.20s' in the file list", path, type);
		return -EBADMSG;
	}
	if (strcmp(type, "d") != 0) {
		if (!json_object_is_type(v2, json_type_string)) {
			snprintf(why, whylen, "%s: the file list gives no %s", path, type[0] == 'l' ? "target" : "hash");
			return -EBADMSG;
		}
		arg = json_object_get_string(v2);
	}
	if (type[0] == 'f' && (!store_is_sha(arg) || !json_object_is_type(v3, json_type_int) ||
			       json_object_get_int64(v3) < 0)) {
		snprintf(why, whylen, "%s: the file list gives no hash or size", path);
		return -EBADMSG;
	}
	if (type[0] == 'l' && (!*arg || strlen(arg) >= PATH_MAX)) {
		snprintf(why, whylen, "%s: the file list gives a bad symlink target", path);
		return -EBADMSG;
	}
	/* The same rule as for a package's links: relative, and inside. */
	if (type[0] == 'l' && path_link_escapes(path, arg)) {
		snprintf(why, whylen, "%s: symlink to '%.200s' leads outside the tree, refused", path, arg);
		return -EBADMSG;
	}
	*ret_type = type;
	*ret_path = path;
	*ret_arg = arg;
	return 0;
}

int store_list_check(json_object *list, char *why, size_t whylen)
{
	json_object *entries;
	const char *type, *path, *arg;
	size_t i;
	int ret;

	if (!json_object_object_get_ex(list, "entries", &entries) || !json_object_is_type(entries, json_type_array)) {
		snprintf(why, whylen, "the file list has no entries");
		return -EBADMSG;
	}
	/* A header tree has some 20,000 entries, a whole source tree under
	 * 100,000: far more is a list made to exhaust memory or inodes. */
	if (json_object_array_length(entries) > STORE_MAX_LIST_ROWS) {
		snprintf(why, whylen, "the file list has %zu entries, more than any kernel tree (%d)",
			 json_object_array_length(entries), STORE_MAX_LIST_ROWS);
		return -EBADMSG;
	}
	for (i = 0; i < json_object_array_length(entries); i++) {
		ret = row_check(json_object_array_get_idx(entries, i), &type, &path, &arg, why, whylen);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int adopt_row(struct store *s, struct adopt *a, json_object *row, char *why, size_t whylen)
{
	const char *type, *path, *name, *arg = NULL;
	char rel[68];
	int dfd, ret;

	ret = row_check(row, &type, &path, &arg, why, whylen);
	if (ret < 0)
		return ret;
	dfd = adopt_parent(a, path, &name);
	if (dfd < 0) {
		snprintf(why, whylen, "%s: its directory is not listed before it (%s)", path, strerror(-dfd));
		return -EBADMSG;
	}
	if (strcmp(type, "d") == 0) {
		if (mkdirat(dfd, name, 0755) == 0)
			return 0;
	} else if (strcmp(type, "f") == 0) {
		snprintf(rel, sizeof(rel), "%c%c/%s", arg[0], arg[1], arg);
		if (linkat(s->objects_fd, rel, dfd, name, 0) == 0)
			return 0;
		if (errno == ENOENT) {
			snprintf(why, whylen, "%s: its object %s is not in the store", path, arg);
			return -ENOENT;
		}
	} else {
		if (symlinkat(arg, dfd, name) == 0)
			return 0;
	}
	if (errno == EEXIST) {
		snprintf(why, whylen, "%s: listed twice in the file list", path);
		return -EBADMSG;
	}
	snprintf(why, whylen, "%s: %s", path, strerror(errno));
	return -errno;
}

/* Every symlink of an adopted tree resolved for real, through the others:
 * a chain of links that each looked inside may still lead out. */
static int adopted_links_stay_inside(const struct store *s, const char *tmp_name, json_object *entries, char *why,
				     size_t whylen)
{
	struct hostroot tree;
	char top[PATH_MAX];
	size_t i;
	int ret = path_join(top, s->dir, tmp_name);

	if (ret == 0)
		ret = hostroot_init(&tree, top);
	for (i = 0; ret == 0 && i < json_object_array_length(entries); i++) {
		json_object *row = json_object_array_get_idx(entries, i);
		char abs[PATH_MAX], resolved[PATH_MAX];
		int r;

		if (strcmp(json_object_get_string(json_object_array_get_idx(row, 0)), "l") != 0)
			continue;
		r = path_format(abs, "/%s", json_object_get_string(json_object_array_get_idx(row, 1)));
		if (r == 0)
			r = hostroot_resolve(&tree, abs, resolved);
		if (r == -EXDEV || r == -ELOOP) {
			snprintf(why, whylen, "symlink '%s' leads outside the tree through other links, refused", abs + 1);
			ret = -EBADMSG;
		}
	}
	return ret;
}

int store_adopt_tree(struct store *s, const char *list_sha, const struct store_tree_info *info, char *why,
		     size_t whylen)
{
	const char *release = info->release;
	struct adopt a = { .root_fd = -1, .parent_fd = -1 };
	char tmp_name[PATH_MAX];
	json_object *list = NULL, *entries, *trees, *entry = NULL, *seen = NULL;
	unsigned long long files = 0, bytes = 0;
	size_t i;
	int ret;

	why[0] = '\0';
	if (!release || !release[0] || strchr(release, '/') || release[0] == '.' || !store_is_sha(list_sha)) {
		snprintf(why, whylen, "bad release or index entry");
		return -EINVAL;
	}
	ret = store_read_list(s, list_sha, &list);
	if (ret < 0) {
		snprintf(why, whylen, "its file list %s: %s", list_sha,
			 ret == -EBADMSG ? "does not match its hash or is malformed" : strerror(-ret));
		return ret;
	}
	if (strcmp(json_get_string(list, "release", release), release) != 0) {
		snprintf(why, whylen, "its file list %s is the list of another kernel (%.100s)", list_sha,
			 json_get_string(list, "release", ""));
		ret = -EBADMSG;
		goto out;
	}
	ret = path_format(tmp_name, "tmp/tree.%ld.%lu", (long)getpid(), s->tmp_seq++);
	if (ret < 0)
		goto out;
	if (mkdirat(s->fd, tmp_name, 0755) < 0) {
		ret = -errno;
		snprintf(why, whylen, "%s/%s: %s", s->dir, tmp_name, strerror(errno));
		goto out;
	}
	a.root_fd = openat(s->fd, tmp_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (a.root_fd < 0) {
		ret = -errno;
		goto fail;
	}
	a.parent_fd = a.root_fd;
	json_object_object_get_ex(list, "entries", &entries);
	for (i = 0; i < json_object_array_length(entries); i++) {
		ret = adopt_row(s, &a, json_object_array_get_idx(entries, i), why, whylen);
		if (ret < 0)
			goto fail;
	}
	if (a.parent_fd >= 0 && a.parent_fd != a.root_fd)
		close(a.parent_fd);
	a.parent_fd = -1;
	close(a.root_fd);
	a.root_fd = -1;
	ret = adopted_links_stay_inside(s, tmp_name, entries, why, whylen);
	if (ret < 0)
		goto fail;
	ret = install_tree(s, tmp_name, release);
	if (ret < 0)
		goto fail;
	/* The index entry says only what the caller vouches for and what was
	 * counted here: nothing of whoever sent the list. */
	seen = json_object_new_object();
	entry = json_object_new_object();
	if (!seen || !entry) {
		json_object_put(entry);
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < json_object_array_length(entries); i++) {
		json_object *row = json_object_array_get_idx(entries, i);

		if (strcmp(json_object_get_string(json_object_array_get_idx(row, 0)), "f") != 0)
			continue;
		files++;
		bytes += (unsigned long long)json_object_get_int64(json_object_array_get_idx(row, 3));
		json_object_object_add(seen, json_object_get_string(json_object_array_get_idx(row, 2)), NULL);
	}
	json_object_object_add(entry, "release", json_object_new_string(release));
	json_object_object_add(entry, "arch", json_object_new_string(info->arch ? info->arch : ""));
	json_object_object_add(entry, "origin", json_object_new_string(info->origin ? info->origin : ""));
	json_object_object_add(entry, "exact", json_object_new_boolean(info->exact));
	json_object_object_add(entry, "level",
			       json_object_new_string(info->level ? info->level : info->exact ? "exact" : "close-match"));
	json_object_object_add(entry, "files", json_object_new_int64((int64_t)files));
	json_object_object_add(entry, "bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(entry, "objects", json_object_new_int64(json_object_object_length(seen)));
	json_object_object_add(entry, "time", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(entry, "list", json_object_new_string(list_sha));
	json_object_object_get_ex(s->index, "trees", &trees);
	json_object_object_add(trees, release, entry);
	ret = store_index_save(s);
	if (ret < 0)
		snprintf(why, whylen, "%s/index.json: %s", s->dir, strerror(-ret));
	goto out;
fail:
	if (!why[0])
		snprintf(why, whylen, "%s", strerror(-ret));
	if (a.parent_fd >= 0 && a.parent_fd != a.root_fd)
		close(a.parent_fd);
	if (a.root_fd >= 0)
		close(a.root_fd);
	fs_rm_rf_at(s->fd, tmp_name);
out:
	json_object_put(seen);
	json_object_put(list);
	return ret;
}

int store_forget_tree(struct store *s, const char *release)
{
	json_object *trees;
	char rel[PATH_MAX];
	int ret = path_format(rel, "trees/%s", release);

	if (ret < 0 || !release[0] || strchr(release, '/') || release[0] == '.')
		return ret < 0 ? ret : -EINVAL;
	if (json_object_object_get_ex(s->index, "trees", &trees))
		json_object_object_del(trees, release);
	ret = store_index_save(s);
	if (ret == 0)
		ret = fs_rm_rf_at(s->fd, rel);
	return ret == -ENOENT ? 0 : ret;
}
