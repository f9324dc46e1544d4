/* Running the bundled probes against ground truth: a forked child makes
 * system calls a known number of times (see truthchild.h); what the
 * probes read must equal what those calls, /proc/<pid>/stat and the
 * runner's own PID say (truthcheck.h). */
#ifndef PHR_GROUNDTRUTH_H
#define PHR_GROUNDTRUTH_H

struct report;

/* Compiles, loads and attaches bpf_dir's probes against tree, triggers
 * them and compares. A probe that does not compile or load is a failed
 * check and the others still run. Results go into r (checks,
 * mismatches, compile_failed, cannot_validate). */
void groundtruth_run(const char *tree, const char *bpf_dir, int triggers, struct report *r);

#endif
