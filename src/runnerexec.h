/* Running provision-headers-runner as a child process (the provisioner
 * never links libbcc) and reading its --json result. */
#ifndef PH_RUNNEREXEC_H
#define PH_RUNNEREXEC_H

#include <json-c/json.h>
#include <stddef.h>

struct options;

/* Runs the runner with args (NULL-terminated, without argv[0]) plus
 * --json. -ENOENT (why) when the runner cannot be found. */
int runner_exec(const struct options *o, const char *const *args, json_object **ret, char *why, size_t whylen);

#endif
