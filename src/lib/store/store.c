/* The store's directory, lock, index and objects (layout in store.h). */
#include "lib/store/store.h"

#include "lib/net/sha256.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/macro.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* An index larger than this is not ours (a tree's entry is ~300 bytes). */
#define STORE_INDEX_MAX (64u << 20)
/* Files up to this size are hashed in memory before anything is written:
 * a file already stored costs no write at all. Larger ones stream into a
 * temporary file while being hashed. */
#define STORE_SMALL_FILE (256u << 10)

int store_is_sha(const char *sha)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return 0;
	return sha[64] == '\0';
}

/* dir/name as a real directory (made when create), never a symlink. */
static int open_subdir(int dir_fd, const char *name, int create)
{
	int fd;

	if (create && mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int index_load(struct store *s)
{
	_cleanup_close_ int fd = -1;
	char *text = NULL;
	json_object *idx, *trees;
	int ret;

	fd = openat(s->fd, "index.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			return -errno;
		s->index = json_object_new_object();
		json_object_object_add(s->index, "version", json_object_new_int(STORE_INDEX_VERSION));
		json_object_object_add(s->index, "trees", json_object_new_object());
		return 0;
	}
	ret = fs_read_fd(fd, STORE_INDEX_MAX, &text, NULL);
	if (ret < 0)
		return ret;
	idx = json_tokener_parse(text);
	free(text);
	if (!idx || !json_object_is_type(idx, json_type_object) ||
	    !json_object_object_get_ex(idx, "trees", &trees) || !json_object_is_type(trees, json_type_object)) {
		json_object_put(idx);
		return -EBADMSG;
	}
	s->index = idx;
	return 0;
}

int store_open(struct store *s, const char *dir, int create)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = s->objects_fd = s->lock_fd = s->use_fd = -1;
	ret = path_copy(s->dir, dir);
	if (ret < 0)
		return ret;
	if (create && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	s->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->fd < 0)
		return -errno;
	if (create) {
		int t = open_subdir(s->fd, "trees", 1);

		if (t < 0) {
			ret = t;
			goto fail;
		}
		close(t);
	}
	s->objects_fd = open_subdir(s->fd, "objects", create);
	if (s->objects_fd < 0 && (create || s->objects_fd != -ENOENT)) {
		ret = s->objects_fd;
		goto fail;
	}
	ret = index_load(s);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	store_close(s);
	return ret;
}

void store_close(struct store *s)
{
	if (s->objects_fd >= 0)
		close(s->objects_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	store_use_unlock(s);
	if (s->fd >= 0)
		close(s->fd);
	json_object_put(s->index);
	s->index = NULL;
	s->fd = s->objects_fd = s->lock_fd = s->use_fd = -1;
}

int store_lock(struct store *s)
{
	int fd, ret;

	fd = openat(s->fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	s->lock_fd = fd;
	/* What a killed writer left (half-built trees, temporary objects) is
	 * nobody's now. Objects themselves are only ever linked in whole. */
	ret = fs_rm_rf_at(s->fd, "tmp");
	if (ret < 0)
		return ret;
	if (mkdirat(s->fd, "tmp", 0700) < 0)
		return -errno;
	/* The index may have changed while we waited. */
	json_object_put(s->index);
	s->index = NULL;
	return index_load(s);
}

/* A new temporary file in tmp/: O_EXCL | O_NOFOLLOW, so nothing planted
 * there is written through. */
static int tmp_create(struct store *s, mode_t mode, char name[64])
{
	int fd;

	for (;;) {
		/* Atomic: downloads of a cache URL write objects from several threads. */
		snprintf(name, 64, "tmp/%ld.%lu", (long)getpid(), __atomic_fetch_add(&s->tmp_seq, 1, __ATOMIC_RELAXED));
		fd = openat(s->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
}

int store_index_save(struct store *s)
{
	const char *text = json_object_to_json_string_ext(s->index, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char name[64];
	int fd, ret;

	/* Written under an anonymous O_TMPFILE, linked to a fresh name and
	 * renamed over index.json: a reader sees the old or the new index,
	 * never half of one. Filesystems without O_TMPFILE get a named file. */
	fd = openat(s->fd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, 0644);
	if (fd >= 0) {
		char proc[64];

		ret = fs_write_all(fd, text, strlen(text));
		if (ret == 0 && fsync(fd) < 0)
			ret = -errno;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		snprintf(name, sizeof(name), "tmp/index.%ld.%lu", (long)getpid(), s->tmp_seq++);
		if (ret == 0 && linkat(AT_FDCWD, proc, s->fd, name, AT_SYMLINK_FOLLOW) < 0)
			ret = -errno;
		close(fd);
		if (ret < 0 && ret != -ENOENT)
			return ret;
		if (ret == 0)
			goto rename;
		/* No /proc: fall through to a named file. */
	}
	fd = tmp_create(s, 0644, name);
	if (fd < 0)
		return fd;
	ret = fs_write_all(fd, text, strlen(text));
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (ret < 0) {
		unlinkat(s->fd, name, 0);
		return ret;
	}
rename:
	if (renameat(s->fd, name, s->fd, "index.json") < 0) {
		ret = -errno;
		unlinkat(s->fd, name, 0);
		return ret;
	}
	return 0;
}

static unsigned long long get_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return (unsigned long long)json_object_get_int64(v);
}

int store_tree_entry(const struct store *s, const char *release, struct store_tree *ret)
{
	json_object *trees, *t;
	struct store_tree e = { 0 };

	if (!s->index || !json_object_object_get_ex(s->index, "trees", &trees) ||
	    !json_object_object_get_ex(trees, release, &t))
		return -ENOENT;
	if (!json_object_is_type(t, json_type_object))
		return -EBADMSG;
	e.release = release;
	e.arch = json_get_string(t, "arch", "");
	e.origin = json_get_string(t, "origin", "");
	e.level = json_get_string(t, "level", "");
	e.list = json_get_string(t, "list", "");
	e.exact = json_get_bool(t, "exact", 0);
	e.files = get_u64(t, "files");
	e.bytes = get_u64(t, "bytes");
	e.objects = get_u64(t, "objects");
	e.time = (long long)get_u64(t, "time");
	if (!store_is_sha(e.list))
		return -EBADMSG;
	*ret = e;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int store_releases(const struct store *s, const char ***ret, size_t *ret_n)
{
	json_object *trees;
	const char **names;
	size_t n = 0;

	if (!s->index || !json_object_object_get_ex(s->index, "trees", &trees)) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	names = calloc((size_t)json_object_object_length(trees) + 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	json_object_object_foreach(trees, key, val) {
		(void)val;
		names[n++] = key;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	*ret = names;
	*ret_n = n;
	return 0;
}

/* Links the finished temporary file tmp to objects/ab/<sha>; an object
 * already there is the same content (that is what its name says), so
 * EEXIST is success. The temporary name is removed either way. */
static int place_object(struct store *s, const char *tmp, const char *sha, int *ret_added)
{
	char sub[3] = { sha[0], sha[1], '\0' };
	int dfd, ret = 0;

	dfd = open_subdir(s->objects_fd, sub, 1);
	if (dfd < 0) {
		unlinkat(s->fd, tmp, 0);
		return dfd;
	}
	*ret_added = 1;
	if (linkat(s->fd, tmp, dfd, sha, 0) < 0) {
		if (errno == EEXIST)
			*ret_added = 0;
		else
			ret = -errno;
	}
	close(dfd);
	unlinkat(s->fd, tmp, 0);
	return ret;
}

static int object_exists(const struct store *s, const char *sha)
{
	char rel[68];
	struct stat st;

	snprintf(rel, sizeof(rel), "%c%c/%s", sha[0], sha[1], sha);
	return fstatat(s->objects_fd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static int ensure_objects(struct store *s)
{
	if (s->objects_fd >= 0)
		return 0;
	s->objects_fd = open_subdir(s->fd, "objects", 1);
	return s->objects_fd < 0 ? s->objects_fd : 0;
}

int store_put_mem(struct store *s, const void *data, size_t len, char ret_sha[65], int *ret_added)
{
	struct sha256 *h;
	char sha[65], tmp[64];
	int fd, ret;

	ret = ensure_objects(s);
	if (ret < 0)
		return ret;
	h = sha256_new();
	if (!h)
		return -ENOMEM;
	sha256_update(h, data, len);
	sha256_final_hex(h, sha);
	sha256_free(h);
	if (object_exists(s, sha)) {
		memcpy(ret_sha, sha, 65);
		*ret_added = 0;
		return 0;
	}
	fd = tmp_create(s, 0444, tmp);
	if (fd < 0)
		return fd;
	ret = fs_write_all(fd, data, len);
	close(fd);
	if (ret == 0)
		ret = place_object(s, tmp, sha, ret_added);
	else
		unlinkat(s->fd, tmp, 0);
	if (ret == 0)
		memcpy(ret_sha, sha, 65);
	return ret;
}

int store_put_fd(struct store *s, int fd, char ret_sha[65], unsigned long long *ret_size, int *ret_added)
{
	char *buf, sha[65], tmp[64];
	unsigned long long total = 0;
	struct sha256 *h = NULL;
	int out = -1, ret = 0;
	size_t have = 0;

	buf = malloc(STORE_SMALL_FILE);
	if (!buf)
		return -ENOMEM;
	/* Fill the buffer; a file that fits is stored by store_put_mem. */
	for (;;) {
		ssize_t n = read(fd, buf + have, STORE_SMALL_FILE - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0) {
			ret = store_put_mem(s, buf, have, sha, ret_added);
			if (ret == 0) {
				memcpy(ret_sha, sha, 65);
				*ret_size = have;
			}
			goto out;
		}
		have += (size_t)n;
		if (have == STORE_SMALL_FILE)
			break;
	}
	/* A large file: stream it into a temporary file, hashing as it goes. */
	ret = ensure_objects(s);
	if (ret < 0)
		goto out;
	h = sha256_new();
	if (!h) {
		ret = -ENOMEM;
		goto out;
	}
	out = tmp_create(s, 0444, tmp);
	if (out < 0) {
		ret = out;
		goto out;
	}
	for (;;) {
		ssize_t n;

		sha256_update(h, buf, have);
		ret = fs_write_all(out, buf, have);
		if (ret < 0)
			break;
		total += have;
		do
			n = read(fd, buf, STORE_SMALL_FILE);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		have = (size_t)n;
	}
	close(out);
	if (ret < 0) {
		unlinkat(s->fd, tmp, 0);
		goto out;
	}
	sha256_final_hex(h, sha);
	ret = place_object(s, tmp, sha, ret_added);
	if (ret == 0) {
		memcpy(ret_sha, sha, 65);
		*ret_size = total;
	}
out:
	sha256_free(h);
	free(buf);
	return ret;
}

int store_open_object(const struct store *s, const char *sha, int *ret_fd)
{
	char sub[3];
	int dfd, fd;

	if (!store_is_sha(sha))
		return -EINVAL;
	if (s->objects_fd < 0)
		return -ENOENT;
	sub[0] = sha[0];
	sub[1] = sha[1];
	sub[2] = '\0';
	dfd = open_subdir(s->objects_fd, sub, 0);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, sha, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int store_read_list(const struct store *s, const char *sha, json_object **ret_list)
{
	_cleanup_close_ int fd = -1;
	struct sha256 *h;
	char *text = NULL, got[65];
	size_t len;
	json_object *list, *entries;
	int ret;

	ret = store_open_object(s, sha, &fd);
	if (ret < 0)
		return ret;
	ret = fs_read_fd(fd, STORE_INDEX_MAX, &text, &len);
	if (ret < 0)
		return ret;
	h = sha256_new();
	if (!h) {
		free(text);
		return -ENOMEM;
	}
	sha256_update(h, text, len);
	sha256_final_hex(h, got);
	sha256_free(h);
	if (strcmp(got, sha) != 0) {
		free(text);
		return -EBADMSG;
	}
	list = json_tokener_parse(text);
	free(text);
	if (!list || !json_object_object_get_ex(list, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array)) {
		json_object_put(list);
		return -EBADMSG;
	}
	*ret_list = list;
	return 0;
}

/* An object arriving as a stream (a download): written to a temporary
 * file and hashed as it comes, linked in only when it hashes to the name
 * it is meant to have. */
struct store_writer {
	struct store *s;
	struct sha256 *h;
	int fd;
	unsigned long long bytes;
	char tmp[64];
};

int store_writer_new(struct store *s, struct store_writer **ret)
{
	struct store_writer *w;
	int ret_ = ensure_objects(s);

	if (ret_ < 0)
		return ret_;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->s = s;
	w->h = sha256_new();
	if (!w->h) {
		free(w);
		return -ENOMEM;
	}
	w->fd = tmp_create(s, 0444, w->tmp);
	if (w->fd < 0) {
		ret_ = w->fd;
		sha256_free(w->h);
		free(w);
		return ret_;
	}
	*ret = w;
	return 0;
}

int store_writer_write(struct store_writer *w, const void *buf, size_t len)
{
	sha256_update(w->h, buf, len);
	w->bytes += len;
	return fs_write_all(w->fd, buf, len);
}

int store_writer_commit(struct store_writer *w, const char *sha, unsigned long long size, char ret_got[65],
			int *ret_added)
{
	char got[65];
	int ret;

	if (w->fd < 0 || !store_is_sha(sha))
		return -EINVAL;
	ret = close(w->fd) < 0 ? -errno : 0;
	w->fd = -1;
	sha256_final_hex(w->h, got);
	memcpy(ret_got, got, 65);
	if (ret == 0 && (strcmp(got, sha) != 0 || w->bytes != size))
		ret = -EBADMSG;
	if (ret < 0) {
		unlinkat(w->s->fd, w->tmp, 0);
		w->tmp[0] = '\0';
		return ret;
	}
	ret = place_object(w->s, w->tmp, sha, ret_added);
	w->tmp[0] = '\0';
	return ret;
}

void store_writer_free(struct store_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp[0])
		unlinkat(w->s->fd, w->tmp, 0);
	sha256_free(w->h);
	free(w);
}

int store_has_object(const struct store *s, const char *sha)
{
	return store_is_sha(sha) && s->objects_fd >= 0 && object_exists(s, sha);
}
