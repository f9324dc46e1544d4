/* Reading the kernel's configuration from its config source, gzipped
 * (/proc/config.gz) or plain (/boot/config-<release>), always through
 * the host root's confinement (a config symlinked out of the host root,
 * to /proc/self/environ say, is never read). */
#ifndef PH_CONFIGSRC_H
#define PH_CONFIGSRC_H

#include <stddef.h>

struct hostroot;
struct kernel_info;

/* Reads the whole config of k (at most 64 MiB) into a NUL-terminated
 * buffer the caller frees. -ENOENT without a config source, -EILSEQ for a
 * corrupt gzip stream, -EBADMSG for a config with NUL bytes in it. */
int configsrc_read(const struct hostroot *hr, const struct kernel_info *k, char **ret_text, size_t *ret_len);

/* The same from an open file, gzipped or plain (told by its content);
 * takes fd and closes it. */
int configsrc_read_fd(int fd, char **ret_text, size_t *ret_len);

#endif
