/* The header side of the BTF correction: a tree's header text (a bank or
 * cache tree may be hostile) through the definition finder, the brace
 * matcher and the old-body parser; and the input as raw BTF through
 * libbpf's loader, as --btf reads it. */
#include "fuzz_common.h"
#include "lib/btf/csource.h"
#include "lib/btf/oldbody.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cs_def d;
	size_t pos = 0;
	int defs = 0;
	struct btf *btf;

	if (!text)
		return 0;
	while (defs < 64 && cs_next_def(text, size, &pos, &d) == 0) {
		struct ob_list l = { 0 };
		size_t i;

		defs++;
		if (d.open >= d.close || d.close > size)
			abort(); /* a body is always inside the text, braces in order */
		if (ob_parse(text + d.open + 1, d.close - d.open - 1, &l) == 0)
			for (i = 0; i < l.n; i++)
				ob_scalar_size(&l.v[i]);
		ob_free(&l);
	}
	btf = btf__new(data, (__u32)size);
	if (!libbpf_get_error(btf))
		btf__free(btf);
	free(text);
	return 0;
}
