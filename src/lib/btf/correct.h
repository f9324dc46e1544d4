/* The BTF correction of a header tree: every struct and union of the
 * closure of roots that the tree defines is rewritten so that each member
 * sits where the kernel's BTF says, in the tree's own files (each written
 * anew, so a tree hardlinked from a bank leaves the bank untouched). */
#ifndef PH_BTF_CORRECT_H
#define PH_BTF_CORRECT_H

#include "lib/btf/report.h"

#include <stddef.h>

struct btf;

/* The structs probes commonly read (issue 11); their by-value closure
 * follows. */
extern const char *const btf_default_roots[];
extern const size_t btf_default_roots_count;

/* Rewrites tree (with arch/<arch>/include) from btf. rep is filled (the
 * caller frees it with btf_report_free); why says what failed. */
int btf_correct_tree(const char *tree, const char *arch, const struct btf *btf, const char *const *roots,
		     size_t n_roots, struct btf_report *rep, char *why, size_t whylen);

#endif
