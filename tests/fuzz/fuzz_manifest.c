/* manifest.json as anyone with write access to the shared volume may
 * write it: the reader's parser, the fields the tool reads from it (exact,
 * level, the recorded validation verdict), and the write-back --validate
 * does (serialise, then the result must read back as the same object). */
#include "lib/output/manifest.h"
#include "util/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The standing the tool gives a tree from its manifest (provision.c,
 * validate.c): 1 exact, 2 corrected from BTF, 0 otherwise. */
static int standing(json_object *m)
{
	int exact = json_get_bool(m, "exact", 0);

	if (!exact && strcmp(json_get_string(m, "level", ""), "btf-corrected") == 0)
		exact = 2;
	return exact;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *m = NULL, *again = NULL, *val;
	const char *text, *verdict = NULL;
	int exact;

	if (manifest_parse((const char *)data, size, &m) < 0)
		return 0;
	/* What provision.c, validate.c, cache.c and closematch_gather.c read. */
	exact = standing(m);
	if (json_object_object_get_ex(m, "validation", &val))
		verdict = json_get_string(val, "verdict", NULL);
	if (verdict && strlen(verdict) > size)
		abort(); /* a string longer than the input it came from */
	/* validate.c's record(): add the result, write it back, read it back.
	 * json-c may normalise numbers on the way (-0e reads back as 0), so
	 * what must hold is that it reads back and decides the same. */
	json_object_object_add(m, "validation", json_object_new_object());
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || manifest_parse(text, strlen(text), &again) < 0)
		abort(); /* what the tool writes must read back */
	if (standing(again) != exact)
		abort();
	json_object_put(again);
	json_object_put(m);
	return 0;
}
