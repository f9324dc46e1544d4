#include "lib/runnerexec/runnerexec.h"

#include "util/macro.h"
#include "util/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNNER_MAX_ARGS 56
#define RUNNER_MAX_OUTPUT (1 << 20)

/* cmd->runner, else beside this binary, else on PATH. */
static void runner_path(const struct runner_cmd *cmd, char out[PATH_MAX])
{
	char exe[PATH_MAX], cand[PATH_MAX];
	ssize_t n;
	char *slash;

	if (cmd->runner && path_copy(out, cmd->runner) == 0)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (path_format(cand, "%s/provision-headers-runner", exe) == 0 && access(cand, X_OK) == 0) {
				path_copy(out, cand);
				return;
			}
		}
	}
	path_copy(out, "provision-headers-runner");
}

/* In the child: stdout to the pipe, then exec; never returns. */
static void noreturn_exec(const char *runner, const struct runner_cmd *cmd, const char *const *args, int out_fd)
{
	const char *argv[RUNNER_MAX_ARGS + 8];
	int a = 0, i;

	if (dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(126);
	argv[a++] = runner;
	for (i = 0; args[i] && a < RUNNER_MAX_ARGS; i++)
		argv[a++] = args[i];
	argv[a++] = "--json";
	if (cmd->quiet)
		argv[a++] = "--quiet";
	if (cmd->bpf_dir) {
		argv[a++] = "--bpf-dir";
		argv[a++] = cmd->bpf_dir;
	}
	argv[a] = NULL;
	execvp(runner, (char *const *)argv);
	_exit(127);
}

/* Reads everything the child prints, growing the buffer up to a cap. */
static int read_output(int fd, char **ret)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *grown;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (cap - len < 2) {
			if (cap >= RUNNER_MAX_OUTPUT) {
				free(buf);
				return -EFBIG;
			}
			grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;
			free(buf);
			return err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = buf;
	return 0;
}

static int wait_child(pid_t pid, int *ret_status)
{
	while (waitpid(pid, ret_status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int runner_exec(const struct runner_cmd *cmd, const char *const *args, json_object **ret, char *why, size_t whylen)
{
	char runner[PATH_MAX];
	_cleanup_free_ char *out = NULL;
	int fds[2], status = 0, r, rw;
	json_object *parsed;
	pid_t pid;

	runner_path(cmd, runner);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = -errno;
		snprintf(why, whylen, "cannot make a pipe to %s: %s", runner, strerror(-r));
		return r;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		snprintf(why, whylen, "cannot start %s: %s", runner, strerror(-r));
		return r;
	}
	if (pid == 0)
		noreturn_exec(runner, cmd, args, fds[1]);
	close(fds[1]);
	r = read_output(fds[0], &out);
	close(fds[0]);
	rw = wait_child(pid, &status);
	if (rw < 0) {
		snprintf(why, whylen, "cannot wait for %s: %s", runner, strerror(-rw));
		return rw;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(why, whylen, "cannot run %s (install provision-headers-runner or give --runner)", runner);
		return -ENOENT;
	}
	if (r < 0) {
		snprintf(why, whylen, "cannot read the result of %s: %s", runner, strerror(-r));
		return r;
	}
	parsed = json_tokener_parse(out);
	if (!parsed || !json_object_is_type(parsed, json_type_object)) {
		json_object_put(parsed);
		snprintf(why, whylen, "%s gave no result (exit status %d)", runner,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -EBADMSG;
	}
	*ret = parsed;
	return 0;
}
