#include "util/textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void textbuf_append(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		{
			size_t cap = (t->cap ? t->cap : 65536) * 2 + (size_t)n;
			char *bigger = realloc(t->buf, cap);

			if (!bigger) {
				t->failed = 1;
				return;
			}
			t->buf = bigger;
			t->cap = cap;
		}
	}
}

char *textbuf_finish(struct textbuf *t)
{
	char *text = t->buf;

	t->buf = NULL;
	t->len = t->cap = 0;
	if (t->failed) {
		free(text);
		return NULL;
	}
	return text ? text : strdup("");
}
