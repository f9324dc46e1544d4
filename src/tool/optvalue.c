#include "tool/optvalue.h"

#include "lib/apt/aptsources.h"
#include "lib/distro/urltemplate.h"
#include "lib/kernel/kversion.h"
#include "util/suggest.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A value for a message: control characters shown escaped, so a newline
 * in a variable cannot forge a second log line. */
const char *optvalue_shown(const char *v, char *buf, size_t len)
{
	size_t n = 0;

	for (; *v && n + 5 < len; v++) {
		unsigned char c = (unsigned char)*v;

		if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return buf;
}

int optvalue_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int optvalue_bool(const char *name, const char *v, int *out, char *err, size_t errlen)
{
	char buf[128];

	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off"))
		*out = 0;
	else
		return optvalue_fail(err, errlen, "%s: expected 1/0, true/false or yes/no, got '%s'", name,
				     optvalue_shown(v, buf, sizeof(buf)));
	return 0;
}

/* "512K", "64M", "2G", "1T" or a plain byte count; a value that does not
 * fit 64 bits is refused, never wrapped. */
int optvalue_size(const char *name, const char *v, unsigned long long *out, char *err, size_t errlen)
{
	char *end, buf[128];
	unsigned long long n;
	unsigned shift = 0;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno == ERANGE)
		goto too_big;
	if (errno || end == v || !isdigit((unsigned char)v[0]))
		goto bad;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end || n == 0)
		goto bad;
	if (n > (ULLONG_MAX >> shift))
		goto too_big;
	*out = n << shift;
	return 0;
too_big:
	return optvalue_fail(err, errlen, "%s: '%s' is too large", name, optvalue_shown(v, buf, sizeof(buf)));
bad:
	return optvalue_fail(err, errlen, "%s: expected a size such as 512M or 2G, got '%s'", name,
			     optvalue_shown(v, buf, sizeof(buf)));
}

int optvalue_long(const char *name, const char *v, long min, long max, long *out, char *err, size_t errlen)
{
	char *end, buf[128];
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || !isdigit((unsigned char)v[0]) || n < min || n > max)
		return optvalue_fail(err, errlen, "%s: expected a whole number from %ld to %ld, got '%s'", name, min, max,
				     optvalue_shown(v, buf, sizeof(buf)));
	*out = n;
	return 0;
}

void optvalue_did_you_mean(const char *word, const char *const *cands, size_t n, const char *prefix, char *buf,
			 size_t len)
{
	const char *near = suggest_nearest(word, cands, n);

	if (near)
		snprintf(buf, len, " (did you mean %s%s?)", prefix, near);
	else
		buf[0] = '\0';
}

int optvalue_enum(const struct opt_def *d, const char *name, const char *v, int *index, char *err, size_t errlen)
{
	char list[256] = "", hint[160], buf[128];
	size_t i, n = 0, used = 0;
	long num;

	for (i = 0; d->values[i]; i++, n++) {
		if (strcmp(v, d->values[i]) == 0) {
			*index = (int)i;
			return 0;
		}
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", d->values[i]);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	if (d->max > 0 && isdigit((unsigned char)v[0])) {
		if (optvalue_long(name, v, d->min, d->max, &num, err, errlen) < 0)
			return -EINVAL;
		*index = -1; /* a number, kept as text for its user */
		return 0;
	}
	optvalue_did_you_mean(v, d->values, n, "", hint, sizeof(hint));
	return optvalue_fail(err, errlen, "%s: expected %s%s, got '%s'%s", name, list, d->max > 0 ? " or a number" : "",
			     optvalue_shown(v, buf, sizeof(buf)), hint);
}

/* A kernel release names folders (/lib/modules/R) and goes into logs:
 * it must look like `uname -r`. */
int optvalue_release(const char *name, const char *v, char *err, size_t errlen)
{
	const char *problem = kversion_release_problem(v);
	char buf[128];

	if (problem)
		return optvalue_fail(err, errlen, "%s: '%s' is not a kernel release (%s)", name,
				     optvalue_shown(v, buf, sizeof(buf)), problem);
	return 0;
}

int optvalue_path(const struct opt_def *d, const char *name, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	char buf[PATH_MAX];
	int fd;

	optvalue_shown(path, buf, sizeof(buf));
	switch (d->check) {
	case OPT_CHECK_DIR:
		if (stat(path, &sb) < 0)
			return optvalue_fail(err, errlen, "%s %s: %s", name, buf, strerror(errno));
		if (!S_ISDIR(sb.st_mode))
			return optvalue_fail(err, errlen, "%s %s: not a directory", name, buf);
		return 0;
	case OPT_CHECK_FILE:
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return optvalue_fail(err, errlen, "%s %s: %s", name, buf, strerror(errno));
		if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0) {
			close(fd);
			return optvalue_fail(err, errlen, "%s %s: not a non-empty regular file", name, buf);
		}
		close(fd);
		return 0;
	case OPT_CHECK_PROGRAM:
		if (stat(path, &sb) < 0)
			return optvalue_fail(err, errlen, "%s %s: %s", name, buf, strerror(errno));
		if (!S_ISREG(sb.st_mode) || access(path, X_OK) < 0)
			return optvalue_fail(err, errlen, "%s %s: not an executable file", name, buf);
		return 0;
	case OPT_CHECK_NONE:
		break;
	}
	return 0;
}

int optvalue_mirror(const char *name, const char *spec, char *err, size_t errlen)
{
	struct apt_config cfg = { 0 };
	char why[1024], buf[512];
	/* A lone URL is the base of a tarball distribution's template
	 * (distros/cos.json); apt refuses it when it reads it. */
	int lone = urltemplate_mirror_is_base(spec);
	int ret = lone ? 0 : apt_add_mirror(&cfg, spec, why, sizeof(why));

	apt_config_free(&cfg);
	if (ret < 0)
		return optvalue_fail(err, errlen, "%s '%s': %s", name, optvalue_shown(spec, buf, sizeof(buf)),
			    ret == -EINVAL ? "expected 'URL SUITE [COMPONENT...]'" : strerror(-ret));
	if (strncmp(spec, "http://", 7) != 0 && strncmp(spec, "https://", 8) != 0)
		return optvalue_fail(err, errlen, "%s '%s': only http:// and https:// repositories are supported", name,
			    optvalue_shown(spec, buf, sizeof(buf)));
	return 0;
}

