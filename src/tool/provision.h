/* The strategy chain: reuse a published tree, or try each strategy in
 * order, stage its tree, check it, and publish it. */
#ifndef PH_PROVISION_H
#define PH_PROVISION_H

#include <json-c/json.h>

struct provision_ctx;

/* Runs the chain; returns a PH_EXIT_* code and fills status (the --json
 * object) with what happened. Logs every step. */
int provision_run(struct provision_ctx *ctx, json_object *status);

/* Maps a negative errno from a step to the documented exit code. */
int provision_exit_code_for(int err);

#endif
