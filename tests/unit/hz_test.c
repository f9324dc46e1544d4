/* CONFIG_HZ of the running kernel's config, as the close-match rewrite
 * meets it: a value the kernel builds with gives a timeconst.h for
 * exactly the HZ autoconf.h says; 0, 1, a sign, a value beyond 32 bits or
 * trailing text is refused with an error naming CONFIG_HZ, and neither
 * autoconf.h nor timeconst.h is written (never a header with #error, or
 * one for another HZ than autoconf.h's). */
#include "lib/closematch/closematch.h"
#include "lib/kconfig/timeconst.h"
#include "lib/kernel/kernel.h"
#include "lib/kernel/kversion.h"
#include "util/fs.h"
#include "util/path.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put(const char *dir, const char *rel, const char *text)
{
	char path[PATH_MAX], parent[PATH_MAX];

	if (path_join(path, dir, rel) < 0 || path_copy(parent, path) < 0)
		return -1;
	*strrchr(parent, '/') = '\0';
	if (fs_mkdir_p(parent, 0755) < 0)
		return -1;
	return fs_write_file(path, text, strlen(text));
}

static int make_tree(char dir[64])
{
	char *old = kconfig_timeconst(250);
	int ret;

	snprintf(dir, 64, "/tmp/ph-hz-XXXXXX");
	ret = !old || !mkdtemp(dir) ||
	      put(dir, "include/generated/uapi/linux/version.h", "#define LINUX_VERSION_CODE 394240\n") < 0 ||
	      put(dir, "include/generated/autoconf.h", "#define CONFIG_HZ 250\n") < 0 ||
	      put(dir, "include/config/auto.conf", "CONFIG_HZ=250\n") < 0 || put(dir, ".config", "CONFIG_HZ=250\n") < 0 ||
	      put(dir, "include/generated/timeconst.h", old) < 0;
	free(old);
	return ret ? -1 : 0;
}

static int rewrite(const char *dir, const char *hz, char *why, size_t whylen)
{
	struct kernel_info k;
	char config[128];
	json_object *rw = json_object_new_array();
	int ret;

	memset(&k, 0, sizeof(k));
	snprintf(k.release, sizeof(k.release), "6.18.0-test");
	k.version_code = kversion_code(6, 18, 0);
	snprintf(config, sizeof(config), "CONFIG_HZ=%s\n", hz);
	ret = cm_rewrite(dir, &k, config, NULL, NULL, NULL, kversion_code(6, 4, 0), rw, why, whylen);
	json_object_put(rw);
	return ret;
}

int main(void)
{
	static const char *const bad[] = { "0", "1", "-1", "-250", "4294967296", "4294967546", "18446744073709551616",
					   "99999999999999999999999", "100001", "250x", "0x100", " 250", "+250", "" };
	static const unsigned good[] = { 2, 100, 250, 300, 1000, 1024, 100000 };
	size_t i;
	char dir[64], why[512], want[64], *s;
	unsigned v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (make_tree(dir) < 0) {
			printf("Bail out! cannot make a tree under /tmp\n");
			return 1;
		}
		why[0] = '\0';
		ok(rewrite(dir, bad[i], why, sizeof(why)) < 0, "CONFIG_HZ=%s is refused", bad[i]);
		ok(strstr(why, "CONFIG_HZ=") && strstr(why, "not a tick rate"), "...with an error naming it (%s)", why);
		s = fs_read_text_at(dir, "include/generated/autoconf.h", 1 << 20);
		ok(s && strcmp(s, "#define CONFIG_HZ 250\n") == 0, "...autoconf.h is not written");
		free(s);
		s = fs_read_text_at(dir, "include/generated/timeconst.h", 1 << 20);
		ok(s && strstr(s, "HZ == 250") && !strstr(s, "bogus"), "...nor timeconst.h");
		free(s);
		ok(kconfig_parse_hz(bad[i], &v) < 0, "kconfig_parse_hz refuses \"%s\"", bad[i]);
		fs_rm_rf(dir);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char hz[16];

		snprintf(hz, sizeof(hz), "%u", good[i]);
		if (make_tree(dir) < 0) {
			printf("Bail out! cannot make a tree under /tmp\n");
			return 1;
		}
		why[0] = '\0';
		ok(rewrite(dir, hz, why, sizeof(why)) == 0, "CONFIG_HZ=%s is rewritten (%s)", hz, why);
		s = fs_read_text_at(dir, "include/generated/autoconf.h", 1 << 20);
		snprintf(want, sizeof(want), "#define CONFIG_HZ %u\n", good[i]);
		ok(s && strstr(s, want), "...autoconf.h says HZ %u", good[i]);
		free(s);
		s = fs_read_text_at(dir, "include/generated/timeconst.h", 1 << 20);
		snprintf(want, sizeof(want), "HZ == %u */", good[i]);
		ok(s && strstr(s, want) && !strstr(s, "bogus") && strstr(s, "HZ_TO_MSEC_MUL32"),
		   "...timeconst.h is for the same HZ, complete, without a bogus-HZ #error");
		free(s);
		fs_rm_rf(dir);
	}
	ok(kconfig_timeconst(0) == NULL && kconfig_timeconst(1) == NULL && kconfig_timeconst(KCONFIG_HZ_MAX + 1) == NULL,
	   "kconfig_timeconst makes no header for HZ 0, 1 or past the maximum");
	return tap_done();
}
