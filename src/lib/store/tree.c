/* Checking a stored tree against its list, and serving it.
 *
 * What is checked, and why it is enough to serve: the index names the
 * tree's list by its SHA-256 and the list is read back through that hash,
 * so a forged index can only point at a list that is itself in the store.
 * The tree is walked as it is on disk (never the list's paths, which are
 * only looked up): each directory, file and symlink must be in the list,
 * each regular file must BE its object (same device and inode) with the
 * listed size, each symlink must have the listed target, and nothing the
 * list names may be missing. Object contents are not hashed here (57 MB
 * per tree would cost more than the whole publish): `cache verify` does
 * that, and a copy across filesystems hashes what it copies. */
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
#include <unistd.h>

struct tree_walk {
	const struct store *s;
	json_object *map;  /* path -> list row */
	json_object *seen; /* paths met on disk */
	const char *prefix; /* "build/" when walking build/ alone */
	char *why;
	size_t whylen;
	/* serving */
	int serving, linked;
	int dest[WALK_MAX_DEPTH + 2];
	unsigned long long files, bytes;
};

static const char *row_str(json_object *row, size_t i)
{
	json_object *v = json_object_array_get_idx(row, i);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static long long row_int(json_object *row, size_t i)
{
	json_object *v = json_object_array_get_idx(row, i);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
}

/* path -> row for every row of the list, and how many rows count. */
static int list_map(json_object *list, const char *prefix, json_object **ret_map, size_t *ret_n)
{
	json_object *entries, *map = json_object_new_object();
	size_t i, n = 0, plen = strlen(prefix);

	json_object_object_get_ex(list, "entries", &entries);
	for (i = 0; i < json_object_array_length(entries); i++) {
		json_object *row = json_object_array_get_idx(entries, i);
		const char *path;

		if (!json_object_is_type(row, json_type_array)) {
			json_object_put(map);
			return -EBADMSG;
		}
		path = row_str(row, 1);
		if (strncmp(path, prefix, plen) != 0)
			continue;
		json_object_object_add(map, path, json_object_get(row));
		n++;
	}
	*ret_map = map;
	*ret_n = n;
	return 0;
}

static int fail_at(struct tree_walk *w, int err, const char *path, const char *what)
{
	snprintf(w->why, w->whylen, "%s%s: %s", w->prefix, path, what);
	return err;
}

/* Copies object fd into a new file name under dir_fd, hashing the copy. */
static int copy_object(int ofd, int dir_fd, const char *name, mode_t mode, const char *sha)
{
	char buf[65536], got[65];
	struct sha256 *h = sha256_new();
	int out, ret = 0;

	if (!h)
		return -ENOMEM;
	out = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (out < 0) {
		sha256_free(h);
		return -errno;
	}
	for (;;) {
		ssize_t n = read(ofd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		sha256_update(h, buf, (size_t)n);
		ret = fs_write_all(out, buf, (size_t)n);
		if (ret < 0)
			break;
	}
	close(out);
	sha256_final_hex(h, got);
	sha256_free(h);
	if (ret == 0 && strcmp(got, sha) != 0)
		ret = -EBADMSG;
	return ret;
}

static int serve_file(struct tree_walk *w, const struct walk_entry *e, json_object *row)
{
	const char *sha = row_str(row, 2);
	int dir_fd = w->dest[e->depth - 1], ofd, ret;
	char rel[68];

	snprintf(rel, sizeof(rel), "%c%c/%s", sha[0], sha[1], sha);
	if (w->linked) {
		if (linkat(w->s->objects_fd, rel, dir_fd, e->name, 0) == 0)
			return 0;
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			return fail_at(w, -errno, e->path, "cannot link into the output");
		w->linked = 0; /* another filesystem: copy from now on */
	}
	ret = store_open_object(w->s, sha, &ofd);
	if (ret < 0)
		return fail_at(w, ret, e->path, "cannot open its object");
	ret = copy_object(ofd, dir_fd, e->name, (mode_t)(row_int(row, 4) & 0755), sha);
	close(ofd);
	if (ret == -EBADMSG)
		return fail_at(w, ret, e->path, "its object does not match its hash (run cache verify)");
	return ret < 0 ? fail_at(w, ret, e->path, "cannot copy into the output") : 0;
}

static int check_file(struct tree_walk *w, const struct walk_entry *e, json_object *row)
{
	const char *sha = row_str(row, 2);
	char rel[68];
	struct stat ost;

	if (!store_is_sha(sha))
		return fail_at(w, -EBADMSG, e->path, "the list gives no hash");
	if (row_int(row, 3) != (long long)e->st->st_size)
		return fail_at(w, -EBADMSG, e->path, "size differs from the index");
	snprintf(rel, sizeof(rel), "%c%c/%s", sha[0], sha[1], sha);
	if (w->s->objects_fd < 0 || fstatat(w->s->objects_fd, rel, &ost, AT_SYMLINK_NOFOLLOW) < 0)
		return fail_at(w, -ENOENT, e->path, "its object is missing");
	if (ost.st_dev != e->st->st_dev || ost.st_ino != e->st->st_ino)
		return fail_at(w, -EBADMSG, e->path, "is not its object (replaced in the tree)");
	w->files++;
	w->bytes += (unsigned long long)e->st->st_size;
	return w->serving ? serve_file(w, e, row) : 0;
}

static int check_link(struct tree_walk *w, const struct walk_entry *e, json_object *row)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(e->parent_fd, e->name, target, sizeof(target) - 1);

	if (n < 0)
		return fail_at(w, -errno, e->path, strerror(errno));
	target[n] = '\0';
	if (strcmp(target, row_str(row, 2)) != 0)
		return fail_at(w, -EBADMSG, e->path, "symlink target differs from the index");
	if (w->serving && symlinkat(target, w->dest[e->depth - 1], e->name) < 0)
		return fail_at(w, -errno, e->path, "cannot create the symlink in the output");
	return 0;
}

static int tree_visit(const struct walk_entry *e, enum walk_visit visit, void *data)
{
	struct tree_walk *w = data;
	char full[PATH_MAX];
	json_object *row;
	const char *type;
	int fd;

	if (e->depth == 0 || visit == WALK_DIR_POST) {
		if (visit == WALK_DIR_POST && w->serving && e->depth > 0) {
			close(w->dest[e->depth]);
			w->dest[e->depth] = -1;
		}
		return 0;
	}
	if (path_format(full, "%s%s", w->prefix, e->path) < 0)
		return fail_at(w, -ENAMETOOLONG, e->path, "path too long");
	if (!json_object_object_get_ex(w->map, full, &row))
		return fail_at(w, -EBADMSG, e->path, "not in the index");
	json_object_object_add(w->seen, full, NULL);
	type = row_str(row, 0);
	if (visit == WALK_DIR_PRE) {
		if (strcmp(type, "d") != 0)
			return fail_at(w, -EBADMSG, e->path, "a directory where the index has none");
		if (!w->serving)
			return 0;
		if (mkdirat(w->dest[e->depth - 1], e->name, 0755) < 0)
			return fail_at(w, -errno, e->path, "cannot create the directory in the output");
		fd = openat(w->dest[e->depth - 1], e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return fail_at(w, -errno, e->path, "cannot open the directory in the output");
		w->dest[e->depth] = fd;
		return 0;
	}
	if (S_ISREG(e->st->st_mode) && strcmp(type, "f") == 0)
		return check_file(w, e, row);
	if (S_ISLNK(e->st->st_mode) && strcmp(type, "l") == 0)
		return check_link(w, e, row);
	return fail_at(w, -EBADMSG, e->path, "its type differs from the index");
}

/* Walks trees/<release>/<sub> (sub "" for the whole tree) against the list. */
static int walk_stored(struct tree_walk *w, const char *release, const char *sub, int dest_fd)
{
	struct store_tree t;
	json_object *list = NULL;
	size_t n = 0, i;
	int trees_fd = -1, rel_fd = -1, ret;

	for (i = 0; i < ARRAY_SIZE(w->dest); i++)
		w->dest[i] = -1;
	w->dest[0] = dest_fd;
	ret = store_tree_entry(w->s, release, &t);
	if (ret < 0) {
		snprintf(w->why, w->whylen, "%s", ret == -ENOENT ? "not in the index" : "its index entry is malformed");
		return ret;
	}
	ret = store_read_list(w->s, t.list, &list);
	if (ret < 0) {
		snprintf(w->why, w->whylen, "its file list %s: %s", t.list,
			 ret == -EBADMSG ? "does not match its hash" : strerror(-ret));
		return ret;
	}
	ret = list_map(list, w->prefix, &w->map, &n);
	json_object_put(list);
	if (ret < 0) {
		snprintf(w->why, w->whylen, "its file list is malformed");
		return ret;
	}
	w->seen = json_object_new_object();
	trees_fd = openat(w->s->fd, "trees", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (trees_fd >= 0)
		rel_fd = openat(trees_fd, release, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rel_fd < 0) {
		ret = -errno;
		snprintf(w->why, w->whylen, "trees/%s: %s", release, strerror(errno));
		goto out;
	}
	ret = walk_tree(rel_fd, sub[0] ? sub : ".", WALK_MAX_DEPTH, tree_visit, w);
	if (ret == 0 && (size_t)json_object_object_length(w->seen) != n) {
		json_object_object_foreach(w->map, path, row) {
			(void)row;
			if (!json_object_object_get_ex(w->seen, path, NULL)) {
				snprintf(w->why, w->whylen, "%s: missing from the tree", path);
				break;
			}
		}
		ret = -ENOENT;
	}
out:
	for (i = 1; i < ARRAY_SIZE(w->dest); i++)
		if (w->dest[i] >= 0)
			close(w->dest[i]);
	if (trees_fd >= 0)
		close(trees_fd);
	if (rel_fd >= 0)
		close(rel_fd);
	json_object_put(w->map);
	json_object_put(w->seen);
	return ret;
}

int store_tree_check(const struct store *s, const char *release, char *why, size_t whylen)
{
	struct tree_walk w = { .s = s, .prefix = "", .why = why, .whylen = whylen };

	why[0] = '\0';
	return walk_stored(&w, release, "", -1);
}

int store_serve(const struct store *s, const char *release, const char *dest, int *ret_linked,
		unsigned long long *ret_files, unsigned long long *ret_bytes, char *why, size_t whylen)
{
	struct tree_walk w = { .s = s, .prefix = "build/", .why = why, .whylen = whylen, .serving = 1, .linked = 1 };
	int dest_fd, ret;

	why[0] = '\0';
	dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dest_fd < 0) {
		snprintf(why, whylen, "%s: %s", dest, strerror(errno));
		return -errno;
	}
	ret = walk_stored(&w, release, "build", dest_fd);
	close(dest_fd);
	if (ret == 0) {
		*ret_linked = w.linked;
		*ret_files = w.files;
		*ret_bytes = w.bytes;
	}
	return ret;
}
