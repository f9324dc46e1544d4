/* manifest.json as anyone with write access to the shared volume may
 * write it: the reader's parser, the fields the tool reads from it (exact,
 * level, the recorded validation verdict), and the write-back --validate
 * does (serialise, then the result must read back as the same object). */
#include "lib/output/manifest.h"
#include "util/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_object *m = NULL, *again = NULL, *val;
	const char *text, *verdict = NULL;
	int exact;

	if (manifest_parse((const char *)data, size, &m) < 0)
		return 0;
	/* What provision.c, validate.c, cache.c and closematch_gather.c read. */
	exact = json_get_bool(m, "exact", 0);
	if (!exact && strcmp(json_get_string(m, "level", ""), "btf-corrected") == 0)
		exact = 2;
	if (json_object_object_get_ex(m, "validation", &val))
		verdict = json_get_string(val, "verdict", NULL);
	if (verdict && strlen(verdict) > size)
		abort(); /* a string longer than the input it came from */
	/* validate.c's record(): add the result, write it back, read it back. */
	json_object_object_add(m, "validation", json_object_new_object());
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || manifest_parse(text, strlen(text), &again) < 0)
		abort(); /* what the tool writes must read back */
	/* Compared as text: NaN is never equal to itself as a value. */
	if (strcmp(text, json_object_to_json_string_ext(again, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) != 0)
		abort();
	json_object_put(again);
	json_object_put(m);
	return 0;
}
