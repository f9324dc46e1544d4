/* Emits a struct or union body whose every member sits at the offset and
 * has the size the kernel's BTF gives, with the tree's own type names
 * where the tree knows them, explicit padding, and _Static_asserts that
 * make any drift a compile error instead of a wrong read. */
#ifndef PH_BTF_LAYOUT_H
#define PH_BTF_LAYOUT_H

#include "lib/btf/closure.h"
#include "lib/btf/oldbody.h"
#include "lib/btf/report.h"
#include "util/textbuf.h"

struct btf;
struct btf_dump;

struct emitter {
	const struct btf *btf;
	struct btf_dump *dump;
	struct textbuf dump_out;  /* where btf_dump prints */
	const struct plan *plan;
	const struct tree_index *ti;
	const char *file_text;    /* the header being rewritten, as the tree had it */
	const char *old_body;     /* the definition's old body */
	const struct ob_list *old; /* its declarations */
	const char *type_expr;    /* "struct task_struct", "atomic_t": for the asserts */
	const char *top;          /* the name in report lines */
	const char *rel;          /* the header's path in the tree, for report lines */
	unsigned pad_seq;         /* padding names unique across nesting */
	struct textbuf asserts;
	struct btf_report *rep;
	int packed_seen;
};

int emitter_init(struct emitter *e, const struct btf *btf, const struct plan *plan, const struct tree_index *ti,
		 struct btf_report *rep);
void emitter_free(struct emitter *e);

/* The members of struct/union id, at nesting level, with their absolute
 * offsets base_bits + their own for the asserts; path prefixes names. */
int emit_members(struct emitter *e, __u32 id, int level, unsigned long long base_bits, const char *path,
		 struct textbuf *out);
/* Whether C's member lookup finds name in struct/union id (through
 * anonymous members). */
int emit_btf_has_name(const struct btf *btf, __u32 id, const char *name);
/* " __attribute__((packed))" when BTF places a member off its alignment. */
const char *emit_packed_attr(const struct btf *btf, __u32 id);

#endif
