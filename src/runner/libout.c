#include "libout.h"

#include "report.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LIBOUT_MAX (64 << 10)

void libout_begin(struct libout *c)
{
	int saved_errno = errno;

	c->saved_fd = c->tmp_fd = -1;
	fflush(stderr);
	c->tmp_fd = open(P_tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (c->tmp_fd < 0) {
		FILE *f = tmpfile();

		/* tmpfile() unlinks it; a descriptor of our own outlives the FILE. */
		if (f) {
			c->tmp_fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, 3);
			fclose(f);
		}
	}
	if (c->tmp_fd >= 0) {
		c->saved_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (c->saved_fd < 0 || dup2(c->tmp_fd, STDERR_FILENO) < 0) {
			if (c->saved_fd >= 0)
				close(c->saved_fd);
			close(c->tmp_fd);
			c->saved_fd = c->tmp_fd = -1;
		}
	}
	errno = saved_errno;
}

void libout_end(struct libout *c, const struct report *r)
{
	int saved_errno = errno;
	char *buf, *line, *save = NULL;
	ssize_t n;

	if (c->saved_fd < 0) {
		errno = saved_errno;
		return;
	}
	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	buf = r->verbose ? calloc(1, LIBOUT_MAX + 1) : NULL;
	if (buf && (n = pread(c->tmp_fd, buf, LIBOUT_MAX, 0)) > 0) {
		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			fprintf(stderr, "provision-headers-runner: libbcc: %s\n", line);
	}
	free(buf);
	close(c->tmp_fd);
	c->saved_fd = c->tmp_fd = -1;
	errno = saved_errno;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int libbpf_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	/* libbpf's lines start with "libbpf: " already. */
	return fprintf(stderr, "provision-headers-runner: %s\n", line);
}

void libout_libbpf(int verbose)
{
	libbpf_set_print(verbose ? libbpf_verbose : libbpf_quiet);
}
