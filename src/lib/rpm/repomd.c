#include "lib/rpm/repomd.h"

#include "lib/rpm/xmltext.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct repomd_parse {
	XML_Parser parser; /* first: see xmltext_parser_new */
	struct xmltext text;
	int in_primary, found, bad_algo;
	char algo[16];
	struct rpm_repomd_entry e;
};

static void on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	struct repomd_parse *p = user;

	if (xmltext_is(name, RPM_NS_REPO, "data")) {
		const char *type = xmltext_attr(attrs, "type");

		p->in_primary = !p->found && type && strcmp(type, "primary") == 0;
		if (p->in_primary)
			memset(&p->e, 0, sizeof(p->e));
	} else if (p->in_primary && xmltext_is(name, RPM_NS_REPO, "location")) {
		const char *href = xmltext_attr(attrs, "href");

		snprintf(p->e.href, sizeof(p->e.href), "%s", href ? href : "");
	} else if (p->in_primary && xmltext_is(name, RPM_NS_REPO, "checksum")) {
		const char *type = xmltext_attr(attrs, "type");

		snprintf(p->algo, sizeof(p->algo), "%s", type ? type : "");
		xmltext_start(&p->text);
	} else if (p->in_primary && xmltext_is(name, RPM_NS_REPO, "size")) {
		xmltext_start(&p->text);
	}
}

static void on_end(void *user, const XML_Char *name)
{
	struct repomd_parse *p = user;

	if (!p->in_primary)
		return;
	if (xmltext_is(name, RPM_NS_REPO, "checksum")) {
		const char *v = xmltext_stop(&p->text);
		/* "sha" is what old createrepo wrote for sha1. */
		size_t want = strcmp(p->algo, "sha256") == 0 ? 64 : strcmp(p->algo, "sha512") == 0 ? 128 : 0;

		if (!want || strlen(v) != want || strspn(v, "0123456789abcdef") != want) {
			p->bad_algo = 1;
			return;
		}
		snprintf(p->e.digest_algo, sizeof(p->e.digest_algo), "%s", p->algo);
		snprintf(p->e.digest, sizeof(p->e.digest), "%s", v);
	} else if (xmltext_is(name, RPM_NS_REPO, "size")) {
		const char *v = xmltext_stop(&p->text);
		char *end;

		errno = 0;
		p->e.size = strtoull(v, &end, 10);
		if (errno || end == v || *end || v[0] == '-')
			p->e.size = 0;
	} else if (xmltext_is(name, RPM_NS_REPO, "data")) {
		p->in_primary = 0;
		p->found = 1;
	}
}

static void on_text(void *user, const XML_Char *s, int len)
{
	xmltext_add(&((struct repomd_parse *)user)->text, s, len);
}

int rpm_repomd_parse(const char *text, size_t len, struct rpm_repomd_entry *primary, char *why, size_t whylen)
{
	struct repomd_parse *p = calloc(1, sizeof(*p));
	int ret = 0;

	if (!p || !(p->parser = xmltext_parser_new(p))) {
		free(p);
		return -ENOMEM;
	}
	XML_SetElementHandler(p->parser, on_start, on_end);
	XML_SetCharacterDataHandler(p->parser, on_text);
	if (xmltext_parse_all(p->parser, text, len, "repomd.xml", why, whylen) < 0) {
		ret = -EILSEQ; /* what the caller knows a bad index by, out of memory too */
	} else if (!p->found) {
		snprintf(why, whylen, "repomd.xml lists no primary index");
		ret = -ENOENT;
	} else if (p->bad_algo || !p->e.digest[0]) {
		snprintf(why, whylen, "repomd.xml: the primary index's checksum is not sha256 or sha512 ('%s')", p->algo);
		ret = -ENOTSUP;
	} else if (!p->e.href[0] || p->e.href[0] == '/' || strstr(p->e.href, "..") || strchr(p->e.href, ':')) {
		snprintf(why, whylen, "repomd.xml: the primary index's location '%s' is not a path inside the repository",
			 p->e.href);
		ret = -EILSEQ;
	} else {
		*primary = p->e;
	}
	XML_ParserFree(p->parser);
	free(p);
	return ret;
}
