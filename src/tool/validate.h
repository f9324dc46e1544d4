/* --validate: runs provision-headers-runner (a separate binary, so the
 * provisioner needs no libbcc) on the published tree, records its result
 * in manifest.json and decides, by --require, whether the run fails. */
#ifndef PH_VALIDATE_H
#define PH_VALIDATE_H

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

#endif
