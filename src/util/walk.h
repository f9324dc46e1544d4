/* The one directory walker: visits a tree without recursion (so a
 * hostile 1000-level tree cannot overflow the stack), through directory
 * fds opened with O_NOFOLLOW (so a symlink is never entered), with a
 * depth limit. Every tree walk of the program goes through here. */
#ifndef PH_WALK_H
#define PH_WALK_H

#include <sys/stat.h>

/* Deeper than any kernel header tree (about a dozen levels) by far. */
#define WALK_MAX_DEPTH 128

enum walk_visit {
	WALK_DIR_PRE,  /* a directory, before its entries */
	WALK_DIR_POST, /* a directory, after its entries (its fd is closed) */
	WALK_OTHER,    /* anything that is not a directory (never followed) */
};

struct walk_entry {
	int root_fd;          /* the tree's top directory (-1 while visiting the top itself) */
	int parent_fd;        /* the directory that holds name */
	const char *name;     /* the entry's name in parent_fd */
	const char *path;     /* relative to the top, "" for the top itself */
	const struct stat *st; /* lstat of the entry (no symlink followed) */
	unsigned depth;       /* 0 for the top */
};

/* A callback returns 0 to go on, WALK_SKIP at WALK_DIR_PRE to leave the
 * directory's entries out (no WALK_DIR_POST follows), or a negative errno
 * to stop the walk with it. */
#define WALK_SKIP 1
typedef int (*walk_fn)(const struct walk_entry *e, enum walk_visit visit, void *data);

/* Walks the tree at name under dir_fd (AT_FDCWD for a path). A directory
 * deeper than max_depth stops the walk with -ELOOP, unless the callback
 * skips it. Entries are visited in readdir order. */
int walk_tree(int dir_fd, const char *name, unsigned max_depth, walk_fn fn, void *data);

#endif
