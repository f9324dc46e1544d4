/* The old-body parser of the BTF correction on inputs the fuzzer found:
 * a NUL byte inside a member declaration once overflowed the heap. */
#include "lib/btf/oldbody.h"
#include "tap.h"

int main(void)
{
	static const char body[] = "\n\tint x;\n\tunion { l\x99\0g y; void *p; };\n\tunsigned int bits:3;\n";
	struct ob_list l = { 0 };

	is_int(ob_parse(body, sizeof(body) - 1, &l), 0, "a body with a NUL byte in a declaration parses");
	ok(l.n >= 2, "its declarations are listed (%zu)", l.n);
	ok(ob_find(&l, "x") != NULL, "the member before it is found");
	ob_free(&l);
	return tap_done();
}
