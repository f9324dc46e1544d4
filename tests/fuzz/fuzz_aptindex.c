/* A repository's Release and Packages indexes (what a hostile mirror
 * could send once the signature is skipped or the key is the attacker's),
 * and dpkg version ordering. Packages is fed in chunks of varying size,
 * as the stream decoder hands it over. */
#include "fuzz_common.h"
#include "lib/apt/debversion.h"
#include "lib/apt/packages.h"
#include "lib/apt/pkglist.h"
#include "lib/apt/release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const patterns[] = { "linux-headers-*", "linux-kbuild-*", NULL };
	char *text = fuzz_text(data, size), why[512];
	struct apt_release rel;
	struct apt_pkglist list = { 0 };
	struct packages_parser *p;
	size_t off = 0, chunk = size ? (size_t)data[0] % 97 + 1 : 1;

	if (!text)
		return 0;
	memset(&rel, 0, sizeof(rel));
	if (apt_release_parse(text, &rel, why, sizeof(why)) == 0)
		apt_release_find(&rel, "main/binary-amd64/Packages.xz");
	apt_release_free(&rel);
	p = packages_parser_new(patterns, "http://127.0.0.1/debian", 0, &list);
	while (p && off < size) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (packages_parser_feed(p, text + off, n) < 0)
			break;
		off += n;
	}
	if (p)
		packages_parser_finish(p, why, sizeof(why));
	apt_pkglist_free(&list);
	if (size > 1) {
		size_t half = strcspn(text, "\n");

		text[half < size ? half : size - 1] = '\0';
		if (deb_version_compare(text, text) != 0)
			abort(); /* a version equals itself */
		deb_version_compare(text, text + (half < size ? half + 1 : size - 1));
	}
	free(text);
	return 0;
}
