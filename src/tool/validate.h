/* --validate: runs provision-headers-runner (a separate binary, so the
 * provisioner needs no libbcc) on the published tree, records its result
 * in manifest.json and decides, by --require, whether the run fails. */
#ifndef PH_VALIDATE_H
#define PH_VALIDATE_H

#include <stddef.h>

struct provision_ctx;

enum require_level {
	REQUIRE_NONE,        /* report only */
	REQUIRE_NO_MISMATCH, /* fail when the headers are found wrong (default) */
	REQUIRE_VALIDATED,   /* also fail when validation could not run */
	REQUIRE_BTF_CORRECTED, /* also fail unless the tree is exact or corrected from BTF */
	REQUIRE_EXACT,       /* also fail unless the tree is exact */
};

int validate_parse_require(const char *s, enum require_level *ret);

/* Validates <out>/<release>/build; returns a PH_EXIT_* code. A result
 * already in the manifest (a cache hit) is reused. */
int validate_published(struct provision_ctx *ctx, const char *release_dir);

/* Whether a tree of standing exact (1 exact, 2 a close match corrected
 * from BTF, 0 a close match) whose recorded validation verdict is verdict
 * (NULL: none) meets level: 0 if it does, else -1 with
 * why saying what it lacks. Decided before publishing and on a cache hit,
 * so that a tree below the level is never published nor reused. */
int validate_tree_meets(enum require_level level, int exact, const char *verdict, char *why, size_t whylen);

#endif
