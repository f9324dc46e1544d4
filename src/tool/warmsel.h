/* Which kernels warm provisions, and for which architecture: the releases
 * named on the command line, those of --kernels-from FILE, and those
 * --latest N chooses from the repositories' indexes (tool/warmsel.c). */
#ifndef PH_WARMSEL_H
#define PH_WARMSEL_H

#include <stddef.h>

struct distro_state;
struct options;

struct warm_kernel {
	char release[256];
	const char *machine; /* the uname machine it is for (x86_64, aarch64) */
};

struct warm_list {
	struct warm_kernel *k;
	size_t n, cap;
};

/* Appends release for machine unless the list has it already: 1 added,
 * 0 a duplicate, -ENOMEM, or -E2BIG past WARMSEL_MAX kernels. */
#define WARMSEL_MAX 4096
int warmsel_add(struct warm_list *l, const char *release, const char *machine);
void warmsel_free(struct warm_list *l);
/* 1 when one release is in l for two machines (*a and *b, in list order);
 * 0 when each release is there for one machine only. */
int warmsel_two_machines(const struct warm_list *l, const struct warm_kernel **a, const struct warm_kernel **b);

/* The releases of text (what --kernels-from names): one a line, or
 * several separated by blanks as `kubectl get nodes -o
 * jsonpath='{..kernelVersion}'` prints them; "#" starts a comment.
 * Each is appended for machine. -EINVAL with one line in why naming
 * name:LINE, the word's number on it and what is wrong (the first bad
 * byte's code and place), never the word, when one is not a release. */
int warmsel_parse(const char *text, const char *name, const char *machine, struct warm_list *l, char *why,
		  size_t whylen);
/* The same for the file path ("-": standard input); a regular file only
 * (opened without blocking: a FIFO is refused, -EINVAL, not waited on). */
int warmsel_read_file(const char *path, const char *machine, struct warm_list *l, char *why, size_t whylen);

/* The machine a named release is for, given the --arch list: the one
 * whose Debian or uname name ends the release (6.1.0-28-arm64,
 * 5.14.0-427.el9.aarch64), else the only one; NULL when several could be. */
const char *warmsel_machine_of(const struct options *o, const char *release);

/* The architecture a release's last "-", "." or "+" component names
 * (6.1.0-56-amd64, 5.14.0-427.el9.aarch64) when warm is not for it: not
 * among --arch (or dflt, this machine, without --arch); NULL when that
 * component names no known architecture or one warm is for. */
const char *warmsel_foreign_arch(const struct options *o, const char *dflt, const char *release);

/* --latest: appends the newest o->latest kernels of each series (of
 * o->series only, when given) whose header packages of the flavour
 * (o->flavour, or the distribution's default) st's indexes hold, for
 * machine; newest series first, newest first within one. 0, or a
 * negative errno with why (-ENOENT: none). */
int warmsel_latest(const struct options *o, const struct distro_state *st, const char *machine, struct warm_list *l,
		   char *why, size_t whylen);

#endif
