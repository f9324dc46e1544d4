/* What one correction did, for the manifest: the structs rewritten, the
 * members whose layout the generated header now asserts, and every member
 * made opaque or kept from the old header. */
#ifndef PH_BTF_REPORT_H
#define PH_BTF_REPORT_H

#include <stddef.h>

struct strlist {
	char **v;
	size_t n, cap;
};

struct btf_report {
	struct strlist rewritten; /* "struct task_struct (include/linux/sched.h)" */
	struct strlist opaque;    /* "task_struct.foo: why" */
	struct strlist kept;      /* "task_struct.bar": in the tree, not in the kernel */
	struct strlist dropped;   /* in the tree, not in the kernel, too large to keep */
	struct strlist skipped;   /* roots the tree or BTF lacks, with why */
	size_t members_checked;   /* members whose offset and size are asserted */
	size_t bitfields;         /* bitfields placed at their BTF bit offsets */
	size_t headers_scanned, files_rewritten;
};

void strlist_add(struct strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strlist_free(struct strlist *l);
void btf_report_free(struct btf_report *r);

#endif
