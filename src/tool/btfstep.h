/* The BTF correction step of a provisioning run: which BTF describes the
 * kernel (--btf FILE, else the running kernel's own, never the running
 * kernel's for another release), and the correction of a close-match
 * tree before it is checked and published. */
#ifndef PH_BTFSTEP_H
#define PH_BTFSTEP_H

struct provision_ctx;

/* Loads ctx->btf. 0 with ctx->btf NULL when there is no BTF to use; a
 * PH_EXIT_* code (after one error line naming the file) when --btf names
 * an unusable file or one made for another release. */
int btfstep_open(struct provision_ctx *ctx);
void btfstep_close(struct provision_ctx *ctx);

/* Rewrites the close-match tree build from ctx->btf and records what it
 * did under "btf_correction" in ctx->close_match. 1 when corrected, 0 when
 * there is nothing to correct with, -errno on failure (logged). */
int btfstep_correct(struct provision_ctx *ctx, const char *build);

/* The headers' level: "exact", "btf-corrected" or "close-match". */
const char *btfstep_level(const struct provision_ctx *ctx);

#endif
