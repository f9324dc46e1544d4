// Maps each caller's TGID as the runner's PID namespace numbers it to the
// TGID the kernel (and every other probe) uses, so ground truth taken in
// a pod without hostPID names the same process. Reads no kernel struct:
// bpf_get_ns_current_pid_tgid (kernel 5.7) does the translation. The
// runner writes its namespace's device and inode into `pidns` first.
#include <uapi/linux/ptrace.h>

BPF_ARRAY(pidns, u64, 2);
BPF_HASH(global_tgid, u32, u32);

TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	u32 dev_slot = 0, ino_slot = 1;
	u64 *dev = pidns.lookup(&dev_slot), *ino = pidns.lookup(&ino_slot);
	struct bpf_pidns_info ns = {};
	u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!dev || !ino || !*ino)
		return 0;
	if (bpf_get_ns_current_pid_tgid(*dev, *ino, &ns, sizeof(ns)) == 0) {
		u32 ns_tgid = ns.tgid;

		global_tgid.update(&ns_tgid, &tgid);
	}
	return 0;
}
