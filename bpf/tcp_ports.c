// For getsockname(fd) on a TCP socket: its local and remote ports read
// through current->files->fdt->fd[fd]->private_data (the struct socket),
// then ->sk->__sk_common: skc_num (host order) and skc_dport (network
// order, kept as read), per process, with the number of calls.
// getsockname() and getpeername() say the same.
#include <uapi/linux/ptrace.h>
#include <linux/sched.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <net/sock.h>

struct ports_t {
	u64 calls;
	u16 num;   /* skc_num: the local port, host order */
	u16 dport; /* skc_dport: the remote port, network order */
};

BPF_HASH(ports, u32, struct ports_t);

TRACEPOINT_PROBE(syscalls, sys_enter_getsockname)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct file **fds = task->files->fdt->fd;
	struct file *f = NULL;
	struct socket *sock = NULL;
	struct sock *sk = NULL;
	struct ports_t zero = {}, *v;
	u16 num = 0, dport = 0;

	bpf_probe_read_kernel(&f, sizeof(f), &fds[args->fd]);
	if (f)
		bpf_probe_read_kernel(&sock, sizeof(sock), &f->private_data);
	if (sock)
		bpf_probe_read_kernel(&sk, sizeof(sk), &sock->sk);
	if (sk) {
		bpf_probe_read_kernel(&num, sizeof(num), &sk->__sk_common.skc_num);
		bpf_probe_read_kernel(&dport, sizeof(dport), &sk->__sk_common.skc_dport);
	}
	v = ports.lookup_or_try_init(&tgid, &zero);
	if (v) {
		v->calls++;
		v->num = num;
		v->dport = dport;
	}
	return 0;
}
