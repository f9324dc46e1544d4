/* distrodef_data_dir beside the binary: build/provision-headers finds
 * distros/ in the source tree above build/. The dirname() below behaves
 * as POSIX allows (a result of its own, the argument left as it was),
 * so code that relied on glibc changing the argument in place fails. */
#include "lib/distro/distrodef.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PH_DATADIR
#define PH_DATADIR "/usr/local/share/provision-headers"
#endif

char *dirname(char *path)
{
	static char out[PATH_MAX];
	char *slash;

	snprintf(out, sizeof(out), "%s", path);
	slash = strrchr(out, '/');
	if (!slash)
		return strcpy(out, ".");
	if (slash == out)
		slash++;
	*slash = '\0';
	return out;
}

static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ssize_t n;
	int r = in < 0 || out < 0 ? -1 : 0;

	while (r == 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			r = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0)
		r = -1;
	return r;
}

int main(int argc, char **argv)
{
	char top[] = "/tmp/distrodef_test.XXXXXX", bin[PATH_MAX], distros[PATH_MAX], out[PATH_MAX];
	char got[PATH_MAX], want[PATH_MAX], text[PATH_MAX + 1] = "";
	struct stat st;
	int fds[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (argc == 2 && strcmp(argv[1], "child") == 0) {
		/* The copy of this test under <top>/build/: print what it finds. */
		if (distrodef_data_dir(NULL, out) < 0)
			return 1;
		printf("%s", out);
		return 0;
	}
	if (stat(PH_DATADIR "/distros", &st) == 0) {
		printf("1..0 # SKIP %s/distros is installed: it is found first\n", PH_DATADIR);
		return 0;
	}
	is_str((distrodef_data_dir("/given", out), out), "/given", "an override is used as it is");

	ok(mkdtemp(top) != NULL, "a scratch source tree");
	snprintf(bin, sizeof(bin), "%s/build", top);
	snprintf(distros, sizeof(distros), "%s/distros", top);
	ok(mkdir(bin, 0755) == 0 && mkdir(distros, 0755) == 0, "with build/ and distros/");
	strncat(bin, "/distrodef_test", sizeof(bin) - strlen(bin) - 1);
	ok(copy_file("/proc/self/exe", bin) == 0, "this test copied to build/");

	ok(pipe(fds) == 0, "a pipe");
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execl(bin, bin, "child", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the copy ran");
	printf("# the copy in build/ found: %s\n", text);
	ok(realpath(text, got) && realpath(top, want) && strcmp(got, want) == 0,
	   "the data folder is the tree above build/ (%s)", top);

	unlink(bin);
	*strrchr(bin, '/') = '\0';
	rmdir(bin);
	rmdir(distros);
	rmdir(top);
	return tap_done();
}
