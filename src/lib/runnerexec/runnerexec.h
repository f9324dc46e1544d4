/* Running provision-headers-runner as a child process (the provisioner
 * never links libbcc) and reading its --json result. */
#ifndef PH_RUNNEREXEC_H
#define PH_RUNNEREXEC_H

#include <json-c/json.h>
#include <stddef.h>

/* Where the runner is and what every run of it gets. */
struct runner_cmd {
	const char *runner;  /* NULL: beside this binary, else on PATH */
	const char *bpf_dir; /* NULL: the runner's own default */
	int quiet;           /* pass --quiet */
};

/* Runs the runner with args (NULL-terminated, without argv[0]) plus
 * --json; *ret is its parsed result. -ENOENT (why) when the runner
 * cannot be run, -EBADMSG when it printed no JSON, another negative
 * errno when the pipe or the child cannot be made. */
int runner_exec(const struct runner_cmd *cmd, const char *const *args, json_object **ret, char *why, size_t whylen);

#endif
