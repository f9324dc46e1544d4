// Records task_struct->real_parent->tgid for each calling process.
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

BPF_HASH(parents, u32, u32);

TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	u32 ppid = task->real_parent->tgid;

	parents.update(&tgid, &ppid);
	return 0;
}
