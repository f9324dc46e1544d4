// For fstat(fd): the inode number read through
// current->files->fdt->fd[fd]->f_inode->i_ino, per process, with the
// number of calls. The st_ino that fstat() returns says the same.
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/fdtable.h>
#include <linux/fs.h>

struct ino_t {
	u64 calls;
	u64 ino;
};

BPF_HASH(inodes, u32, struct ino_t);

TRACEPOINT_PROBE(syscalls, sys_enter_newfstat)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct file **fds = task->files->fdt->fd;
	struct file *f = NULL;
	struct inode *inode = NULL;
	struct ino_t zero = {}, *v;
	unsigned long ino = 0;

	bpf_probe_read_kernel(&f, sizeof(f), &fds[args->fd]);
	if (f)
		bpf_probe_read_kernel(&inode, sizeof(inode), &f->f_inode);
	if (inode)
		bpf_probe_read_kernel(&ino, sizeof(ino), &inode->i_ino);
	v = inodes.lookup_or_try_init(&tgid, &zero);
	if (v) {
		v->calls++;
		v->ino = ino;
	}
	return 0;
}
