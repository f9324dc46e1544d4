/* `provision-headers status` / --print-kernel: the kernel identity as
 * the tool sees it, for humans or as JSON. */
#ifndef PH_STATUS_H
#define PH_STATUS_H

struct provision_ctx;

void status_print(const struct provision_ctx *ctx, int json);

#endif
