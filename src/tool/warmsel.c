/* warm's selection: the releases of --kernels-from, the architecture each
 * named release is for, and --latest's choice from the indexes the distro
 * strategy reads (its listing of header packages, distro_list_headers, is
 * the one close-match uses). */
#include "tool/warmsel.h"

#include "lib/apt/debversion.h"
#include "lib/kernel/arch.h"
#include "lib/kernel/kversion.h"
#include "strategies/distro.h"
#include "strategies/distro_state.h"
#include "strategies/options.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/macro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KERNELS_FROM_MAX (4u << 20)
/* Header packages --latest looks at per architecture. */
#define LATEST_MAX_CANDIDATES 2048

int warmsel_add(struct warm_list *l, const char *release, const char *machine)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i].release, release) == 0 && strcmp(l->k[i].machine, machine) == 0)
			return 0;
	if (l->n == WARMSEL_MAX)
		return -E2BIG;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct warm_kernel *k = realloc(l->k, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		l->k = k;
		l->cap = cap;
	}
	if (strlen(release) >= sizeof(l->k[l->n].release))
		return -ENAMETOOLONG;
	strcpy(l->k[l->n].release, release);
	l->k[l->n].machine = machine;
	l->n++;
	return 1;
}

void warmsel_free(struct warm_list *l)
{
	free(l->k);
	*l = (struct warm_list){ 0 };
}

int warmsel_two_machines(const struct warm_list *l, const struct warm_kernel **a, const struct warm_kernel **b)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = i + 1; j < l->n; j++)
			if (strcmp(l->k[i].release, l->k[j].release) == 0 && strcmp(l->k[i].machine, l->k[j].machine) != 0) {
				*a = &l->k[i];
				*b = &l->k[j];
				return 1;
			}
	return 0;
}

int warmsel_parse(const char *text, const char *name, const char *machine, struct warm_list *l, char *why,
		  size_t whylen)
{
	const char *p = text;
	unsigned line = 0;
	int ret;

	while (*p) {
		const char *end = p + strcspn(p, "\n");
		const char *hash = memchr(p, '#', (size_t)(end - p));
		const char *stop = hash ? hash : end, *t = p;
		unsigned word = 0;

		line++;
		while (t < stop) {
			size_t skip = strspn(t, " \t\r\v\f"), len;
			char tok[KVERSION_RELEASE_MAX + 2], at[64];
			const char *problem;

			t += skip;
			if (t >= stop)
				break;
			len = strcspn(t, " \t\r\v\f#\n");
			if (t + len > stop)
				len = (size_t)(stop - t);
			snprintf(tok, sizeof(tok), "%.*s", (int)len, t);
			word++;
			problem = len > KVERSION_RELEASE_MAX ? "it is longer than 64 characters" : kversion_release_problem(tok);
			if (problem) {
				/* Never the word itself: a file named by mistake
				 * (a shadow file) would have its secrets logged.
				 * Where it goes wrong is enough to find it. */
				size_t bad = strspn(tok, KVERSION_RELEASE_CHARS);

				if (len <= KVERSION_RELEASE_MAX && bad < len)
					snprintf(at, sizeof(at), ": byte 0x%02x at character %zu", (unsigned char)tok[bad],
						 bad + 1);
				else
					at[0] = '\0';
				snprintf(why, whylen, "%s:%u: word %u is not a kernel release (%s%s)", name, line, word, problem,
					 at);
				return -EINVAL;
			}
			ret = warmsel_add(l, tok, machine);
			if (ret < 0) {
				snprintf(why, whylen, "%s:%u: %s", name, line,
					 ret == -E2BIG ? "more than 4096 kernels" : strerror(-ret));
				return ret;
			}
			t += len;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

static ssize_t read_stdin(void *src, void *buf, size_t len)
{
	ssize_t n;

	(void)src;
	do
		n = read(STDIN_FILENO, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* path, the operator's, opened without blocking (a FIFO would wait for
 * a writer for ever) and read only when it is a regular file. */
static int read_list_file(const char *path, char **ret_text, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int flags;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -ENOTSUP;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
		return -errno;
	return fs_read_fd(fd, KERNELS_FROM_MAX, ret_text, ret_len);
}

int warmsel_read_file(const char *path, const char *machine, struct warm_list *l, char *why, size_t whylen)
{
	_cleanup_free_ char *text = NULL;
	int stdin_ = strcmp(path, "-") == 0;
	size_t len = 0;
	int ret;

	if (stdin_)
		ret = fs_read_all(read_stdin, NULL, KERNELS_FROM_MAX, &text, &len);
	else
		ret = read_list_file(path, &text, &len);
	/* A NUL would end the text early: the releases after it unread. */
	if (ret == 0 && memchr(text, '\0', len))
		ret = -EILSEQ;
	if (ret < 0) {
		snprintf(why, whylen, "--kernels-from %s: %s", stdin_ ? "- (standard input)" : path,
			 ret == -EFBIG    ? "larger than 4 MiB"
			 : ret == -EILSEQ ? "a NUL byte: not a text file"
			 : ret == -ENOTSUP ? "not a regular file (a FIFO, socket or device is not read; - reads standard input)"
					  : strerror(-ret));
		return ret == -EILSEQ || ret == -ENOTSUP ? -EINVAL : ret;
	}
	return warmsel_parse(text, stdin_ ? "(standard input)" : path, machine, l, why, whylen);
}

/* Does release end with "<sep>name" (a flavour or an RPM arch)? */
static int ends_with_arch(const char *release, const char *name)
{
	size_t rl = strlen(release), nl = strlen(name);

	return rl > nl + 1 && strcmp(release + rl - nl, name) == 0 &&
	       (release[rl - nl - 1] == '-' || release[rl - nl - 1] == '.' || release[rl - nl - 1] == '+');
}

const char *warmsel_machine_of(const struct options *o, const char *release)
{
	int i;

	for (i = 0; i < o->n_arches; i++)
		if (ends_with_arch(release, o->arches[i]) || ends_with_arch(release, arch_deb_for_machine(o->arches[i])))
			return o->arches[i];
	return o->n_arches == 1 ? o->arches[0] : NULL;
}

const char *warmsel_foreign_arch(const struct options *o, const char *dflt, const char *release)
{
	const char *last = release, *p, *machine;
	int i;

	for (p = release; *p; p++)
		if (*p == '-' || *p == '.' || *p == '+')
			last = p + 1;
	machine = last == release ? NULL : arch_machine_for_name(last);
	if (!machine)
		return NULL;
	for (i = 0; i < o->n_arches; i++)
		if (strcmp(o->arches[i], machine) == 0)
			return NULL;
	if (!o->n_arches && dflt && strcmp(arch_machine_for_name(dflt) ? arch_machine_for_name(dflt) : dflt, machine) == 0)
		return NULL;
	return last;
}

static unsigned series_of(unsigned code)
{
	return code >> 8; /* major and minor */
}

/* Newest series first, then the newest package first. */
static int newest_first(const void *a, const void *b)
{
	const struct distro_candidate *x = a, *y = b;
	int c;

	if (series_of(x->code) != series_of(y->code))
		return series_of(x->code) < series_of(y->code) ? 1 : -1;
	c = deb_version_compare(y->version, x->version);
	return c ? c : strcmp(y->release, x->release);
}

static int parse_series(const char *s, unsigned *ret)
{
	unsigned long major, minor;
	char *end;

	errno = 0;
	major = strtoul(s, &end, 10);
	if (errno || *end != '.' || major > 255)
		return -EINVAL;
	minor = strtoul(end + 1, &end, 10);
	if (errno || *end || minor > 255)
		return -EINVAL;
	*ret = (unsigned)(major << 8 | minor);
	return 0;
}

int warmsel_latest(const struct options *o, const struct distro_state *st, const char *machine, struct warm_list *l,
		   char *why, size_t whylen)
{
	_cleanup_free_ struct distro_candidate *c = calloc(LATEST_MAX_CANDIDATES, sizeof(*c));
	unsigned want_series = 0, series = 0;
	unsigned long per_series = 0; /* 0: all */
	size_t n = 0, i, k, taken = 0;
	const char *problem;
	int ret;

	if (!c)
		return -ENOMEM;
	if (strcmp(o->latest, "all") != 0)
		per_series = strtoul(o->latest, NULL, 10);
	if (o->series && parse_series(o->series, &want_series) < 0) {
		snprintf(why, whylen, "--series %s: not MAJOR.MINOR", o->series);
		return -EINVAL;
	}
	distro_list_headers(st, o->flavour, c, LATEST_MAX_CANDIDATES, &n);
	/* One entry per release: the newest package of it any suite holds. */
	qsort(c, n, sizeof(*c), newest_first);
	for (i = 0, k = 0; i < n; i++) {
		size_t j;

		if (o->series && series_of(c[i].code) != want_series)
			continue;
		/* The index is signed, not trusted: its names become folders. */
		problem = kversion_release_problem(c[i].release);
		if (problem) {
			char shown[KVERSION_RELEASE_MAX + 4];

			snprintf(shown, sizeof(shown), "%.*s%s", KVERSION_RELEASE_MAX, c[i].release,
				 strlen(c[i].release) > KVERSION_RELEASE_MAX ? "..." : "");
			for (char *p = shown; *p; p++)
				if (!strchr(KVERSION_RELEASE_CHARS, *p))
					*p = '?';
			log_warn("warm --latest: skipped linux-headers-%s in the %s index: not a kernel release (%s)", shown,
				 st->repo.arch ? st->repo.arch : machine, problem);
			continue;
		}
		for (j = 0; j < k && strcmp(c[j].release, c[i].release) != 0; j++)
			;
		if (j == k)
			c[k++] = c[i];
	}
	for (i = 0; i < k; i++) {
		if (i == 0 || series_of(c[i].code) != series) {
			series = series_of(c[i].code);
			taken = 0;
		}
		if (per_series && taken == per_series)
			continue;
		/* Named on the command line too: listed once, counted here. */
		ret = warmsel_add(l, c[i].release, machine);
		if (ret < 0) {
			snprintf(why, whylen, "%s", ret == -E2BIG ? "more than 4096 kernels" : strerror(-ret));
			return ret;
		}
		taken++;
	}
	if (k == 0) {
		snprintf(why, whylen, "no header package of the %s flavour%s%s in the %s indexes of %zu apt source(s)",
			 o->flavour ? o->flavour : "default", o->series ? " of series " : "", o->series ? o->series : "",
			 st->repo.arch ? st->repo.arch : machine, st->cfg.n_sources);
		return -ENOENT;
	}
	return 0;
}
