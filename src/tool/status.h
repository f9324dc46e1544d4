/* `provision-headers status` / --print-kernel: the kernel identity as
 * the tool sees it, for humans or as JSON. */
#ifndef PH_STATUS_H
#define PH_STATUS_H

struct json_object;
struct provision_ctx;

void status_print(const struct provision_ctx *ctx, int json);
/* The one --json result line of a run (and of each kernel warm does):
 * status with its "exit_code" and, on failure, the last error logged,
 * redacted, on stdout. */
void status_print_result(struct json_object *status, int code);

#endif
