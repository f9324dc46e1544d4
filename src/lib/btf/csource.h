/* Lexical helpers for kernel headers: enough of C's surface (comments,
 * strings, braces, line starts) to find struct definitions and their
 * bodies without a compiler. */
#ifndef PH_BTF_CSOURCE_H
#define PH_BTF_CSOURCE_H

#include <stddef.h>

#define CS_NAME_MAX 128

/* One top-level definition that starts at a line: "struct NAME {",
 * "union NAME {", "typedef struct [NAME] {...} TNAME;". */
struct cs_def {
	int is_union;
	char tag[CS_NAME_MAX];     /* "" for an anonymous struct */
	char tdname[CS_NAME_MAX];  /* the typedef name, "" when not a typedef */
	size_t start;              /* the "struct"/"union" keyword (after "typedef ") */
	size_t open, close;        /* the body's braces */
	size_t end;                /* the terminating ';' */
};

/* If t[i] starts a comment, string or character literal, the index just
 * past it; else i. */
size_t cs_skip_noncode(const char *t, size_t n, size_t i);
/* The matching '}' of the '{' at open; -EINVAL when unbalanced. */
int cs_match_brace(const char *t, size_t n, size_t open, size_t *ret_close);
/* The next definition at or after *pos (which moves past it); 0 when
 * found, -ENOENT at the end. */
int cs_next_def(const char *t, size_t n, size_t *pos, struct cs_def *d);
/* Whether word occurs in text as a whole identifier. */
int cs_has_word(const char *text, const char *word);
/* Whether "kw name" (struct/union/enum tag) occurs in text. */
int cs_has_tag(const char *text, const char *kw, const char *name);
int cs_is_ident_char(char c);
/* Copies the identifier at p into w (cut to wsize - 1) and returns how
 * many characters it took from p (0 when p is not at an identifier). */
size_t cs_take_word(const char *p, char *w, size_t wsize);

#endif
