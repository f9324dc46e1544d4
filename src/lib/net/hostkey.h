/* A keyring file of the host, opened confined to the host root (a path
 * with "..", or a link to a key the host does not trust, finds nothing
 * outside it) and named by its fd, so the verifier reads exactly the
 * file opened here. Shared by the apt and rpm repository readers. */
#ifndef PH_HOSTKEY_H
#define PH_HOSTKEY_H

#include <limits.h>

struct hostroot;

/* Opens host_path under hr: out gets "/proc/self/fd/N" for the verifier,
 * name the path to show in messages, *ret_fd the fd (the caller closes
 * it). -EINVAL for anything but a regular file. */
int hostkey_open(const struct hostroot *hr, const char *host_path, char out[PATH_MAX], char name[PATH_MAX],
		 int *ret_fd);

#endif
