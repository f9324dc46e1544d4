#include "truthcheck.h"

#include "report.h"

#include <arpa/inet.h>
#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int truth_proc_stat_field(int pid, int field, unsigned long long *ret)
{
	char path[64], buf[4096], *p;
	FILE *f;
	size_t n;
	int at;

	if (field < 3)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The name in parentheses may hold anything: count from the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	for (at = 3; at <= field; at++) {
		char *end;
		unsigned long long v;

		while (*p == ' ')
			p++;
		if (at == field) {
			errno = 0;
			v = strtoull(p, &end, 10);
			if (end == p || errno)
				return -EINVAL;
			*ret = v;
			return 0;
		}
		while (*p && *p != ' ' && *p != '\n')
			p++;
		if (!*p || *p == '\n')
			return -EINVAL;
	}
	return -EINVAL;
}

/* The child's entry of a map keyed by TGID, into val. */
static int lookup_child(void *mod, const char *map, uint32_t child, void *val)
{
	int fd = bpf_table_fd(mod, map);

	if (fd < 0 || bpf_lookup_elem(fd, &child, val) < 0)
		return -ENOENT;
	return 0;
}

void truthcheck_count(void *mod, const struct truth_ctx *c, struct report *r)
{
	uint64_t v = 0;

	if (lookup_child(mod, "counts", c->child, &v) < 0)
		report_check(r, "count", CHECK_FAIL, "no count for the child (TGID %u), %d calls made", c->child, c->n);
	else if (v != (uint64_t)c->n)
		report_check(r, "count", CHECK_FAIL, "the probe counted %llu calls, the child made %d", (unsigned long long)v,
			     c->n);
	else
		report_check(r, "count", CHECK_OK, "%d calls counted for TGID %u", c->n, c->child);
}

void truthcheck_start_time(void *mod, const struct truth_ctx *c, struct report *r)
{
	struct start_key {
		uint32_t tgid;
		uint64_t start_time;
	} key, next, *prev = NULL;
	int fd = bpf_table_fd(mod, "counts");
	unsigned long long proc_ticks, ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t v = 0, seen = 0;
	int found = 0;

	if (truth_proc_stat_field((int)c->child_here, 22, &proc_ticks) < 0) {
		report_check(r, "start_time", CHECK_SKIP, "cannot read /proc/%u/stat", c->child_here);
		return;
	}
	while (bpf_get_next_key(fd, prev, &next) == 0) {
		if (next.tgid == c->child && bpf_lookup_elem(fd, &next, &v) == 0) {
			found++;
			seen += v;
			ticks = next.start_time / (1000000000ULL / (unsigned long long)hz);
		}
		key = next;
		prev = &key;
	}
	if (!found) {
		report_check(r, "start_time", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "task_struct.start_time");
		return;
	}
	if (found > 1 || seen != (uint64_t)c->n || ticks + 1 < proc_ticks || ticks > proc_ticks + 1) {
		report_check(r, "start_time", CHECK_FAIL,
			     "task_struct->group_leader->start_time read as %llu ticks after boot; /proc/%u/stat says %llu "
			     "(%d key(s), %llu calls)", ticks, c->child_here, proc_ticks, found, (unsigned long long)seen);
		report_mismatch(r, "task_struct.start_time");
		return;
	}
	report_check(r, "start_time", CHECK_OK, "group leader start time %llu ticks after boot, as /proc/%u/stat says",
		     ticks, c->child_here);
}

void truthcheck_parent(void *mod, const struct truth_ctx *c, struct report *r)
{
	uint32_t ppid = 0;

	if (lookup_child(mod, "parents", c->child, &ppid) < 0) {
		report_check(r, "real_parent", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "task_struct.real_parent");
	} else if (ppid != c->runner) {
		report_check(r, "real_parent", CHECK_FAIL, "task_struct->real_parent->tgid read as %u, the real parent is %u",
			     ppid, c->runner);
		report_mismatch(r, "task_struct.real_parent");
	} else {
		report_check(r, "real_parent", CHECK_OK, "real parent %u", ppid);
	}
}

void truthcheck_arg_start(void *mod, const struct truth_ctx *c, struct report *r)
{
	unsigned long long want;
	uint64_t got = 0;

	if (truth_proc_stat_field((int)c->child_here, 48, &want) < 0) {
		report_check(r, "arg_start", CHECK_SKIP, "cannot read field 48 (arg_start) of /proc/%u/stat", c->child_here);
		return;
	}
	if (lookup_child(mod, "arg_starts", c->child, &got) < 0) {
		report_check(r, "arg_start", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "mm_struct.arg_start");
	} else if (got != want) {
		report_check(r, "arg_start", CHECK_FAIL, "current->mm->arg_start read as 0x%llx; /proc/%u/stat says 0x%llx",
			     (unsigned long long)got, c->child_here, want);
		report_mismatch(r, "mm_struct.arg_start");
	} else {
		report_check(r, "arg_start", CHECK_OK, "mm->arg_start 0x%llx, as /proc/%u/stat says", want, c->child_here);
	}
}

void truthcheck_file_pos(void *mod, const struct truth_ctx *c, struct report *r)
{
	struct {
		uint64_t calls;
		int64_t pos;
	} v;

	if (c->t.file_err || c->t.file_fd < 0) {
		report_check(r, "f_pos", CHECK_SKIP, "the child could not seek a memfd: %s", strerror(c->t.file_err));
		return;
	}
	if (lookup_child(mod, "positions", c->child, &v) < 0) {
		report_check(r, "f_pos", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "file.f_pos");
	} else if (v.pos != c->t.pos || v.calls != (uint64_t)c->n) {
		report_check(r, "f_pos", CHECK_FAIL,
			     "current->files->fdt->fd[%d]->f_pos read as %lld; lseek(%d, 0, SEEK_CUR) says %lld "
			     "(%llu of %d calls seen)", c->t.file_fd, (long long)v.pos, c->t.file_fd, (long long)c->t.pos,
			     (unsigned long long)v.calls, c->n);
		report_mismatch(r, "file.f_pos");
	} else {
		report_check(r, "f_pos", CHECK_OK, "fd %d at offset %lld, as lseek(%d, 0, SEEK_CUR) says (%d calls)",
			     c->t.file_fd, (long long)v.pos, c->t.file_fd, c->n);
	}
}

void truthcheck_inode(void *mod, const struct truth_ctx *c, struct report *r)
{
	struct {
		uint64_t calls;
		uint64_t ino;
	} v;

	if (c->t.file_err || c->t.file_fd < 0) {
		report_check(r, "i_ino", CHECK_SKIP, "the child could not make a memfd: %s", strerror(c->t.file_err));
		return;
	}
	if (lookup_child(mod, "inodes", c->child, &v) < 0) {
		report_check(r, "i_ino", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "inode.i_ino");
	} else if (v.ino != c->t.ino || v.calls != (uint64_t)c->n) {
		report_check(r, "i_ino", CHECK_FAIL,
			     "current->files->fdt->fd[%d]->f_inode->i_ino read as %llu; fstat(%d) says st_ino %llu "
			     "(%llu of %d calls seen)", c->t.file_fd, (unsigned long long)v.ino, c->t.file_fd,
			     (unsigned long long)c->t.ino, (unsigned long long)v.calls, c->n);
		report_mismatch(r, "inode.i_ino");
	} else {
		report_check(r, "i_ino", CHECK_OK, "fd %d has inode %llu, as fstat(%d) says (%d calls)", c->t.file_fd,
			     (unsigned long long)v.ino, c->t.file_fd, c->n);
	}
}

void truthcheck_tcp_ports(void *mod, const struct truth_ctx *c, struct report *r)
{
	struct {
		uint64_t calls;
		uint16_t num;   /* host order */
		uint16_t dport; /* network order, as the kernel keeps it */
	} v;
	unsigned dport;

	if (c->t.sock_err || c->t.sock_fd < 0) {
		report_check(r, "tcp_ports", CHECK_SKIP, "no TCP connection over loopback: %s", strerror(c->t.sock_err));
		return;
	}
	if (lookup_child(mod, "ports", c->child, &v) < 0) {
		report_check(r, "tcp_ports", CHECK_FAIL, "no entry for the child (TGID %u)", c->child);
		report_mismatch(r, "sock_common.skc_num");
		return;
	}
	dport = ntohs(v.dport);
	if (v.num != c->t.lport || dport != c->t.rport || v.calls != (uint64_t)c->n) {
		report_check(r, "tcp_ports", CHECK_FAIL,
			     "socket fd %d: sk->__sk_common.skc_num read as %u and skc_dport as %u; getsockname() says "
			     "local port %u, getpeername() remote port %u (%llu of %d calls seen)", c->t.sock_fd, v.num, dport,
			     c->t.lport, c->t.rport, (unsigned long long)v.calls, c->n);
		if (v.num != c->t.lport)
			report_mismatch(r, "sock_common.skc_num");
		if (dport != c->t.rport)
			report_mismatch(r, "sock_common.skc_dport");
		if (v.num == c->t.lport && dport == c->t.rport)
			report_mismatch(r, "sock_common.skc_num");
		return;
	}
	report_check(r, "tcp_ports", CHECK_OK,
		     "socket fd %d: local port %u, remote port %u, as getsockname() and getpeername() say (%d calls)",
		     c->t.sock_fd, v.num, dport, c->n);
}
