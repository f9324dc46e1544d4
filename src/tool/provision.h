/* The strategy chain: reuse a published tree, or try each strategy in
 * order, stage its tree, check it, and publish it. */
#ifndef PH_PROVISION_H
#define PH_PROVISION_H

#include <json-c/json.h>

struct provision_ctx;

/* Runs the chain; returns a PH_EXIT_* code and fills status (the --json
 * object) with what happened. Logs every step. */
int provision_run(struct provision_ctx *ctx, json_object *status);

struct ph_failure;

/* The documented exit code for a failed step: from the kind the step
 * recorded (ctx_fail), else from its negative errno. */
int provision_exit_code(const struct ph_failure *f, int err);
/* The errno-only reading, for steps that record no kind yet. */
int provision_exit_code_for(int err);

#endif
