#include "groundtruth.h"

#include "bpfload.h"
#include "compile.h"
#include "pidns.h"
#include "report.h"
#include "truthcheck.h"
#include "truthchild.h"

#include <bcc/bcc_common.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Each bundled probe (one tracepoint function each) and the check of
 * what it read. Documented in bpf/README.md. */
static const struct {
	const char *file;
	truth_check_fn *check;
} probes[] = {
	{ "count_by_tgid.c", truthcheck_count },     { "count_by_start_time.c", truthcheck_start_time },
	{ "real_parent.c", truthcheck_parent },       { "mm_arg_start.c", truthcheck_arg_start },
	{ "file_pos.c", truthcheck_file_pos },        { "inode_ino.c", truthcheck_inode },
	{ "tcp_ports.c", truthcheck_tcp_ports },
};
#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

/* The kernel's TGIDs of the child and of this runner (which called
 * getppid() once itself for this); 0 after saying why they are unknown. */
static int kernel_tgids(const struct pidns_map *ns, pid_t child, uint32_t *ret_child, uint32_t *ret_self)
{
	return pidns_global(ns, (uint32_t)child, ret_child) == 0 && pidns_global(ns, (uint32_t)getpid(), ret_self) == 0;
}

static void trigger_and_compare(void *mods[N_PROBES], const struct pidns_map *ns, int n, struct report *r)
{
	struct truth_ctx c = { .n = n };
	struct truth_child child;
	int status, ret;
	size_t i;

	syscall(SYS_getppid); /* so pid_ns.c maps this runner too */
	ret = truthchild_spawn(n, &child);
	if (ret < 0) {
		report_cannot_validate(r, "cannot fork a child: %s", strerror(-ret));
		return;
	}
	c.child_here = (uint32_t)child.pid;
	if (truthchild_run(&child, &c.t) < 0) {
		report_cannot_validate(r, "the child did not run");
	} else if (!kernel_tgids(ns, child.pid, &c.child, &c.runner)) {
		report_cannot_validate(r, "the kernel's process IDs of the runner and its child %d are unknown: "
					  "bpf/pid_ns.c saw no call", (int)child.pid);
	} else {
		report_check(r, "trigger", CHECK_OK, "child %d called getppid(), lseek(), fstat() and getsockname() %d times each",
			     (int)child.pid, n);
		r->truth_checked = 1;
		if (c.child != c.child_here)
			report_check(r, "pid namespace", CHECK_OK, "child %d here is %u to the kernel, this runner %d is %u",
				     (int)child.pid, c.child, (int)getpid(), c.runner);
		for (i = 0; i < N_PROBES; i++)
			if (mods[i])
				probes[i].check(mods[i], &c, r);
	}
	ret = truthchild_finish(&child, &status);
	if (ret < 0)
		report_check(r, "trigger", CHECK_SKIP, "cannot wait for child %d: %s", (int)child.pid, strerror(-ret));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		report_check(r, "trigger", CHECK_SKIP, "child %d ended with status 0x%x", (int)child.pid, (unsigned)status);
}

/* Compiles probe i into mods[i]. A probe that does not compile is a
 * failed check and is left out; -EPERM (no privilege for BPF) ends the
 * run: nothing else could load either. */
static int compile_probe(const char *tree, const char *bpf_dir, size_t i, void **mod, struct report *r)
{
	char path[4096], diag[4096], label[64];
	char *text = NULL;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", bpf_dir, probes[i].file);
	snprintf(label, sizeof(label), "compile %s", probes[i].file);
	if ((ret = runner_read_file(path, &text)) < 0) {
		report_check(r, label, CHECK_FAIL, "cannot read %s: %s", path, strerror(-ret));
		r->compile_failed = 1;
		return 0;
	}
	ret = runner_compile(text, mod, diag, sizeof(diag));
	free(text);
	if (ret == -EPERM) {
		report_cannot_validate(r, "BCC cannot create BPF maps: the container needs CAP_BPF (or CAP_SYS_ADMIN)");
		report_check(r, label, CHECK_SKIP, "%s", diag);
		return -EPERM;
	}
	if (ret < 0) {
		report_check(r, label, CHECK_FAIL, "%s does not compile against %s:\n%s", probes[i].file, tree, diag);
		r->compile_failed = 1;
		*mod = NULL;
		return 0;
	}
	report_check(r, label, CHECK_OK, "compiled against %s", tree);
	return 0;
}

void groundtruth_run(const char *tree, const char *bpf_dir, int triggers, struct report *r)
{
	void *mods[N_PROBES] = { NULL };
	struct attached att[N_PROBES];
	struct pidns_map ns;
	size_t i;
	int ok = 1, any = 0;

	for (i = 0; i < N_PROBES; i++)
		att[i].prog_fd = att[i].link_fd = -1;
	for (i = 0; ok && i < N_PROBES; i++)
		if (compile_probe(tree, bpf_dir, i, &mods[i], r) < 0)
			ok = 0;
	for (i = 0; ok && i < N_PROBES; i++) {
		char label[64];
		int ret;

		if (!mods[i])
			continue;
		snprintf(label, sizeof(label), "load %s", probes[i].file);
		ret = bpf_num_functions(mods[i]) == 1
			      ? bpf_load_and_attach(mods[i], bpf_function_name(mods[i], 0), label, r, &att[i])
			      : -EINVAL;
		if (ret == -EINVAL) {
			/* The verifier refused it (a failed check already): the
			 * tree gives code that cannot run; the others still run. */
			r->compile_failed = 1;
			bpf_module_destroy(mods[i]);
			mods[i] = NULL;
		} else if (ret < 0) {
			ok = 0; /* cannot validate here: the report says why */
		}
	}
	for (i = 0; i < N_PROBES; i++)
		any |= mods[i] != NULL;
	if (ok && any && pidns_open(&ns, bpf_dir, r) == 0) {
		trigger_and_compare(mods, &ns, triggers, r);
		pidns_close(&ns);
	}
	for (i = 0; i < N_PROBES; i++) {
		bpf_detach(&att[i]);
		if (mods[i])
			bpf_module_destroy(mods[i]);
	}
}
