#include "lib/rpm/xmltext.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

void xmltext_start(struct xmltext *t)
{
	t->len = 0;
	t->on = 1;
	t->truncated = 0;
}

void xmltext_add(struct xmltext *t, const char *s, int len)
{
	size_t n = len > 0 ? (size_t)len : 0;

	if (!t->on)
		return;
	if (t->len + n >= sizeof(t->buf)) {
		t->truncated = 1;
		n = sizeof(t->buf) - 1 - t->len;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

const char *xmltext_stop(struct xmltext *t)
{
	t->on = 0;
	t->buf[t->len] = '\0';
	return t->buf;
}

static void refuse_doctype(void *user, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			   int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	XML_StopParser(*(XML_Parser *)user, XML_FALSE);
}

XML_Parser xmltext_parser_new(void *user)
{
	XML_Parser p = XML_ParserCreateNS(NULL, ' ');

	if (!p)
		return NULL;
	/* The handlers get user; the first member of user is the parser, so
	 * a DOCTYPE can stop it. */
	XML_SetUserData(p, user);
	XML_SetStartDoctypeDeclHandler(p, refuse_doctype);
	return p;
}

int xmltext_is(const char *name, const char *uri, const char *local)
{
	size_t ul = strlen(uri);

	return strncmp(name, uri, ul) == 0 && name[ul] == ' ' && strcmp(name + ul + 1, local) == 0;
}

const char *xmltext_attr(const char **attrs, const char *name)
{
	for (; attrs && attrs[0]; attrs += 2)
		if (strcmp(attrs[0], name) == 0)
			return attrs[1];
	return NULL;
}

unsigned long long xmltext_line(XML_Parser p)
{
#if defined(XML_MAJOR_VERSION) && (XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 9))
	return XML_GetCurrentLineNumber64(p);
#else
	return XML_GetCurrentLineNumber(p);
#endif
}

int xmltext_parse_all(XML_Parser p, const char *text, size_t len, const char *what, char *why, size_t whylen)
{
	enum XML_Error e;

	if (len <= INT_MAX && XML_Parse(p, text, (int)len, XML_TRUE) == XML_STATUS_OK)
		return 0;
	e = len > INT_MAX ? XML_ERROR_NO_MEMORY : XML_GetErrorCode(p);
	if (e == XML_ERROR_ABORTED)
		snprintf(why, whylen, "malformed %s: line %llu: a DOCTYPE, which %s never has", what, xmltext_line(p), what);
	else
		snprintf(why, whylen, "malformed %s: line %llu: %s", what, xmltext_line(p), XML_ErrorString(e));
	return e == XML_ERROR_NO_MEMORY ? -ENOMEM : -EILSEQ;
}
