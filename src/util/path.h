/* Bounded path building: every path in the program is a PATH_MAX buffer
 * filled through these helpers, which return -ENAMETOOLONG instead of
 * truncating. */
#ifndef PH_PATH_H
#define PH_PATH_H

#include <limits.h>
#include <stddef.h>

/* out = a "/" b, with exactly one slash between them. */
int path_join(char out[PATH_MAX], const char *a, const char *b);
/* out = printf(fmt, ...), -ENAMETOOLONG if it does not fit. */
int path_format(char out[PATH_MAX], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies src into out, -ENAMETOOLONG if it does not fit. */
int path_copy(char out[PATH_MAX], const char *src);
/* Relative path from directory from_dir to target; both absolute and
 * normalised (no "." or ".." components). */
int path_relative(char out[PATH_MAX], const char *from_dir, const char *target);
/* Normalises an absolute path lexically: collapses "//", ".", "..". */
int path_normalize(char out[PATH_MAX], const char *in);
/* Steps *p past the next non-empty component ("a", ".", ".."), giving its
 * start and length; 0 at the end of the path. */
int path_next_component(const char **p, const char **ret_start, size_t *ret_len);
/* Does a symlink at link_rel (relative to a tree's top) whose target is
 * target climb out of the tree, read lexically? (A chain through other
 * links needs a real resolution on top: hostroot_resolve.) */
int path_link_escapes(const char *link_rel, const char *target);
static inline int path_is_dot(const char *s, size_t n) { return n == 1 && s[0] == '.'; }
static inline int path_is_dotdot(const char *s, size_t n) { return n == 2 && s[0] == '.' && s[1] == '.'; }
/* True when path equals dir or lies below it (both normalised). */
int path_is_within(const char *path, const char *dir);
/* The directory for temporary files: $TMPDIR when it is an absolute path
 * (a pod with a read-only root sets it to an emptyDir), else /tmp. */
const char *path_tmpdir(void);

#endif
