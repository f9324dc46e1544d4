#include "runnerexec.h"

#include "log.h"
#include "options.h"
#include "path.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* --runner, else beside this binary, else on PATH. */
static void runner_path(const struct options *o, char out[PATH_MAX])
{
	char exe[PATH_MAX], cand[PATH_MAX];
	ssize_t n;

	if (o->runner) {
		path_copy(out, o->runner);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (path_format(cand, "%s/provision-headers-runner", dirname(exe)) == 0 && access(cand, X_OK) == 0) {
			path_copy(out, cand);
			return;
		}
	}
	path_copy(out, "provision-headers-runner");
}

int runner_exec(const struct options *o, const char *const *args, json_object **ret, char *why, size_t whylen)
{
	char runner[PATH_MAX], out[1 << 17];
	size_t len = 0;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	runner_path(o, runner);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		const char *argv[64];
		int a = 0, i;

		dup2(fds[1], STDOUT_FILENO);
		argv[a++] = runner;
		for (i = 0; args[i] && a < 56; i++)
			argv[a++] = args[i];
		argv[a++] = "--json";
		if (log_get_level() < LOG_INFO)
			argv[a++] = "--quiet";
		if (o->bpf_dir) {
			argv[a++] = "--bpf-dir";
			argv[a++] = o->bpf_dir;
		}
		argv[a] = NULL;
		execvp(runner, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof(out) - 1 && (n = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	out[len] = '\0';
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(why, whylen, "cannot run %s (install provision-headers-runner or give --runner)", runner);
		return -ENOENT;
	}
	*ret = json_tokener_parse(out);
	if (!*ret) {
		snprintf(why, whylen, "%s gave no result (exit status %d)", runner, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -EINVAL;
	}
	return 0;
}
