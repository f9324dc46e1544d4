/* Compiling BCC C against a header tree with libbcc. */
#ifndef PHR_COMPILE_H
#define PHR_COMPILE_H

#include <stddef.h>

/* Compiles text against tree (BCC_KERNEL_SOURCE). On failure, diag holds
 * the compiler's first error lines. Errors: -EINVAL the program does not
 * compile; -EPERM it compiled but BCC could not create its maps (no
 * privilege for BPF). */
int runner_compile(const char *tree, const char *text, void **ret_mod, char *diag, size_t diaglen);

/* Reads a whole file; the caller frees. */
int runner_read_file(const char *path, char **ret);

#endif
