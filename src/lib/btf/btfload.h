/* The kernel's BTF from a file: raw BTF (/sys/kernel/btf/vmlinux), an ELF
 * with a .BTF section, or a BTFHub-style <release>.btf.tar.xz archive. */
#ifndef PH_BTF_BTFLOAD_H
#define PH_BTF_BTFLOAD_H

#include <limits.h>
#include <stddef.h>

struct btf;

/* Loads path; -EBADMSG (why says what is wrong) when it is not a kernel's
 * BTF: corrupt, truncated, or without struct task_struct. */
int btfload_open(const char *path, struct btf **ret, char *why, size_t whylen);

/* The release a BTFHub-style name gives ("<release>.btf",
 * "<release>.btf.tar.xz"), into out; 0 when found, -ENOENT when the name
 * says nothing. */
int btfload_release_in_name(const char *path, char *out, size_t outlen);

/* True when path is a (compressed) tar archive, as BTFHub ships BTF. */
int btfload_is_archive(const char *path);

/* Writes btf as raw BTF (what `--btf` of the runner reads) into a new
 * private file (mode 0600) in dir; its path into out. The caller
 * removes it. */
int btfload_write_raw(const struct btf *btf, const char *dir, char out[PATH_MAX]);

#endif
