#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void report_init(struct report *r, int quiet)
{
	memset(r, 0, sizeof(*r));
	r->checks = json_object_new_array();
	r->btf = json_object_new_array();
	r->btf_structs = json_object_new_array();
	r->mismatches = json_object_new_array();
	r->quiet = quiet;
}

void report_check(struct report *r, const char *name, enum check_status status, const char *fmt, ...)
{
	static const char *const words[] = { "ok", "FAIL", "skip" };
	json_object *o = json_object_new_object();
	char detail[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "status", json_object_new_string(status == CHECK_OK ? "ok" : status == CHECK_FAIL ? "fail" : "skip"));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_array_add(r->checks, o);
	if (!r->quiet)
		fprintf(stderr, "provision-headers-runner: %-4s %s: %s\n", words[status], name, detail);
}

void report_mismatch(struct report *r, const char *what)
{
	size_t i;

	for (i = 0; i < json_object_array_length(r->mismatches); i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(r->mismatches, i)), what) == 0)
			return;
	json_object_array_add(r->mismatches, json_object_new_string(what));
}

void report_cannot_validate(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->cannot_validate)
		return; /* the first reason is the one to fix */
	r->cannot_validate = 1;
	va_start(ap, fmt);
	vsnprintf(r->cannot_why, sizeof(r->cannot_why), fmt, ap);
	va_end(ap);
}

void report_free(struct report *r)
{
	json_object_put(r->checks);
	json_object_put(r->btf);
	json_object_put(r->btf_structs);
	json_object_put(r->mismatches);
}
