/* cm_rewrite when a kconfig writer fails (returns NULL, out of memory):
 * the rewrite must fail, not leave the candidate's own autoconf.h in
 * place as if it had been rewritten. The writers are replaced here (they
 * are all lib/kconfig/write.c exports, so the library's are not linked). */
#include "lib/closematch/closematch.h"
#include "lib/kconfig/write.h"
#include "lib/kernel/kernel.h"
#include "lib/kernel/kversion.h"
#include "util/fs.h"
#include "util/path.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *kconfig_write_autoconf(const struct kconfig *kc, const char *order_ref)
{
	(void)kc;
	(void)order_ref;
	return NULL;
}

char *kconfig_write_auto_conf(const struct kconfig *kc, const char *order_ref)
{
	(void)kc;
	(void)order_ref;
	return strdup("CONFIG_HZ=1000\n");
}

char *kconfig_write_dotconfig(const struct kconfig *kc)
{
	(void)kc;
	return strdup("CONFIG_HZ=1000\n");
}

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

static int listed(json_object *rw, const char *rel)
{
	size_t i;

	for (i = 0; i < json_object_array_length(rw); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(rw, i)), rel) == 0)
			return 1;
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/ph-cmrewrite-XXXXXX", why[512] = "";
	struct kernel_info k;
	json_object *rw = json_object_new_array();
	char *autoconf;
	int ret;

	if (!mkdtemp(dir) || put(dir, "include/generated/uapi/linux/version.h", "#define LINUX_VERSION_CODE 394240\n") < 0 ||
	    put(dir, "include/generated/autoconf.h", "#define CONFIG_HZ 250\n") < 0 ||
	    put(dir, ".config", "CONFIG_HZ=250\n") < 0) {
		printf("Bail out! cannot make a tree under /tmp\n");
		return 1;
	}
	memset(&k, 0, sizeof(k));
	snprintf(k.release, sizeof(k.release), "6.18.0-test");
	k.version_code = kversion_code(6, 18, 0);
	ret = cm_rewrite(dir, &k, "CONFIG_HZ=1000\n", NULL, NULL, NULL, kversion_code(6, 4, 0), rw, why, sizeof(why));
	ok(ret < 0, "a kconfig writer returning NULL fails the rewrite (got %d)", ret);
	ok(strstr(why, "autoconf.h") != NULL, "...naming autoconf.h (%s)", why);
	ok(!listed(rw, "include/generated/autoconf.h"), "...and autoconf.h is not reported as rewritten");
	autoconf = fs_read_text_at(dir, "include/generated/autoconf.h", 1 << 20);
	ok(autoconf && strstr(autoconf, "CONFIG_HZ 250"), "the candidate's autoconf.h is left as it was");
	free(autoconf);
	json_object_put(rw);
	fs_rm_rf(dir);
	return tap_done();
}
