#include "bpfload.h"

#include "libout.h"
#include "report.h"

#include <bcc/bcc_common.h>
#include <bcc/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* EACCES counts as there: a mounted tracefs is root's alone (mode 0700),
 * an unmounted mount point is an empty directory anyone may look in. */
static int tracefs_at(const char *events)
{
	struct stat st;

	return stat(events, &st) == 0 || errno == EACCES;
}

static int tracefs_mounted(void)
{
	return tracefs_at("/sys/kernel/tracing/events") || tracefs_at("/sys/kernel/debug/tracing/events");
}

static void no_tracefs(struct report *r, int err)
{
	report_cannot_validate(r, "no tracefs, and it cannot be mounted here (%s): mount it with "
				  "'mount -t tracefs nodev /sys/kernel/tracing' or give the container CAP_SYS_ADMIN",
			       strerror(err));
}

int bpf_ensure_tracefs(struct report *r)
{
	int err;

	if (tracefs_mounted())
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) < 0) {
		err = errno;
		no_tracefs(r, err);
		return -err;
	}
	report_check(r, "tracefs", CHECK_OK, "tracefs was not mounted: mounted it at /sys/kernel/tracing");
	return 0;
}

static int kprobes_available(void)
{
	struct stat st;

	return stat("/sys/kernel/tracing/kprobe_events", &st) == 0 ||
	       stat("/sys/kernel/debug/tracing/kprobe_events", &st) == 0;
}

static void why_not_permitted(struct report *r, const char *what)
{
	report_cannot_validate(r, "%s is not permitted: the container needs CAP_BPF and CAP_PERFMON "
				  "(CAP_SYS_ADMIN on kernels before 5.8)", what);
}

static int load(void *mod, const char *fn, enum bpf_prog_type type, const char *label, struct report *r)
{
	const struct bpf_insn *insns = bpf_function_start(mod, fn);
	int size = (int)bpf_function_size(mod, fn);
	const size_t logsz = 1 << 20;
	struct libout out;
	char *log;
	int fd, err;

	libout_begin(&out);
	fd = bcc_prog_load(type, fn, insns, size, bpf_module_license(mod), bpf_module_kern_version(mod), 0, NULL, 0);
	libout_end(&out, r);
	if (fd >= 0) {
		report_check(r, label, CHECK_OK, "%s loaded", fn);
		return fd;
	}
	err = errno;
	/* EPERM is a missing privilege; the verifier refuses with EACCES or EINVAL. */
	if (err == EPERM) {
		why_not_permitted(r, "loading BPF");
		report_check(r, label, CHECK_SKIP, "%s not loaded: %s", fn, strerror(err));
		return -EPERM;
	}
	/* Once more with the verifier's log, to say why. */
	log = calloc(1, logsz);
	if (log) {
		libout_begin(&out);
		bcc_prog_load(type, fn, insns, size, bpf_module_license(mod), bpf_module_kern_version(mod), 1, log,
			      (unsigned)logsz);
		libout_end(&out, r);
		{
			/* The last lines carry the reason. */
			size_t n = strlen(log);
			const char *tail = log + (n > 1500 ? n - 1500 : 0);

			report_check(r, label, CHECK_FAIL, "the verifier refused %s: %s\n%s", fn, strerror(err), tail);
		}
		free(log);
	}
	return -EINVAL;
}

int bpf_load_and_attach(void *mod, const char *fn, const char *label, struct report *r, struct attached *ret)
{
	char cat[128], ev[128];
	enum bpf_prog_type type;
	int kind; /* 1 tracepoint, 2 kprobe, 3 kretprobe */
	struct libout out;
	int err, mount_err;

	ret->prog_fd = ret->link_fd = -1;
	if (sscanf(fn, "tracepoint__%127[^_]__%127s", cat, ev) == 2) {
		type = BPF_PROG_TYPE_TRACEPOINT;
		kind = 1;
	} else if (strncmp(fn, "kprobe__", 8) == 0) {
		type = BPF_PROG_TYPE_KPROBE;
		kind = 2;
	} else if (strncmp(fn, "kretprobe__", 11) == 0) {
		type = BPF_PROG_TYPE_KPROBE;
		kind = 3;
	} else {
		report_check(r, label, CHECK_SKIP, "%s names no tracepoint or kprobe (tracepoint__CAT__EVENT, kprobe__FN): not loaded", fn);
		return -ENOTSUP;
	}
	/* Attaching needs tracefs (the event's id, kprobe_events). */
	mount_err = bpf_ensure_tracefs(r);
	if (kind != 1 && !kprobes_available()) {
		report_check(r, label, CHECK_SKIP, "%s: this kernel has no kprobes; use a tracepoint", fn);
		return -ENOTSUP;
	}
	ret->prog_fd = load(mod, fn, type, label, r);
	if (ret->prog_fd < 0)
		return ret->prog_fd;
	libout_begin(&out);
	if (kind == 1)
		ret->link_fd = bpf_attach_tracepoint(ret->prog_fd, cat, ev);
	else
		ret->link_fd = bpf_attach_kprobe(ret->prog_fd, kind == 2 ? BPF_PROBE_ENTRY : BPF_PROBE_RETURN, fn, fn + (kind == 2 ? 8 : 11), 0, 0);
	libout_end(&out, r); /* keeps errno */
	if (ret->link_fd >= 0) {
		report_check(r, label, CHECK_OK, "%s attached", fn);
		return 0;
	}
	/* Before tracefs_mounted(): its stat() calls overwrite errno. */
	err = errno;
	if (!tracefs_mounted()) {
		no_tracefs(r, mount_err < 0 ? -mount_err : ENOENT);
		report_check(r, label, CHECK_SKIP, "%s not attached: tracefs is not mounted", fn);
		return -ENOENT;
	}
	if (err == EPERM || err == EACCES) {
		why_not_permitted(r, "attaching to a tracepoint");
		report_check(r, label, CHECK_SKIP, "%s not attached: %s", fn, strerror(err));
		return -EPERM;
	}
	report_cannot_validate(r, "cannot attach %s: %s", fn, strerror(err));
	report_check(r, label, CHECK_SKIP, "%s not attached: %s", fn, strerror(err));
	return -ENOENT;
}

void bpf_detach(struct attached *a)
{
	if (a->link_fd >= 0)
		close(a->link_fd);
	if (a->prog_fd >= 0)
		close(a->prog_fd);
	a->link_fd = a->prog_fd = -1;
}
