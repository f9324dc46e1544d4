/* The JSON helpers manifest.json, --json and the runner's results share
 * (json-c underneath). Getters check the type: what they read may come
 * from a shared volume that anyone could have written. */
#ifndef PH_JSON_H
#define PH_JSON_H

#include <json-c/json.h>

/* Sets key to a string, or to null when value is NULL. */
void json_set_string(json_object *o, const char *key, const char *value);

/* The string at key, or fallback when it is missing or not a string. */
const char *json_get_string(json_object *o, const char *key, const char *fallback);

/* The boolean at key, or fallback when it is missing or not a boolean. */
int json_get_bool(json_object *o, const char *key, int fallback);

#endif
