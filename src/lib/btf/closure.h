/* Which definitions to rewrite: the named roots and, recursively, every
 * struct, union or typedef'd anonymous struct they embed by value that
 * the tree defines, since an embedded type of the wrong size moves every
 * member after it. */
#ifndef PH_BTF_CLOSURE_H
#define PH_BTF_CLOSURE_H

#include "lib/btf/csource.h"
#include "lib/btf/report.h"
#include "lib/btf/treeindex.h"

#include <linux/types.h>
#include <stddef.h>

struct btf;

struct plan_entry {
	__u32 id;                 /* the BTF struct or union */
	char name[CS_NAME_MAX];   /* its tag, or the typedef name of an anonymous one */
	int is_union, is_typedef;
	const char *const *files; /* where the tree defines it (in the index) */
	size_t n_files;
};

struct plan {
	struct plan_entry *v;
	size_t n, cap;
};

int closure_build(const struct btf *btf, const struct tree_index *ti, const char *const *roots, size_t n_roots,
		  struct plan *out, struct btf_report *rep);
const struct plan_entry *plan_find(const struct plan *p, __u32 id);
void plan_free(struct plan *p);

/* id without const/volatile/restrict/type tags. */
__u32 btfx_skip_mods(const struct btf *btf, __u32 id);

#endif
