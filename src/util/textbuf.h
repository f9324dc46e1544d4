/* A growing text buffer for the files the program writes whole
 * (autoconf.h, timeconst.h): printf-style appends, one failure check at
 * the end. */
#ifndef PH_TEXTBUF_H
#define PH_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *buf;
	size_t len, cap;
	int failed; /* an append ran out of memory: the text is lost */
};

void textbuf_append(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text (the caller frees it), "" when nothing was appended; NULL
 * when an append failed. Either way t's buffer is handed over or freed. */
char *textbuf_finish(struct textbuf *t);

#endif
