/* A growable NUL-terminated text buffer: the corrected headers are built
 * piece by piece before they replace a file. */
#ifndef PH_BTF_TEXTBUF_H
#define PH_BTF_TEXTBUF_H

#include <stdarg.h>
#include <stddef.h>

struct textbuf {
	char *s;
	size_t len, cap;
	int failed; /* an allocation failed: the text is incomplete */
};

void tb_init(struct textbuf *b);
void tb_free(struct textbuf *b);
void tb_add(struct textbuf *b, const char *s, size_t n);
void tb_puts(struct textbuf *b, const char *s);
void tb_printf(struct textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_vprintf(struct textbuf *b, const char *fmt, va_list ap);
/* Tabs for nesting level n. */
void tb_indent(struct textbuf *b, int n);

#endif
