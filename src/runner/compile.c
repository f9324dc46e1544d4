#include "compile.h"

#include <bcc/bcc_common.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int runner_read_file(const char *path, char **ret)
{
	FILE *f = fopen(path, "re");
	long n;
	char *buf;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 || n > (16L << 20)) {
		fclose(f);
		return -EFBIG;
	}
	buf = calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*ret = buf;
	return 0;
}

/* Keeps the lines that say "error" (clang's diagnostics) and the line
 * after each (the source line), at most a few. */
static void first_errors(const char *log, char *diag, size_t len)
{
	const char *p = log;
	size_t o = 0;
	int kept = 0, take_next = 0;

	diag[0] = '\0';
	while (*p && kept < 6) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (take_next || memmem(p, n, "error", 5)) {
			if (o + n + 2 < len) {
				memcpy(diag + o, p, n);
				o += n;
				diag[o++] = '\n';
				diag[o] = '\0';
			}
			kept++;
			take_next = !take_next && memmem(p, n, "error:", 6) != NULL;
		}
		p = eol ? eol + 1 : p + n;
	}
	if (!diag[0])
		snprintf(diag, len, "%.*s", (int)(len - 1), log);
}

int runner_set_tree(const char *tree)
{
	int r = tree ? setenv("BCC_KERNEL_SOURCE", tree, 1) : unsetenv("BCC_KERNEL_SOURCE");

	return r < 0 ? -errno : 0;
}

int runner_compile(const char *text, void **ret_mod, char *diag, size_t diaglen)
{
	return runner_compile_log(text, ret_mod, diag, diaglen, NULL);
}

int runner_compile_log(const char *text, void **ret_mod, char *diag, size_t diaglen, char **ret_log)
{
	const char *cflags[] = { "-ferror-limit=0" };
	FILE *capture = tmpfile();
	int saved = -1;
	void *mod;
	size_t cap = ret_log ? 1u << 20 : 16384, n = 0;
	char *log = calloc(1, cap);

	if (!log) {
		if (capture)
			fclose(capture);
		snprintf(diag, diaglen, "out of memory");
		return -ENOMEM;
	}
	/* libbcc prints diagnostics on stderr: catch them. */
	if (capture) {
		fflush(stderr);
		saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (saved < 0 || dup2(fileno(capture), STDERR_FILENO) < 0) {
			if (saved >= 0)
				close(saved);
			saved = -1;
			fclose(capture);
			capture = NULL;
		}
	}
	/* With a log asked for, every error: the caller maps them to lines. */
	mod = bpf_module_create_c_from_string(text, 0, ret_log ? cflags : NULL, ret_log ? 1 : 0, true, NULL);
	if (capture) {
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
		rewind(capture);
		n = fread(log, 1, cap - 1, capture);
		log[n] = '\0';
		fclose(capture);
	}
	if (mod) {
		*ret_mod = mod;
		free(log);
		return 0;
	}
	if (strstr(log, "could not open bpf map") || strstr(log, "Operation not permitted")) {
		snprintf(diag, diaglen, "%s", "BCC could not create the program's maps: loading BPF is not permitted");
		free(log);
		return -EPERM;
	}
	first_errors(log, diag, diaglen);
	if (ret_log)
		*ret_log = log;
	else
		free(log);
	return -EINVAL;
}
