/* The runner's processes as the kernel numbers them. Probes key their
 * maps by the kernel's TGID; inside a pod without hostPID, getpid() and
 * fork() give numbers of the pod's own PID namespace. A probe
 * (bpf/pid_ns.c) translates, so ground truth holds in either place. */
#ifndef PHR_PIDNS_H
#define PHR_PIDNS_H

#include "bpfload.h"

#include <stdint.h>

struct report;

struct pidns_map {
	int initial;       /* the runner is in the initial PID namespace: no translation */
	void *mod;         /* the pid_ns.c probe, when not initial */
	struct attached att;
};

/* Prepares the translation. Returns 0, or a negative errno after saying in
 * r why nothing can be validated here (a PID namespace on a kernel before
 * 5.7 that cannot translate: run with hostPID). */
int pidns_open(struct pidns_map *m, const char *bpf_dir, struct report *r);

/* The kernel's TGID of the process this namespace calls ns_tgid; it must
 * have called getppid() while the map was open. -ENOENT when unseen. */
int pidns_global(const struct pidns_map *m, uint32_t ns_tgid, uint32_t *ret);

void pidns_close(struct pidns_map *m);

#endif
