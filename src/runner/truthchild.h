/* The child that triggers the bundled probes. After "go" it calls
 * getppid() n times; seeks a memfd to TRUTH_FILE_OFFSET and calls
 * lseek(fd, 0, SEEK_CUR) and fstat(fd) n times each; connects a TCP
 * socket over loopback to a listener the runner made and calls
 * getsockname() on it n times. What those calls returned (the ground
 * truth, from outside the probes) comes back over a pipe; the child then
 * waits to be told to exit, so its /proc entry stays readable. */
#ifndef PHR_TRUTHCHILD_H
#define PHR_TRUTHCHILD_H

#include <stdint.h>
#include <sys/types.h>

/* Odd, and far from 0 and from any page size: a wrong read cannot pass. */
#define TRUTH_FILE_OFFSET 12345

struct child_truth {
	int64_t pos;        /* lseek(fd, 0, SEEK_CUR) after seeking to TRUTH_FILE_OFFSET */
	uint64_t ino;       /* fstat(fd).st_ino */
	int32_t file_err;   /* errno when the file part could not run, else 0 */
	int32_t sock_err;   /* the same for the socket part */
	uint16_t lport;     /* getsockname() of the connected socket, host order */
	uint16_t rport;     /* getpeername() of it */
	int32_t file_fd;    /* the descriptors the probes were given */
	int32_t sock_fd;
};

struct truth_child {
	pid_t pid;
	int to_child;   /* the runner's ends of the two pipes */
	int from_child;
};

/* Forks the child (and the loopback listener it connects to). Returns 0,
 * or -errno with nothing left open. */
int truthchild_spawn(int n, struct truth_child *ret);

/* Tells the child to go and reads what it learned. -EIO: the child did
 * not run to the end. */
int truthchild_run(struct truth_child *c, struct child_truth *ret);

/* Lets the child exit and waits for it: its wait status in *status. */
int truthchild_finish(struct truth_child *c, int *status);

#endif
