#include "lib/rpm/primary.h"

#include "lib/rpm/xmltext.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field { F_NONE, F_NAME, F_ARCH, F_CHECKSUM };

struct rpm_primary {
	XML_Parser parser; /* first: see xmltext_parser_new */
	rpm_primary_fn fn;
	void *data;
	int fn_ret;
	int in_package, in_provides, saw_root;
	enum field field;
	struct xmltext text;
	char algo[16];
	struct rpm_pkg pkg;
	struct rpm_provide provides[RPM_MAX_PROVIDES];
	size_t n_provides;
	unsigned long long packages;
};

static void copy_attr(char *out, size_t len, const char **attrs, const char *name)
{
	const char *v = xmltext_attr(attrs, name);

	snprintf(out, len, "%s", v ? v : "");
}

static void add_provide(struct rpm_primary *p, const char **attrs)
{
	const char *name = xmltext_attr(attrs, "name"), *ver = xmltext_attr(attrs, "ver"),
		   *rel = xmltext_attr(attrs, "rel");
	struct rpm_provide *pr;

	if (!name || p->n_provides == RPM_MAX_PROVIDES)
		return;
	pr = &p->provides[p->n_provides++];
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	snprintf(pr->evr, sizeof(pr->evr), "%s%s%s", ver ? ver : "", rel ? "-" : "", rel ? rel : "");
}

static void on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	struct rpm_primary *p = user;

	if (xmltext_is(name, RPM_NS_COMMON, "metadata")) {
		p->saw_root = 1;
		return;
	}
	if (xmltext_is(name, RPM_NS_COMMON, "package")) {
		memset(&p->pkg, 0, sizeof(p->pkg));
		p->n_provides = 0;
		p->in_package = 1;
		return;
	}
	if (!p->in_package)
		return;
	if (xmltext_is(name, RPM_NS_COMMON, "name"))
		p->field = F_NAME;
	else if (xmltext_is(name, RPM_NS_COMMON, "arch"))
		p->field = F_ARCH;
	else if (xmltext_is(name, RPM_NS_COMMON, "checksum")) {
		p->field = F_CHECKSUM;
		copy_attr(p->algo, sizeof(p->algo), attrs, "type");
	} else if (xmltext_is(name, RPM_NS_COMMON, "version")) {
		copy_attr(p->pkg.epoch, sizeof(p->pkg.epoch), attrs, "epoch");
		copy_attr(p->pkg.ver, sizeof(p->pkg.ver), attrs, "ver");
		copy_attr(p->pkg.rel, sizeof(p->pkg.rel), attrs, "rel");
	} else if (xmltext_is(name, RPM_NS_COMMON, "location")) {
		copy_attr(p->pkg.location, sizeof(p->pkg.location), attrs, "href");
	} else if (xmltext_is(name, RPM_NS_COMMON, "size")) {
		const char *v = xmltext_attr(attrs, "package");
		char *end = NULL;

		/* strtoull accepts a sign; a size never has one, so a value
		 * that does not start with a digit is refused outright. */
		p->pkg.size = 0;
		if (v && v[0] >= '0' && v[0] <= '9') {
			errno = 0;
			unsigned long long n = strtoull(v, &end, 10);

			if (!errno && *end == '\0')
				p->pkg.size = n;
		}
	} else if (xmltext_is(name, RPM_NS_RPM, "provides")) {
		p->in_provides = 1;
	} else if (p->in_provides && xmltext_is(name, RPM_NS_RPM, "entry")) {
		add_provide(p, attrs);
	}
	if (p->field != F_NONE)
		xmltext_start(&p->text);
}

static void set_checksum(struct rpm_primary *p, const char *v)
{
	size_t want = strcmp(p->algo, "sha256") == 0 ? 64 : strcmp(p->algo, "sha512") == 0 ? 128 : 0;

	/* Another algorithm (sha1, md5) leaves the digest empty: the package
	 * is then refused rather than trusted on a weak hash. */
	if (want && strlen(v) == want && strspn(v, "0123456789abcdef") == want) {
		snprintf(p->pkg.digest_algo, sizeof(p->pkg.digest_algo), "%s", p->algo);
		snprintf(p->pkg.digest, sizeof(p->pkg.digest), "%s", v);
	}
}

static void on_end(void *user, const XML_Char *name)
{
	struct rpm_primary *p = user;

	if (p->field != F_NONE) {
		const char *v = xmltext_stop(&p->text);

		if (p->field == F_NAME)
			snprintf(p->pkg.name, sizeof(p->pkg.name), "%s", v);
		else if (p->field == F_ARCH)
			snprintf(p->pkg.arch, sizeof(p->pkg.arch), "%s", v);
		else if (p->field == F_CHECKSUM)
			set_checksum(p, v);
		p->field = F_NONE;
		return;
	}
	if (xmltext_is(name, RPM_NS_RPM, "provides")) {
		p->in_provides = 0;
	} else if (p->in_package && xmltext_is(name, RPM_NS_COMMON, "package")) {
		p->in_package = 0;
		p->packages++;
		p->fn_ret = p->fn(p->data, &p->pkg, p->provides, p->n_provides);
		if (p->fn_ret < 0)
			XML_StopParser(p->parser, XML_FALSE);
	}
}

static void on_text(void *user, const XML_Char *s, int len)
{
	xmltext_add(&((struct rpm_primary *)user)->text, s, len);
}

struct rpm_primary *rpm_primary_new(rpm_primary_fn fn, void *data)
{
	struct rpm_primary *p = calloc(1, sizeof(*p));

	if (!p || !(p->parser = xmltext_parser_new(p))) {
		free(p);
		return NULL;
	}
	p->fn = fn;
	p->data = data;
	XML_SetElementHandler(p->parser, on_start, on_end);
	XML_SetCharacterDataHandler(p->parser, on_text);
	return p;
}

static int parse(struct rpm_primary *p, const char *buf, size_t len, int final)
{
	while (len > 0 || final) {
		int chunk = len > INT_MAX ? INT_MAX : (int)len;

		if (XML_Parse(p->parser, buf, chunk, final && (size_t)chunk == len) != XML_STATUS_OK)
			return p->fn_ret < 0 ? p->fn_ret : -EILSEQ;
		buf += chunk;
		len -= (size_t)chunk;
		if (len == 0)
			break;
	}
	return 0;
}

int rpm_primary_feed(struct rpm_primary *p, const void *buf, size_t len)
{
	return parse(p, buf, len, 0);
}

int rpm_primary_finish(struct rpm_primary *p, unsigned long long *ret_packages, char *why, size_t whylen)
{
	int ret = XML_GetErrorCode(p->parser) == XML_ERROR_NONE ? parse(p, "", 0, 1) : -EILSEQ;

	if (p->fn_ret < 0) {
		ret = p->fn_ret;
		snprintf(why, whylen, "primary.xml: stopped at package %llu", p->packages);
	} else if (ret < 0) {
		enum XML_Error e = XML_GetErrorCode(p->parser);

		snprintf(why, whylen, "malformed primary.xml: line %llu: %s", xmltext_line(p->parser),
			 e == XML_ERROR_ABORTED ? "a DOCTYPE, which repository metadata never has" : XML_ErrorString(e));
	} else if (!p->saw_root) {
		snprintf(why, whylen, "primary.xml: no <metadata> element of the rpm-md common namespace");
		ret = -EILSEQ;
	}
	if (ret_packages)
		*ret_packages = p->packages;
	XML_ParserFree(p->parser);
	free(p);
	return ret;
}
