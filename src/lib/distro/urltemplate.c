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
		{ "{version}", offsetof(struct url_vars, version) },
		{ "{flavour}", offsetof(struct url_vars, flavour) },
		{ "{variant}", offsetof(struct url_vars, variant) },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].name);

		if (strncmp(t, names[i].name, n) != 0)
			continue;
		*val = *(const char *const *)((const char *)v + names[i].offset);
		*skip = n;
		/* {variant} is "" for most flavours. */
		if (i == 7 && *val && !**val)
			return 0;
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

/* One line of a checksum file: its digest into hex, and its file name
 * (after "  " or " *", any folder dropped) into name[0..*name_len), empty
 * for a bare digest. -EINVAL when it is not such a line. */
static int sum_line(const char *line, size_t len, char hex[65], const char **name, size_t *name_len)
{
	const char *slash;
	size_t i;

	if (len < 64)
		return -EINVAL;
	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)line[i]))
			return -EINVAL;
	for (i = 0; i < 64; i++)
		hex[i] = (char)tolower((unsigned char)line[i]);
	hex[64] = '\0';
	*name = line + 64;
	*name_len = 0;
	if (len == 64)
		return 0;
	if (line[64] != ' ' && line[64] != '\t')
		return -EINVAL;
	for (i = 65; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '*'); i++)
		;
	while (len > i && isspace((unsigned char)line[len - 1]))
		len--;
	slash = memrchr(line + i, '/', len - i);
	if (slash)
		i = (size_t)(slash - line) + 1;
	*name = line + i;
	*name_len = len - i;
	return 0;
}

int urltemplate_parse_sha256(const char *text, size_t len, const char *file, char hex[65])
{
	size_t pos = 0, lines = 0, bare = 0, named = 0;
	char found[65] = "", digest[65];

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos), *name;
		size_t end = nl ? (size_t)(nl - text) : len, name_len;

		if (end > pos && text[end - 1] == '\r')
			end--;
		if (end > pos && text[pos] != '#') {
			if (sum_line(text + pos, end - pos, digest, &name, &name_len) < 0)
				return -EINVAL;
			lines++;
			if (name_len == 0)
				bare++, memcpy(found, digest, sizeof(found));
			else if (name_len == strlen(file) && memcmp(name, file, name_len) == 0)
				named++, memcpy(found, digest, sizeof(found));
		}
		pos = nl ? (size_t)(nl - text) + 1 : len;
	}
	if (lines == 0)
		return -EINVAL;
	/* A bare digest speaks for the tarball only when it is alone; a list
	 * must name the tarball exactly once. */
	if (!(named == 1 && bare == 0) && !(bare == 1 && lines == 1))
		return -ENOENT;
	memcpy(hex, found, 65);
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
