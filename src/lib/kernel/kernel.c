#include "lib/kernel/kernel.h"

#include "lib/kernel/arch.h"
#include "util/fs.h"
#include "util/hostroot.h"
#include "lib/kernel/kversion.h"
#include "util/log.h"
#include "util/path.h"

#include <elf.h>
#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The vDSO is mapped by the kernel itself: its "Linux" note carries the
 * real LINUX_VERSION_CODE, even when the release string hides it. */
static int version_from_vdso(unsigned *code)
{
	const unsigned char *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	Elf64_Ehdr eh;
	unsigned long size = 0;
	unsigned i;

	if (!base)
		return -ENOENT;
	memcpy(&eh, base, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return -EINVAL;
	size = eh.e_phoff + (unsigned long)eh.e_phnum * sizeof(Elf64_Phdr);
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, base + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_offset + ph.p_filesz > size)
			size = ph.p_offset + ph.p_filesz;
	}
	return kversion_from_vdso_image(base, size, code);
}

static int version_from_runtime_file(const struct hostroot *hr, const char *file,
				     int (*parse)(const char *, unsigned *), unsigned *code)
{
	char *text = NULL;
	int fd = hostroot_open_runtime(hr, file, O_RDONLY), ret;

	if (fd < 0)
		return fd;
	ret = fs_read_fd(fd, 4096, &text, NULL);
	close(fd);
	if (ret < 0)
		return ret;
	ret = parse(text, code);
	free(text);
	return ret;
}

/* Sources in order of trust; one that fails to parse falls through. */
static void read_version_code(const struct hostroot *hr, struct kernel_info *info)
{
	unsigned code;

	if (info->running) {
		if (version_from_vdso(&code) == 0) {
			info->version_code = code;
			info->version_source = "vdso";
			return;
		}
		if (version_from_runtime_file(hr, "/proc/version_signature", kversion_from_version_signature, &code) == 0) {
			info->version_code = code;
			info->version_source = "version_signature";
			return;
		}
		if (version_from_runtime_file(hr, "/proc/sys/kernel/version", kversion_from_proc_version, &code) == 0) {
			info->version_code = code;
			info->version_source = "proc_version";
			return;
		}
	}
	if (kversion_from_release(info->release, &code) == 0) {
		info->version_code = code;
		info->version_source = "release";
	}
}

/* A regular file at host_path, confined to the host root. */
int kernel_host_file_is_regular(const struct hostroot *hr, const char *host_path, int runtime)
{
	int fd = runtime ? hostroot_open_runtime(hr, host_path, O_RDONLY) : hostroot_open(hr, host_path, O_RDONLY);
	struct stat st;
	int regular;

	if (fd < 0)
		return 0;
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return regular;
}

/* The path, in this process's view, of the regular file a confined open
 * of the runtime file found: libbpf reads the BTF by path, so it gets the
 * file the confined open reached, never a symlink under the host root
 * that leads out of it. */
static int confined_runtime_file(const struct hostroot *hr, const char *host_path, char out[PATH_MAX])
{
	char link[64], target[PATH_MAX];
	int fd = hostroot_open_runtime(hr, host_path, O_RDONLY);
	struct stat st;
	ssize_t n;
	int ret;

	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	ret = n < 0 ? -errno : fstat(fd, &st) < 0 ? -errno : !S_ISREG(st.st_mode) ? -EINVAL : 0;
	close(fd);
	if (ret < 0)
		return ret;
	target[n] = '\0';
	return path_copy(out, target);
}

int kernel_config_open(const struct hostroot *hr, const struct kernel_info *info)
{
	if (!info->config_source)
		return -ENOENT;
	if (strcmp(info->config_source, "proc") == 0)
		return hostroot_open_runtime(hr, info->config_host_path, O_RDONLY);
	return hostroot_open(hr, info->config_host_path, O_RDONLY);
}

static int set_config(const struct hostroot *hr, struct kernel_info *info, const char *host_path, const char *source)
{
	int runtime = strcmp(source, "proc") == 0;

	if (!kernel_host_file_is_regular(hr, host_path, runtime))
		return -ENOENT;
	if (path_copy(info->config_host_path, host_path) < 0)
		return -ENAMETOOLONG;
	if (runtime)
		hostroot_runtime_path(hr, host_path, info->config_path);
	else
		hostroot_path(hr, host_path, info->config_path);
	info->config_source = source;
	return 0;
}

void kernel_find_config(const struct hostroot *hr, struct kernel_info *info)
{
	char host_path[PATH_MAX];

	info->config_source = NULL;
	if (info->running && set_config(hr, info, "/proc/config.gz", "proc") == 0)
		return;
	if (path_format(host_path, "/boot/config-%s", info->release) == 0 &&
	    set_config(hr, info, host_path, "boot") == 0)
		return;
	if (path_format(host_path, "/lib/modules/%s/config", info->release) == 0)
		set_config(hr, info, host_path, "modules");
}

/* A release for messages: control characters shown as \xNN, cut short. */
static void shown(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(out + n, len - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	if (*s)
		n += (size_t)snprintf(out + n, len - n, "...");
	out[n] = '\0';
}

int kernel_info_read(const struct hostroot *hr, const char *release, const char *source, struct kernel_info *info,
		     char *why, size_t whylen)
{
	struct utsname un;
	const char *arch, *problem;
	char full[PATH_MAX], buf[96];

	memset(info, 0, sizeof(*info));
	if (uname(&un) < 0) {
		snprintf(why, whylen, "uname: %s", strerror(errno));
		return -errno;
	}
	if (!release || strcmp(release, un.release) == 0) {
		release = un.release;
		source = "uname";
		info->running = 1;
	}
	/* Checked here too, whoever validated it before: the release names
	 * folders of the volume and is written into headers. */
	problem = kversion_release_problem(release);
	if (problem || strlen(release) >= sizeof(info->release)) {
		shown(release, buf, sizeof(buf));
		snprintf(why, whylen, "%s: '%s' is not a kernel release (%s)", source ? source : "release", buf,
			 problem ? problem : "it is too long");
		return -EINVAL;
	}
	strcpy(info->release, release);
	snprintf(info->machine, sizeof(info->machine), "%s", un.machine);
	arch = arch_kernel_for_machine(un.machine);
	snprintf(info->arch, sizeof(info->arch), "%s", arch ? arch : un.machine);

	read_version_code(hr, info);
	info->have_distro = os_release_read(hr, &info->distro) == 0;
	kernel_find_config(hr, info);
	if (info->running && confined_runtime_file(hr, "/sys/kernel/btf/vmlinux", full) == 0) {
		info->btf = 1;
		path_copy(info->btf_path, full);
	}
	return 0;
}
