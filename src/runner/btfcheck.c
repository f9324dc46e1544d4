#include "btfcheck.h"

#include "compile.h"
#include "report.h"

#include <bcc/bcc_common.h>
#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct member_ref runner_probe_members[] = {
	{ "task_struct", "tgid" },
	{ "task_struct", "group_leader" },
	{ "task_struct", "start_time" },
	{ "task_struct", "real_parent" },
};
const size_t runner_probe_members_count = sizeof(runner_probe_members) / sizeof(runner_probe_members[0]);

/* "r0 = imm; exit" or "r0 = imm ll; exit": the constant a function returns. */
static int returned_constant(void *mod, const char *fn, unsigned long long *ret)
{
	const struct bpf_insn *in = bpf_function_start(mod, fn);
	size_t size = bpf_function_size(mod, fn);

	if (!in || size < sizeof(*in) * 2)
		return -EINVAL;
	if (in[0].code == (BPF_ALU64 | BPF_MOV | BPF_K)) {
		*ret = (unsigned long long)(unsigned int)in[0].imm;
		return 0;
	}
	if (in[0].code == (BPF_LD | BPF_DW | BPF_IMM) && size >= sizeof(*in) * 3) {
		*ret = (unsigned long long)(unsigned int)in[0].imm | ((unsigned long long)(unsigned int)in[1].imm << 32);
		return 0;
	}
	return -EINVAL;
}

/* One function per member returns offsetof, one returns sizeof; only
 * the members still in (keep), named by their index. line_of[k] is the
 * first line of the k-th member's functions. The includes come from a
 * user's probe and may be any length: the text grows as it is written. */
static char *offsets_program(const struct member_ref *m, size_t n, const char *keep, const char *includes,
			     unsigned *line_of)
{
	char *text = NULL;
	size_t len = 0, i;
	unsigned line = 1;
	const char *p;
	FILE *f = open_memstream(&text, &len);
	int bad;

	if (!f)
		return NULL;
	bad = fprintf(f, "%s\n", includes) < 0;
	for (p = includes; *p; p++)
		line += *p == '\n';
	line++;
	for (i = 0; i < n && !bad; i++) {
		if (!keep[i])
			continue;
		line_of[i] = line;
		line += 2;
		bad = fprintf(f,
			      "u64 ph_off_%zu(void *ctx) { return __builtin_offsetof(struct %s, %s); }\n"
			      "u64 ph_size_%zu(void *ctx) { return sizeof(((struct %s *)0)->%s); }\n",
			      i, m[i].type, m[i].member, i, m[i].type, m[i].member) < 0;
	}
	bad |= fclose(f) != 0;
	if (bad) {
		free(text);
		return NULL;
	}
	return text;
}

/* Drops the members whose lines the compiler's errors name; how many.
 * An error in a header (not in the program) drops nothing. */
static size_t drop_failing(const char *log, const struct member_ref *m, size_t n, char *keep, const unsigned *line_of,
			   struct report *r)
{
	const char *p = log;
	size_t dropped = 0, i;

	while ((p = strstr(p, "/virtual/main.c:"))) {
		char *end;
		unsigned long line = strtoul(p + 16, &end, 10);
		const char *eol = strchr(p, '\n');

		p += 16;
		if (*end != ':' || !strstr(end, "error:") || (eol && strstr(end, "error:") > eol))
			continue;
		for (i = 0; i < n; i++)
			if (keep[i] && (line == line_of[i] || line == line_of[i] + 1)) {
				keep[i] = 0;
				dropped++;
				if (!r->btf_groups)
					report_check(r, "btf", CHECK_SKIP, "%s.%s: not in the tree's struct %s (does not compile)",
						     m[i].type, m[i].member, m[i].type);
			}
	}
	return dropped;
}

/* The member path's bit offset and byte size in BTF; anonymous structs
 * and unions are searched through, as C's member lookup does. */
static int btf_find_member(const struct btf *btf, __u32 type_id, const char *name, __u64 *ret_bits, __u32 *ret_type)
{
	const struct btf_type *t;
	const struct btf_member *mm;
	int i, vlen;

	type_id = (__u32)btf__resolve_type(btf, type_id);
	t = btf__type_by_id(btf, type_id);
	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return -ENOENT;
	mm = btf_members(t);
	vlen = btf_vlen(t);
	for (i = 0; i < vlen; i++) {
		const char *mname = btf__name_by_offset(btf, mm[i].name_off);
		__u64 off = btf_member_bit_offset(t, (__u32)i);

		if (mname && *mname) {
			if (strcmp(mname, name) == 0) {
				*ret_bits = off;
				*ret_type = mm[i].type;
				return 0;
			}
		} else {
			__u64 inner;

			if (btf_find_member(btf, mm[i].type, name, &inner, ret_type) == 0) {
				*ret_bits = off + inner;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int btf_member_layout(const struct btf *btf, const struct member_ref *m, unsigned long long *ret_off,
			     unsigned long long *ret_size)
{
	int id = btf__find_by_name_kind(btf, m->type, BTF_KIND_STRUCT);
	char path[128], *tok, *save = NULL;
	__u64 total = 0;
	__u32 type = (__u32)id;
	long long size;

	if (id < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s", m->member);
	for (tok = strtok_r(path, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
		__u64 bits;

		if (btf_find_member(btf, type, tok, &bits, &type) < 0)
			return -ENOENT;
		total += bits;
	}
	size = btf__resolve_size(btf, type);
	if (size < 0)
		return -EINVAL;
	*ret_off = total / 8;
	*ret_size = (unsigned long long)size;
	return 0;
}

/* Each agreeing member gets its own line only in a short list. */
static void add_row(struct report *r, const struct member_ref *m, unsigned long long toff, unsigned long long tsize,
		    int in_btf, unsigned long long boff, unsigned long long bsize, int say_ok)
{
	json_object *o = json_object_new_object();
	char name[200];
	int same = in_btf && toff == boff && tsize == bsize;

	snprintf(name, sizeof(name), "%s.%s", m->type, m->member);
	json_object_object_add(o, "member", json_object_new_string(name));
	json_object_object_add(o, "tree_offset", json_object_new_int64((int64_t)toff));
	json_object_object_add(o, "tree_size", json_object_new_int64((int64_t)tsize));
	json_object_object_add(o, "btf_offset", in_btf ? json_object_new_int64((int64_t)boff) : NULL);
	json_object_object_add(o, "btf_size", in_btf ? json_object_new_int64((int64_t)bsize) : NULL);
	json_object_object_add(o, "match", json_object_new_boolean(same));
	/* Whole structs go apart, and only what differs (the counts say the
	 * rest): "btf" stays what the probes read. */
	if (!r->btf_groups)
		json_object_array_add(r->btf, o);
	else if (!same)
		json_object_array_add(r->btf_structs, o);
	else
		json_object_put(o);
	if (r->btf_groups)
		return; /* whole structs: one line per struct, by the caller */
	if (!in_btf)
		report_check(r, "btf", CHECK_SKIP, "%s: not in the kernel's BTF (tree: offset %llu, size %llu)", name, toff, tsize);
	else if (same && say_ok)
		report_check(r, "btf", CHECK_OK, "%s: offset %llu, size %llu, as in the kernel", name, toff, tsize);
	else if (!same) {
		report_check(r, "btf", CHECK_FAIL, "%s: tree has offset %llu size %llu, kernel has offset %llu size %llu",
			     name, toff, tsize, boff, bsize);
		report_mismatch(r, name);
	}
}

/* Whole structs: per struct, how many members agree, differ, or are not
 * in the tree, with the first few named; one mismatch per struct. */
static void struct_summaries(struct report *r, const struct member_ref *m, size_t n, const char *keep, void *mod,
			     const struct btf *btf)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		size_t agree = 0, differ = 0, missing = 0, named = 0;
		char first[512] = "", absent[512] = "";

		if (i > 0 && strcmp(m[i].type, m[i - 1].type) == 0)
			continue;
		for (k = i; k < n && strcmp(m[k].type, m[i].type) == 0; k++) {
			unsigned long long toff, tsize, boff, bsize;
			char fn[64];

			if (!keep[k]) {
				if (missing++ < 6)
					snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent), "%s%s",
						 missing > 1 ? ", " : "", m[k].member);
				continue;
			}
			snprintf(fn, sizeof(fn), "ph_off_%zu", k);
			if (returned_constant(mod, fn, &toff) < 0)
				continue;
			snprintf(fn, sizeof(fn), "ph_size_%zu", k);
			if (returned_constant(mod, fn, &tsize) < 0 || btf_member_layout(btf, &m[k], &boff, &bsize) < 0)
				continue;
			if (toff == boff && tsize == bsize) {
				agree++;
			} else if (differ++ < 6) {
				snprintf(first + strlen(first), sizeof(first) - strlen(first), "%s%s (tree %llu, kernel %llu)",
					 named++ ? ", " : "", m[k].member, toff, boff);
			}
		}
		if (differ) {
			char what[160];

			report_check(r, "btf", CHECK_FAIL, "struct %s: %zu members differ from the kernel's BTF, %zu agree: %s%s",
				     m[i].type, differ, agree, first, differ > 6 ? ", ..." : "");
			snprintf(what, sizeof(what), "%s (%zu members)", m[i].type, differ);
			report_mismatch(r, what);
		} else {
			report_check(r, "btf", CHECK_OK, "struct %s: all %zu members compared agree with the kernel's BTF", m[i].type,
				     agree);
		}
		if (missing)
			report_check(r, "btf", CHECK_SKIP, "struct %s: %zu members of the kernel's are not in the tree: %s%s",
				     m[i].type, missing, absent, missing > 6 ? ", ..." : "");
	}
}

int btf_cross_check(const char *tree, const char *btf_path, const struct member_ref *m, size_t n,
		    const char *includes, struct report *r)
{
	struct btf *btf;
	void *mod = NULL;
	char *text, diag[2048], *keep = NULL;
	unsigned *line_of = NULL;
	size_t i, compared = 0, agree = 0;
	int ret = -ENOMEM, mismatches = 0, round;

	btf = btf__parse(btf_path, NULL);
	if (!btf) {
		report_check(r, "btf", CHECK_SKIP, "no kernel BTF at %s: struct layouts not cross-checked", btf_path);
		return -ENOENT;
	}
	keep = malloc(n ? n : 1);
	line_of = calloc(n ? n : 1, sizeof(*line_of));
	if (keep && line_of)
		memset(keep, 1, n);
	/* Members the tree's struct lacks fail the compile: they are dropped
	 * (and said so) and the rest compiled again. */
	for (round = 0; keep && line_of && round < 4; round++) {
		char *log = NULL;

		text = offsets_program(m, n, keep, includes, line_of);
		ret = text ? runner_compile_log(text, &mod, diag, sizeof(diag), &log) : -ENOMEM;
		free(text);
		if (ret == 0 || !log || drop_failing(log, m, n, keep, line_of, r) == 0) {
			free(log);
			break;
		}
		free(log);
	}
	if (ret < 0) {
		if (!r->btf_groups)
			report_check(r, "btf", CHECK_FAIL, "the member offsets do not compile against %s: %s", tree, diag);
		free(keep);
		free(line_of);
		btf__free(btf);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		char fn[64];
		unsigned long long toff, tsize, boff = 0, bsize = 0;
		int in_btf, same;

		if (!keep[i])
			continue;
		snprintf(fn, sizeof(fn), "ph_off_%zu", i);
		if (returned_constant(mod, fn, &toff) < 0)
			continue;
		snprintf(fn, sizeof(fn), "ph_size_%zu", i);
		if (returned_constant(mod, fn, &tsize) < 0)
			continue;
		in_btf = btf_member_layout(btf, &m[i], &boff, &bsize) == 0;
		r->truth_checked |= in_btf;
		same = in_btf && toff == boff && tsize == bsize;
		add_row(r, &m[i], toff, tsize, in_btf, boff, bsize, n <= 32);
		compared += in_btf;
		agree += same;
		mismatches += in_btf && !same;
	}
	r->btf_compared += compared;
	r->btf_agree += agree;
	if (r->btf_groups)
		struct_summaries(r, m, n, keep, mod, btf);
	if (n > 32 && !r->btf_groups)
		report_check(r, "btf", mismatches ? CHECK_FAIL : CHECK_OK, "%zu members compared with the kernel's BTF, %zu agree",
			     compared, agree);
	bpf_module_destroy(mod);
	free(keep);
	free(line_of);
	btf__free(btf);
	return mismatches;
}

/* A C identifier at p, copied into out. */
static size_t ident(const char *p, char *out, size_t outlen)
{
	size_t n = 0;

	while ((isalnum((unsigned char)p[n]) || p[n] == '_') && n + 1 < outlen) {
		out[n] = p[n];
		n++;
	}
	out[n] = '\0';
	return n;
}

size_t btf_members_in_source(const char *text, struct member_ref *out, size_t max)
{
	struct { char type[64], var[64]; } vars[64];
	size_t nvars = 0, n = 0, i;
	const char *p;

	/* "struct T *v" declarations (casts too: "(struct T *)"). */
	for (p = text; (p = strstr(p, "struct ")) && nvars < 64; p++) {
		const char *q = p + 7;
		char type[64], var[64];
		size_t len = ident(q, type, sizeof(type));

		if (!len)
			continue;
		q += len;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '*')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!ident(q, var, sizeof(var)))
			continue;
		snprintf(vars[nvars].type, sizeof(vars[0].type), "%s", type);
		snprintf(vars[nvars].var, sizeof(vars[0].var), "%s", var);
		nvars++;
	}
	/* "v->member" uses. */
	for (p = text; (p = strstr(p, "->")) && n < max; p += 2) {
		const char *v = p;
		char var[64], member[128];
		size_t k;

		while (v > text && (isalnum((unsigned char)v[-1]) || v[-1] == '_'))
			v--;
		if (!ident(v, var, sizeof(var)) || !ident(p + 2, member, sizeof(member)))
			continue;
		for (i = 0; i < nvars; i++) {
			if (strcmp(vars[i].var, var) != 0)
				continue;
			for (k = 0; k < n; k++)
				if (!strcmp(out[k].type, vars[i].type) && !strcmp(out[k].member, member))
					break;
			if (k == n) {
				snprintf(out[n].type, sizeof(out[n].type), "%s", vars[i].type);
				snprintf(out[n].member, sizeof(out[n].member), "%s", member);
				n++;
			}
			break;
		}
	}
	return n;
}
