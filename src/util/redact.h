/* Credentials never leave the process: a URL's user:password part is
 * replaced before the URL reaches a log line, --json or manifest.json
 * (which other pods on a shared volume can read). */
#ifndef PH_REDACT_H
#define PH_REDACT_H

#include <stddef.h>

/* Writes url into out with any "user:password@" or "user@" of its
 * authority replaced by "***@"; a text that is not a URL is copied as it
 * is. Returns out. out is always terminated (cut to size). */
const char *redact_url(const char *url, char *out, size_t size);

/* The same for every URL inside a free text (a log line): returns a new
 * string the caller frees, or NULL when out of memory. */
char *redact_text(const char *text);

/* Redacts every string inside a JSON value in place (manifest.json and
 * --json output: other pods may read the volume). */
struct json_object;
void redact_json(struct json_object *o);

#endif
