#include "lib/distro/urltemplate.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int safe_value(const char *v)
{
	const char *p;

	if (!v || !*v || strcmp(v, ".") == 0 || strstr(v, ".."))
		return 0;
	for (p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+~-", *p))
			return 0;
	return 1;
}

/* The value of the placeholder at t ("{name}..."), and its length. */
static int lookup(const char *t, const struct url_vars *v, const char **val, size_t *skip, char *why, size_t whylen)
{
	static const struct {
		const char *name;
		size_t offset;
	} names[] = {
		{ "{build_id}", offsetof(struct url_vars, build_id) },
		{ "{release}", offsetof(struct url_vars, release) },
		{ "{version_id}", offsetof(struct url_vars, version_id) },
		{ "{arch}", offsetof(struct url_vars, arch) },
		{ "{url}", offsetof(struct url_vars, url) },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].name);

		if (strncmp(t, names[i].name, n) != 0)
			continue;
		*val = *(const char *const *)((const char *)v + names[i].offset);
		*skip = n;
		/* {url} is the expanded headers URL, not a path segment. */
		if (i == 4 ? !*val || !**val : !safe_value(*val)) {
			snprintf(why, whylen, "%s: %s", names[i].name,
				 !*val || !**val ? "the host has no value for it" : "not a safe path segment");
			return -EINVAL;
		}
		return 0;
	}
	snprintf(why, whylen, "unknown placeholder '%.*s'", (int)strcspn(t, "}") + 1, t);
	return -EINVAL;
}

int urltemplate_expand(const char *tmpl, const struct url_vars *v, const char *mirror, char *out, size_t outlen,
		       char *why, size_t whylen)
{
	const char *t = tmpl, *brace = strchr(tmpl, '{');
	size_t o = 0, mlen;

	if (outlen == 0)
		return -ENAMETOOLONG;
	if (mirror && *mirror) {
		const char *seg;

		if (!brace || brace == tmpl) {
			snprintf(why, whylen, "'%s': no placeholder after a base that --mirror could replace", tmpl);
			return -EINVAL;
		}
		for (seg = brace; seg > tmpl && seg[-1] != '/'; seg--)
			;
		mlen = strlen(mirror);
		while (mlen > 0 && mirror[mlen - 1] == '/')
			mlen--;
		if (mlen + 1 >= outlen)
			return -ENAMETOOLONG;
		memcpy(out, mirror, mlen);
		out[mlen] = '/';
		o = mlen + 1;
		t = seg;
	}
	while (*t) {
		const char *val;
		size_t skip, n;
		int ret;

		if (*t != '{') {
			if (o + 1 >= outlen)
				return -ENAMETOOLONG;
			out[o++] = *t++;
			continue;
		}
		ret = lookup(t, v, &val, &skip, why, whylen);
		if (ret < 0)
			return ret;
		n = strlen(val);
		if (o + n >= outlen)
			return -ENAMETOOLONG;
		memcpy(out + o, val, n);
		o += n;
		t += skip;
	}
	out[o] = '\0';
	return 0;
}

int urltemplate_parse_sha256(const char *text, size_t len, char hex[65])
{
	size_t i;

	if (len < 64)
		return -EINVAL;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)text[i]))
			return -EINVAL;
	if (len > 64 && !isspace((unsigned char)text[64]))
		return -EINVAL;
	for (i = 0; i < 64; i++)
		hex[i] = (char)tolower((unsigned char)text[i]);
	hex[64] = '\0';
	return 0;
}

int urltemplate_host_is_placeholder(const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;

	if (!host)
		return 0;
	host += 3;
	host += strcspn(host, "@/") < strcspn(host, "/") ? strcspn(host, "@") + 1 : 0; /* user:password@ */
	n = strcspn(host, ":/?#");
	while (n > 0 && host[n - 1] == '.')
		n--;
	return (n == 7 && strncasecmp(host, "example", 7) == 0) ||
	       (n > 8 && strncasecmp(host + n - 8, ".example", 8) == 0);
}

int urltemplate_mirror_is_base(const char *spec)
{
	while (*spec == ' ' || *spec == '\t')
		spec++;
	return strstr(spec, "://") != NULL && !strpbrk(spec, " \t");
}
