/* The BTF cross-check: the offsets and sizes of struct members as
 * compiled against the tree, against the running kernel's BTF. Needs no
 * BPF privilege: the offsets come out of compiled (never loaded) code. */
#ifndef PHR_BTFCHECK_H
#define PHR_BTFCHECK_H

#include <stddef.h>

struct report;

struct member_ref {
	char type[64];   /* "task_struct" */
	char member[128]; /* "start_time", or a nested path "__sk_common.skc_dport" */
};

/* The members the bundled probes read. */
extern const struct member_ref runner_probe_members[];
extern const size_t runner_probe_members_count;

/* Compares every member; adds one BTF row per member to r and a mismatch
 * for each that differs. Returns the number of mismatches, or a negative
 * errno (-ENOENT: no BTF; -EINVAL: the offsets program did not compile). */
int btf_cross_check(const char *tree, const char *btf_path, const struct member_ref *m, size_t n,
		    const char *includes, struct report *r);

/* Finds "struct T *v" declarations and "v->member" uses in BCC C source:
 * the members a user probe reads. Returns how many were stored. */
size_t btf_members_in_source(const char *text, struct member_ref *out, size_t max);

#endif
