/* Running the bundled probes against ground truth: a forked child calls
 * getppid() a known number of times; what the probes saw must equal the
 * count, the child's start time from /proc/<pid>/stat and its real
 * parent. */
#ifndef PHR_GROUNDTRUTH_H
#define PHR_GROUNDTRUTH_H

struct report;

/* Compiles, loads and attaches bpf_dir's probes against tree, triggers
 * them and compares. Results go into r (checks, mismatches,
 * compile_failed, cannot_validate). */
void groundtruth_run(const char *tree, const char *bpf_dir, int triggers, struct report *r);

/* Field 22 of /proc/<pid>/stat: start time in clock ticks after boot. */
int groundtruth_proc_starttime(int pid, unsigned long long *ret);

#endif
