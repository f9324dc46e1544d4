#include "lib/btf/closure.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__u32 btfx_skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

const struct plan_entry *plan_find(const struct plan *p, __u32 id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->v[i].id == id)
			return &p->v[i];
	return NULL;
}

void plan_free(struct plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int plan_add(struct plan *p, __u32 id, const char *name, int is_union, int is_typedef, const char *const *files,
		    size_t n_files)
{
	struct plan_entry *e;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct plan_entry *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	e = &p->v[p->n++];
	memset(e, 0, sizeof(*e));
	e->id = id;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->is_union = is_union;
	e->is_typedef = is_typedef;
	e->files = files;
	e->n_files = n_files;
	return 0;
}

/* Adds the type a by-value member of type id stands for, if the tree
 * defines it and BTF names it unambiguously. */
static int consider(const struct btf *btf, const struct tree_index *ti, __u32 id, struct plan *p)
{
	const struct btf_type *t;
	const char *tdname = NULL, *name;
	char key[CS_NAME_MAX + 16];
	const char *const *files;
	size_t n;

	id = btfx_skip_mods(btf, id);
	t = btf__type_by_id(btf, id);
	while (t && btf_is_array(t)) {
		id = btfx_skip_mods(btf, btf_array(t)->type);
		t = btf__type_by_id(btf, id);
	}
	while (t && btf_is_typedef(t)) {
		tdname = btf__name_by_offset(btf, t->name_off);
		id = btfx_skip_mods(btf, t->type);
		t = btf__type_by_id(btf, id);
	}
	if (!t || (!btf_is_struct(t) && !btf_is_union(t)) || plan_find(p, id))
		return 0;
	name = btf__name_by_offset(btf, t->name_off);
	if (name && *name) {
		if (btf__find_by_name_kind(btf, name, btf_kind(t)) != (int)id)
			return 0; /* another type of that name comes first: ambiguous */
		snprintf(key, sizeof(key), "%s %s", btf_is_union(t) ? "union" : "struct", name);
		n = ti_lookup(ti, key, &files);
		return n ? plan_add(p, id, name, btf_is_union(t), 0, files, n) : 0;
	}
	if (!tdname)
		return 0;
	snprintf(key, sizeof(key), "typedef %s", tdname);
	n = ti_lookup(ti, key, &files);
	return n ? plan_add(p, id, tdname, btf_is_union(t), 1, files, n) : 0;
}

/* Every by-value member type of id, through anonymous members. */
static int walk(const struct btf *btf, const struct tree_index *ti, __u32 id, struct plan *p)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	int i, ret = 0;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return 0;
	m = btf_members(t);
	for (i = 0; ret == 0 && i < btf_vlen(t); i++) {
		__u32 mid = btfx_skip_mods(btf, m[i].type);
		const struct btf_type *mt = btf__type_by_id(btf, mid);
		const char *mname = mt ? btf__name_by_offset(btf, mt->name_off) : NULL;

		if (mt && (btf_is_struct(mt) || btf_is_union(mt)) && (!mname || !*mname))
			ret = walk(btf, ti, mid, p); /* anonymous: emitted inline */
		else
			ret = consider(btf, ti, m[i].type, p);
	}
	return ret;
}

int closure_build(const struct btf *btf, const struct tree_index *ti, const char *const *roots, size_t n_roots,
		  struct plan *out, struct btf_report *rep)
{
	struct plan p = { 0 };
	size_t i;
	int ret = 0;

	for (i = 0; ret == 0 && i < n_roots; i++) {
		int id = btf__find_by_name_kind(btf, roots[i], BTF_KIND_STRUCT);
		char key[CS_NAME_MAX + 16];
		const char *const *files;
		size_t n;

		if (id < 0) {
			strlist_add(&rep->skipped, "struct %s: not in the kernel's BTF", roots[i]);
			continue;
		}
		snprintf(key, sizeof(key), "struct %s", roots[i]);
		n = ti_lookup(ti, key, &files);
		if (!n) {
			strlist_add(&rep->skipped, "struct %s: the tree does not define it", roots[i]);
			continue;
		}
		if (!plan_find(&p, (__u32)id))
			ret = plan_add(&p, (__u32)id, roots[i], 0, 0, files, n);
	}
	/* The plan grows as it is walked: a breadth-first closure. */
	for (i = 0; ret == 0 && i < p.n; i++)
		ret = walk(btf, ti, p.v[i].id, &p);
	if (ret < 0) {
		plan_free(&p);
		return ret;
	}
	*out = p;
	return 0;
}
