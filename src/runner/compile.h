/* Compiling BCC C against a header tree with libbcc. */
#ifndef PHR_COMPILE_H
#define PHR_COMPILE_H

#include <stddef.h>

/* The tree every later runner_compile uses: libbcc reads it from
 * BCC_KERNEL_SOURCE, so this sets (or, for NULL, unsets, leaving BCC its
 * own lookup) that variable once, before any compile. */
int runner_set_tree(const char *tree);

/* Compiles text against the tree runner_set_tree chose. On failure, diag
 * holds the compiler's first error lines. Errors: -EINVAL the program
 * does not compile; -EPERM it compiled but BCC could not create its maps
 * (no privilege for BPF). */
int runner_compile(const char *text, void **ret_mod, char *diag, size_t diaglen);

/* The same; when it does not compile and ret_log is not NULL, *ret_log
 * (freed by the caller) holds every error the compiler gave. */
int runner_compile_log(const char *text, void **ret_mod, char *diag, size_t diaglen, char **ret_log);

/* Reads a whole file; the caller frees. */
int runner_read_file(const char *path, char **ret);

#endif
