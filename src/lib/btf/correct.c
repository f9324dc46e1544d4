#include "lib/btf/correct.h"

#include "lib/btf/closure.h"
#include "lib/btf/csource.h"
#include "lib/btf/layout.h"
#include "lib/btf/oldbody.h"
#include "util/textbuf.h"
#include "lib/btf/treeindex.h"
#include "util/fs.h"
#include "util/path.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const btf_default_roots[] = {
	"task_struct", "mm_struct", "vm_area_struct", "cred", "file", "inode", "dentry", "super_block",
	"path", "qstr", "pid", "nsproxy", "signal_struct", "files_struct", "fs_struct", "sock",
	"sock_common", "socket", "sk_buff", "net_device", "kernfs_node", "cgroup", "css_set", "bpf_prog",
	/* What tcplife-style tools read: tcp_sock's byte counts, through
	 * inet_connection_sock and inet_sock down to sock. */
	"tcp_sock", "inet_connection_sock", "inet_sock", "udp_sock", "unix_sock",
};
const size_t btf_default_roots_count = sizeof(btf_default_roots) / sizeof(btf_default_roots[0]);

static const struct plan_entry *entry_for(const struct plan *p, const struct cs_def *d)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct plan_entry *e = &p->v[i];

		if (e->is_union != d->is_union)
			continue;
		if (e->is_typedef ? (!d->tag[0] && strcmp(e->name, d->tdname) == 0) : strcmp(e->name, d->tag) == 0)
			return e;
	}
	return NULL;
}

/* The text between '}' and ';' without what would reorder the members
 * (clang's randstruct attribute, when the tree's config asks for it). */
static void trailing(struct textbuf *out, const char *s, size_t n)
{
	static const char rl[] = "__randomize_layout";
	size_t i = 0;

	while (i < n) {
		if (n - i >= sizeof(rl) - 1 && strncmp(s + i, rl, sizeof(rl) - 1) == 0 &&
		    (i == 0 || !cs_is_ident_char(s[i - 1])) && !cs_is_ident_char(s[i + sizeof(rl) - 1])) {
			i += sizeof(rl) - 1;
			continue;
		}
		textbuf_add(out, s + i, 1);
		i++;
	}
}

/* One definition, rewritten; the members the kernel lacks go into a
 * union with the new layout, so they move nothing. */
static int rewrite_def(struct emitter *em, const struct plan_entry *pe, const char *text, const struct cs_def *d,
		       const char *rel, struct textbuf *out)
{
	struct ob_list ob;
	struct textbuf members;
	char type_expr[CS_NAME_MAX + 8], *old_body;
	const char *packed = emit_packed_attr(em->btf, pe->id);
	size_t i, kept = 0;
	int ret;

	old_body = strndup(text + d->open + 1, d->close - d->open - 1);
	if (!old_body)
		return -ENOMEM;
	ret = ob_parse(old_body, strlen(old_body), &ob);
	if (ret < 0) {
		free(old_body);
		return ret;
	}
	if (d->tag[0])
		snprintf(type_expr, sizeof(type_expr), "%s %s", d->is_union ? "union" : "struct", d->tag);
	else
		snprintf(type_expr, sizeof(type_expr), "%s", d->tdname);
	for (i = 0; i < ob.n; i++) {
		struct ob_item *it = &ob.v[i];
		int k, fresh = it->n_names > 0;

		for (k = 0; k < it->n_names; k++)
			fresh &= !emit_btf_has_name(em->btf, pe->id, it->names[k]);
		if (fresh && !ob_keepable(it)) {
			for (k = 0; k < it->n_names; k++)
				strlist_add(&em->rep->dropped, "%s.%s (%s)", pe->name, it->names[k], rel);
			fresh = 0;
		}
		it->keep = fresh;
		kept += fresh;
	}
	em->file_text = text;
	em->old_body = old_body;
	em->old = &ob;
	em->type_expr = type_expr;
	em->top = pe->name;
	em->rel = rel;
	em->asserts.len = 0;
	textbuf_init(&members);
	ret = emit_members(em, pe->id, kept ? 3 : 1, 0, "", &members);
	if (ret < 0 || members.failed) {
		textbuf_free(&members);
		ob_free(&ob);
		free(old_body);
		return ret < 0 ? ret : -ENOMEM;
	}
	textbuf_add(out, text + d->start, d->open - d->start);
	textbuf_puts(out, "{\n");
	if (kept)
		textbuf_puts(out, "\tunion {\n\t\tstruct {\n");
	textbuf_add(out, members.s ? members.s : "", members.len);
	if (kept)
		textbuf_printf(out, "\t\t}%s;\n\t\tstruct { /* in the tree's header, not in the kernel: kept where they move nothing */\n",
			  packed);
	for (i = 0; i < ob.n; i++) {
		struct ob_item *it = &ob.v[i];
		int k;

		if (it->is_pp) {
			textbuf_printf(out, "%s\n", it->text);
			continue;
		}
		if (!it->keep)
			continue;
		textbuf_printf(out, "\t\t\t%s\n", it->text);
		for (k = 0; k < it->n_names; k++)
			strlist_add(&em->rep->kept, "%s.%s (%s)", pe->name, it->names[k], rel);
	}
	if (kept)
		textbuf_puts(out, "\t\t};\n\t};\n");
	textbuf_printf(out, "}%s", packed);
	trailing(out, text + d->close + 1, d->end - d->close - 1);
	textbuf_printf(out, ";\n/* provision-headers: the layout above is the kernel's (BTF); these fail the compile if it drifts. */\n"
		       "_Static_assert(sizeof(%s) == %u, \"sizeof(%s) is %u in the kernel's BTF\");\n",
		  type_expr, btf__type_by_id(em->btf, pe->id)->size, type_expr, btf__type_by_id(em->btf, pe->id)->size);
	textbuf_add(out, em->asserts.s ? em->asserts.s : "", em->asserts.len);
	strlist_add(&em->rep->rewritten, "%s (%s)", type_expr, rel);
	textbuf_free(&members);
	ob_free(&ob);
	free(old_body);
	return 0;
}

/* Replaces path with text: a new file renamed over it, so a hardlink into
 * a bank keeps the bank's content. */
static int replace_file(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX];
	int ret = path_format(tmp, "%s.ph-btf", path);

	if (ret == 0)
		ret = fs_write_file(tmp, text, len);
	if (ret == 0 && rename(tmp, path) < 0) {
		ret = -errno;
		unlink(tmp);
	}
	return ret;
}

static int rewrite_file(struct emitter *em, const struct plan *p, const char *tree, const char *path,
			struct btf_report *rep, char *why, size_t whylen)
{
	char *text = NULL;
	const char *rel = path + strlen(tree) + (path[strlen(tree)] == '/');
	struct textbuf out;
	struct cs_def d;
	size_t len = 0, pos = 0, copied = 0;
	int ret, changed = 0;

	ret = fs_read_small_file(path, 64 << 20, &text, &len);
	if (ret < 0) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	textbuf_init(&out);
	while (cs_next_def(text, len, &pos, &d) == 0) {
		const struct plan_entry *pe = entry_for(p, &d);
		size_t mark = out.len;

		if (!pe)
			continue;
		textbuf_add(&out, text + copied, d.start - copied);
		mark = out.len;
		ret = rewrite_def(em, pe, text, &d, rel, &out);
		if (ret == -ENOMEM)
			break;
		if (ret < 0) {
			/* Not expressible (overlapping members): the tree's definition stays. */
			out.len = mark;
			textbuf_add(&out, text + d.start, d.end + 1 - d.start);
			strlist_add(&rep->skipped, "%s %s in %s: its BTF layout cannot be written in C (%s)",
				    d.is_union ? "union" : "struct", pe->name, rel, strerror(-ret));
			ret = 0;
		} else {
			changed = 1;
		}
		copied = d.end + 1;
	}
	if (ret == 0 && changed) {
		textbuf_add(&out, text + copied, len - copied);
		ret = out.failed ? -ENOMEM : replace_file(path, out.s, out.len);
		if (ret < 0)
			snprintf(why, whylen, "cannot rewrite %s: %s", path, strerror(-ret));
		else
			rep->files_rewritten++;
	} else if (ret < 0) {
		snprintf(why, whylen, "%s: out of memory", path);
	}
	textbuf_free(&out);
	free(text);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int btf_correct_tree(const char *tree, const char *arch, const struct btf *btf, const char *const *roots,
		     size_t n_roots, struct btf_report *rep, char *why, size_t whylen)
{
	struct tree_index *ti = NULL;
	struct plan plan = { 0 };
	struct emitter em;
	const char **files = NULL;
	size_t n_files = 0, i, k;
	int ret;

	ret = ti_build(tree, arch, &ti);
	if (ret < 0) {
		snprintf(why, whylen, "cannot scan the headers of %s: %s", tree, strerror(-ret));
		return ret;
	}
	rep->headers_scanned = ti_file_count(ti);
	ret = closure_build(btf, ti, roots, n_roots, &plan, rep);
	if (ret == 0)
		ret = emitter_init(&em, btf, &plan, ti, rep);
	if (ret < 0) {
		snprintf(why, whylen, "cannot plan the correction: %s", strerror(-ret));
		plan_free(&plan);
		ti_free(ti);
		return ret;
	}
	for (i = 0; i < plan.n; i++)
		n_files += plan.v[i].n_files;
	files = calloc(n_files ? n_files : 1, sizeof(*files));
	if (!files)
		ret = -ENOMEM;
	for (i = 0, n_files = 0; ret == 0 && i < plan.n; i++)
		for (k = 0; k < plan.v[i].n_files; k++)
			files[n_files++] = plan.v[i].files[k];
	if (ret == 0)
		qsort(files, n_files, sizeof(*files), cmp_str);
	/* Each file once, every definition in it in one pass. */
	for (i = 0; ret == 0 && i < n_files; i++)
		if (i == 0 || strcmp(files[i], files[i - 1]) != 0)
			ret = rewrite_file(&em, &plan, tree, files[i], rep, why, whylen);
	if (ret == -ENOMEM && !*why)
		snprintf(why, whylen, "out of memory");
	free(files);
	emitter_free(&em);
	plan_free(&plan);
	ti_free(ti);
	return ret;
}
