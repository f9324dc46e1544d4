#include "lib/kernel/treecheck.h"

#include "util/fs.h"
#include "lib/kernel/kernel.h"
#include "util/path.h"

#include <errno.h>
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

static void read_version(const char *build_dir, struct tree_facts *f)
{
	char path[PATH_MAX];
	char *text = NULL;
	const char *v;

	if (path_join(path, build_dir, "include/generated/uapi/linux/version.h") < 0 ||
	    fs_read_small_file(path, 65536, &text, NULL) < 0)
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

static void read_uts_release(const char *build_dir, struct tree_facts *f)
{
	char path[PATH_MAX];
	char *text = NULL;
	const char *v, *end;

	if (path_join(path, build_dir, "include/generated/utsrelease.h") < 0 ||
	    fs_read_small_file(path, 65536, &text, NULL) < 0)
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

int treecheck_read(const char *build_dir, struct tree_facts *f)
{
	char path[PATH_MAX];
	int ret;

	memset(f, 0, sizeof(*f));
	if (!fs_is_dir(build_dir))
		return -ENOENT;
	read_version(build_dir, f);
	read_uts_release(build_dir, f);
	ret = path_join(path, build_dir, "include/generated/autoconf.h");
	if (ret < 0)
		return ret;
	f->have_autoconf = fs_is_file(path);
	return 0;
}

int treecheck_verify(const char *build_dir, const struct kernel_info *k, struct tree_facts *ret_facts, char *why,
		     size_t whylen)
{
	struct tree_facts f;
	int ret = treecheck_read(build_dir, &f);

	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", build_dir, strerror(-ret));
		return ret;
	}
	if (ret_facts)
		*ret_facts = f;
	if (!f.have_version) {
		snprintf(why, whylen, "%s/include/generated/uapi/linux/version.h has no LINUX_VERSION_CODE", build_dir);
		return -EBADMSG;
	}
	if (strcmp(k->version_source ? k->version_source : "", "release") == 0 || !k->version_source) {
		if ((f.version_code >> 8) != (k->version_code >> 8)) {
			snprintf(why, whylen, "%s/include/generated/uapi/linux/version.h: version %u.%u does not match kernel %s",
				 build_dir, f.version_code >> 16, (f.version_code >> 8) & 0xff, k->release);
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
	return 0;
}
