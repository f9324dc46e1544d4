/* The checks a tree must pass before it is published (and before a
 * published tree counts as a cache hit): its version.h, utsrelease.h and
 * autoconf.h agree with the kernel it is for. */
#ifndef PH_TREECHECK_H
#define PH_TREECHECK_H

#include <stddef.h>

struct kernel_info;

struct tree_facts {
	int have_version;
	unsigned version_code;
	int have_uts_release;
	char uts_release[256];
	int have_autoconf;
	int have_kconfig_h;     /* include/linux/kconfig.h: BCC includes it first */
	int have_arch_include;  /* arch/<arch>/include (treecheck_verify only) */
};

int treecheck_read(const char *build_dir, struct tree_facts *ret);

/* 0 when the tree fits the kernel; -EBADMSG with the reason in why.
 * When the kernel's version code only comes from its release string
 * (distributions pin the sublevel to 0 there), major and minor must
 * agree and the tree's sublevel is trusted. */
int treecheck_verify(const char *build_dir, const struct kernel_info *k, struct tree_facts *ret_facts, char *why,
		     size_t whylen);

#endif
