/* Ingesting a published tree into the store: each regular file becomes
 * (or meets) its object and is hardlinked into trees/<release>;
 * directories and symlinks are recreated. The new tree is built in tmp/
 * and renamed into place, then the index names it: a run killed at any
 * point leaves either the old state or a tmp/ the next writer empties. */
#include "lib/store/store.h"

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
