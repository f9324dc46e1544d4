/* The one confinement layer: every file the program opens under a
 * place it does not trust (the host root, the output volume, a bank, a
 * cache) is opened here, relative to a directory fd of that place.
 *
 * The kernel enforces the rule where it can (openat2 with
 * RESOLVE_IN_ROOT or RESOLVE_BENEATH); on kernels without openat2 (before
 * 5.6) a component-by-component walk with O_NOFOLLOW enforces the same
 * rule in user space. Both are tested against the same hostile trees. */
#ifndef PH_CONFINE_H
#define PH_CONFINE_H

#include <sys/types.h>

enum confine_mode {
	/* Resolve as a process chrooted at root_fd would: absolute symlinks
	 * and ".." stop at the root. For the host root. */
	CONFINE_IN_ROOT,
	/* Never leave root_fd: an absolute symlink or a ".." that climbs out
	 * fails with -EXDEV. Relative symlinks inside are followed. */
	CONFINE_BENEATH,
	/* As CONFINE_BENEATH, and no symlink anywhere on the way (-ELOOP):
	 * for trees where no link is legitimate, such as our own staging. */
	CONFINE_BENEATH_NO_SYMLINKS,
};

/* openat(2) of path under root_fd, confined by mode. flags are open(2)
 * flags; O_CLOEXEC is always added. With O_CREAT, the last component is
 * never followed when it is a symlink (-ELOOP). Returns an fd or a
 * negative errno. */
int confine_open(int root_fd, const char *path, int flags, mode_t mode, enum confine_mode how);

/* Reads the small file rel beneath the directory dir (a tree someone
 * else may have planted links in: a link inside it is followed, one that
 * leads out finds nothing), at most max bytes, NUL-terminated; the caller
 * frees. 0, or a negative errno (-ENOENT when it is not there). */
int confine_read_beneath(const char *dir, const char *rel, size_t max, char **ret_text);

/* The user-space walk alone, whatever the kernel offers: what the tests
 * compare with the kernel's resolution. */
int confine_open_walk(int root_fd, const char *path, int flags, mode_t mode, enum confine_mode how);

#endif
