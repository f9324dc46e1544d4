// Counts getppid() calls per process (TGID). Reads no kernel struct, so
// it validates the toolchain and the tree's basic headers only.
#include <uapi/linux/ptrace.h>

BPF_HASH(counts, u32, u64);

TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	u32 tgid = bpf_get_current_pid_tgid() >> 32;

	counts.increment(tgid);
	return 0;
}
