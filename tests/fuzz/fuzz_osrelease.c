/* os-release text as a hostile host root may hold it. */
#include "lib/kernel/osrelease.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct os_release os;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&os, 0, sizeof(os));
	os_release_parse(text, &os);
	/* Every field the parser fills is a terminated string. */
	if (strlen(os.id) >= sizeof(os.id) || strlen(os.version_id) >= sizeof(os.version_id))
		abort();
	free(text);
	return 0;
}
