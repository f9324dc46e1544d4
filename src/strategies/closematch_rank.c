#include "strategies/closematch_rank.h"

#include "lib/runnerexec/runnerexec.h"
#include "strategies/context.h"
#include "util/log.h"
#include "util/macro.h"

#include <stdlib.h>

/* The members probes commonly read: the layouts that decide whether a
 * close match reads the right memory. None is a bitfield. Measured per
 * group, so headers that do not compile in one area (net/sock.h of a
 * newer kernel with an older BCC) still count in the others. */
static const struct {
	const char *includes, *members;
} ranking_groups[] = {
	{ "linux/sched.h,linux/mm_types.h,linux/cred.h",
	  "task_struct.pid,task_struct.tgid,task_struct.comm,task_struct.real_parent,task_struct.parent,"
	  "task_struct.group_leader,task_struct.start_time,task_struct.mm,task_struct.cred,task_struct.flags,"
	  "task_struct.nsproxy,task_struct.files,mm_struct.arg_start,mm_struct.arg_end,mm_struct.env_start,"
	  "cred.uid,cred.gid,cred.euid" },
	{ "linux/fs.h", "file.f_inode,file.f_path,file.f_flags,file.f_mode,inode.i_ino,inode.i_mode,inode.i_sb,inode.i_size" },
	{ "net/sock.h,linux/skbuff.h",
	  "sock.__sk_common.skc_family,sock.__sk_common.skc_dport,sock.__sk_common.skc_num,sock.__sk_common.skc_daddr,"
	  "sock.__sk_common.skc_rcv_saddr,sock.sk_rcvbuf,sock.sk_sndbuf,sk_buff.len,sk_buff.data_len,sk_buff.data,"
	  "sk_buff.head,sk_buff.dev" },
};

static size_t members_in(const char *list)
{
	size_t n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

/* Counts one group's rows ({"btf": [{"btf_offset", "tree_offset",
 * "match"}, ...]}) into c, from member slot on. Every value is checked
 * for its type: the runner is another program. */
static void count_rows(struct cm_candidate *c, json_object *rows, size_t slot)
{
	size_t i;

	for (i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i), *m, *to, *bo;
		long err = 0;
		int match;

		if (!json_object_is_type(r, json_type_object) || !json_object_object_get_ex(r, "btf_offset", &bo) ||
		    !json_object_is_type(bo, json_type_int))
			continue;
		match = json_object_object_get_ex(r, "match", &m) && json_object_is_type(m, json_type_boolean) &&
			json_object_get_boolean(m);
		if (json_object_object_get_ex(r, "tree_offset", &to) && json_object_is_type(to, json_type_int))
			err = labs((long)json_object_get_int64(to) - (long)json_object_get_int64(bo));
		c->btf_total++;
		c->btf_matched += match;
		c->btf_offset_error += err;
		if (slot + i < sizeof(c->member_state)) {
			c->member_state[slot + i] = match ? 1 : 2;
			c->member_error[slot + i] = err;
		}
	}
}

void closematch_rank_measure(struct provision_ctx *ctx, struct cm_candidate *c, const char *tree)
{
	size_t g, slot = 0;

	for (g = 0; g < ARRAY_SIZE(ranking_groups); g++) {
		const char *args[] = { "--tree", tree, "--btf-only", "--members", ranking_groups[g].members, "--include",
				       ranking_groups[g].includes, "--btf", ctx->kernel.btf_path, "--quiet", NULL };
		json_object *result = NULL, *rows = NULL;
		char why[512];

		if (runner_exec(&(struct runner_cmd){ ctx->opts->runner, ctx->opts->bpf_dir, 1 }, args, &result, why, sizeof(why)) < 0) {
			log_info("close-match: %s: layouts not measured: %s", c->release, why);
			return;
		}
		if (!json_object_object_get_ex(result, "btf", &rows) || !json_object_is_type(rows, json_type_array) ||
		    json_object_array_length(rows) == 0) {
			log_info("close-match: %s: %s do not compile here; their members are not measured", c->release,
				 ranking_groups[g].includes);
		} else {
			c->btf_measured = 1;
			count_rows(c, rows, slot);
		}
		slot += members_in(ranking_groups[g].members);
		json_object_put(result);
	}
}

int closematch_rank_better(const struct cm_candidate *a, const struct cm_candidate *b)
{
	int am = 0, bm = 0;
	long ae = 0, be = 0;
	size_t i;

	if (!a->btf_measured)
		return 0;
	if (!b->btf_measured)
		return 1;
	for (i = 0; i < sizeof(a->member_state); i++) {
		if (!a->member_state[i] || !b->member_state[i])
			continue;
		am += a->member_state[i] == 1;
		bm += b->member_state[i] == 1;
		ae += a->member_error[i];
		be += b->member_error[i];
	}
	return am > bm || (am == bm && ae < be);
}
