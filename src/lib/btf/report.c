#include "lib/btf/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Out of memory drops the line: a report is no reason to fail. */
void strlist_add(struct strlist *l, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return;
		l->v = v;
		l->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n >= 0)
		l->v[l->n++] = s;
}

void strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void btf_report_free(struct btf_report *r)
{
	strlist_free(&r->rewritten);
	strlist_free(&r->opaque);
	strlist_free(&r->kept);
	strlist_free(&r->dropped);
	strlist_free(&r->skipped);
}
