/* The host's configuration against a downloaded tree's (the COS
 * headers tarball's .config): which symbols differ. */
#include "lib/kconfig/compare.h"
#include "lib/kconfig/parse.h"
#include "tap.h"

#include <string.h>

static size_t diff(const char *a, const char *b, const char **first)
{
	struct kconfig ka, kb;
	char why[256];
	size_t n;

	memset(&ka, 0, sizeof(ka));
	memset(&kb, 0, sizeof(kb));
	if (kconfig_parse(a, &ka, why, sizeof(why)) < 0 || kconfig_parse(b, &kb, why, sizeof(why)) < 0)
		return (size_t)-1;
	n = kconfig_differences(&ka, &kb, first);
	/* The name points into the tables: copied before they go. */
	{
		static char name[64];

		snprintf(name, sizeof(name), "%s", *first ? *first : "");
		*first = name;
	}
	kconfig_free(&ka);
	kconfig_free(&kb);
	return n;
}

int main(void)
{
	const char *first;

	is_int((int)diff("CONFIG_BPF=y\nCONFIG_HZ=1000\n", "# comment\nCONFIG_HZ=1000\nCONFIG_BPF=y\n", &first), 0,
	       "the same symbols in another order agree");
	is_str(first, "", "...no first difference");
	is_int((int)diff("CONFIG_BPF=y\n# CONFIG_KPROBES is not set\n", "CONFIG_BPF=y\n", &first), 0,
	       "\"is not set\" and absent agree");
	is_int((int)diff("CONFIG_BPF=y\nCONFIG_HZ=1000\n", "CONFIG_BPF=y\nCONFIG_HZ=250\n", &first), 1, "a changed value");
	is_str(first, "HZ", "...named");
	is_int((int)diff("CONFIG_BPF=y\n", "CONFIG_BPF=y\nCONFIG_KPROBES=y\nCONFIG_X=m\n", &first), 2,
	       "symbols only the second sets");
	is_str(first, "KPROBES", "...the first named");
	is_int((int)diff("CONFIG_BPF=y\nCONFIG_X=\"a\"\n", "CONFIG_BPF=m\nCONFIG_X=\"b\"\n", &first), 2, "both changed");
	is_str(first, "BPF", "...the first of the first configuration");
	return tap_done();
}
