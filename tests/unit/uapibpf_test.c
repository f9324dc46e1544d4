/* The tree's uapi/linux/bpf.h rewrite (lib/bccfix) against another copy
 * under the same guard, as BCC force-includes its own: compiled with the
 * system compiler after BCC 0.26's kind of copy (older, without the
 * newer names) and after BCC 0.31's kind (which has the enumerator the
 * tree's header also defines as itself, `#define BPF_F_LINK BPF_F_LINK`),
 * and alone. */
#include "lib/bccfix/uapibpf.h"
#include "util/fs.h"
#include "util/path.h"

#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Shaped like the kernel's: the self-referential define comes before the
 * enum that declares the name. */
static const char tree_bpf[] =
	"/* SPDX */\n"
	"#ifndef _UAPI__LINUX_BPF_H__\n#define _UAPI__LINUX_BPF_H__\n"
	"#define BPF_F_ID (1U << 5)\n"
	"#define BPF_F_LINK\t\tBPF_F_LINK /* 1 << 13 */\n"
	"struct bpf_wq { unsigned long long __opaque[2]; };\n"
	"enum {\n\tBPF_F_NO_PREALLOC = (1U << 0),\n\tBPF_F_LINK = (1U << 13),\n};\n"
	/* The helper list as 6.1 writes it: FN(name), no id. */
	"#define __BPF_FUNC_MAPPER(FN)\t\\\n\tFN(unspec),\t\t\\\n\tFN(map_lookup_elem),\n"
	"#define __BPF_ENUM_FN(x) BPF_FUNC_ ## x\n"
	"enum bpf_func_id {\n\t__BPF_FUNC_MAPPER(__BPF_ENUM_FN)\n\t__BPF_FUNC_MAX_ID,\n};\n"
	"#endif /* _UAPI__LINUX_BPF_H__ */\n";
static const char bcc026[] =
	"#ifndef _UAPI__LINUX_BPF_H__\n#define _UAPI__LINUX_BPF_H__\n"
	"enum { BPF_F_NO_PREALLOC = (1U << 0) };\n"
	"#endif\n";
static const char bcc031[] =
	"#ifndef _UAPI__LINUX_BPF_H__\n#define _UAPI__LINUX_BPF_H__\n"
	"#define BPF_F_LINK BPF_F_LINK\n"
	"enum { BPF_F_NO_PREALLOC = (1U << 0), BPF_F_LINK = (1U << 13) };\n"
	/* Newer than a 6.1 tree: the helper list as 6.2 and later write it. */
	"#define ___BPF_FUNC_MAPPER(FN, ctx...) FN(unspec, 0, ##ctx) FN(map_lookup_elem, 1, ##ctx)\n"
	"#define __BPF_FUNC_MAPPER(FN) ___BPF_FUNC_MAPPER(FN)\n"
	"#define __BPF_ENUM_FN(x, y) BPF_FUNC_ ## x = y,\n"
	"enum bpf_func_id { ___BPF_FUNC_MAPPER(__BPF_ENUM_FN) __BPF_FUNC_MAX_ID };\n"
	"#endif\n";
/* What kernel headers do with the tree's names. */
static const char user_c[] =
	"#include COPY\n"
	"#include <linux/bpf.h>\n"
	"struct bpf_wq w;\n"
	"_Static_assert(BPF_F_LINK == (1U << 13), \"BPF_F_LINK\");\n"
	"#ifndef BPF_F_LINK\n#error BPF_F_LINK is not defined\n#endif\n"
	"int main(void) { return (int)sizeof(w) == 16 && BPF_F_NO_PREALLOC == 1 && BPF_FUNC_map_lookup_elem == 1 ? 0 : 1; }\n";

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char dir[] = "/tmp/ph-uapibpf-XXXXXX", p[PATH_MAX], cmd[PATH_MAX * 4], why[512] = "";
	char *text = NULL;
	size_t names = 0, len = 0;
	int ret;

	if (!mkdtemp(dir))
		return 1;
	path_format(p, "%s/include/uapi/linux", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s", p);
	sh(cmd);
	path_format(p, "%s/include/uapi/linux/bpf.h", dir);
	fs_write_file(p, tree_bpf, strlen(tree_bpf));
	path_format(p, "%s/bcc026.h", dir);
	fs_write_file(p, bcc026, strlen(bcc026));
	path_format(p, "%s/bcc031.h", dir);
	fs_write_file(p, bcc031, strlen(bcc031));
	path_format(p, "%s/none.h", dir);
	fs_write_file(p, "\n", 1);
	path_format(p, "%s/user.c", dir);
	fs_write_file(p, user_c, strlen(user_c));

	ret = bccfix_uapi_bpf(dir, &names, why, sizeof(why));
	is_int(ret, 0, "the tree's bpf.h is rewritten");
	ok(names >= 3, "its tags and enumerators are renamed (%zu), BPF_F_LINK among them", names);
	path_format(p, "%s/include/uapi/linux/bpf.h", dir);
	fs_read_small_file(p, 1 << 20, &text, &len);
	ok(text && strstr(text, "#undef BPF_F_LINK\n#define BPF_F_LINK __ph_BPF_F_LINK\n"),
	   "a name the header defines as itself is renamed too (the other copy's own define undone)");
	ok(text && strstr(text, "#ifndef BPF_F_LINK\n#define BPF_F_LINK\t\tBPF_F_LINK /* 1 << 13 */\n#endif\n"),
	   "...and its self-referential define gives way to the rename");
	free(text);
	text = NULL;
	names = 1;
	is_int(bccfix_uapi_bpf(dir, &names, why, sizeof(why)), 0, "a second run");
	is_int(names, 0, "...changes nothing");

	static const char *const copies[] = { "none.h", "bcc026.h", "bcc031.h" };
	static const char *const what[] = { "alone", "after an older copy without BPF_F_LINK (BCC 0.26)",
					    "after a newer copy: BPF_F_LINK as enumerator and define, 6.2's helper mapper (BCC 0.31)" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd),
			 "cc -std=gnu11 -Wall -Werror -DCOPY='\"%s/%s\"' -I%s/include/uapi -I%s/include "
			 "%s/user.c -o %s/user 2>&1 | sed 's/^/# /'; test -x %s/user && %s/user; st=$?; rm -f %s/user; exit $st",
			 dir, copies[i], dir, dir, dir, dir, dir, dir, dir);
		is_int(sh(cmd), 0, what[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd);
	return tap_done();
}
