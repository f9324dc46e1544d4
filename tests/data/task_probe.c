/* Reads kernel structs, so it needs real kernel headers to compile. */
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>

BPF_HASH(start_times, u32, u64);

int on_event(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = task->tgid;
	u64 start = task->group_leader->start_time;

	start_times.update(&tgid, &start);
	return 0;
}
