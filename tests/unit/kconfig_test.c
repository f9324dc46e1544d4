/* kconfig: the .config, autoconf.h, auto.conf and timeconst.h shipped in
 * a real Debian linux-headers package must come out exactly as the
 * kernel's own tools wrote them. PH_KCONFIG_TREE names that tree (the
 * test runner sets it from the Debian fixture). */
#include "util/fs.h"
#include "lib/kconfig/merge.h"
#include "lib/kconfig/parse.h"
#include "lib/kconfig/timeconst.h"
#include "lib/kconfig/write.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

static char *slurp(const char *tree, const char *rel)
{
	char path[4096];
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	return fs_read_small_file(path, 64 << 20, &text, NULL) == 0 ? text : NULL;
}

/* Lines sorted, to compare content apart from order. */
static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int same_lines(const char *a, const char *b)
{
	char *x = strdup(a), *y = strdup(b), *lx[20000], *ly[20000], *save;
	size_t nx = 0, ny = 0, i;
	int same;

	for (char *t = strtok_r(x, "\n", &save); t && nx < 20000; t = strtok_r(NULL, "\n", &save))
		lx[nx++] = t;
	for (char *t = strtok_r(y, "\n", &save); t && ny < 20000; t = strtok_r(NULL, "\n", &save))
		ly[ny++] = t;
	qsort(lx, nx, sizeof(char *), cmp_lines);
	qsort(ly, ny, sizeof(char *), cmp_lines);
	same = nx == ny;
	for (i = 0; same && i < nx; i++)
		same = strcmp(lx[i], ly[i]) == 0;
	free(x);
	free(y);
	return same;
}

static void test_parser(void)
{
	struct kconfig kc, over;
	char why[256];
	char *out;

	ok(kconfig_parse("#\n# Linux/x86 6.18.44 Kernel Configuration\n#\n"
			 "CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_S=\"a=b \\\"q\\\" \\\\ x\"\n"
			 "CONFIG_HEX=0x1000000\nCONFIG_NUM=-5\n# a comment\n\nCONFIG_A=n\n",
			 &kc, why, sizeof(why)) == 0,
	   "a .config parses");
	is_str(kc.title, "Linux/x86 6.18.44 Kernel Configuration", "title from the header comment");
	is_str(kconfig_get(&kc, "S"), "\"a=b \\\"q\\\" \\\\ x\"", "split at the first '=', string escapes kept");
	ok(kconfig_get(&kc, "C") == NULL, "'is not set'");
	is_str(kconfig_get(&kc, "A"), "n", "a symbol set twice keeps the last value");
	out = kconfig_write_autoconf(&kc, NULL);
	ok(strstr(out, "#define CONFIG_B_MODULE 1\n") && strstr(out, "#define CONFIG_HEX 0x1000000\n") &&
	   strstr(out, "#define CONFIG_S \"a=b \\\"q\\\" \\\\ x\"\n") && strstr(out, "#define CONFIG_NUM -5\n") &&
	   !strstr(out, "CONFIG_A ") && !strstr(out, "CONFIG_C"),
	   "autoconf.h: m as _MODULE, strings and numbers as values, n and unset left out");
	free(out);
	ok(kconfig_parse("CONFIG_BAD=\"unterminated\n", &over, why, sizeof(why)) == -EINVAL, "an unterminated string is refused");
	ok(strstr(why, "line 1") != NULL, "...naming the line");
	ok(kconfig_parse("garbage here\n", &over, why, sizeof(why)) == -EINVAL, "garbage is refused");
	kconfig_free(&kc);

	ok(kconfig_parse("CONFIG_RETPOLINE=y\nCONFIG_OLD_ONLY=y\nCONFIG_B=y\nCONFIG_BASE_SMALL=0\n", &kc, why, sizeof(why)) == 0 &&
	   kconfig_parse("# Linux/x86 7.0 Kernel Configuration\nCONFIG_MITIGATION_RETPOLINE=m\nCONFIG_B=m\n", &over, why, sizeof(why)) == 0,
	   "two configs parse");
	kconfig_merge(&kc, &over, "# old new\nRETPOLINE MITIGATION_RETPOLINE\n", "X86_5LEVEL y\n");
	is_str(kconfig_get(&kc, "B"), "m", "merge: the running kernel's value wins");
	ok(kconfig_get(&kc, "OLD_ONLY") == NULL, "merge: a bool only the tree has is off (its dependencies are unmet)");
	is_str(kconfig_get(&kc, "BASE_SMALL"), "0", "merge: a value only the tree has is kept");
	is_str(kconfig_get(&kc, "RETPOLINE"), "m", "merge: a known rename carries the value to the tree's name");
	is_str(kc.title, "Linux/x86 7.0 Kernel Configuration", "merge: the running kernel's title");
	kconfig_free(&kc);
	kconfig_free(&over);
}

static void test_debian_tree(const char *tree)
{
	char *dotconfig = slurp(tree, ".config"), *autoconf = slurp(tree, "include/generated/autoconf.h");
	char *autoconf_conf = slurp(tree, "include/config/auto.conf"), *timeconst = slurp(tree, "include/generated/timeconst.h");
	struct kconfig kc;
	char why[256], *out;
	const char *hz;

	if (!dotconfig || !autoconf || !autoconf_conf || !timeconst) {
		ok(0, "the Debian tree %s has .config, autoconf.h, auto.conf and timeconst.h", tree);
		return;
	}
	ok(kconfig_parse(dotconfig, &kc, why, sizeof(why)) == 0, "Debian's .config parses (%s)", why);
	out = kconfig_write_autoconf(&kc, autoconf);
	ok(strcmp(out, autoconf) == 0, "autoconf.h round-trips exactly (in the shipped file's order)");
	ok(same_lines(out, autoconf), "...and line for line as a set");
	free(out);
	out = kconfig_write_autoconf(&kc, NULL);
	{
		/* Without the reference a hex symbol .config wrote without its
		 * 0x cannot be told from a number: compare with 0x dropped. */
		char *a = strdup(out), *b = strdup(autoconf), *p;

		while ((p = strstr(a, " 0x")))
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
		while ((p = strstr(b, " 0x")))
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
		ok(same_lines(a, b), "autoconf.h without an order reference: the same lines (hex prefixes aside)");
		free(a);
		free(b);
	}
	free(out);
	out = kconfig_write_auto_conf(&kc, autoconf_conf);
	ok(strcmp(out, autoconf_conf) == 0, "include/config/auto.conf round-trips exactly");
	free(out);
	hz = kconfig_get(&kc, "HZ");
	out = kconfig_timeconst(hz ? (unsigned)atoi(hz) : 0);
	ok(strcmp(out, timeconst) == 0, "timeconst.h for CONFIG_HZ=%s equals the shipped one", hz ? hz : "?");
	free(out);
	kconfig_free(&kc);
	free(dotconfig);
	free(autoconf);
	free(autoconf_conf);
	free(timeconst);
}

int main(void)
{
	const char *tree = getenv("PH_KCONFIG_TREE");
	char *t;

	test_parser();
	if (tree)
		test_debian_tree(tree);
	else
		ok(0, "PH_KCONFIG_TREE names a Debian linux-headers-*-amd64 tree");
	t = kconfig_timeconst(1000);
	ok(strstr(t, "#define HZ_TO_MSEC_NUM\t\t1\n") && strstr(t, "#define HZ_TO_USEC_NUM\t\t1000\n"), "timeconst for HZ=1000");
	free(t);
	t = kconfig_timeconst(128);
	ok(strstr(t, "#define HZ_TO_MSEC_MUL32\tU64_C(0xFA000000)\n") && strstr(t, "#define HZ_TO_MSEC_ADJ32\tU64_C(0x1E000000)\n") &&
	   strstr(t, "#define MSEC_TO_HZ_ADJ32\tU64_C(0x3F7CED916)\n") && strstr(t, "#define MSEC_TO_HZ_SHR32\t34\n"),
	   "timeconst for HZ=128 (an HZ whose constants need the adjustment terms)");
	free(t);
	return tap_done();
}
