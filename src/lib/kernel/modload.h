/* Loading (and unloading) a kernel module through libkmod, with the
 * module directory and modprobe configuration under the host root, so
 * blacklists and dependencies are the host's own. */
#ifndef PH_MODLOAD_H
#define PH_MODLOAD_H

#include <stddef.h>

struct hostroot;

/* Checks that name could be loaded: the module exists in the host's
 * module directory for release, the kernel has module support, and this
 * process holds CAP_SYS_MODULE. 0, or a negative errno with why:
 * -ENOENT not found or blacklisted, -ENOSYS no module support,
 * -EPERM no CAP_SYS_MODULE. */
int modload_check(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen);

/* Loads name with modprobe semantics (blacklist applied, dependencies
 * first). *ret_loaded is 1 when this call loaded it, 0 when it was
 * already loaded. */
int modload_insert(const struct hostroot *hr, const char *release, const char *name, int *ret_loaded, char *why,
		   size_t whylen);

int modload_remove(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen);

#endif
