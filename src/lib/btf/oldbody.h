/* What a struct body in the tree holds besides its layout: preprocessor
 * lines (net/sock.h's "#define sk_node ...") and member declarations with
 * the names they declare, so members the kernel no longer has can be
 * kept where they move nothing. */
#ifndef PH_BTF_OLDBODY_H
#define PH_BTF_OLDBODY_H

#include "lib/btf/csource.h"

#include <stddef.h>

#define OB_MAX_NAMES 8

struct ob_item {
	int is_pp;    /* a preprocessor line (with its continuations) */
	char *text;   /* without comments */
	char names[OB_MAX_NAMES][CS_NAME_MAX];
	int n_names;  /* 0 for a declaration whose name is not known (a macro) */
	int keep;     /* set by the caller: kept beside the new layout */
};

struct ob_list {
	struct ob_item *v;
	size_t n, cap;
};

/* Parses the body between the braces; anonymous nested structs and unions
 * are flattened, as C's member lookup sees them. */
int ob_parse(const char *body, size_t len, struct ob_list *out);
void ob_free(struct ob_list *l);
/* The size of a one-name scalar or pointer declaration (no array, no
 * bitfield) on a 64-bit kernel, or -1 when it cannot be told without a
 * compiler. */
int ob_scalar_size(const struct ob_item *it);
/* The declaration of name in l, if it declares only that name. */
const struct ob_item *ob_find(const struct ob_list *l, const char *name);

/* Whether a member the kernel lacks may stay beside the new layout: a
 * pointer or a small scalar (or bitfield), no array, no nested body. */
int ob_keepable(const struct ob_item *it);

#endif
