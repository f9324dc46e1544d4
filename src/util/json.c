#include "util/json.h"

void json_set_string(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

const char *json_get_string(json_object *o, const char *key, const char *fallback)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : fallback;
}

int json_get_bool(json_object *o, const char *key, int fallback)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean)
		       ? json_object_get_boolean(v)
		       : fallback;
}
