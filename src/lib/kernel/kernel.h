/* Kernel identity: everything the program needs to know about the kernel
 * it provisions for, read once at start-up through the host root. */
#ifndef PH_KERNEL_H
#define PH_KERNEL_H

#include <stddef.h>

#include "lib/kernel/osrelease.h"

#include <limits.h>

struct hostroot;

struct kernel_info {
	char release[256];
	char machine[65];       /* uname machine, e.g. x86_64 */
	char arch[65];          /* kernel arch directory, e.g. x86 */
	int running;            /* 1 when this is the running kernel */
	unsigned version_code;  /* LINUX_VERSION_CODE */
	const char *version_source; /* vdso, version_signature, proc_version, release */
	struct os_release distro;
	int have_distro;
	char config_path[PATH_MAX]; /* for messages: full path (host root applied), "" if none */
	char config_host_path[PATH_MAX]; /* as the host names it, opened under the host root */
	const char *config_source;  /* proc, boot, modules, or NULL */
	int btf;
	char btf_path[PATH_MAX];
};

/* Looks for the kernel's config (proc, boot, modules, in that order) and
 * records the first that is a regular file under the host root. */
void kernel_find_config(const struct hostroot *hr, struct kernel_info *info);
/* Opens the config source kernel_find_config found, confined to the host
 * root (its own /proc for "proc" when the host root has none). */
int kernel_config_open(const struct hostroot *hr, const struct kernel_info *info);

/* Fills info for release (NULL: the running kernel). A release that is
 * not one (kversion_release_problem), given or from uname, is -EINVAL
 * with one line in why naming where it came from (source: what to call
 * a given release, e.g. "--kernel-release"). */
int kernel_info_read(const struct hostroot *hr, const char *release, const char *source, struct kernel_info *info,
		     char *why, size_t whylen);

/* Whether host_path (a /proc or /sys file when runtime, see
 * hostroot_open_runtime) opens, confined, as a regular file. */
int kernel_host_file_is_regular(const struct hostroot *hr, const char *host_path, int runtime);

#endif
