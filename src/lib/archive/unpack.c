#include "lib/archive/unpack.h"

#include "util/fs.h"
#include "lib/net/sha256.h"
#include "util/hostroot.h"
#include "util/path.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fd_reader {
	int fd;
	struct archive *src; /* when set, read the current member of this archive instead of fd */
	struct sha256 *hash;
	unsigned long long *raw_bytes;
	unsigned char buf[1 << 17];
};

static la_ssize_t fd_read(struct archive *a, void *data, const void **buf)
{
	struct fd_reader *r = data;
	ssize_t n;

	if (r->src) {
		n = archive_read_data(r->src, r->buf, sizeof(r->buf));
		if (n < 0) {
			archive_set_error(a, EILSEQ, "%s", archive_error_string(r->src));
			return -1;
		}
		*buf = r->buf;
		return n;
	}
	do
		n = read(r->fd, r->buf, sizeof(r->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read failed: %s", strerror(errno));
		return -1;
	}
	if (r->hash)
		sha256_update(r->hash, r->buf, (size_t)n);
	if (r->raw_bytes)
		*r->raw_bytes += (unsigned long long)n;
	*buf = r->buf;
	return n;
}

static int fd_close(struct archive *a, void *data)
{
	(void)a;
	free(data);
	return ARCHIVE_OK;
}

int unpack_open_fd_with(struct archive *a, int fd, char *why, size_t whylen)
{
	struct fd_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->fd = fd;
	if (archive_read_open(a, r, NULL, fd_read, fd_close) != ARCHIVE_OK) {
		snprintf(why, whylen, "corrupt archive: %s", archive_error_string(a));
		return -EILSEQ;
	}
	return 0;
}

/* Decompression runs in its own thread and hands plain archive bytes to
 * the extracting thread through a pipe, so xz (or zstd, gzip) overlaps
 * with file creation as it does in a `tar -xJf` pipeline. */
struct unpack_stream {
	struct archive *a; /* the plain archive, read from the pipe */
	pthread_t thread;
	int thread_started;
	int pipe_rd, pipe_wr, in_fd;
	struct archive *in_archive; /* or the current member of this one */
	struct sha256 *hash;
	unsigned long long *raw_bytes;
	int failed;
	char error[512];
	int filters[8]; /* the filters the raw side read through (ARCHIVE_FILTER_*) */
	int n_filters;
};

static void *decompress_thread(void *data)
{
	struct unpack_stream *s = data;
	struct fd_reader *r = calloc(1, sizeof(*r));
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const size_t bufsize = 1 << 17;
	char *buf = malloc(bufsize);
	sigset_t pipe_only;

	/* A reader that stopped early makes write() fail with EPIPE here,
	 * instead of a SIGPIPE for the whole process. */
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, NULL);
	if (!a || !r || !buf) {
		free(r);
		s->failed = 1;
		snprintf(s->error, sizeof(s->error), "out of memory");
		goto out;
	}
	r->fd = s->in_fd;
	r->src = s->in_archive;
	r->hash = s->hash;
	r->raw_bytes = s->raw_bytes;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open(a, r, NULL, fd_read, fd_close) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		s->failed = 1;
		snprintf(s->error, sizeof(s->error), "corrupt archive: %s", archive_error_string(a));
		goto out;
	}
	for (s->n_filters = 0; s->n_filters < archive_filter_count(a) && s->n_filters < 8; s->n_filters++)
		s->filters[s->n_filters] = archive_filter_code(a, s->n_filters);
	for (;;) {
		la_ssize_t n = archive_read_data(a, buf, bufsize);

		if (n == 0)
			break;
		if (n < 0) {
			s->failed = 1;
			snprintf(s->error, sizeof(s->error), "corrupt archive: %s", archive_error_string(a));
			break;
		}
		if (fs_write_all(s->pipe_wr, buf, (size_t)n) < 0)
			break; /* the reader gave up; it reports why */
	}
out:
	free(buf);
	archive_read_free(a);
	close(s->pipe_wr);
	s->pipe_wr = -1;
	return NULL;
}

static int stream_open(int fd, struct archive *in_archive, struct sha256 *hash, unsigned long long *raw_bytes,
		       struct unpack_stream **ret, char *why, size_t whylen)
{
	struct unpack_stream *s = calloc(1, sizeof(*s));
	struct fd_reader *r = calloc(1, sizeof(*r));
	int fds[2];

	if (!s || !r || pipe2(fds, O_CLOEXEC) < 0) {
		free(s);
		free(r);
		snprintf(why, whylen, "cannot start decompression: %s", strerror(errno ? errno : ENOMEM));
		return -ENOMEM;
	}
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; best effort */
	s->pipe_rd = fds[0];
	s->pipe_wr = fds[1];
	s->in_fd = fd;
	s->in_archive = in_archive;
	s->hash = hash;
	s->raw_bytes = raw_bytes;
	if (pthread_create(&s->thread, NULL, decompress_thread, s) != 0) {
		close(fds[0]);
		close(fds[1]);
		free(s);
		free(r);
		snprintf(why, whylen, "cannot start the decompression thread");
		return -ENOMEM;
	}
	s->thread_started = 1;
	r->fd = s->pipe_rd;
	s->a = archive_read_new();
	if (!s->a) {
		free(r);
		unpack_stream_close(s, why, whylen);
		return -ENOMEM;
	}
	archive_read_support_filter_all(s->a);
	archive_read_support_format_all(s->a);
	archive_read_support_format_empty(s->a);
	if (archive_read_open(s->a, r, NULL, fd_read, fd_close) != ARCHIVE_OK) {
		snprintf(why, whylen, "corrupt archive: %s", archive_error_string(s->a));
		unpack_stream_close(s, why, whylen);
		return -EILSEQ;
	}
	*ret = s;
	return 0;
}

int unpack_stream_open_fd(int fd, struct sha256 *hash, unsigned long long *raw_bytes, struct unpack_stream **ret,
			  char *why, size_t whylen)
{
	return stream_open(fd, NULL, hash, raw_bytes, ret, why, whylen);
}

int unpack_stream_open_member(struct archive *outer, struct unpack_stream **ret, char *why, size_t whylen)
{
	return stream_open(-1, outer, NULL, NULL, ret, why, whylen);
}

struct archive *unpack_stream_archive(struct unpack_stream *s)
{
	return s->a;
}

int unpack_stream_had_filter(const struct unpack_stream *s, int code)
{
	int i;

	for (i = 0; i < s->n_filters; i++)
		if (s->filters[i] == code)
			return 1;
	return 0;
}

int unpack_stream_close(struct unpack_stream *s, char *why, size_t whylen)
{
	int ret = 0;

	if (!s)
		return 0;
	/* Closing the read end first unblocks a thread still writing. */
	archive_read_free(s->a);
	if (s->pipe_rd >= 0)
		close(s->pipe_rd);
	if (s->thread_started)
		pthread_join(s->thread, NULL);
	if (s->failed) {
		snprintf(why, whylen, "%s", s->error);
		ret = -EILSEQ;
	}
	free(s);
	return ret;
}

int unpack_normalize_member(char *path)
{
	char *in = path, *out = path;

	if (*in == '/')
		return -EILSEQ;
	while (*in) {
		char *start = in;
		size_t n;

		while (*in && *in != '/')
			in++;
		n = (size_t)(in - start);
		if (n == 2 && start[0] == '.' && start[1] == '.')
			return -EILSEQ;
		if (n > 0 && !(n == 1 && start[0] == '.')) {
			if (out != path)
				*out++ = '/';
			memmove(out, start, n);
			out += n;
		}
		while (*in == '/')
			in++;
	}
	*out = '\0';
	return 0;
}

#define MAX_DIR_DEPTH 64

struct unpacker {
	int root_fd;
	const char *dest;
	/* The directory last written to, open component by component, so
	 * that sorted archives open each directory once. */
	char cur_path[PATH_MAX];
	size_t cur_ends[MAX_DIR_DEPTH]; /* length of cur_path after component i */
	int cur_fds[MAX_DIR_DEPTH];
	int cur_depth;
	char **links; /* symlinks created, checked once all are in place */
	size_t n_links, cap_links;
	char *why;
	size_t whylen;
};

/* Closes the cursor's directories deeper than keep. */
static void cursor_pop_to(struct unpacker *u, int keep)
{
	while (u->cur_depth > keep)
		close(u->cur_fds[--u->cur_depth]);
	u->cur_path[keep ? u->cur_ends[keep - 1] : 0] = '\0';
}

static void forget_parent(struct unpacker *u)
{
	cursor_pop_to(u, 0);
}

/* Moves the cursor to dir (creating what is missing, never following a
 * symlink) and returns its fd. */
static int cursor_open(struct unpacker *u, const char *dir)
{
	int keep = 0, i;
	const char *p;

	for (i = u->cur_depth - 1; i >= 0; i--) {
		size_t n = u->cur_ends[i];

		if (strncmp(dir, u->cur_path, n) == 0 && (dir[n] == '/' || dir[n] == '\0')) {
			keep = i + 1;
			break;
		}
	}
	cursor_pop_to(u, keep);
	p = dir + (keep ? u->cur_ends[keep - 1] : 0);
	while (*p) {
		int parent = u->cur_depth ? u->cur_fds[u->cur_depth - 1] : u->root_fd;
		char name[NAME_MAX + 1];
		size_t n, at;
		int fd;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		if (u->cur_depth == MAX_DIR_DEPTH)
			return -ELOOP;
		memcpy(name, p, n);
		name[n] = '\0';
		fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST)
				return -errno;
			fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0)
			return errno == ELOOP || errno == ENOTDIR ? -EILSEQ : -errno;
		at = u->cur_depth ? u->cur_ends[u->cur_depth - 1] : 0;
		if (at + (at ? 1 : 0) + n >= sizeof(u->cur_path)) {
			close(fd);
			return -ENAMETOOLONG;
		}
		if (at)
			u->cur_path[at++] = '/';
		memcpy(u->cur_path + at, name, n + 1);
		u->cur_fds[u->cur_depth] = fd;
		u->cur_ends[u->cur_depth++] = at + n;
		p += n;
	}
	return u->cur_depth ? u->cur_fds[u->cur_depth - 1] : u->root_fd;
}

/* Opens (creating) the directory rel below the root, never following a
 * symlink on the way. */
static int open_dir_nofollow(struct unpacker *u, const char *rel)
{
	char buf[PATH_MAX];
	char *p, *save = NULL;
	int fd = dup(u->root_fd);
	int ret = path_copy(buf, rel);

	if (fd < 0)
		return -errno;
	if (ret < 0) {
		close(fd);
		return ret;
	}
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		int next;

		if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST) {
			ret = -errno;
			close(fd);
			return ret;
		}
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		ret = -errno;
		close(fd);
		if (next < 0)
			return ret == -ELOOP || ret == -ENOTDIR ? -EILSEQ : ret;
		fd = next;
	}
	return fd;
}

/* Parent directory fd of rel, and the last component in *ret_name. */
static int parent_of(struct unpacker *u, const char *rel, const char **ret_name)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];
	int fd;

	*ret_name = slash ? slash + 1 : rel;
	if (!slash)
		return u->root_fd;
	if ((size_t)(slash - rel) >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, (size_t)(slash - rel));
	dir[slash - rel] = '\0';
	fd = cursor_open(u, dir);
	if (fd < 0)
		forget_parent(u);
	return fd;
}

/* Makes room for a new entry: removes what is there unless it is a
 * directory and a directory is wanted. Removing a directory drops the
 * cursor (it may hold fds of what was removed), dirfd included: the
 * caller opens the parent again. */
static int clear_name(struct unpacker *u, int dirfd, const char *name, int want_dir)
{
	struct stat st;
	int ret;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 1;
		ret = fs_rm_rf_at(dirfd, name); /* before the cursor's fds close */
		forget_parent(u);
		return ret;
	}
	return unlinkat(dirfd, name, 0) < 0 ? -errno : 0;
}

/* Writes the member's data. What counts against the cap is how far the
 * file reaches, not the bytes the archive carries: a sparse member that
 * declares 100 GB in a few blocks is refused like one that carries them. */
static int write_data(struct archive *a, int fd, const struct unpack_opts *o, struct unpack_stats *st,
		      char *why, size_t whylen, const char *member)
{
	unsigned long long start = st->bytes, extent = 0;

	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t offset;
		int r = archive_read_data_block(a, &buf, &size, &offset);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK) {
			snprintf(why, whylen, "corrupt archive at '%s': %s", member, archive_error_string(a));
			return -EILSEQ;
		}
		if (offset < 0) {
			snprintf(why, whylen, "corrupt archive at '%s': negative offset", member);
			return -EILSEQ;
		}
		if ((unsigned long long)offset + size > extent)
			extent = (unsigned long long)offset + size;
		st->bytes = start + extent;
		if (st->bytes > o->max_bytes || extent > o->max_bytes) {
			snprintf(why, whylen, "archive expands past the cap of %llu bytes (at '%s')", o->max_bytes, member);
			return -EFBIG;
		}
		while (size > 0) {
			ssize_t n = pwrite(fd, buf, size, offset);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			buf = (const char *)buf + n;
			size -= (size_t)n;
			offset += n;
		}
	}
}

static int remember_link(struct unpacker *u, const char *rel)
{
	if (u->n_links == u->cap_links) {
		size_t cap = u->cap_links ? u->cap_links * 2 : 64;
		char **bigger = realloc(u->links, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		u->links = bigger;
		u->cap_links = cap;
	}
	u->links[u->n_links] = strdup(rel);
	return u->links[u->n_links++] ? 0 : -ENOMEM;
}

static int extract_entry(struct unpacker *u, struct archive *a, struct archive_entry *e, const char *member,
			 const char *rel, const struct unpack_opts *o, struct unpack_stats *st)
{
	mode_t type = archive_entry_filetype(e);
	mode_t perm = archive_entry_perm(e) & 0777; /* no setuid, setgid, sticky */
	const char *name;
	int dirfd, fd, ret;

	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		snprintf(u->why, u->whylen, "member '%s' is a %s, refused", member,
			 type == AE_IFCHR || type == AE_IFBLK ? "device node" : type == AE_IFIFO ? "fifo" : "socket");
		return -EILSEQ;
	}
	dirfd = parent_of(u, rel, &name);
	if (dirfd == -EILSEQ) {
		snprintf(u->why, u->whylen, "member '%s' would be written through a symlink, refused", member);
		return dirfd;
	}
	if (dirfd < 0)
		return dirfd;
	if (type == AE_IFREG && archive_entry_size_is_set(e) && archive_entry_size(e) > 0 &&
	    st->bytes + (unsigned long long)archive_entry_size(e) > o->max_bytes) {
		snprintf(u->why, u->whylen, "archive expands past the cap of %llu bytes (at '%s', %lld bytes declared)",
			 o->max_bytes, member, (long long)archive_entry_size(e));
		return -EFBIG;
	}
	if (type == AE_IFREG) {
		/* Most members are new files: try that first, clear only on a clash. */
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0200);
		if (fd < 0 && errno == EEXIST) {
			ret = clear_name(u, dirfd, name, 0);
			if (ret < 0)
				return ret;
			dirfd = parent_of(u, rel, &name); /* clearing may have dropped the cached parent */
			if (dirfd < 0)
				return dirfd;
			fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0200);
		}
		if (fd < 0)
			return -errno;
		ret = write_data(a, fd, o, st, u->why, u->whylen, member);
		if (close(fd) < 0 && ret == 0)
			ret = -errno;
		if (ret == 0)
			st->files++;
		return ret;
	}
	ret = clear_name(u, dirfd, name, type == AE_IFDIR);
	if (ret < 0)
		return ret;
	dirfd = parent_of(u, rel, &name); /* clearing may have dropped the cached parent */
	if (dirfd < 0)
		return dirfd;
	if (type == AE_IFDIR) {
		if (ret == 0 && mkdirat(dirfd, name, 0755) < 0)
			return -errno;
		return 0;
	}
	if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);

		if (!target || !*target || target[0] == '/' || path_link_escapes(rel, target)) {
			snprintf(u->why, u->whylen, "symlink '%s' points outside the tree ('%s'), refused", member,
				 target ? target : "");
			return -EILSEQ;
		}
		if (symlinkat(target, dirfd, name) < 0)
			return -errno;
		return remember_link(u, rel);
	}
	return 0;
}

static int extract_hardlink(struct unpacker *u, struct archive_entry *e, const char *member, const char *rel,
			    const struct unpack_opts *o)
{
	char target[PATH_MAX], target_rel[PATH_MAX], tdir[PATH_MAX];
	const char *name, *tname, *slash;
	int dirfd, tdirfd, ret;
	struct stat st;

	if (path_copy(target, archive_entry_hardlink(e)) < 0 || unpack_normalize_member(target) < 0 || !*target) {
		snprintf(u->why, u->whylen, "hardlink '%s' points outside the tree ('%s'), refused", member,
			 archive_entry_hardlink(e));
		return -EILSEQ;
	}
	if (o->select) {
		if (!o->select(o->select_data, target, target_rel))
			return 0; /* its target was left out, so is the link */
	} else {
		strcpy(target_rel, target);
	}
	/* The target's parent is opened apart from the link's (cached) one. */
	slash = strrchr(target_rel, '/');
	tname = slash ? slash + 1 : target_rel;
	if (slash) {
		memcpy(tdir, target_rel, (size_t)(slash - target_rel));
		tdir[slash - target_rel] = '\0';
		tdirfd = open_dir_nofollow(u, tdir);
	} else {
		tdirfd = dup(u->root_fd);
	}
	if (tdirfd < 0) {
		snprintf(u->why, u->whylen, "hardlink '%s' -> '%s': target not in the tree", member, target);
		return -EILSEQ;
	}
	dirfd = parent_of(u, rel, &name);
	if (dirfd < 0) {
		close(tdirfd);
		return dirfd == -EILSEQ ? -EILSEQ : dirfd;
	}
	/* A hardlink to a symlink would move the link's text to another depth,
	 * where it may lead out of the tree: only regular files are linked. */
	if (fstatat(tdirfd, tname, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(u->why, u->whylen, "hardlink '%s' -> '%s' is not to a regular file, refused", member, target);
		close(tdirfd);
		return -EILSEQ;
	}
	ret = clear_name(u, dirfd, name, 0);
	if (ret == 0) {
		dirfd = parent_of(u, rel, &name);
		ret = dirfd < 0 ? dirfd : 0;
	}
	if (ret == 0 && linkat(tdirfd, tname, dirfd, name, 0) < 0) {
		ret = -errno;
		if (ret == -ENOENT) {
			snprintf(u->why, u->whylen, "hardlink '%s' -> '%s': target not in the tree", member, target);
			ret = -EILSEQ;
		}
	}
	close(tdirfd);
	return ret;
}

/* Every symlink resolved for real, through the others: none may lead
 * out of the tree even by a chain that looked harmless one link at a
 * time. */
static int check_links(struct unpacker *u)
{
	struct hostroot tree;
	size_t i;
	int ret = hostroot_init(&tree, u->dest);

	for (i = 0; ret == 0 && i < u->n_links; i++) {
		char abs[PATH_MAX], resolved[PATH_MAX];
		int r = path_format(abs, "/%s", u->links[i]);

		if (r == 0)
			r = hostroot_resolve(&tree, abs, resolved);
		if (r == -EXDEV || r == -ELOOP) {
			snprintf(u->why, u->whylen, "symlink '%s' leads outside the tree through other links, refused",
				 u->links[i]);
			ret = -EILSEQ;
		}
	}
	return ret;
}

int unpack_archive(struct archive *a, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st,
		   char *why, size_t whylen)
{
	struct unpacker u = { .dest = dest_dir, .why = why, .whylen = whylen };
	struct archive_entry *e;
	size_t i;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	why[0] = '\0';
	u.root_fd = open(dest_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u.root_fd < 0)
		return -errno;
	for (;;) {
		char member[PATH_MAX], rel[PATH_MAX];
		const char *raw;
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			snprintf(why, whylen, "corrupt archive: %s", archive_error_string(a));
			ret = -EILSEQ;
			break;
		}
		if (++st->entries > o->max_entries) {
			snprintf(why, whylen, "archive has more than %llu entries, refused", o->max_entries);
			ret = -EFBIG;
			break;
		}
		raw = archive_entry_pathname(e);
		if (!raw || path_copy(member, raw) < 0 || unpack_normalize_member(member) < 0) {
			snprintf(why, whylen, "member '%s' %s, refused", raw ? raw : "(unnamed)",
				 raw && raw[0] == '/' ? "has an absolute path" : "climbs out of the tree");
			ret = -EILSEQ;
			break;
		}
		if (!*member)
			continue;
		if (o->select) {
			if (!o->select(o->select_data, member, rel)) {
				st->skipped++;
				continue;
			}
		} else {
			strcpy(rel, member);
		}
		if (archive_entry_hardlink(e))
			ret = extract_hardlink(&u, e, member, rel, o);
		else
			ret = extract_entry(&u, a, e, member, rel, o, st);
		if (ret < 0) {
			if (!why[0])
				snprintf(why, whylen, "cannot write '%s' into %s: %s", member, dest_dir, strerror(-ret));
			break;
		}
	}
	if (ret == 0)
		ret = check_links(&u);
	forget_parent(&u);
	close(u.root_fd);
	for (i = 0; i < u.n_links; i++)
		free(u.links[i]);
	free(u.links);
	return ret;
}
