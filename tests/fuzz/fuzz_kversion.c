/* Kernel version strings: a release (uname, option, host files), a
 * package's upstream version, /proc/version_signature,
 * /proc/sys/kernel/version, and a vDSO image. */
#include "lib/kernel/kversion.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	unsigned code = 0, major, minor, sub;
	struct kversion v;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kversion_from_release(text, &code) == 0) {
		kversion_split(code, &major, &minor, &sub);
		if (sub > 255 || code > 0xffffff)
			abort(); /* the sublevel is clamped as the kernel clamps it */
	}
	/* The one parser of package versions and patch bounds too. */
	if (kversion_parse(text, &v) == 0 && (v.major == 0 || v.major > 255 || v.minor > 255 || (!v.has_sublevel && v.sublevel)))
		abort();
	kversion_from_version_signature(text, &code);
	kversion_from_proc_version(text, &code);
	kversion_from_vdso_image(data, size, &code);
	free(text);
	return 0;
}
