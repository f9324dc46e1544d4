#include "lib/rpm/metalink.h"

#include "lib/rpm/xmltext.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_URLS 64

struct metalink_parse {
	XML_Parser parser; /* first: see xmltext_parser_new */
	struct xmltext text;
	int depth, root_ok, in_repomd, in_hash, in_url, found_file;
	char algo[16];
	long preference;
	int n_urls;
	struct {
		char base[1024];
		long preference;
	} urls[MAX_URLS];
	struct rpm_metalink out;
};

/* Metalink 3 (dnf's, xmlns http://www.metalinker.org/) and 4 (RFC 5854)
 * name their elements alike: only the local part counts. */
static const char *local(const char *name)
{
	const char *sp = strrchr(name, ' ');

	return sp ? sp + 1 : name;
}

static void on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	struct metalink_parse *p = user;
	const char *l = local(name);

	if (p->depth++ == 0) {
		p->root_ok = strcmp(l, "metalink") == 0;
		return;
	}
	if (strcmp(l, "file") == 0) {
		const char *fname = xmltext_attr(attrs, "name");

		p->in_repomd = fname && strcmp(fname, "repomd.xml") == 0;
		p->found_file |= p->in_repomd;
	} else if (p->in_repomd && strcmp(l, "hash") == 0) {
		const char *type = xmltext_attr(attrs, "type");

		snprintf(p->algo, sizeof(p->algo), "%s", type ? type : "");
		p->in_hash = 1;
		xmltext_start(&p->text);
	} else if (p->in_repomd && strcmp(l, "url") == 0) {
		const char *pref = xmltext_attr(attrs, "preference");
		char *end;

		p->preference = pref ? strtol(pref, &end, 10) : 0;
		if (!pref || end == pref || *end)
			p->preference = 0;
		p->in_url = 1;
		xmltext_start(&p->text);
	}
}

/* The element's text without the spaces around it. */
static char *trimmed(struct xmltext *t)
{
	char *s = (char *)xmltext_stop(t), *e;

	s += strspn(s, " \t\r\n");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

static void add_hash(struct metalink_parse *p, const char *v)
{
	/* "sha256" (metalink 3) or "sha-256" (RFC 5854); md5 and sha1 are
	 * not worth checking. */
	const char *algo = !strcmp(p->algo, "sha256") || !strcmp(p->algo, "sha-256") ? "sha256" :
			   !strcmp(p->algo, "sha512") || !strcmp(p->algo, "sha-512") ? "sha512" : NULL;
	size_t want = algo && algo[3] == '2' ? 64 : 128;
	struct rpm_metalink *m = &p->out;

	if (!algo || p->text.truncated || strlen(v) != want || strspn(v, "0123456789abcdefABCDEF") != want ||
	    m->n_hashes == RPM_METALINK_MAX_HASHES)
		return;
	snprintf(m->hashes[m->n_hashes].algo, sizeof(m->hashes[0].algo), "%s", algo);
	snprintf(m->hashes[m->n_hashes].hex, sizeof(m->hashes[0].hex), "%s", v);
	m->n_hashes++;
}

static void add_url(struct metalink_parse *p, const char *v)
{
	static const char tail[] = "/repodata/repomd.xml";
	size_t len = strlen(v), tl = sizeof(tail) - 1;

	if (p->text.truncated || p->n_urls == MAX_URLS || len <= tl || strcmp(v + len - tl, tail) != 0)
		return;
	if (len - tl >= sizeof(p->urls[0].base))
		return;
	memcpy(p->urls[p->n_urls].base, v, len - tl);
	p->urls[p->n_urls].base[len - tl] = '\0';
	p->urls[p->n_urls].preference = p->preference;
	p->n_urls++;
}

static void on_end(void *user, const XML_Char *name)
{
	struct metalink_parse *p = user;
	const char *l = local(name);

	p->depth--;
	if (p->in_hash && strcmp(l, "hash") == 0) {
		p->in_hash = 0;
		add_hash(p, trimmed(&p->text));
	} else if (p->in_url && strcmp(l, "url") == 0) {
		p->in_url = 0;
		add_url(p, trimmed(&p->text));
	} else if (strcmp(l, "file") == 0) {
		p->in_repomd = 0;
	}
}

static void on_text(void *user, const XML_Char *s, int len)
{
	xmltext_add(&((struct metalink_parse *)user)->text, s, len);
}

/* The most preferred first; equal ones keep the metalink's order. */
static void order_urls(struct metalink_parse *p)
{
	int i, j;

	for (i = 1; i < p->n_urls; i++)
		for (j = i; j > 0 && p->urls[j].preference > p->urls[j - 1].preference; j--) {
			char tmp[sizeof(p->urls[0].base)];
			long pr = p->urls[j].preference;

			memcpy(tmp, p->urls[j].base, sizeof(tmp));
			memcpy(p->urls[j].base, p->urls[j - 1].base, sizeof(tmp));
			memcpy(p->urls[j - 1].base, tmp, sizeof(tmp));
			p->urls[j].preference = p->urls[j - 1].preference;
			p->urls[j - 1].preference = pr;
		}
	/* Not http(s)://host... (rsync, ftp, junk): left out. */
	for (i = 0; i < p->n_urls; i++)
		if (rpm_mirrors_add(&p->out.mirrors, p->urls[i].base, strlen(p->urls[i].base)) == -E2BIG)
			break;
}

int rpm_metalink_parse(const char *text, size_t len, struct rpm_metalink *out, char *why, size_t whylen)
{
	struct metalink_parse *p = calloc(1, sizeof(*p));
	int ret = 0;

	if (!p || !(p->parser = xmltext_parser_new(p))) {
		free(p);
		return -ENOMEM;
	}
	XML_SetElementHandler(p->parser, on_start, on_end);
	XML_SetCharacterDataHandler(p->parser, on_text);
	if ((ret = xmltext_parse_all(p->parser, text, len, "metalink", why, whylen)) < 0) {
		/* why says it */
	} else if (!p->root_ok) {
		snprintf(why, whylen, "not a metalink: the document is not <metalink>");
		ret = -EILSEQ;
	} else if (!p->found_file) {
		snprintf(why, whylen, "the metalink has no <file name=\"repomd.xml\">");
		ret = -ENOENT;
	} else {
		order_urls(p);
		if (p->out.mirrors.n == 0) {
			snprintf(why, whylen, "the metalink lists no http or https URL of repodata/repomd.xml");
			ret = -ENOENT;
		}
	}
	if (ret == 0)
		*out = p->out;
	XML_ParserFree(p->parser);
	free(p);
	return ret;
}

int rpm_metalink_matches(const struct rpm_metalink *m, const char *sha256, const char *sha512)
{
	int i;

	for (i = 0; i < m->n_hashes; i++) {
		const char *got = strcmp(m->hashes[i].algo, "sha256") == 0 ? sha256 : sha512;

		if (got && got[0] && strcasecmp(got, m->hashes[i].hex) == 0)
			return 1;
	}
	return 0;
}
