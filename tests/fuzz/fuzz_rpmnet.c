/* What a mirror service could send for an rpm repository: a metalink
 * (XML, parsed with expat) or a mirrorlist (plain text). The first byte
 * picks which one. Every base URL kept must be an http(s) URL. */
#include "fuzz_common.h"
#include "lib/rpm/metalink.h"
#include "lib/rpm/mirrorlist.h"

static void check(const struct rpm_mirrors *m)
{
	int i;

	if (m->n < 0 || m->n > RPM_MIRRORS_MAX)
		abort();
	for (i = 0; i < m->n; i++)
		if (strncmp(m->base[i], "http://", 7) != 0 && strncmp(m->base[i], "https://", 8) != 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpm_metalink ml;
	static struct rpm_mirrors m;
	char why[512];

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		if (rpm_metalink_parse((const char *)data + 1, size - 1, &ml, why, sizeof(why)) == 0) {
			check(&ml.mirrors);
			rpm_metalink_matches(&ml, "", "");
		}
	} else if (rpm_mirrorlist_parse((const char *)data + 1, size - 1, &m, why, sizeof(why)) == 0) {
		check(&m);
	}
	return 0;
}
