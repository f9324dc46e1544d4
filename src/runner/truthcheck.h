/* What each bundled probe read, against ground truth from outside the
 * probes: the child's system calls, /proc/<pid>/stat, the runner's PID.
 * Each check is one line with both values; a wrong value also names the
 * member read last as a mismatch. */
#ifndef PHR_TRUTHCHECK_H
#define PHR_TRUTHCHECK_H

#include "truthchild.h"

#include <stdint.h>

struct report;

struct truth_ctx {
	uint32_t child;      /* the child's TGID as the kernel numbers it: the probes' map key */
	uint32_t child_here; /* the same in the runner's PID namespace: its /proc entry */
	uint32_t runner;     /* its real parent, the kernel's TGID of this runner */
	int n;           /* how many times it made each call */
	struct child_truth t;
};

typedef void truth_check_fn(void *mod, const struct truth_ctx *c, struct report *r);

truth_check_fn truthcheck_count, truthcheck_start_time, truthcheck_parent, truthcheck_arg_start, truthcheck_file_pos,
	truthcheck_inode, truthcheck_tcp_ports;

/* Field `field` (1-based, as proc(5) numbers them) of /proc/<pid>/stat. */
int truth_proc_stat_field(int pid, int field, unsigned long long *ret);

#endif
