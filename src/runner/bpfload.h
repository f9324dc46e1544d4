/* Loading and attaching compiled BCC programs, with the verifier's log on
 * refusal and a plain reason when this process may not do it. */
#ifndef PHR_BPFLOAD_H
#define PHR_BPFLOAD_H

#include <stddef.h>

struct report;

struct attached {
	int prog_fd;
	int link_fd; /* perf event of the tracepoint or kprobe, -1 if not attached */
};

/* Loads function fn of mod as a program of the type its name implies
 * (tracepoint__cat__name, kprobe__fn, kretprobe__fn) and attaches it.
 * Reports the load and attach checks under label. Returns 0, -EPERM or
 * -ENOENT (cannot validate here: r says why), -EINVAL (the verifier
 * refused: its log is in the report), -ENOTSUP (no attach point named:
 * loaded only). */
int bpf_load_and_attach(void *mod, const char *fn, const char *label, struct report *r, struct attached *ret);
void bpf_detach(struct attached *a);

/* tracefs at /sys/kernel/tracing or /sys/kernel/debug/tracing; else
 * mounted at /sys/kernel/tracing when this process may (CAP_SYS_ADMIN),
 * saying so in one line. BCC reads a tracepoint's format from it when it
 * compiles TRACEPOINT_PROBE, so this comes before any compile. Returns 0,
 * or the mount's -errno with r's cannot-validate reason saying how to
 * mount it. */
int bpf_ensure_tracefs(struct report *r);

#endif
