/* Reading the kernel's configuration from its config source, gzipped
 * (/proc/config.gz) or plain (/boot/config-<release>). */
#ifndef PH_CONFIGSRC_H
#define PH_CONFIGSRC_H

#include <stddef.h>

/* Reads the whole config (at most 64 MiB) into a NUL-terminated buffer
 * the caller frees. -EILSEQ for a corrupt gzip stream. */
int configsrc_read(const char *path, char **ret_text, size_t *ret_len);

#endif
