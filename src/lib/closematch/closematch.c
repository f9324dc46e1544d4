#include "lib/closematch/closematch.h"

#include "util/confine.h"
#include "util/fs.h"
#include "lib/kconfig/merge.h"
#include "lib/kconfig/parse.h"
#include "lib/kconfig/timeconst.h"
#include "lib/kconfig/write.h"
#include "lib/kernel/kernel.h"
#include "lib/kernel/kversion.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int cm_parse_limit(const char *s, struct cm_limit *ret)
{
	char *end;
	long n;

	memset(ret, 0, sizeof(*ret));
	ret->max_minors = -1;
	if (!s || strcmp(s, "same-major") == 0)
		return 0;
	if (strcmp(s, "same-minor") == 0) {
		ret->same_minor = 1;
		return 0;
	}
	if (strcmp(s, "any") == 0) {
		ret->any = 1;
		return 0;
	}
	n = strtol(s, &end, 10);
	if (*end || end == s || n < 0 || n > 255)
		return -EINVAL;
	ret->max_minors = (int)n;
	return 0;
}

int cm_allowed(const struct cm_limit *l, unsigned target, unsigned cand)
{
	unsigned tmaj, tmin, tsub, cmaj, cmin, csub;

	kversion_split(target, &tmaj, &tmin, &tsub);
	kversion_split(cand, &cmaj, &cmin, &csub);

	if (l->any)
		return 1;
	if (tmaj != cmaj)
		return 0;
	if (l->same_minor)
		return tmin == cmin;
	return l->max_minors < 0 || (unsigned)abs((int)tmin - (int)cmin) <= (unsigned)l->max_minors;
}

unsigned long cm_distance(unsigned target, unsigned cand)
{
	return target > cand ? target - cand : cand - target;
}

static int by_nearness(const void *a, const void *b, void *data)
{
	const struct cm_candidate *x = a, *y = b;
	const unsigned sort_target = *(const unsigned *)data;
	int xs = (x->version_code >> 8) == (sort_target >> 8), ys = (y->version_code >> 8) == (sort_target >> 8);
	unsigned long dx = cm_distance(sort_target, x->version_code), dy = cm_distance(sort_target, y->version_code);

	if (xs != ys)
		return xs ? -1 : 1;
	if (dx != dy)
		return dx < dy ? -1 : 1;
	/* Equal distance: older-or-equal first. */
	if ((x->version_code <= sort_target) != (y->version_code <= sort_target))
		return x->version_code <= sort_target ? -1 : 1;
	return strcmp(x->release, y->release);
}

void cm_sort(struct cm_candidate *c, size_t n, unsigned target)
{
	qsort_r(c, n, sizeof(*c), by_nearness, &target);
}

/* The number after "#define NAME " in text, or -1. */
static long define_value(const char *text, const char *name)
{
	char pat[128];
	const char *p;

	snprintf(pat, sizeof(pat), "#define %s ", name);
	p = strstr(text, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* A small file of a candidate tree (from a bank, a cache or the volume:
 * anyone may have planted links in it), read beneath the tree: a link
 * inside it is followed, one that leads out of it finds nothing
 * (util/confine.h). NULL when it cannot be read. */
static char *read_beneath_err(const char *dir, const char *rel, size_t max, int *ret_err)
{
	char *text = NULL;
	*ret_err = confine_read_beneath(dir, rel, max, &text);
	return *ret_err < 0 ? NULL : text;
}

static char *read_beneath(const char *dir, const char *rel, size_t max)
{
	int err;

	return read_beneath_err(dir, rel, max, &err);
}

int cm_tree_version(const char *build, unsigned *ret_code, unsigned *ret_sublevel)
{
	int err;
	char *text = read_beneath_err(build, "include/generated/uapi/linux/version.h", 65536, &err);
	long code, sub;

	if (!text)
		return err == -EXDEV ? -EXDEV : -ENOENT;
	code = define_value(text, "LINUX_VERSION_CODE");
	sub = define_value(text, "LINUX_VERSION_SUBLEVEL");
	free(text);
	if (code <= 0)
		return -ENOENT;
	*ret_code = (unsigned)code;
	*ret_sublevel = sub >= 0 ? (unsigned)sub : (unsigned)code & 0xff;
	return 0;
}

/* Writes rel under dir as a new file: the old one may be a hardlink into
 * the candidate, and a symlinked directory on the way (a candidate's
 * include/generated pointing elsewhere) is refused, never written through. */
static int replace_file(const char *dir, const char *rel, const char *text, json_object *rewritten)
{
	int ret = fs_write_file_beneath(dir, rel, text, strlen(text));

	if (ret == 0 && rewritten)
		json_object_array_add(rewritten, json_object_new_string(rel));
	return ret;
}

/* The real sublevel: from the release string when it agrees with the
 * version code (which clamps at 255), else from the code. */
static unsigned real_sublevel(const struct kernel_info *k)
{
	struct kversion v;
	unsigned major, minor, sub;

	if (kversion_parse(k->release, &v) == 0 && v.has_sublevel &&
	    (kversion_code(v.major, v.minor, 0) >> 8) == (k->version_code >> 8))
		return v.sublevel;
	kversion_split(k->version_code, &major, &minor, &sub);
	return sub;
}

static int rewrite_version(const char *dir, const struct kernel_info *k, json_object *rw)
{
	char *old = read_beneath(dir, "include/generated/uapi/linux/version.h", 64 << 20);
	char text[1024];
	unsigned code = k->version_code, major, minor, sub;
	int has_parts = old && strstr(old, "LINUX_VERSION_MAJOR");

	snprintf(text, sizeof(text),
		 "#define LINUX_VERSION_CODE %u\n"
		 "#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))\n",
		 code);
	kversion_split(code, &major, &minor, &sub);
	if (has_parts)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "#define LINUX_VERSION_MAJOR %u\n#define LINUX_VERSION_PATCHLEVEL %u\n#define LINUX_VERSION_SUBLEVEL %u\n",
			 major, minor, real_sublevel(k));
	free(old);
	return replace_file(dir, "include/generated/uapi/linux/version.h", text, rw);
}

static int rewrite_release(const char *dir, const struct kernel_info *k, json_object *rw)
{
	char text[512];
	char *old = read_beneath(dir, "include/config/kernel.release", 64 << 20);
	int ret;

	snprintf(text, sizeof(text), "#define UTS_RELEASE \"%s\"\n", k->release);
	ret = replace_file(dir, "include/generated/utsrelease.h", text, rw);
	if (ret == 0 && old) {
		snprintf(text, sizeof(text), "%s\n", k->release);
		ret = replace_file(dir, "include/config/kernel.release", text, rw);
	}
	free(old);
	return ret;
}

/* Replaces rel with text, a writer's output (NULL: it ran out of
 * memory, and the candidate's own file must not pass as rewritten). */
static int write_generated(const char *dir, const char *rel, char *text, json_object *rw, char *why, size_t whylen)
{
	int ret;

	if (!text) {
		snprintf(why, whylen, "cannot write %s: %s", rel, strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = replace_file(dir, rel, text, rw);
	free(text);
	if (ret < 0)
		snprintf(why, whylen, "cannot write %s: %s", rel, strerror(-ret));
	return ret;
}

static int rewrite_config(const char *dir, const char *config_text, const char *renames, const char *implied,
			  json_object *rw, char *why, size_t whylen)
{
	char *cand_text = read_beneath(dir, ".config", 64 << 20), *autoconf = read_beneath(dir, "include/generated/autoconf.h", 64 << 20);
	char *auto_conf = read_beneath(dir, "include/config/auto.conf", 64 << 20), inner[256];
	struct kconfig base, run;
	const char *hz;
	unsigned hz_value;
	int ret;

	ret = kconfig_parse(cand_text ? cand_text : "", &base, inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "the candidate's .config: %s", inner);
		goto out;
	}
	ret = kconfig_parse(config_text, &run, inner, sizeof(inner));
	if (ret < 0) {
		snprintf(why, whylen, "the running kernel's config: %s", inner);
		kconfig_free(&base);
		ret = -EILSEQ;
		goto out;
	}
	ret = kconfig_merge(&base, &run, renames, implied);
	/* HZ is checked before anything is written: autoconf.h and
	 * timeconst.h must agree on it, and a kernel with an HZ timeconst.bc
	 * refuses does not build, so neither file is made for it. */
	hz = kconfig_get(&base, "HZ");
	if (ret == 0 && hz && kconfig_parse_hz(hz, &hz_value) < 0) {
		snprintf(why, whylen, "CONFIG_HZ=%.40s%s is not a tick rate the kernel builds with (%d to %d)", hz,
			 strlen(hz) > 40 ? "..." : "", KCONFIG_HZ_MIN, KCONFIG_HZ_MAX);
		ret = -EINVAL;
	}
	if (ret == 0)
		ret = write_generated(dir, "include/generated/autoconf.h", kconfig_write_autoconf(&base, autoconf), rw, why,
				      whylen);
	if (ret == 0)
		ret = write_generated(dir, "include/config/auto.conf", kconfig_write_auto_conf(&base, auto_conf), rw, why,
				      whylen);
	if (ret == 0)
		ret = write_generated(dir, ".config", kconfig_write_dotconfig(&base), rw, why, whylen);
	if (ret == 0 && hz)
		ret = write_generated(dir, "include/generated/timeconst.h", kconfig_timeconst(hz_value), rw, why, whylen);
	kconfig_free(&base);
	kconfig_free(&run);
out:
	free(cand_text);
	free(autoconf);
	free(auto_conf);
	return ret;
}

/* "6.1", "6.12.3" or "*" as a version code bound. */
static int bound(const char *s, unsigned *ret, int upper)
{
	struct kversion v;

	if (strcmp(s, "*") == 0) {
		*ret = upper ? 0xffffffu : 0;
		return 0;
	}
	if (kversion_parse(s, &v) < 0)
		return -EINVAL;
	*ret = kversion_code(v.major, v.minor, v.has_sublevel ? v.sublevel : (upper ? 255 : 0));
	return 0;
}

/* Copies every file a patch touches, so patch never writes through a
 * hardlink into the candidate tree. */
static int break_links(const char *dir, const char *patch_text)
{
	const char *p = patch_text;

	while ((p = strstr(p, "\n+++ "))) {
		char rel[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX];
		const char *start = p + 5;
		size_t n = strcspn(start, "\t\n");

		p = start;
		if (n < 3 || n >= sizeof(rel))
			continue;
		snprintf(rel, sizeof(rel), "%.*s", (int)n, start);
		/* -p1: drop the first component */
		if (!strchr(rel, '/') || path_join(path, dir, strchr(rel, '/') + 1) < 0 ||
		    path_format(tmp, "%s.ph-unlink", path) < 0 || !fs_is_file(path))
			continue;
		if (fs_copy_file(path, tmp) < 0 || rename(tmp, path) < 0)
			return -errno ? -errno : -EIO;
	}
	return 0;
}

static int apply_patches(const char *dir, const char *patches_dir, unsigned cand_code, json_object *rw, char *why,
			 size_t whylen)
{
	char series_path[PATH_MAX];
	char *series = NULL, *line, *save = NULL;
	int ret;

	if (!patches_dir || path_join(series_path, patches_dir, "series") < 0 ||
	    fs_read_small_file(series_path, 1 << 20, &series, NULL) < 0)
		return 0;
	ret = 0;
	for (line = strtok_r(series, "\n", &save); ret == 0 && line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], lo[32], hi[32], patch[PATH_MAX];
		unsigned min, max;
		char *text = NULL;
		pid_t pid;
		int status;

		if (line[0] == '#' || sscanf(line, "%255s %31s %31s", name, lo, hi) != 3)
			continue;
		if (bound(lo, &min, 0) < 0 || bound(hi, &max, 1) < 0) {
			snprintf(why, whylen, "%s: bad version range in '%s'", series_path, line);
			ret = -EINVAL;
			break;
		}
		if (cand_code < min || cand_code > max)
			continue;
		if (path_join(patch, patches_dir, name) < 0 || fs_read_small_file(patch, 16 << 20, &text, NULL) < 0) {
			snprintf(why, whylen, "patch %s: cannot read it", patch);
			ret = -ENOENT;
			break;
		}
		ret = break_links(dir, text);
		free(text);
		if (ret < 0)
			break;
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

			if (null >= 0)
				dup2(null, STDOUT_FILENO);
			execlp("patch", "patch", "-p1", "--forward", "--batch", "--silent", "--no-backup-if-mismatch", "-d", dir,
			       "-i", patch, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			snprintf(why, whylen, "patch %s does not apply to the candidate tree", patch);
			ret = -EILSEQ;
			break;
		}
		json_object_array_add(rw, json_object_new_string(name));
	}
	free(series);
	return ret;
}

int cm_rewrite(const char *dir, const struct kernel_info *k, const char *config_text, const char *renames,
	       const char *implied, const char *patches_dir, unsigned cand_code, json_object *rewritten, char *why, size_t whylen)
{
	int ret = rewrite_version(dir, k, rewritten);

	if (ret == 0)
		ret = rewrite_release(dir, k, rewritten);
	if (ret == 0 && config_text)
		ret = rewrite_config(dir, config_text, renames, implied, rewritten, why, whylen);
	if (ret == 0)
		ret = apply_patches(dir, patches_dir, cand_code, rewritten, why, whylen);
	if (ret < 0 && !why[0])
		snprintf(why, whylen, "cannot rewrite %s: %s", dir, strerror(-ret));
	return ret;
}
