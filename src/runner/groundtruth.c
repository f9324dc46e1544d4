#include "groundtruth.h"

#include "bpfload.h"
#include "compile.h"
#include "pidns.h"
#include "report.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FN "tracepoint__syscalls__sys_enter_getppid"

enum { P_COUNT, P_START, P_PARENT, N_PROBES };
static const char *const probe_files[N_PROBES] = { "count_by_tgid.c", "count_by_start_time.c", "real_parent.c" };

struct start_key {
	uint32_t tgid;
	uint64_t start_time;
};

int groundtruth_proc_starttime(int pid, unsigned long long *ret)
{
	char path[64], buf[2048], *p;
	FILE *f;
	size_t n;
	int field;

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
	for (field = 3; field <= 22; field++) {
		char *end;
		unsigned long long v;

		while (*p == ' ')
			p++;
		v = strtoull(p, &end, 10);
		if (field == 22) {
			if (end == p)
				return -EINVAL;
			*ret = v;
			return 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -EINVAL;
}

static void close_pipe(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* The child: waits for "go", calls getppid() n times, says "done", waits
 * to be told to exit (so its /proc entry stays readable). Returns its pid
 * with the parent's ends in to_child[1] and from_child[0], or -errno with
 * every descriptor closed. */
static pid_t spawn_child(int n, int to_child[2], int from_child[2])
{
	pid_t pid;
	int err;

	if (pipe2(to_child, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		err = errno;
		close_pipe(to_child);
		return -err;
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		close_pipe(to_child);
		close_pipe(from_child);
		return -err;
	}
	if (pid == 0) {
		char c;
		int i;

		close(to_child[1]);
		close(from_child[0]);
		if (read(to_child[0], &c, 1) != 1)
			_exit(1);
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		if (write(from_child[1], "d", 1) != 1)
			_exit(1);
		if (read(to_child[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	return pid;
}

static void check_count(void *mod, uint32_t child, int n, struct report *r)
{
	int fd = bpf_table_fd(mod, "counts");
	uint64_t v = 0;

	if (bpf_lookup_elem(fd, &child, &v) < 0)
		report_check(r, "count", CHECK_FAIL, "no count for the child (TGID %u), %d calls made", child, n);
	else if (v != (uint64_t)n)
		report_check(r, "count", CHECK_FAIL, "the probe counted %llu calls, the child made %d", (unsigned long long)v, n);
	else
		report_check(r, "count", CHECK_OK, "%d calls counted for TGID %u", n, child);
}

/* child is the kernel's TGID (the maps' key), child_here this namespace's
 * number for it (/proc's). */
static void check_start_time(void *mod, uint32_t child, uint32_t child_here, int n, struct report *r)
{
	int fd = bpf_table_fd(mod, "counts");
	struct start_key key, next, *prev = NULL;
	unsigned long long proc_ticks, ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t v = 0, seen = 0;
	int found = 0;

	if (groundtruth_proc_starttime((int)child_here, &proc_ticks) < 0) {
		report_check(r, "start_time", CHECK_SKIP, "cannot read /proc/%u/stat", child_here);
		return;
	}
	while (bpf_get_next_key(fd, prev, &next) == 0) {
		if (next.tgid == child && bpf_lookup_elem(fd, &next, &v) == 0) {
			found++;
			seen += v;
			ticks = next.start_time / (1000000000ULL / (unsigned long long)hz);
		}
		key = next;
		prev = &key;
	}
	if (!found) {
		report_check(r, "start_time", CHECK_FAIL, "no entry for the child (TGID %u)", child);
		report_mismatch(r, "task_struct.start_time");
		return;
	}
	if (found > 1 || seen != (uint64_t)n || ticks + 1 < proc_ticks || ticks > proc_ticks + 1) {
		report_check(r, "start_time", CHECK_FAIL,
			     "task_struct->group_leader->start_time read as %llu ticks after boot; /proc/%u/stat says %llu "
			     "(%d key(s), %llu calls)", ticks, child_here, proc_ticks, found, (unsigned long long)seen);
		report_mismatch(r, "task_struct.start_time");
		return;
	}
	report_check(r, "start_time", CHECK_OK, "group leader start time %llu ticks after boot, as /proc/%u/stat says", ticks,
		     child_here);
}

/* child and parent: the kernel's TGIDs of the child and of this runner. */
static void check_parent(void *mod, uint32_t child, uint32_t parent, struct report *r)
{
	int fd = bpf_table_fd(mod, "parents");
	uint32_t ppid = 0, want = parent;

	if (bpf_lookup_elem(fd, &child, &ppid) < 0) {
		report_check(r, "real_parent", CHECK_FAIL, "no entry for the child (TGID %u)", child);
		report_mismatch(r, "task_struct.real_parent");
	} else if (ppid != want) {
		report_check(r, "real_parent", CHECK_FAIL, "task_struct->real_parent->tgid read as %u, the real parent is %u",
			     ppid, want);
		report_mismatch(r, "task_struct.real_parent");
	} else {
		report_check(r, "real_parent", CHECK_OK, "real parent %u", ppid);
	}
}

/* The child's exit status, through EINTR; -errno when it cannot be had. */
static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The kernel's TGIDs of the child and of this runner (which called
 * getppid() once itself for this); 0 after saying why they are unknown. */
static int kernel_tgids(const struct pidns_map *ns, pid_t child, uint32_t *ret_child, uint32_t *ret_self)
{
	return pidns_global(ns, (uint32_t)child, ret_child) == 0 && pidns_global(ns, (uint32_t)getpid(), ret_self) == 0;
}

static void trigger_and_compare(void *mods[N_PROBES], const struct pidns_map *ns, int n, struct report *r)
{
	int to_child[2], from_child[2], status, ret;
	uint32_t child = 0, self = 0;
	pid_t pid;
	char c;

	syscall(SYS_getppid); /* so pid_ns.c maps this runner too */
	pid = spawn_child(n, to_child, from_child);

	if (pid < 0) {
		report_cannot_validate(r, "cannot fork a child: %s", strerror((int)-pid));
		return;
	}
	if (write(to_child[1], "g", 1) != 1 || read(from_child[0], &c, 1) != 1) {
		report_cannot_validate(r, "the child did not run");
	} else if (!kernel_tgids(ns, pid, &child, &self)) {
		report_cannot_validate(r, "the kernel's process IDs of the runner and its child %d are unknown: "
					  "bpf/pid_ns.c saw no call", (int)pid);
	} else {
		report_check(r, "trigger", CHECK_OK, "child %d called getppid() %d times", (int)pid, n);
		r->truth_checked = 1;
		if (child != (uint32_t)pid)
			report_check(r, "pid namespace", CHECK_OK, "child %d here is %u to the kernel, this runner %d is %u",
				     (int)pid, child, (int)getpid(), self);
		check_count(mods[P_COUNT], child, n, r);
		check_start_time(mods[P_START], child, (uint32_t)pid, n, r);
		check_parent(mods[P_PARENT], child, self, r);
	}
	close(to_child[1]); /* the child's read sees EOF and it exits */
	close(from_child[0]);
	ret = wait_child(pid, &status);
	if (ret < 0)
		report_check(r, "trigger", CHECK_SKIP, "cannot wait for child %d: %s", (int)pid, strerror(-ret));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		report_check(r, "trigger", CHECK_SKIP, "child %d ended with status 0x%x", (int)pid, (unsigned)status);
}

void groundtruth_run(const char *tree, const char *bpf_dir, int triggers, struct report *r)
{
	void *mods[N_PROBES] = { NULL };
	struct attached att[N_PROBES];
	struct pidns_map ns;
	int i, ok = 1;

	for (i = 0; i < N_PROBES; i++) {
		char path[4096], diag[4096], label[64];
		char *text = NULL;
		int ret;

		att[i].prog_fd = att[i].link_fd = -1;
		snprintf(path, sizeof(path), "%s/%s", bpf_dir, probe_files[i]);
		snprintf(label, sizeof(label), "compile %s", probe_files[i]);
		if ((ret = runner_read_file(path, &text)) < 0) {
			report_check(r, label, CHECK_FAIL, "cannot read %s: %s", path, strerror(-ret));
			r->compile_failed = 1;
			ok = 0;
			continue;
		}
		ret = runner_compile(text, &mods[i], diag, sizeof(diag));
		free(text);
		if (ret == -EPERM) {
			report_cannot_validate(r, "BCC cannot create BPF maps: the container needs CAP_BPF (or CAP_SYS_ADMIN)");
			report_check(r, label, CHECK_SKIP, "%s", diag);
			ok = 0;
		} else if (ret < 0) {
			report_check(r, label, CHECK_FAIL, "%s does not compile against %s:\n%s", probe_files[i], tree, diag);
			r->compile_failed = 1;
			ok = 0;
		} else {
			report_check(r, label, CHECK_OK, "compiled against %s", tree);
		}
	}
	for (i = 0; ok && i < N_PROBES; i++) {
		char label[64];

		snprintf(label, sizeof(label), "load %s", probe_files[i]);
		if (bpf_load_and_attach(mods[i], FN, label, r, &att[i]) < 0)
			ok = 0;
	}
	if (ok && pidns_open(&ns, bpf_dir, r) == 0) {
		trigger_and_compare(mods, &ns, triggers, r);
		pidns_close(&ns);
	}
	for (i = 0; i < N_PROBES; i++) {
		bpf_detach(&att[i]);
		if (mods[i])
			bpf_module_destroy(mods[i]);
	}
}
