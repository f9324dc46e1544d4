/* A growing NUL-terminated text buffer for the files the program builds
 * whole (autoconf.h, timeconst.h, BTF-corrected headers): appends never
 * fail one by one; an allocation failure is remembered and seen once, at
 * the end. */
#ifndef PH_TEXTBUF_H
#define PH_TEXTBUF_H

#include <stdarg.h>
#include <stddef.h>

struct textbuf {
	char *s;    /* the text so far (NULL until something is appended) */
	size_t len, cap;
	int failed; /* an append ran out of memory: the text is incomplete */
};

void textbuf_init(struct textbuf *b);
void textbuf_free(struct textbuf *b);
void textbuf_add(struct textbuf *b, const char *s, size_t n);
void textbuf_puts(struct textbuf *b, const char *s);
void textbuf_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void textbuf_vprintf(struct textbuf *b, const char *fmt, va_list ap);
/* Tabs for nesting level n. */
void textbuf_indent(struct textbuf *b, int n);
/* The text (the caller frees it), "" when nothing was appended; NULL
 * when an append failed. Either way b is left empty. */
char *textbuf_finish(struct textbuf *b);

#endif
