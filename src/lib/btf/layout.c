#include "lib/btf/layout.h"

#include "lib/btf/csource.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How a member's type can be written in the tree. */
enum how {
	HOW_DECL,   /* the kernel's type, as the tree names it */
	HOW_SLOT,   /* the tree's struct, in a slot of the kernel's size */
	HOW_INLINE, /* an anonymous struct/union: its body emitted here */
	HOW_TAGGED, /* a struct the tree defines only inside this body (struct_group_tagged) */
	HOW_INT,    /* an integer of the same size */
	HOW_PTR,    /* a pointer to void */
	HOW_BYTES,  /* an aligned byte slot */
};

/* Typedefs of linux/types.h, which every header has. */
static const char *const basic_typedefs[] = {
	"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16",
	"__s32", "__s64", "bool", "size_t", "ssize_t", "pid_t", "uid_t", "gid_t", "loff_t", "__le16", "__le32",
	"__le64", "__be16", "__be32", "__be64", "__wsum", "__sum16", "dev_t", "umode_t", "fmode_t", "gfp_t",
	"phys_addr_t", "dma_addr_t", "resource_size_t", "sector_t", "blkcnt_t", "time64_t", "clockid_t",
	"atomic_t", "atomic64_t", "atomic_long_t", "__kernel_size_t", "uintptr_t", "ulong", "uint", "ushort",
	"u_int8_t", "u_int16_t", "u_int32_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t",
	"int16_t", "int32_t", "int64_t", "slab_flags_t", "irq_hw_number_t", "off_t", "ino_t", "nlink_t",
	"__poll_t", "rwf_t", "timer_t", "mode_t", "key_t", "mqd_t", "daddr_t", "caddr_t", "qsize_t",
};

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	textbuf_vprintf(&((struct emitter *)ctx)->dump_out, fmt, args);
}

int emitter_init(struct emitter *e, const struct btf *btf, const struct plan *plan, const struct tree_index *ti,
		 struct btf_report *rep)
{
	memset(e, 0, sizeof(*e));
	e->btf = btf;
	e->plan = plan;
	e->ti = ti;
	e->rep = rep;
	e->dump = btf_dump__new(btf, dump_printf, e, NULL);
	if (!e->dump)
		return -errno ? -errno : -ENOMEM;
	textbuf_init(&e->dump_out);
	textbuf_init(&e->asserts);
	return 0;
}

void emitter_free(struct emitter *e)
{
	btf_dump__free(e->dump);
	textbuf_free(&e->dump_out);
	textbuf_free(&e->asserts);
}

/* Whether C's member lookup finds name in struct/union id. */
int emit_btf_has_name(const struct btf *btf, __u32 id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, btfx_skip_mods(btf, id));
	const struct btf_member *m;
	int i;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return 0;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(btf, m[i].name_off);

		if (n && *n ? strcmp(n, name) == 0 : emit_btf_has_name(btf, m[i].type, name))
			return 1;
	}
	return 0;
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	return n ? n : "";
}

static int typedef_known(const struct emitter *e, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(basic_typedefs) / sizeof(basic_typedefs[0]); i++)
		if (strcmp(name, basic_typedefs[i]) == 0)
			return 1;
	return cs_has_word(e->file_text, name);
}

/* Whether a type reached through a pointer (or in a prototype) can be
 * named in the tree. */
static int ref_usable(const struct emitter *e, __u32 id, int in_proto, int depth)
{
	const struct btf_type *t;
	const char *n;
	int i;

	id = btfx_skip_mods(e->btf, id);
	if (id == 0)
		return 1;
	t = btf__type_by_id(e->btf, id);
	if (!t || depth > 8)
		return 0;
	n = name_of(e->btf, t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return 1;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		if (!*n)
			return 0;
		/* In a prototype an unseen tag is declared in the prototype's scope only. */
		return !in_proto || cs_has_tag(e->file_text, btf_is_union(t) ? "union" : "struct", n);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return *n && cs_has_tag(e->file_text, "enum", n);
	case BTF_KIND_TYPEDEF:
		return typedef_known(e, n);
	case BTF_KIND_PTR:
		return ref_usable(e, t->type, in_proto, depth + 1);
	case BTF_KIND_ARRAY:
		return ref_usable(e, btf_array(t)->type, in_proto, depth + 1);
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);

		if (!ref_usable(e, t->type, 1, depth + 1))
			return 0;
		for (i = 0; i < btf_vlen(t); i++)
			if (!ref_usable(e, p[i].type, 1, depth + 1))
				return 0;
		return 1;
	}
	default:
		return 0;
	}
}

/* The fallback for a type the tree cannot name, by what it is. */
static enum how fallback(const struct emitter *e, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(e->btf, (__u32)btf__resolve_type(e->btf, id));

	if (t && (btf_is_int(t) || btf_is_any_enum(t)))
		return HOW_INT;
	if (t && btf_is_ptr(t))
		return HOW_PTR;
	return HOW_BYTES;
}

static enum how decide(const struct emitter *e, __u32 id, int in_array)
{
	__u32 sid = btfx_skip_mods(e->btf, id);
	const struct btf_type *t = btf__type_by_id(e->btf, sid), *rt;
	const char *n = name_of(e->btf, t);
	char key[CS_NAME_MAX + 16];
	const char *const *files;
	enum how h;

	if (!t)
		return HOW_BYTES;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return HOW_DECL;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return *n && cs_has_tag(e->file_text, "enum", n) ? HOW_DECL : HOW_INT;
	case BTF_KIND_PTR:
		return ref_usable(e, t->type, 0, 0) ? HOW_DECL : HOW_PTR;
	case BTF_KIND_ARRAY:
		h = decide(e, btf_array(t)->type, 1);
		return h == HOW_DECL || h == HOW_SLOT ? h : HOW_BYTES;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!*n)
			return in_array ? HOW_BYTES : HOW_INLINE;
		if (plan_find(e->plan, sid))
			return HOW_DECL;
		snprintf(key, sizeof(key), "%s %s", btf_is_union(t) ? "union" : "struct", n);
		if (ti_lookup(e->ti, key, &files))
			return cs_has_tag(e->file_text, btf_is_union(t) ? "union" : "struct", n) ? HOW_SLOT : HOW_BYTES;
		return !in_array && e->old_body && cs_has_word(e->old_body, n) ? HOW_TAGGED : HOW_BYTES;
	case BTF_KIND_TYPEDEF:
		if (!typedef_known(e, n))
			return fallback(e, sid);
		rt = btf__type_by_id(e->btf, (__u32)btf__resolve_type(e->btf, sid));
		if (rt && (btf_is_struct(rt) || btf_is_union(rt)))
			return plan_find(e->plan, (__u32)btf__resolve_type(e->btf, sid)) ? HOW_DECL : HOW_SLOT;
		return HOW_DECL;
	default:
		return HOW_BYTES;
	}
}

/* btf_dump's declaration of id named name, without BTF type tags (older
 * clang does not know them); NULL when it needs a name btf_dump had to
 * make unique ("foo___2"), which the tree does not have. */
static const char *decl_of(struct emitter *e, __u32 id, const char *name)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = name);
	char *p, *s;

	e->dump_out.len = 0;
	if (e->dump_out.s)
		e->dump_out.s[0] = '\0';
	if (btf_dump__emit_type_decl(e->dump, id, &opts) < 0 || e->dump_out.failed || !e->dump_out.s)
		return NULL;
	s = e->dump_out.s;
	while ((p = strstr(s, " __attribute__((btf_type_tag(\""))) {
		char *end = strstr(p, "\")))");

		if (!end)
			break;
		memmove(p, end + 4, strlen(end + 4) + 1);
	}
	for (p = s; (p = strstr(p, "___")); p += 3)
		if (isdigit((unsigned char)p[3]))
			return NULL;
	e->dump_out.len = strlen(s);
	return s;
}

static const char *int_name(size_t size, int is_signed)
{
	switch (size) {
	case 1: return is_signed ? "signed char" : "unsigned char";
	case 2: return is_signed ? "short" : "unsigned short";
	case 4: return is_signed ? "int" : "unsigned int";
	case 8: return is_signed ? "long long" : "unsigned long long";
	case 16: return is_signed ? "__int128" : "unsigned __int128";
	default: return NULL;
	}
}

static int is_signed_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, (__u32)btf__resolve_type(btf, id));

	if (t && btf_is_int(t))
		return (btf_int_encoding(t) & BTF_INT_SIGNED) != 0;
	if (t && btf_is_any_enum(t))
		return btf_kflag(t);
	return 0;
}

/* Padding from *cur to target (bits): unnamed bitfields for the bits,
 * a named byte array for whole bytes. */
static void pad_to(struct emitter *e, struct textbuf *out, int level, unsigned long long *cur, unsigned long long target)
{
	if (target <= *cur)
		return;
	if (*cur % 8) {
		unsigned long long k = 8 - *cur % 8;

		if (k > target - *cur)
			k = target - *cur;
		textbuf_indent(out, level);
		textbuf_printf(out, "unsigned char : %llu;\n", k);
		*cur += k;
	}
	if (target - *cur >= 8) {
		unsigned long long bytes = (target - *cur) / 8;

		textbuf_indent(out, level);
		textbuf_printf(out, "unsigned char __ph_pad%u[%llu];\n", e->pad_seq++, bytes);
		*cur += bytes * 8;
	}
	if (target > *cur) {
		textbuf_indent(out, level);
		textbuf_printf(out, "unsigned char : %llu;\n", target - *cur);
		*cur = target;
	}
}

static void assert_member(struct emitter *e, const char *path, unsigned long long off, long long size)
{
	textbuf_printf(&e->asserts, "_Static_assert(__builtin_offsetof(%s, %s) == %llu, \"%s.%s: offset %llu as in the kernel's BTF\");\n",
		  e->type_expr, path, off, e->type_expr, path, off);
	if (size >= 0)
		textbuf_printf(&e->asserts, "_Static_assert(sizeof(((%s *)0)->%s) == %lld, \"%s.%s: size %lld as in the kernel's BTF\");\n",
			  e->type_expr, path, size, e->type_expr, path, size);
	e->rep->members_checked++;
}

const char *emit_packed_attr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_struct(t))
		return "";
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		int a = btf__align_of(btf, m[i].type);

		if (!btf_member_bitfield_size(t, (__u32)i) && a > 0 && btf_member_bit_offset(t, (__u32)i) % (8u * (unsigned)a))
			return " __attribute__((packed))";
	}
	return "";
}

static int emit_bitfield(struct emitter *e, const struct btf_type *t, int i, int level, struct textbuf *out)
{
	const struct btf_member *m = btf_members(t) + i;
	const char *name = btf__name_by_offset(e->btf, m->name_off);
	__u32 bits = btf_member_bitfield_size(t, (__u32)i);
	long long size = btf__resolve_size(e->btf, m->type);
	const char *d = NULL;

	if (decide(e, m->type, 0) == HOW_DECL)
		d = decl_of(e, m->type, name ? name : "");
	textbuf_indent(out, level);
	if (d)
		textbuf_printf(out, "%s : %u;\n", d, bits);
	else if (size > 0 && int_name((size_t)size, is_signed_type(e->btf, m->type)))
		textbuf_printf(out, "%s %s : %u;\n", int_name((size_t)size, is_signed_type(e->btf, m->type)), name ? name : "", bits);
	else
		return -EINVAL;
	e->rep->bitfields++;
	return 0;
}

/* The tree's own body of a named nested anonymous struct or union
 * ("struct { ... } icsk_ack;"): its declarations, and which of the members
 * the kernel lacks stay. */
struct nested_old {
	struct ob_list ob;
	int have;       /* the tree's declaration was found and parsed */
	size_t kept;
	int align;      /* of the kept members' struct: the kernel's, so it moves nothing */
};

/* Upper bound of a kept declaration's bytes in a packed struct, or -1. */
static int kept_bytes(const struct ob_item *it)
{
	int size = ob_scalar_size(it);

	if (size >= 0)
		return size;
	/* Bitfields: each declarator at most a long's 8 bytes. */
	if (strchr(it->text, ':') && !strchr(it->text, '*') && ob_keepable(it))
		return 8 * it->n_names;
	return -1;
}

/* Parses the tree's body of the nested member name (of BTF type sid) and
 * marks the members BTF lacks to keep when they fit, all together, in the
 * kernel's size at the kernel's alignment: a packed struct overlaid on the
 * kernel's members then moves nothing. The others are dropped and listed,
 * so a use of one fails the compile naming it. */
static int nested_old_parse(struct emitter *e, __u32 sid, const char *name, const char *full, struct nested_old *no)
{
	const struct btf_type *st = btf__type_by_id(e->btf, sid);
	const struct ob_item *it = *name ? ob_find(e->old, name) : NULL;
	const char *open;
	size_t close, used = 0, i;
	int ret, k;

	memset(no, 0, sizeof(*no));
	if (!it || !(open = strchr(it->text, '{')) ||
	    cs_match_brace(it->text, strlen(it->text), (size_t)(open - it->text), &close) < 0)
		return 0;
	ret = ob_parse(open + 1, close - (size_t)(open - it->text) - 1, &no->ob);
	if (ret < 0)
		return ret;
	no->have = 1;
	no->align = *emit_packed_attr(e->btf, sid) ? 1 : btf__align_of(e->btf, sid);
	if (no->align < 1)
		no->align = 1;
	for (i = 0; i < no->ob.n; i++) {
		struct ob_item *o = &no->ob.v[i];
		int fresh = !o->is_pp && o->n_names > 0, bytes;
		size_t end;

		for (k = 0; k < o->n_names; k++)
			fresh &= !emit_btf_has_name(e->btf, sid, o->names[k]);
		if (!fresh)
			continue;
		bytes = ob_keepable(o) ? kept_bytes(o) : -1;
		end = bytes < 0 ? 0 : (used + (size_t)bytes + (size_t)no->align - 1) / (size_t)no->align * (size_t)no->align;
		if (bytes < 0 || end > st->size) {
			for (k = 0; k < o->n_names; k++)
				strlist_add(&e->rep->dropped, "%s.%s.%s (%s): no room for it in the kernel's %u bytes", e->top,
					    full, o->names[k], e->rel ? e->rel : "", st->size);
			continue;
		}
		used += (size_t)bytes;
		o->keep = 1;
		no->kept++;
	}
	return 0;
}

/* The kept members in a packed struct of the kernel's alignment, with the
 * body's preprocessor lines in their order ("#define ATO_BITS 8", which
 * other headers use); only the preprocessor lines when nothing is kept. */
static void emit_nested_kept(struct emitter *e, const struct nested_old *no, const char *full, int level,
			     struct textbuf *out)
{
	size_t i;
	int k;

	if (no->kept) {
		textbuf_indent(out, level);
		textbuf_printf(out, "struct __attribute__((packed, aligned(%d))) { /* in the tree's header, not in the kernel: kept where they move nothing */\n",
			       no->align);
	}
	for (i = 0; i < no->ob.n; i++) {
		const struct ob_item *o = &no->ob.v[i];
		const char *txt = o->text;

		if (o->is_pp) {
			textbuf_printf(out, "%s\n", o->text);
			continue;
		}
		if (!o->keep)
			continue;
		while (*txt == ' ' || *txt == '\t')
			txt++;
		textbuf_indent(out, level + 1);
		textbuf_printf(out, "%s\n", txt);
		for (k = 0; k < o->n_names; k++)
			strlist_add(&e->rep->kept, "%s.%s.%s (%s)", e->top, full, o->names[k], e->rel ? e->rel : "");
	}
	if (no->kept) {
		textbuf_indent(out, level);
		textbuf_printf(out, "};\n");
	}
}

/* A nested anonymous struct or union, with the members the tree has and
 * the kernel lacks kept where they move nothing. */
static int emit_nested(struct emitter *e, __u32 sid, const char *name, enum how h, int level,
		       unsigned long long abs_bits, const char *path, const char *full, struct textbuf *out)
{
	const struct btf_type *st = btf__type_by_id(e->btf, sid);
	const char *kw = btf_is_union(st) ? "union" : "struct", *packed = emit_packed_attr(e->btf, sid);
	const struct ob_list *saved = e->old;
	struct nested_old no;
	char sub[520];
	int ret, wrap;

	ret = nested_old_parse(e, sid, name, full, &no);
	if (ret < 0)
		return ret;
	/* A struct's kept members overlay its kernel members in a union. */
	wrap = no.kept && !btf_is_union(st);
	if (h == HOW_TAGGED)
		textbuf_printf(out, "%s %s {\n", kw, name_of(e->btf, st));
	else
		textbuf_printf(out, "%s {\n", kw);
	if (wrap) {
		textbuf_indent(out, level + 1);
		textbuf_printf(out, "union {\n");
		textbuf_indent(out, level + 2);
		textbuf_printf(out, "struct {\n");
	}
	snprintf(sub, sizeof(sub), "%s%s", *name ? full : path, *name ? "." : "");
	if (no.have)
		e->old = &no.ob; /* the fallbacks look up the tree's declarations at this level */
	ret = emit_members(e, sid, level + 1 + 2 * wrap, abs_bits, sub, out);
	e->old = saved;
	if (ret < 0) {
		if (no.have)
			ob_free(&no.ob);
		return ret;
	}
	if (wrap) {
		textbuf_indent(out, level + 2);
		textbuf_printf(out, "}%s;\n", packed);
	}
	if (no.have)
		emit_nested_kept(e, &no, full, level + 1 + wrap, out);
	if (wrap) {
		textbuf_indent(out, level + 1);
		textbuf_printf(out, "};\n");
	}
	textbuf_indent(out, level);
	textbuf_printf(out, "}%s%s%s;\n", wrap ? "" : packed, *name ? " " : "", name);
	if (no.have)
		ob_free(&no.ob);
	return 0;
}

static int emit_one(struct emitter *e, __u32 mid, const char *name, int level, unsigned long long abs_bits,
		    const char *path, struct textbuf *out)
{
	long long size = btf__resolve_size(e->btf, mid);
	int align = btf__align_of(e->btf, mid);
	char full[512];
	enum how h = decide(e, mid, 0);
	const char *d = NULL;
	int ret;

	if (size < 0)
		return (int)size;
	snprintf(full, sizeof(full), "%s%s", path, name);
	if (h == HOW_DECL || h == HOW_SLOT) {
		d = decl_of(e, mid, name);
		if (!d)
			h = h == HOW_DECL ? fallback(e, mid) : HOW_BYTES;
	}
	if (h == HOW_INT || h == HOW_PTR || h == HOW_BYTES) {
		/* The tree's own declaration, where it has the kernel's size:
		 * its inline functions then use the member as they always did. */
		const struct ob_item *it = ob_find(e->old, name);

		if (*name && it && ob_scalar_size(it) == size) {
			const char *txt = it->text;

			while (*txt == ' ' || *txt == '\t')
				txt++;
			textbuf_indent(out, level);
			textbuf_printf(out, "%s\n", txt);
			strlist_add(&e->rep->opaque, "%s.%s: the kernel's type is unknown to the tree; the tree's declaration has its %lld bytes",
				    e->top, full, size);
			assert_member(e, full, abs_bits / 8, size);
			return 0;
		}
	}
	textbuf_indent(out, level);
	switch (h) {
	case HOW_DECL:
		textbuf_printf(out, "%s;\n", d);
		break;
	case HOW_SLOT:
		textbuf_printf(out, "union {\n");
		textbuf_indent(out, level + 1);
		textbuf_printf(out, "%s;\n", d);
		textbuf_indent(out, level + 1);
		textbuf_printf(out, "unsigned char __ph_slot%u[%lld];\n", e->pad_seq++, size);
		textbuf_indent(out, level);
		textbuf_printf(out, "};\n");
		strlist_add(&e->rep->opaque, "%s.%s: the tree's type kept in a slot of the kernel's %lld bytes", e->top, full, size);
		break;
	case HOW_INLINE:
	case HOW_TAGGED:
		ret = emit_nested(e, btfx_skip_mods(e->btf, mid), name, h, level, abs_bits, path, full, out);
		if (ret < 0)
			return ret;
		if (!*name)
			return 0; /* its members are asserted one by one */
		break;
	case HOW_INT:
	case HOW_PTR:
	case HOW_BYTES: {
		int sgn = is_signed_type(e->btf, mid);

		if (h == HOW_INT && int_name((size_t)size, sgn)) {
			textbuf_printf(out, "%s %s;\n", int_name((size_t)size, sgn), name);
			strlist_add(&e->rep->opaque, "%s.%s: type unknown to the tree, an integer of its %lld bytes", e->top, full, size);
		} else if (h == HOW_PTR) {
			textbuf_printf(out, "void *%s;\n", name);
			strlist_add(&e->rep->opaque, "%s.%s: type unknown to the tree, a pointer to void", e->top, full);
		} else {
			if (align > 1)
				textbuf_printf(out, "unsigned char %s[%lld] __attribute__((aligned(%d)));\n", name, size, align);
			else
				textbuf_printf(out, "unsigned char %s[%lld];\n", name, size);
			if (size > 0)
				strlist_add(&e->rep->opaque, "%s.%s: type unknown to the tree, %lld bytes aligned to %d", e->top,
					    full, size, align);
		}
		break;
	}
	}
	/* A zero-length array at the end has no size of its own to compare. */
	assert_member(e, full, abs_bits / 8, h == HOW_SLOT ? -1 : size);
	return 0;
}

int emit_members(struct emitter *e, __u32 id, int level, unsigned long long base_bits, const char *path,
		 struct textbuf *out)
{
	const struct btf_type *t = btf__type_by_id(e->btf, id);
	const struct btf_member *m;
	unsigned long long cur = 0, size_bits;
	int i, ret;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return -EINVAL;
	m = btf_members(t);
	size_bits = (unsigned long long)t->size * 8;
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(e->btf, m[i].name_off);
		unsigned long long off = btf_member_bit_offset(t, (__u32)i);
		long long msize;

		name = name ? name : "";
		if (btf_is_struct(t)) {
			if (off < cur)
				return -EINVAL; /* members overlap: not a layout C can express */
			pad_to(e, out, level, &cur, off);
		}
		if (btf_member_bitfield_size(t, (__u32)i)) {
			ret = emit_bitfield(e, t, i, level, out);
			if (ret < 0)
				return ret;
			cur = off + btf_member_bitfield_size(t, (__u32)i);
			continue;
		}
		if (off % 8)
			return -EINVAL;
		ret = emit_one(e, m[i].type, name, level, base_bits + off, path, out);
		if (ret < 0)
			return ret;
		msize = btf__resolve_size(e->btf, m[i].type);
		if (btf_is_struct(t))
			cur = off + (unsigned long long)msize * 8;
	}
	if (btf_is_struct(t)) {
		pad_to(e, out, level, &cur, size_bits);
	} else if (t->size > 0) {
		/* A union is at least as large as the kernel's. */
		textbuf_indent(out, level);
		textbuf_printf(out, "unsigned char __ph_pad%u[%u];\n", e->pad_seq++, t->size);
	}
	return 0;
}
