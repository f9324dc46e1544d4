/* BCC force-includes its own (older) uapi/linux/bpf.h, with the same
 * include guard as the tree's: the tree's is then skipped, and kernel
 * headers of newer trees (net/sock.h, linux/filter.h, ...) miss what only
 * the newer one declares. The tree's copy is rewritten so that, when
 * another copy came first, its declarations follow under names of their
 * own (every tag and enumerator renamed by #define), which compile beside
 * the older ones; alone, it is what it was. */
#ifndef PH_BCCFIX_UAPIBPF_H
#define PH_BCCFIX_UAPIBPF_H

#include <stddef.h>

/* Rewrites <tree>/include/uapi/linux/bpf.h (a new file renamed over it).
 * *ret_names: how many names it renames; 0 and nothing written when the
 * tree has no such header or it is already rewritten. */
int bccfix_uapi_bpf(const char *tree, size_t *ret_names, char *why, size_t whylen);

#endif
