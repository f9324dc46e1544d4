/* Every path on the host goes through here. The host root is "/" on a
 * plain host, "/host" in a pod, and a prepared fake root in tests; no
 * other file spells a host path without this prefix. */
#ifndef PH_HOSTROOT_H
#define PH_HOSTROOT_H

#include <limits.h>

struct hostroot {
	char root[PATH_MAX]; /* normalised, no trailing slash unless "/" */
};

int hostroot_init(struct hostroot *hr, const char *root);
int hostroot_is_slash(const struct hostroot *hr);
/* What to print before a host path in messages: "" for "/", else the root. */
const char *hostroot_prefix(const struct hostroot *hr);

/* How the host names a path this process opened: the host root's prefix
 * removed when the path lies under it ("/host/boot/x" -> "/boot/x"), else
 * the path unchanged (a volume, cache or bank the operator mounted, or a
 * runtime /proc or /sys file, which the host names the same). Messages
 * and the manifest name paths this way, so one convention holds. */
const char *hostroot_host_view(const struct hostroot *hr, const char *path);

/* out = root + host_path, with no symlink resolution. */
int hostroot_path(const struct hostroot *hr, const char *host_path, char out[PATH_MAX]);

/* Resolves host_path as the host would see it, following every symlink
 * inside the host root: absolute targets are re-rooted, relative ones
 * resolved against their directory. Returns the resolved host path (not
 * prefixed) in ret_host_path.
 * Errors: -ENOENT missing, -ELOOP symlink loop, -EXDEV a ".." that would
 * climb above the host root, -ENAMETOOLONG. */
int hostroot_resolve(const struct hostroot *hr, const char *host_path, char ret_host_path[PATH_MAX]);

/* Opens host_path as the host would see it, confined to the host root
 * (util/confine.h, CONFINE_IN_ROOT): no symlink or ".." leads outside.
 * Opened with O_NONBLOCK, so a FIFO where a file was expected cannot hang
 * the open: check with fstat what was opened. Returns an fd or a negative
 * errno. */
int hostroot_open(const struct hostroot *hr, const char *host_path, int flags);

/* An O_PATH directory fd of the host root itself, for callers that open
 * many host paths with confine_open(fd, path, ..., CONFINE_IN_ROOT). */
int hostroot_open_root(const struct hostroot *hr);

/* The same for a kernel runtime file (/proc, /sys): under the host root
 * when it is there, else this process's own, which describes the same
 * running kernel inside a container. */
int hostroot_open_runtime(const struct hostroot *hr, const char *path, int flags);

/* Kernel runtime files (/proc, /sys): read under the host root when the
 * host root carries them, else from this process's own /proc and /sys,
 * which describe the same running kernel inside a container. */
int hostroot_runtime_path(const struct hostroot *hr, const char *path, char out[PATH_MAX]);

#endif
