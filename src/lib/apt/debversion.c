#include "lib/apt/debversion.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* dpkg's ordering of one character: ~ sorts before everything, even the
 * end of the string; letters before non-letters. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int verrevcmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

/* Splits "epoch:upstream-revision". */
static void split_version(const char *v, long *epoch, char *upstream, size_t ulen, const char **revision)
{
	const char *colon = strchr(v, ':'), *dash;
	size_t n;

	*epoch = 0;
	if (colon) {
		*epoch = strtol(v, NULL, 10);
		v = colon + 1;
	}
	dash = strrchr(v, '-');
	n = dash ? (size_t)(dash - v) : strlen(v);
	if (n >= ulen)
		n = ulen - 1;
	memcpy(upstream, v, n);
	upstream[n] = '\0';
	*revision = dash ? dash + 1 : "";
}

int deb_version_compare(const char *a, const char *b)
{
	char ua[128], ub[128];
	const char *ra, *rb;
	long ea, eb;
	int r;

	split_version(a, &ea, ua, sizeof(ua), &ra);
	split_version(b, &eb, ub, sizeof(ub), &rb);
	if (ea != eb)
		return ea < eb ? -1 : 1;
	r = verrevcmp(ua, ub);
	return r ? r : verrevcmp(ra, rb);
}
