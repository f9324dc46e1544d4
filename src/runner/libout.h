/* The libraries' own output. libbcc writes to file descriptor 2 itself
 * (fprintf(stderr), perror: "open(/sys/kernel/debug/tracing/...): No
 * such file or directory", "bpf: Failed to load program"); libbpf prints
 * through its print hook. None of it reaches the user's terminal as it
 * is: libbcc's lines are caught around its calls and, like libbpf's, are
 * shown only with --verbose, behind the runner's own prefix. */
#ifndef PHR_LIBOUT_H
#define PHR_LIBOUT_H

struct report;

struct libout {
	int saved_fd; /* the real stderr while caught, -1 when not */
	int tmp_fd;   /* where fd 2 points meanwhile */
};

/* Points fd 2 to a private temporary file. Best effort: when that cannot
 * be done, the library's lines go where they always went. */
void libout_begin(struct libout *c);

/* Puts fd 2 back and shows what was caught when r->verbose. Keeps errno. */
void libout_end(struct libout *c, const struct report *r);

/* libbpf's print hook: silent, or with verbose, its lines behind our prefix. */
void libout_libbpf(int verbose);

#endif
