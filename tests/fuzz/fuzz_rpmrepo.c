/* What an rpm repository and a host's repo folder could hand over: a
 * *.repo file (with variables), repomd.xml, and primary.xml fed in
 * chunks of varying size, as the stream decoder hands it over. The first
 * byte picks which one. */
#include "fuzz_common.h"
#include "lib/rpm/primary.h"
#include "lib/rpm/repofile.h"
#include "lib/rpm/repomd.h"

static int keep(void *data, const struct rpm_pkg *pkg, const struct rpm_provide *prov, size_t n)
{
	size_t i, *count = data;

	for (i = 0; i < n; i++)
		*count += strlen(prov[i].name) + strlen(prov[i].evr);
	*count += strlen(pkg->name) + strlen(pkg->digest);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, why[512];
	size_t count = 0;

	if (size < 2)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	if (!text)
		return 0;
	switch (data[0] % 3) {
	case 0: {
		static struct rpm_repo repos[8];
		struct rpm_vars vars = { 0 };
		size_t n = 0;

		rpm_vars_set(&vars, "releasever", "9");
		rpm_vars_set(&vars, "basearch", "x86_64");
		rpm_repofile_parse(text, "fuzz.repo", &vars, repos, 8, &n, why, sizeof(why));
		break;
	}
	case 1: {
		struct rpm_repomd_entry e;

		rpm_repomd_parse(text, size - 1, &e, why, sizeof(why));
		break;
	}
	default: {
		struct rpm_primary *p = rpm_primary_new(keep, &count);
		size_t off = 0, chunk = (size_t)data[0] % 61 + 1;

		while (p && off < size - 1) {
			size_t n = size - 1 - off < chunk ? size - 1 - off : chunk;

			if (rpm_primary_feed(p, text + off, n) < 0)
				break;
			off += n;
		}
		if (p)
			rpm_primary_finish(p, NULL, why, sizeof(why));
		break;
	}
	}
	free(text);
	return 0;
}
