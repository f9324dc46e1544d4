#include "lib/kernel/modload.h"

#include "lib/kernel/kernel.h"

#include "util/fs.h"
#include "util/macro.h"
#include "util/hostroot.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int has_cap_sys_module(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[CAP_SYS_MODULE / 32].effective & (1u << (CAP_SYS_MODULE % 32)));
}

/* A libkmod context and the confined directory fds it reads through.
 *
 * libkmod takes directory paths, not fds. It gets "/proc/self/fd/N" of
 * directories opened confined to the host root (util/hostroot.h), so the
 * module directory and the modprobe.d directories are the ones inside the
 * host root even when a path to them is a symlink that leads out. What
 * libkmod then reads inside them by name is not confined: a symlinked
 * modules.dep.bin or .conf file, or an absolute path in modules.dep, is
 * looked up in this process's view. That is safe enough because (1)
 * install/remove commands of modprobe.d are never run
 * (KMOD_PROBE_IGNORE_COMMAND), so host configuration executes nothing
 * here; (2) what libkmod reads is parsed as an index or a config and never
 * copied anywhere; (3) the only file it hands to the kernel is a module,
 * and the kernel checks it (ELF, signature when enforced); the image this
 * runs in carries no modules of its own. */
struct modctx {
	struct kmod_ctx *kmod;
	int fds[5]; /* [0] the module directory, then the modprobe.d directories; -1 when absent */
};

static void modctx_free(struct modctx *m)
{
	size_t i;

	kmod_unref(m->kmod);
	m->kmod = NULL;
	for (i = 0; i < ARRAY_SIZE(m->fds); i++) {
		if (m->fds[i] >= 0)
			close(m->fds[i]);
		m->fds[i] = -1;
	}
}

static void fd_path(int fd, char out[64])
{
	snprintf(out, 64, "/proc/self/fd/%d", fd);
}

/* moddir is what messages call the module directory. */
static int open_ctx(const struct hostroot *hr, const char *release, struct modctx *m, char moddir[PATH_MAX])
{
	static const char *const conf_dirs[] = { "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
						 "/lib/modprobe.d" };
	char host_dir[PATH_MAX], dirs[5][64];
	const char *conf_ptrs[5];
	size_t i, n = 0;
	int r = path_format(host_dir, "/lib/modules/%s", release);

	m->kmod = NULL;
	for (i = 0; i < ARRAY_SIZE(m->fds); i++)
		m->fds[i] = -1;
	if (r == 0)
		r = hostroot_path(hr, host_dir, moddir);
	if (r < 0)
		return r;
	m->fds[0] = hostroot_open(hr, host_dir, O_RDONLY | O_DIRECTORY);
	if (m->fds[0] < 0)
		return m->fds[0] == -ENOTDIR ? -ENOENT : m->fds[0];
	fd_path(m->fds[0], dirs[0]);
	for (i = 0; i < ARRAY_SIZE(conf_dirs); i++) {
		int fd = hostroot_open(hr, conf_dirs[i], O_RDONLY | O_DIRECTORY);

		if (fd < 0)
			continue; /* absent: libkmod would skip it too */
		m->fds[1 + n] = fd;
		fd_path(fd, dirs[1 + n]);
		conf_ptrs[n] = dirs[1 + n];
		n++;
	}
	conf_ptrs[n] = NULL;
	m->kmod = kmod_new(dirs[0], conf_ptrs);
	if (!m->kmod) {
		modctx_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* The module itself, or -ENOENT. */
static int lookup(struct kmod_ctx *ctx, const char *name, struct kmod_module **ret)
{
	struct kmod_list *list = NULL;
	int r = kmod_module_new_from_lookup(ctx, name, &list);

	if (r < 0 || !list)
		return -ENOENT;
	*ret = kmod_module_get_module(list); /* already referenced */
	kmod_module_unref_list(list);
	return 0;
}

int modload_check(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen)
{
	struct modctx ctx;
	struct kmod_module *mod = NULL;
	char moddir[PATH_MAX];
	int r = open_ctx(hr, release, &ctx, moddir);

	if (r == -ENOENT) {
		snprintf(why, whylen, "no module directory %s", moddir);
		return r;
	}
	if (r < 0) {
		snprintf(why, whylen, "cannot open the module directory for %s: %s", release, strerror(-r));
		return r;
	}
	r = lookup(ctx.kmod, name, &mod);
	if (r < 0)
		snprintf(why, whylen, "module %s not found in %s", name, moddir);
	else if (!kernel_host_file_is_regular(hr, "/proc/modules", 1)) {
		snprintf(why, whylen, "the kernel has no module support (no /proc/modules), cannot load %s", name);
		r = -ENOSYS;
	} else if (kmod_module_get_initstate(mod) != KMOD_MODULE_LIVE && !has_cap_sys_module()) {
		snprintf(why, whylen, "loading module %s needs CAP_SYS_MODULE, which this process lacks "
			 "(add SYS_MODULE to the container's securityContext.capabilities)", name);
		r = -EPERM;
	}
	kmod_module_unref(mod);
	modctx_free(&ctx);
	return r;
}

int modload_insert(const struct hostroot *hr, const char *release, const char *name, int *ret_loaded, char *why,
		   size_t whylen)
{
	struct modctx ctx;
	struct kmod_module *mod = NULL;
	char moddir[PATH_MAX];
	int r;

	*ret_loaded = 0;
	r = modload_check(hr, release, name, why, whylen);
	if (r < 0)
		return r;
	r = open_ctx(hr, release, &ctx, moddir);
	if (r < 0)
		return r;
	r = lookup(ctx.kmod, name, &mod);
	if (r == 0 && kmod_module_get_initstate(mod) == KMOD_MODULE_LIVE) {
		r = 0;
	} else if (r == 0) {
		r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST | KMOD_PROBE_IGNORE_COMMAND, NULL, NULL, NULL, NULL);
		if (r == KMOD_PROBE_APPLY_BLACKLIST) {
			snprintf(why, whylen, "module %s is blacklisted by the host's modprobe configuration", name);
			r = -ENOENT;
		} else if (r == -EPERM) {
			snprintf(why, whylen, "the kernel refused to load %s: it needs CAP_SYS_MODULE", name);
		} else if (r == -ENOSYS) {
			snprintf(why, whylen, "the kernel has no module support, cannot load %s", name);
		} else if (r < 0) {
			snprintf(why, whylen, "loading %s from %s failed: %s", name, moddir, strerror(-r));
		} else {
			*ret_loaded = 1;
		}
	}
	kmod_module_unref(mod);
	modctx_free(&ctx);
	return r;
}

int modload_remove(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen)
{
	struct modctx ctx;
	struct kmod_module *mod = NULL;
	char moddir[PATH_MAX];
	int r = open_ctx(hr, release, &ctx, moddir);

	if (r < 0)
		return r;
	r = kmod_module_new_from_name(ctx.kmod, name, &mod);
	if (r == 0) {
		r = kmod_module_remove_module(mod, 0);
		if (r < 0)
			snprintf(why, whylen, "unloading %s failed: %s", name, strerror(-r));
	}
	kmod_module_unref(mod);
	modctx_free(&ctx);
	return r;
}
