#include "structcheck.h"

#include "report.h"
#include "util/macro.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEMBERS 4096

/* The structs of issue 11, with the headers that define them. */
static const struct {
	const char *includes, *structs;
} groups[] = {
	{ "linux/sched.h,linux/sched/signal.h,linux/mm_types.h,linux/cred.h,linux/nsproxy.h,linux/pid.h,linux/fdtable.h,"
	  "linux/fs_struct.h",
	  "task_struct,mm_struct,vm_area_struct,cred,nsproxy,pid,signal_struct,files_struct,fs_struct" },
	{ "linux/fs.h,linux/dcache.h,linux/path.h", "file,inode,dentry,super_block,path,qstr" },
	{ "linux/kernfs.h,linux/cgroup-defs.h", "kernfs_node,cgroup,css_set" },
	{ "linux/filter.h", "bpf_prog" },
	{ "net/sock.h,linux/net.h,linux/skbuff.h,linux/netdevice.h", "sock,sock_common,socket,sk_buff,net_device" },
};

static void add(struct member_ref *out, size_t max, size_t *n, const char *type, const char *path)
{
	if (*n >= max || strlen(path) >= sizeof(out[0].member))
		return;
	snprintf(out[*n].type, sizeof(out[*n].type), "%s", type);
	snprintf(out[*n].member, sizeof(out[*n].member), "%s", path);
	(*n)++;
}

/* id without const/volatile/type tags, typedefs kept: a typedef'd struct
 * is a type of its own, not an inline one. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t) || btf_is_type_tag(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static void walk(const struct btf *btf, __u32 id, const char *type, const char *prefix, struct member_ref *out,
		 size_t max, size_t *n, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, (__u32)btf__resolve_type(btf, id));
	const struct btf_member *m;
	int i;

	if (!t || (!btf_is_struct(t) && !btf_is_union(t)) || depth > 6)
		return;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, m[i].name_off);
		const struct btf_type *mt = skip_mods(btf, m[i].type);
		const char *mname = mt ? btf__name_by_offset(btf, mt->name_off) : NULL;
		int inline_aggr = mt && (btf_is_struct(mt) || btf_is_union(mt)) && (!mname || !*mname);
		char path[256];

		if (btf_member_bitfield_size(t, (__u32)i))
			continue; /* offsetof cannot name a bitfield */
		if (!name || !*name) {
			if (inline_aggr)
				walk(btf, m[i].type, type, prefix, out, max, n, depth + 1);
			continue;
		}
		snprintf(path, sizeof(path), "%s%s", prefix, name);
		add(out, max, n, type, path);
		if (inline_aggr) {
			snprintf(path, sizeof(path), "%s%s.", prefix, name);
			walk(btf, m[i].type, type, path, out, max, n, depth + 1);
		}
	}
}

size_t struct_members_from_btf(const char *btf_path, const char *type, struct member_ref *out, size_t max)
{
	struct btf *btf = btf__parse(btf_path, NULL);
	size_t n = 0;
	int id;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	if (id > 0)
		walk(btf, (__u32)id, type, "", out, max, &n, 0);
	btf__free(btf);
	return n;
}

/* Compares every member of structs (comma separated) with BTF, in one
 * compile of includes. Returns btf_cross_check's result: -EINVAL when the
 * headers do not compile against the tree; says so when report_skip. */
static int check_group(const char *tree, const char *btf_path, const char *structs, const char *includes,
		       int report_skip, struct report *r)
{
	struct member_ref *m = calloc(MAX_MEMBERS, sizeof(*m));
	char list[1024], incs[2048], *tok, *save = NULL;
	size_t n = 0, off = 0;
	int ret = 0;

	if (!m)
		return -ENOMEM;
	snprintf(list, sizeof(list), "%s", structs);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		n += struct_members_from_btf(btf_path, tok, m + n, MAX_MEMBERS - n);
	snprintf(list, sizeof(list), "%s", includes);
	incs[0] = '\0';
	save = NULL;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		off += (size_t)snprintf(incs + off, off < sizeof(incs) ? sizeof(incs) - off : 0, "#include <%s>\n", tok);
	if (n > 0)
		ret = btf_cross_check(tree, btf_path, m, n, incs, r);
	if (ret == -EINVAL && report_skip)
		report_check(r, "btf", CHECK_SKIP, "%s: %s do not compile against the tree; their members are not compared",
			     structs, includes);
	free(m);
	return ret;
}

/* Every group in one translation unit: the headers are parsed once,
 * which takes a validation's struct check from five compiles to one.
 * Returns -EINVAL when that unit does not compile (nothing reported). */
static int check_all_groups_at_once(const char *tree, const char *btf_path, struct report *r)
{
	char structs[1024] = "", includes[1024] = "";
	size_t g, so = 0, io = 0;

	for (g = 0; g < ARRAY_SIZE(groups); g++) {
		so += (size_t)snprintf(structs + so, so < sizeof(structs) ? sizeof(structs) - so : 0, "%s%s",
				       g ? "," : "", groups[g].structs);
		io += (size_t)snprintf(includes + io, io < sizeof(includes) ? sizeof(includes) - io : 0, "%s%s",
				       g ? "," : "", groups[g].includes);
	}
	if (so >= sizeof(structs) || io >= sizeof(includes))
		return -EINVAL;
	return check_group(tree, btf_path, structs, includes, 0, r);
}

void struct_cross_check(const char *tree, const char *btf_path, const char *only, const char *includes,
			struct report *r)
{
	size_t g;

	r->btf_groups = 1;
	if (only && includes) {
		check_group(tree, btf_path, only, includes, 1, r);
	} else if (check_all_groups_at_once(tree, btf_path, r) == -EINVAL) {
		/* One group's headers do not compile against this tree: each
		 * group alone, so the others are still compared. */
		for (g = 0; g < ARRAY_SIZE(groups); g++)
			check_group(tree, btf_path, groups[g].structs, groups[g].includes, 1, r);
	}
	r->btf_groups = 0;
	report_check(r, "btf", r->btf_compared == r->btf_agree ? CHECK_OK : CHECK_FAIL, "in all: %zu struct members compared with the kernel's BTF, %zu agree",
		     r->btf_compared, r->btf_agree);
}
