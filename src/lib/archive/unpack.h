/* Safe extraction with libarchive: every member is checked before it
 * touches the disk. Absolute paths, "..", symlinks and hardlinks that
 * lead outside the tree, device nodes, fifos and sockets are refused;
 * setuid, setgid and sticky bits are dropped; total size and entry count
 * are capped so an archive bomb stops with a clear error. Nothing is
 * ever written outside dest_dir: parents are opened one component at a
 * time with O_NOFOLLOW. */
#ifndef PH_UNPACK_H
#define PH_UNPACK_H

#include <limits.h>
#include <stddef.h>

struct archive;
struct sha256;

#define UNPACK_DEFAULT_MAX_BYTES (2ULL << 30)
#define UNPACK_DEFAULT_MAX_ENTRIES 500000ULL

struct unpack_opts {
	unsigned long long max_bytes;   /* file data, in bytes */
	unsigned long long max_entries;
	/* Where a member goes below dest_dir: fill out_rel and return 1, or
	 * return 0 to leave the member out. NULL keeps every member at its
	 * own path. member is already normalised and known to be safe. */
	int (*select)(void *data, const char *member, char out_rel[PATH_MAX]);
	void *select_data;
};

struct unpack_stats {
	unsigned long long entries, files, bytes, skipped;
};

/* Extracts every selected member of a into dest_dir (which exists).
 * Errors: -EILSEQ a corrupt or hostile archive, -EFBIG over a cap, other
 * negative errno writing dest_dir; why says which member and why. */
int unpack_archive(struct archive *a, const char *dest_dir, const struct unpack_opts *o, struct unpack_stats *st,
		   char *why, size_t whylen);

/* A compressed archive read from fd (any filter and format libarchive
 * supports), decompressed in a thread of its own while the caller
 * extracts. The raw bytes read pass through hash (may be NULL) and are
 * counted into *raw_bytes (may be NULL). The caller closes fd after
 * unpack_stream_close. */
struct unpack_stream;
int unpack_stream_open_fd(int fd, struct sha256 *hash, unsigned long long *raw_bytes, struct unpack_stream **ret,
			  char *why, size_t whylen);
/* The same for the current member of outer (a data.tar.xz inside a .deb):
 * outer is read only by the decompression thread until the stream is
 * closed. */
int unpack_stream_open_member(struct archive *outer, struct unpack_stream **ret, char *why, size_t whylen);
struct archive *unpack_stream_archive(struct unpack_stream *s);
/* Whether the raw bytes went through filter code (ARCHIVE_FILTER_RPM:
 * the stream was an RPM). Read it once the archive reached its end. */
int unpack_stream_had_filter(const struct unpack_stream *s, int code);
/* Stops and frees the stream. -EILSEQ, with why, when decompression
 * failed: check it even after a successful unpack_archive, since a
 * stream cut short can look like a complete archive. */
int unpack_stream_close(struct unpack_stream *s, char *why, size_t whylen);

/* Opens a, already told which filters and formats to support, on the
 * plain bytes of fd. -EILSEQ (why) when the start is unreadable. */
int unpack_open_fd_with(struct archive *a, int fd, char *why, size_t whylen);

/* Normalises an archive member path in place ("./a//b/" -> "a/b").
 * -EILSEQ when it is absolute or has a ".." component; "" for the root. */
int unpack_normalize_member(char *path);

#endif
