/* Where a header tree defines each struct, union and typedef'd struct:
 * one scan of include/ and arch/<arch>/include, so the correction knows
 * which types the tree has and which file to rewrite. */
#ifndef PH_BTF_TREEINDEX_H
#define PH_BTF_TREEINDEX_H

#include <stddef.h>

struct tree_index;

/* Keys are "struct NAME", "union NAME" or "typedef NAME". */
int ti_build(const char *tree, const char *arch, struct tree_index **ret);
void ti_free(struct tree_index *ti);
/* How many files define key; *ret_files points into the index. */
size_t ti_lookup(const struct tree_index *ti, const char *key, const char *const **ret_files);
/* Headers scanned. */
size_t ti_file_count(const struct tree_index *ti);

#endif
