#include "truthchild.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The system calls are made with syscall(): the C library may implement
 * fstat() with another call (newfstatat, statx) than the probe's. */
static void file_part(int n, struct child_truth *t)
{
	struct stat st;
	int fd = memfd_create("provision-headers-truth", MFD_CLOEXEC), i;

	if (fd < 0) {
		t->file_err = errno;
		return;
	}
	if (syscall(SYS_lseek, fd, (long)TRUTH_FILE_OFFSET, SEEK_SET) != TRUTH_FILE_OFFSET) {
		t->file_err = errno ? errno : EIO;
		return;
	}
	for (i = 0; i < n; i++)
		t->pos = syscall(SYS_lseek, fd, 0L, SEEK_CUR);
	for (i = 0; i < n; i++)
		if (syscall(SYS_fstat, fd, &st) == 0)
			t->ino = (uint64_t)st.st_ino;
	t->file_fd = fd;
}

static void sock_part(int n, int lfd, uint16_t port, struct child_truth *t)
{
	struct sockaddr_in at, sa;
	socklen_t len;
	int c, a, i;

	if (lfd < 0)
		return; /* sock_err says why */
	memset(&at, 0, sizeof(at));
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0) {
		t->sock_err = errno;
		return;
	}
	at.sin_family = AF_INET;
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	at.sin_port = htons(port);
	if (connect(c, (struct sockaddr *)&at, sizeof(at)) < 0) {
		t->sock_err = errno;
		return;
	}
	a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0) {
		t->sock_err = errno;
		return;
	}
	for (i = 0; i < n; i++) {
		len = sizeof(sa);
		if (syscall(SYS_getsockname, c, &sa, &len) == 0)
			t->lport = ntohs(sa.sin_port);
	}
	len = sizeof(sa);
	if (getpeername(c, (struct sockaddr *)&sa, &len) < 0) {
		t->sock_err = errno;
		return;
	}
	t->rport = ntohs(sa.sin_port);
	t->sock_fd = c;
}

static void noreturn_child(int n, int go_fd, int out_fd, int lfd, int lerr, uint16_t port)
{
	struct child_truth t;
	char c;
	int i;

	memset(&t, 0, sizeof(t));
	t.pos = -1;
	t.file_fd = t.sock_fd = -1;
	t.sock_err = lerr;
	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	file_part(n, &t);
	sock_part(n, lfd, port, &t);
	if (write(out_fd, &t, sizeof(t)) != (ssize_t)sizeof(t))
		_exit(1);
	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	_exit(0);
}

/* A listener on 127.0.0.1 and an ephemeral port, made in the runner so
 * that its getsockname() is not counted for the child. */
static int listener(uint16_t *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static void close_pipe(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

int truthchild_spawn(int n, struct truth_child *ret)
{
	int to_child[2], from_child[2], lfd, err;
	uint16_t port = 0;
	pid_t pid;

	if (pipe2(to_child, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(from_child, O_CLOEXEC) < 0) {
		err = errno;
		close_pipe(to_child);
		return -err;
	}
	lfd = listener(&port);
	pid = fork();
	if (pid < 0) {
		err = errno;
		close_pipe(to_child);
		close_pipe(from_child);
		if (lfd >= 0)
			close(lfd);
		return -err;
	}
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		noreturn_child(n, to_child[0], from_child[1], lfd, lfd < 0 ? -lfd : 0, port);
	}
	close(to_child[0]);
	close(from_child[1]);
	if (lfd >= 0)
		close(lfd);
	ret->pid = pid;
	ret->to_child = to_child[1];
	ret->from_child = from_child[0];
	return 0;
}

int truthchild_run(struct truth_child *c, struct child_truth *ret)
{
	struct child_truth t;
	size_t got = 0;
	ssize_t k;

	if (write(c->to_child, "g", 1) != 1)
		return -EIO;
	while (got < sizeof(t)) {
		k = read(c->from_child, (char *)&t + got, sizeof(t) - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EIO;
		got += (size_t)k;
	}
	*ret = t;
	return 0;
}

int truthchild_finish(struct truth_child *c, int *status)
{
	close(c->to_child); /* the child's read sees EOF and it exits */
	close(c->from_child);
	c->to_child = c->from_child = -1;
	while (waitpid(c->pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}
