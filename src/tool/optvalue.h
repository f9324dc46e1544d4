/* One value of one option: parsed by its type or checked against the
 * system, with a one-line message in err that names the option or the
 * environment variable it came from (name). Each returns 0, or -EINVAL
 * with the message. Used by cli.c; no state. */
#ifndef PH_OPTVALUE_H
#define PH_OPTVALUE_H

#include "tool/optable.h"

#include <stddef.h>

/* Writes the message, returns -EINVAL. */
int optvalue_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* v with control characters escaped (\x0a), for messages: a newline in
 * a variable cannot forge a second log line. */
const char *optvalue_shown(const char *v, char *buf, size_t len);
/* " (did you mean PREFIXword?)" for the nearest candidate, or "". */
void optvalue_did_you_mean(const char *word, const char *const *cands, size_t n, const char *prefix, char *buf,
			   size_t len);

/* 1/0, true/false, yes/no, on/off. */
int optvalue_bool(const char *name, const char *v, int *out, char *err, size_t errlen);
/* 512K, 64M, 2G, 1T or bytes; never wraps past 64 bits. */
int optvalue_size(const char *name, const char *v, unsigned long long *out, char *err, size_t errlen);
/* A whole number from min to max. */
int optvalue_long(const char *name, const char *v, long min, long max, long *out, char *err, size_t errlen);
/* One of d->values (index), or a number within d->min..d->max when d->max > 0 (index -1). */
int optvalue_enum(const struct opt_def *d, const char *name, const char *v, int *index, char *err, size_t errlen);
/* Looks like uname -r: no control character, space or '/', parses as a version. */
int optvalue_release(const char *name, const char *v, char *err, size_t errlen);
/* What d->check asks of path (an existing folder, a readable file, a program). */
int optvalue_path(const struct opt_def *d, const char *name, const char *path, char *err, size_t errlen);
/* 'URL SUITE [COMPONENT...]' as apt_add_mirror reads it, over http(s). */
int optvalue_mirror(const char *name, const char *spec, char *err, size_t errlen);

#endif
