/* The BTF cross-check of whole structs: every member (through anonymous
 * structs and unions, bitfields aside) of the structs probes commonly
 * read, group by group, so a header that does not compile costs only its
 * own group. */
#ifndef PHR_STRUCTCHECK_H
#define PHR_STRUCTCHECK_H

#include "btfcheck.h"

#include <stddef.h>

struct report;

/* Fills out with every member path of struct type from BTF; how many. */
size_t struct_members_from_btf(const char *btf_path, const char *type, struct member_ref *out, size_t max);

/* Cross-checks the bundled struct groups (or only the structs named in
 * the comma-separated list only, with includes, when both are given). */
void struct_cross_check(const char *tree, const char *btf_path, const char *only, const char *includes,
			struct report *r);

#endif
