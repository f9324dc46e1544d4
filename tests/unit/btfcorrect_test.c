/* The BTF correction on a small tree and a synthetic BTF (built with
 * libbpf's btf__add_* API): the rewritten header is compiled and run with
 * the system compiler, which must place every member where BTF says. */
#include "lib/btf/btfload.h"
#include "lib/btf/correct.h"
#include "util/fs.h"
#include "util/path.h"

#include "tap.h"

#include <bpf/btf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char old_header[] =
	"#ifndef FOO_H\n#define FOO_H\n"
	"struct inner {\n\tint a;\n};\n"
	"/* the kernel's struct foo has grown since */\n"
	"struct foo {\n"
	"\tint x; /* first */\n"
	"\tstruct inner in;\n"
	"\tint y;\n"
	"#define foo_alias y\n"
	"\tchar *old_only;\n"
	"\tstruct inner old_big[4];\n"
	"\tunsigned int flag:1;\n"
	"} __randomize_layout;\n"
	"static inline int foo_y(struct foo *f) { return f->foo_alias + (f->old_only != 0); }\n"
	/* A nested anonymous struct whose old-only member an inline function
	 * uses (inet_connection_sock's icsk_ack.timeout, gone in 6.18). */
	"struct bar {\n"
	"\tint a;\n"
	"\tstruct {\n"
	"\t\tint pending;\n"
	"\t\t#define ACK_BITS 8\n"
	"\t\tunsigned long timeout;\n"
	"\t\tint *gone_ptr;\n"
	"\t\tint lrcv;\n"
	"\t} ack;\n"
	"\tint z;\n"
	"};\n"
	"static inline long bar_t(struct bar *b) { return (long)b->ack.timeout + ACK_BITS; }\n"
	"#endif\n";

/* struct inner (16): long a @0, long b @8.
 * struct foo (64): int x @0; newtype_t nt @4 (a typedef the tree lacks);
 * struct inner in @8; int y @24; unsigned flag:1 @bit 224; unsigned
 * flag2:2 @bit 227; struct newstruct ns @32 (24 bytes, unknown to the
 * tree); union { int u1; long u2; } @56. */
static struct btf *synthetic(void)
{
	struct btf *b = btf__new_empty();
	int i_int, i_long, i_uint, i_inner, i_nt, i_ns, i_u, i_foo, i_pid;

	i_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	i_long = btf__add_int(b, "long int", 8, BTF_INT_SIGNED);
	i_uint = btf__add_int(b, "unsigned int", 4, 0);
	i_inner = btf__add_struct(b, "inner", 16);
	btf__add_field(b, "a", i_long, 0, 0);
	btf__add_field(b, "b", i_long, 64, 0);
	i_nt = btf__add_typedef(b, "newtype_t", i_int);
	i_ns = btf__add_struct(b, "newstruct", 24);
	btf__add_field(b, "p", i_long, 0, 0);
	btf__add_field(b, "q", i_long, 64, 0);
	btf__add_field(b, "r", i_long, 128, 0);
	i_u = btf__add_union(b, NULL, 8);
	btf__add_field(b, "u1", i_int, 0, 0);
	btf__add_field(b, "u2", i_long, 0, 0);
	i_foo = btf__add_struct(b, "foo", 64);
	btf__add_field(b, "x", i_int, 0, 0);
	btf__add_field(b, "nt", i_nt, 32, 0);
	btf__add_field(b, "in", i_inner, 64, 0);
	btf__add_field(b, "y", i_int, 192, 0);
	btf__add_field(b, "flag", i_uint, 224, 1);
	btf__add_field(b, "flag2", i_uint, 227, 2);
	btf__add_field(b, "ns", i_ns, 256, 0);
	btf__add_field(b, NULL, i_u, 448, 0);
	/* struct bar (16): int a @0; struct { int pending; int lrcv; } ack
	 * @4 (8 bytes, aligned 4); int z @12. */
	i_u = btf__add_struct(b, NULL, 8);
	btf__add_field(b, "pending", i_int, 0, 0);
	btf__add_field(b, "lrcv", i_int, 32, 0);
	btf__add_struct(b, "bar", 16);
	btf__add_field(b, "a", i_int, 0, 0);
	btf__add_field(b, "ack", i_u, 32, 0);
	btf__add_field(b, "z", i_int, 96, 0);
	/* What btfload wants of a kernel's BTF. */
	i_pid = btf__add_struct(b, "task_struct", 4);
	btf__add_field(b, "pid", i_int, 0, 0);
	return i_pid > 0 && i_foo > 0 ? b : NULL;
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	char dir[] = "/tmp/ph-btfcorrect-XXXXXX", path[PATH_MAX], cmd[PATH_MAX * 3], why[512] = "";
	static const char *const roots[] = { "foo", "absent", "bar" };
	struct btf_report rep;
	struct btf *b = synthetic(), *loaded = NULL;
	char *text = NULL;
	const void *raw;
	__u32 raw_len;
	size_t i;
	int found;

	ok(b != NULL, "a synthetic BTF is built with btf__add_*");
	if (!b || !mkdtemp(dir))
		return tap_done();
	path_format(path, "%s/include/linux", dir);
	fs_mkdir_p(path, 0755);
	path_format(path, "%s/include/linux/foo.h", dir);
	fs_write_file(path, old_header, strlen(old_header));

	memset(&rep, 0, sizeof(rep));
	is_int(btf_correct_tree(dir, "x86", b, roots, 3, &rep, why, sizeof(why)), 0, "the tree is corrected");
	is_int(rep.rewritten.n, 3, "struct foo, the struct inner it embeds and struct bar are rewritten");
	found = 0;
	for (i = 0; i < rep.kept.n; i++)
		found |= strstr(rep.kept.v[i], "foo.old_only") != NULL;
	ok(found, "the old-only pointer old_only is kept and listed");
	found = 0;
	for (i = 0; i < rep.dropped.n; i++)
		found |= strstr(rep.dropped.v[i], "foo.old_big") != NULL;
	ok(found, "the old-only array old_big (it could grow the struct) is dropped and listed");
	found = 0;
	for (i = 0; i < rep.kept.n; i++)
		found |= strstr(rep.kept.v[i], "bar.ack.timeout (include/linux/foo.h)") != NULL;
	ok(found, "the old-only ack.timeout of a nested anonymous struct is kept (it fits the kernel's 8 bytes) and listed");
	found = 0;
	for (i = 0; i < rep.dropped.n; i++)
		found |= strstr(rep.dropped.v[i], "bar.ack.gone_ptr") != NULL;
	ok(found, "...ack.gone_ptr, with no room left beside it, is dropped and listed");
	found = 0;
	for (i = 0; i < rep.opaque.n; i++)
		found += strstr(rep.opaque.v[i], "foo.nt:") || strstr(rep.opaque.v[i], "foo.ns:");
	is_int(found, 2, "nt (typedef unknown to the tree) and ns (struct unknown to it) are made opaque and listed");
	found = 0;
	for (i = 0; i < rep.skipped.n; i++)
		found |= strstr(rep.skipped.v[i], "absent") != NULL;
	ok(found, "a root BTF lacks is listed as skipped");
	ok(rep.members_checked >= 8, "the members are asserted (%zu)", rep.members_checked);
	is_int(rep.bitfields, 2, "both bitfields are placed");
	btf_report_free(&rep);

	fs_read_small_file(path, 1 << 20, &text, NULL);
	ok(text && strstr(text, "#define foo_alias y"), "a #define inside the body is carried over");
	ok(text && strstr(text, "_Static_assert(__builtin_offsetof(struct foo, y) == 24"), "the header asserts y's offset");
	ok(text && strstr(text, "#define ACK_BITS 8"), "a #define inside a nested struct's body is carried over");
	ok(text && strstr(text, "_Static_assert(__builtin_offsetof(struct bar, ack.lrcv) == 8"), "the header asserts ack.lrcv's offset");
	ok(text && !strstr(text, "__randomize_layout"), "__randomize_layout is dropped (it would reorder the members)");
	ok(text && strstr(text, "static inline int foo_y"), "the rest of the header is unchanged");
	free(text);

	/* The compiler agrees: the header compiles (its asserts hold), and
	 * a program checks offsets and bitfield bits independently. */
	path_format(path, "%s/t.c", dir);
	text = "#include <linux/foo.h>\n#include <string.h>\n"
	       "_Static_assert(sizeof(struct foo) == 64, \"size\");\n"
	       "_Static_assert(__builtin_offsetof(struct foo, in) == 8, \"in\");\n"
	       "_Static_assert(__builtin_offsetof(struct foo, ns) == 32, \"ns\");\n"
	       "_Static_assert(__builtin_offsetof(struct foo, u2) == 56, \"u2\");\n"
	       "_Static_assert(sizeof(struct inner) == 16, \"inner\");\n"
	       "_Static_assert(sizeof(struct bar) == 16, \"bar\");\n"
	       "_Static_assert(__builtin_offsetof(struct bar, ack.lrcv) == 8, \"lrcv\");\n"
	       "_Static_assert(__builtin_offsetof(struct bar, z) == 12, \"z\");\n"
	       "int main(void) { struct foo f; memset(&f, 0, sizeof(f)); f.flag2 = 3; f.flag = 1;\n"
	       "  f.foo_alias = 2; f.old_only = 0; struct bar br; memset(&br, 0, sizeof(br));\n"
	       "  if (bar_t(&br) != ACK_BITS) return 1;\n"
	       "  return ((unsigned char *)&f)[28] == 0x19 && foo_y(&f) == 2 ? 0 : 1; }\n";
	fs_write_file(path, text, strlen(text));
	snprintf(cmd, sizeof(cmd), "cc -Wall -Werror -I%s/include %s/t.c -o %s/t 2>&1 | sed 's/^/# /'; test -x %s/t && %s/t", dir,
		 dir, dir, dir, dir);
	is_int(sh(cmd), 0, "cc compiles the corrected header and the members sit at BTF's offsets and bits");

	/* btfload: raw BTF written out, a truncated copy, garbage. */
	raw = btf__raw_data(b, &raw_len);
	path_format(path, "%s/vmlinux.btf", dir);
	fs_write_file(path, raw, raw_len);
	is_int(btfload_open(path, &loaded, why, sizeof(why)), 0, "a raw BTF file loads");
	btf__free(loaded);
	fs_write_file(path, raw, raw_len / 2);
	is_int(btfload_open(path, &loaded, why, sizeof(why)), -EBADMSG, "a truncated BTF file is refused");
	ok(strstr(why, "corrupt or truncated") != NULL, "...saying so (%s)", why);
	fs_write_file(path, "not btf at all", 14);
	is_int(btfload_open(path, &loaded, why, sizeof(why)), -EBADMSG, "a file of garbage is refused");
	snprintf(cmd, sizeof(cmd), "%s", "6.1.0-1-amd64");
	is_int(btfload_release_in_name("/x/6.1.0-1-amd64.btf.tar.xz", path, sizeof(path)), 0, "a BTFHub archive name gives a release");
	is_str(path, cmd, "...its release");
	is_int(btfload_release_in_name("/sys/kernel/btf/vmlinux", path, sizeof(path)), -ENOENT, "vmlinux names no release");

	btf__free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd);
	return tap_done();
}
