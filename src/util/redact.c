#include "util/redact.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *redact_url(const char *url, char *out, size_t size)
{
	const char *scheme_end, *authority, *authority_end, *at;

	if (!size)
		return out;
	scheme_end = url ? strstr(url, "://") : NULL;
	if (!scheme_end) {
		snprintf(out, size, "%s", url ? url : "");
		return out;
	}
	authority = scheme_end + 3;
	authority_end = authority + strcspn(authority, "/?#");
	/* The last '@' of the authority ends the user info (a password may
	 * hold an unescaped '@'). */
	at = NULL;
	for (const char *p = authority; p < authority_end; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		snprintf(out, size, "%s", url);
		return out;
	}
	snprintf(out, size, "%.*s***%s", (int)(authority - url), url, at);
	return out;
}

char *redact_text(const char *text)
{
	/* Each URL grows by at most 3 bytes ("@" becomes "***@"). */
	size_t len = strlen(text), o = 0;
	char *out = malloc(len + 3 * (len / 4 + 1) + 1);
	const char *p = text, *scheme;

	if (!out)
		return NULL;
	while ((scheme = strstr(p, "://"))) {
		const char *authority = scheme + 3, *end, *at = NULL;

		end = authority + strcspn(authority, "/?# \t\n'\"");
		for (const char *q = authority; q < end; q++)
			if (*q == '@')
				at = q;
		memcpy(out + o, p, (size_t)(authority - p));
		o += (size_t)(authority - p);
		if (at) {
			memcpy(out + o, "***", 3);
			o += 3;
			p = at;
		} else {
			p = authority;
		}
	}
	memcpy(out + o, p, strlen(p) + 1);
	return out;
}

/* Replaces o's string value when redacting changes it. Returns the value
 * to keep in the parent (a new string object, or o itself). */
static json_object *redacted_string(json_object *o)
{
	const char *s = json_object_get_string(o);
	char *r = strstr(s, "://") ? redact_text(s) : NULL;
	json_object *n;

	if (!r || strcmp(r, s) == 0) {
		free(r);
		return NULL;
	}
	n = json_object_new_string(r);
	free(r);
	return n;
}

void redact_json(json_object *o)
{
	size_t i, n;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, value) {
			json_object *r;

			if (json_object_is_type(value, json_type_string) && (r = redacted_string(value)))
				json_object_object_add(o, key, r); /* replaces, and puts the old value */
			else
				redact_json(value);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			json_object *v = json_object_array_get_idx(o, i), *r;

			if (json_object_is_type(v, json_type_string) && (r = redacted_string(v)))
				json_object_array_put_idx(o, i, r);
			else
				redact_json(v);
		}
	}
}
