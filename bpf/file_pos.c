// For lseek(fd, 0, SEEK_CUR): the file's position read through
// current->files->fdt->fd[fd]->f_pos before the call, per process, with
// the number of such calls. The calling process's lseek() says the same.
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/fdtable.h>
#include <linux/fs.h>

struct pos_t {
	u64 calls;
	s64 pos;
};

BPF_HASH(positions, u32, struct pos_t);

TRACEPOINT_PROBE(syscalls, sys_enter_lseek)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct file **fds = task->files->fdt->fd;
	struct file *f = NULL;
	struct pos_t zero = {}, *v;
	loff_t pos = -1;

	if (args->whence != 1) /* SEEK_CUR */
		return 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[args->fd]);
	if (f)
		bpf_probe_read_kernel(&pos, sizeof(pos), &f->f_pos);
	v = positions.lookup_or_try_init(&tgid, &zero);
	if (v) {
		v->calls++;
		v->pos = pos;
	}
	return 0;
}
