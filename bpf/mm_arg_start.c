// Records current->mm->arg_start (where the command line starts in the
// process's memory) for each calling process; /proc/<pid>/stat gives the
// same address as its field 48.
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/mm_types.h>

BPF_HASH(arg_starts, u32, u64);

TRACEPOINT_PROBE(syscalls, sys_enter_getppid)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	u64 start = task->mm->arg_start;

	arg_starts.update(&tgid, &start);
	return 0;
}
