/* The runner's checks: one line each on stderr as they happen, and the
 * whole list (with the BTF comparison) as JSON at the end. */
#ifndef PHR_REPORT_H
#define PHR_REPORT_H

#include <json-c/json.h>

enum check_status { CHECK_OK, CHECK_FAIL, CHECK_SKIP };

struct report {
	json_object *checks;     /* array of {name, status, detail} */
	json_object *btf;        /* array of member comparisons */
	json_object *btf_structs; /* the same for whole structs: the members that differ */
	json_object *mismatches; /* array of member or field names found wrong */
	int compile_failed;
	int cannot_validate;
	char cannot_why[512];
	int quiet;
	int verbose; /* the libraries' own lines too (libout.h) */
	int truth_checked; /* ground truth or BTF actually compared something */
	size_t btf_compared, btf_agree; /* members compared with BTF, and agreeing */
	int btf_groups; /* whole-struct groups: a header that does not compile is skipped, not failed */
};

void report_init(struct report *r, int quiet);
void report_check(struct report *r, const char *name, enum check_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void report_mismatch(struct report *r, const char *what);
void report_cannot_validate(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_free(struct report *r);

#endif
