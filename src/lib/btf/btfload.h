/* The kernel's BTF from a file: raw BTF (/sys/kernel/btf/vmlinux), an ELF
 * with a .BTF section, or a BTFHub-style <release>.btf.tar.xz archive. */
#ifndef PH_BTF_BTFLOAD_H
#define PH_BTF_BTFLOAD_H

#include <stddef.h>

struct btf;

/* Loads path; -EBADMSG (why says what is wrong) when it is not a kernel's
 * BTF: corrupt, truncated, or without struct task_struct. */
int btfload_open(const char *path, struct btf **ret, char *why, size_t whylen);

/* The release a BTFHub-style name gives ("<release>.btf",
 * "<release>.btf.tar.xz"), into out; 0 when found, -ENOENT when the name
 * says nothing. */
int btfload_release_in_name(const char *path, char *out, size_t outlen);

#endif
