/* Small filesystem helpers shared by every module: reading small files,
 * creating and removing trees, copying files. All return 0 or -errno. */
#ifndef PH_FSUTIL_H
#define PH_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Reads a whole file of at most max bytes into a NUL-terminated buffer
 * the caller frees. -EFBIG when larger. ret_len may be NULL. */
int fs_read_small_file(const char *path, size_t max, char **ret_text, size_t *ret_len);
/* Reads everything read_fn gives (0 at the end, a negative errno on
 * failure) into a NUL-terminated buffer the caller frees; -EFBIG past max. */
int fs_read_all(ssize_t (*read_fn)(void *src, void *buf, size_t len), void *src, size_t max, char **ret_text,
		size_t *ret_len);
/* The same from an open regular file (anything else: -EINVAL, -EISDIR). */
int fs_read_fd(int fd, size_t max, char **ret_text, size_t *ret_len);
/* Reads the first line (without newline) of a small file into buf. */
int fs_read_line(const char *path, char *buf, size_t size);
/* Writes all of data to fd, retrying short writes and EINTR. */
int fs_write_all(int fd, const void *data, size_t len);
/* The text of dir/rel (at most max bytes), or NULL when it cannot be read. */
char *fs_read_text_at(const char *dir, const char *rel, size_t max);
/* Replaces path with a new file (mode 0644) holding data: whatever was
 * there (a symlink, a hardlink into another tree) is unlinked first, and
 * the new file is created with O_EXCL | O_NOFOLLOW. */
int fs_write_file(const char *path, const void *data, size_t len);
/* The same for rel inside the tree dir, making the directories on the way
 * (0755): a symlink anywhere on the way (dir itself included) is refused
 * with -ELOOP, so a write never lands outside the tree. */
int fs_write_file_beneath(const char *dir, const char *rel, const void *data, size_t len);
int fs_mkdir_p(const char *path, mode_t mode);
/* Removes a tree; missing is not an error. Never follows symlinks. */
int fs_rm_rf(const char *path);
/* The same for name relative to the directory parent_fd. */
int fs_rm_rf_at(int parent_fd, const char *name);
/* Copies a regular file's content and permission bits (setuid, setgid
 * and sticky dropped). Uses copy_file_range, falling back to read/write. */
int fs_copy_file(const char *src, const char *dst);
/* Hardlinks src to dst, copying instead when they are on different
 * filesystems or linking is refused. */
/* The same between directory fds, for trees that may be hostile: the
 * source is never a symlink, the destination is created new (O_EXCL). */
int fs_copy_file_at(int src_dir, const char *src, int dst_dir, const char *dst);
int fs_link_or_copy(const char *src, const char *dst);
int fs_is_dir(const char *path);
int fs_is_file(const char *path);
/* A directory that is not a symlink to one. */
int fs_is_real_dir(const char *path);
/* Sum of regular-file sizes and count of regular files below dir. */
int fs_tree_usage(const char *dir, unsigned long long *ret_files, unsigned long long *ret_bytes);



/* Recreates the tree src at dst (which must not exist): directories made
 * anew, regular files hardlinked (copied across filesystems), symlinks
 * recreated with the same text. */
int fs_clone_tree(const char *src, const char *dst);
#endif
