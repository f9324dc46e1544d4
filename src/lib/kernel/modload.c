#include "lib/kernel/modload.h"

#include "util/fs.h"
#include "util/hostroot.h"
#include "util/path.h"

#include <errno.h>
#include <libkmod.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
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

/* A libkmod context rooted in the host's module dir and modprobe.d. */
static int open_ctx(const struct hostroot *hr, const char *release, struct kmod_ctx **ret, char moddir[PATH_MAX])
{
	static const char *const conf_dirs[] = { "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
						 "/lib/modprobe.d" };
	char host_dir[PATH_MAX], confs[4][PATH_MAX];
	const char *conf_ptrs[5];
	size_t i;
	int r = path_format(host_dir, "/lib/modules/%s", release);

	if (r == 0)
		r = hostroot_path(hr, host_dir, moddir);
	if (r < 0)
		return r;
	if (!fs_is_dir(moddir))
		return -ENOENT;
	for (i = 0; i < 4; i++) {
		if (hostroot_path(hr, conf_dirs[i], confs[i]) < 0)
			return -ENAMETOOLONG;
		conf_ptrs[i] = confs[i];
	}
	conf_ptrs[4] = NULL;
	*ret = kmod_new(moddir, conf_ptrs);
	return *ret ? 0 : -ENOMEM;
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

static int kernel_has_modules(const struct hostroot *hr)
{
	char path[PATH_MAX];

	return hostroot_runtime_path(hr, "/proc/modules", path) == 0 && fs_is_file(path);
}

int modload_check(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen)
{
	struct kmod_ctx *ctx = NULL;
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
	r = lookup(ctx, name, &mod);
	if (r < 0)
		snprintf(why, whylen, "module %s not found in %s", name, moddir);
	else if (!kernel_has_modules(hr)) {
		snprintf(why, whylen, "the kernel has no module support (no /proc/modules), cannot load %s", name);
		r = -ENOSYS;
	} else if (kmod_module_get_initstate(mod) != KMOD_MODULE_LIVE && !has_cap_sys_module()) {
		snprintf(why, whylen, "loading module %s needs CAP_SYS_MODULE, which this process lacks "
			 "(add SYS_MODULE to the container's securityContext.capabilities)", name);
		r = -EPERM;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return r;
}

int modload_insert(const struct hostroot *hr, const char *release, const char *name, int *ret_loaded, char *why,
		   size_t whylen)
{
	struct kmod_ctx *ctx = NULL;
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
	r = lookup(ctx, name, &mod);
	if (r == 0 && kmod_module_get_initstate(mod) == KMOD_MODULE_LIVE) {
		r = 0;
	} else if (r == 0) {
		r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL, NULL);
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
	kmod_unref(ctx);
	return r;
}

int modload_remove(const struct hostroot *hr, const char *release, const char *name, char *why, size_t whylen)
{
	struct kmod_ctx *ctx = NULL;
	struct kmod_module *mod = NULL;
	char moddir[PATH_MAX];
	int r = open_ctx(hr, release, &ctx, moddir);

	if (r < 0)
		return r;
	r = kmod_module_new_from_name(ctx, name, &mod);
	if (r == 0) {
		r = kmod_module_remove_module(mod, 0);
		if (r < 0)
			snprintf(why, whylen, "unloading %s failed: %s", name, strerror(-r));
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return r;
}
