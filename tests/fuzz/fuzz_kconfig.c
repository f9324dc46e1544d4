/* A kernel config from a hostile host root through the parser, the merge
 * policy and every writer; CONFIG_HZ through timeconst. */
#include "fuzz_common.h"
#include "lib/kconfig/kconfig.h"
#include "lib/kconfig/merge.h"
#include "lib/kconfig/parse.h"
#include "lib/kconfig/timeconst.h"
#include "lib/kconfig/write.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), why[512], *out;
	struct kconfig kc, base;
	unsigned hz = 0;

	if (!text)
		return 0;
	memset(&kc, 0, sizeof(kc));
	memset(&base, 0, sizeof(base));
	if (kconfig_parse(text, &kc, why, sizeof(why)) == 0) {
		free(kconfig_write_autoconf(&kc, text));
		free(kconfig_write_auto_conf(&kc, text));
		free(kconfig_write_dotconfig(&kc));
		/* The HZ policy: a value it accepts always gets a complete header
		 * for exactly that HZ; one it refuses gets none. */
		if (kconfig_get(&kc, "HZ") && kconfig_parse_hz(kconfig_get(&kc, "HZ"), &hz) == 0) {
			char want[32];

			out = kconfig_timeconst(hz);
			snprintf(want, sizeof(want), "HZ == %u */", hz);
			if (!out || !strstr(out, want) || !strstr(out, "HZ_TO_MSEC_MUL32"))
				abort();
			free(out);
		}
		if (kconfig_parse("CONFIG_BPF=y\nCONFIG_HZ=250\n", &base, why, sizeof(why)) == 0)
			kconfig_merge(&base, &kc, "CONFIG_A CONFIG_B\n", "CONFIG_BPF CONFIG_BPF_SYSCALL\n");
	}
	kconfig_free(&kc);
	kconfig_free(&base);
	if (size >= 4)
		memcpy(&hz, data, 4);
	out = kconfig_timeconst(hz);
	free(out);
	free(text);
	return 0;
}
