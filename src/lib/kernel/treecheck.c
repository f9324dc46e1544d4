#include "lib/kernel/treecheck.h"

#include "util/confine.h"
#include "util/fs.h"
#include "lib/kernel/kernel.h"
#include "lib/kernel/kversion.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Finds "#define NAME " at a line start and returns what follows. */
static const char *find_define(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while ((p = strstr(p, "#define "))) {
		const char *q = p + 8;

		if ((p == text || p[-1] == '\n') && strncmp(q, name, n) == 0 && (q[n] == ' ' || q[n] == '\t'))
			return q + n;
		p = q;
	}
	return NULL;
}

/* Reads rel inside the tree; a symlink may point elsewhere in the tree,
 * never out of it. NULL when it cannot be read. */
static char *read_in_tree(int build_fd, const char *rel)
{
	int fd = confine_open(build_fd, rel, O_RDONLY, 0, CONFINE_BENEATH);
	char *text = NULL;

	if (fd < 0)
		return NULL;
	if (fs_read_fd(fd, 65536, &text, NULL) < 0)
		text = NULL;
	close(fd);
	return text;
}

static int is_in_tree(int build_fd, const char *rel, mode_t type)
{
	int fd = confine_open(build_fd, rel, O_RDONLY, 0, CONFINE_BENEATH);
	struct stat st;
	int yes;

	if (fd < 0)
		return 0;
	yes = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == type;
	close(fd);
	return yes;
}

static void read_version(int build_fd, struct tree_facts *f)
{
	char *text = read_in_tree(build_fd, "include/generated/uapi/linux/version.h");
	const char *v;

	if (!text)
		return;
	v = find_define(text, "LINUX_VERSION_CODE");
	if (v) {
		char *end;
		unsigned long code = strtoul(v, &end, 10);

		if (end != v && code <= 0xffffff) {
			f->version_code = (unsigned)code;
			f->have_version = 1;
		}
	}
	free(text);
}

static void read_uts_release(int build_fd, struct tree_facts *f)
{
	char *text = read_in_tree(build_fd, "include/generated/utsrelease.h");
	const char *v, *end;

	if (!text)
		return;
	v = find_define(text, "UTS_RELEASE");
	if (v) {
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v == '"' && (end = strchr(v + 1, '"')) && (size_t)(end - v - 1) < sizeof(f->uts_release)) {
			memcpy(f->uts_release, v + 1, (size_t)(end - v - 1));
			f->uts_release[end - v - 1] = '\0';
			f->have_uts_release = 1;
		}
	}
	free(text);
}

/* Facts of the tree at build_fd; arch (may be NULL) names the
 * arch/<arch>/include the tree must have. */
static void read_facts(int build_fd, const char *arch, struct tree_facts *f)
{
	char rel[PATH_MAX];

	memset(f, 0, sizeof(*f));
	read_version(build_fd, f);
	read_uts_release(build_fd, f);
	f->have_autoconf = is_in_tree(build_fd, "include/generated/autoconf.h", S_IFREG);
	f->have_kconfig_h = is_in_tree(build_fd, "include/linux/kconfig.h", S_IFREG);
	f->have_arch_include =
		arch && path_format(rel, "arch/%s/include", arch) == 0 && is_in_tree(build_fd, rel, S_IFDIR);
}

/* The tree's top is never a symlink: one planted in a shared volume would
 * make a tree anywhere look published. */
static int open_build(const char *build_dir)
{
	int fd = open(build_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return errno == ELOOP ? -ENOTDIR : -errno;
	return fd;
}

int treecheck_read(const char *build_dir, struct tree_facts *f)
{
	int build_fd = open_build(build_dir);

	if (build_fd < 0)
		return build_fd;
	read_facts(build_fd, NULL, f);
	close(build_fd);
	return 0;
}

int treecheck_verify(const char *build_dir, const struct kernel_info *k, struct tree_facts *ret_facts, char *why,
		     size_t whylen)
{
	struct tree_facts f;
	int build_fd = open_build(build_dir);

	if (build_fd < 0) {
		snprintf(why, whylen, "%s: %s", build_dir,
			 build_fd == -ENOTDIR ? "not a directory (a symlink is never taken for a tree)" : strerror(-build_fd));
		return build_fd;
	}
	read_facts(build_fd, k->arch, &f);
	close(build_fd);
	if (ret_facts)
		*ret_facts = f;
	if (!f.have_version) {
		snprintf(why, whylen, "%s/include/generated/uapi/linux/version.h has no LINUX_VERSION_CODE", build_dir);
		return -EBADMSG;
	}
	if (strcmp(k->version_source ? k->version_source : "", "release") == 0 || !k->version_source) {
		if ((f.version_code >> 8) != (k->version_code >> 8)) {
			unsigned major, minor, sub;

			kversion_split(f.version_code, &major, &minor, &sub);
			snprintf(why, whylen, "%s/include/generated/uapi/linux/version.h: version %u.%u does not match kernel %s",
				 build_dir, major, minor, k->release);
			return -EBADMSG;
		}
	} else if (f.version_code != k->version_code) {
		snprintf(why, whylen, "%s/include/generated/uapi/linux/version.h: LINUX_VERSION_CODE %u, kernel has %u (from %s)",
			 build_dir, f.version_code, k->version_code, k->version_source);
		return -EBADMSG;
	}
	if (!f.have_uts_release || strcmp(f.uts_release, k->release) != 0) {
		snprintf(why, whylen, "%s/include/generated/utsrelease.h: UTS_RELEASE \"%s\", kernel is %s", build_dir,
			 f.have_uts_release ? f.uts_release : "(missing)", k->release);
		return -EBADMSG;
	}
	if (!f.have_autoconf) {
		snprintf(why, whylen, "%s/include/generated/autoconf.h is missing", build_dir);
		return -EBADMSG;
	}
	/* What every BCC compile needs: a tree without them is no tree, however
	 * well its version files (or a manifest beside it) speak for it. */
	if (!f.have_kconfig_h) {
		snprintf(why, whylen, "%s/include/linux/kconfig.h is missing: not a complete header tree", build_dir);
		return -EBADMSG;
	}
	if (!f.have_arch_include) {
		snprintf(why, whylen, "%s/arch/%s/include is missing: not a complete header tree for this machine", build_dir,
			 k->arch);
		return -EBADMSG;
	}
	return 0;
}
