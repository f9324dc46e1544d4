#include "pidns.h"

#include "compile.h"
#include "report.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The initial PID namespace's inode number (PROC_PID_INIT_INO), fixed by
 * the kernel since 3.8. */
#define INITIAL_PIDNS_INO 0xEFFFFFFCULL

int pidns_open(struct pidns_map *m, const char *bpf_dir, struct report *r)
{
	char path[4096], diag[4096];
	char *text = NULL;
	struct stat st;
	uint64_t slot_value;
	uint32_t slot;
	int ret, fd;

	memset(m, 0, sizeof(*m));
	m->att.prog_fd = m->att.link_fd = -1;
	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == INITIAL_PIDNS_INO) {
		/* No namespace file (no /proc): the numbers are taken as the
		 * kernel's, as they are on a host. */
		m->initial = 1;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/pid_ns.c", bpf_dir);
	ret = runner_read_file(path, &text);
	if (ret == 0) {
		ret = runner_compile(text, &m->mod, diag, sizeof(diag));
		free(text);
	}
	if (ret == 0)
		ret = bpf_load_and_attach(m->mod, "tracepoint__syscalls__sys_enter_getppid", "load pid_ns.c", r, &m->att);
	if (ret < 0) {
		report_cannot_validate(r, "the runner is in a PID namespace and cannot translate its process IDs to the "
					  "kernel's (bpf_get_ns_current_pid_tgid needs Linux 5.7): run it with hostPID");
		pidns_close(m);
		return ret;
	}
	fd = bpf_table_fd(m->mod, "pidns");
	slot = 0, slot_value = (uint64_t)st.st_dev;
	if (bpf_update_elem(fd, &slot, &slot_value, 0) == 0) {
		slot = 1, slot_value = (uint64_t)st.st_ino;
		if (bpf_update_elem(fd, &slot, &slot_value, 0) == 0)
			return 0;
	}
	ret = -errno;
	report_cannot_validate(r, "cannot fill the PID namespace map: %s", strerror(-ret));
	pidns_close(m);
	return ret;
}

int pidns_global(const struct pidns_map *m, uint32_t ns_tgid, uint32_t *ret)
{
	uint32_t v;

	if (m->initial) {
		*ret = ns_tgid;
		return 0;
	}
	if (bpf_lookup_elem(bpf_table_fd(m->mod, "global_tgid"), &ns_tgid, &v) < 0)
		return -ENOENT;
	*ret = v;
	return 0;
}

void pidns_close(struct pidns_map *m)
{
	bpf_detach(&m->att);
	if (m->mod)
		bpf_module_destroy(m->mod);
	m->mod = NULL;
}
