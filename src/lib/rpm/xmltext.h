/* What the repository XML parsers share: expat set up to refuse what
 * repository metadata never holds (DOCTYPE, entity declarations), and
 * element text kept up to a cap. */
#ifndef PH_RPM_XMLTEXT_H
#define PH_RPM_XMLTEXT_H

#include <expat.h>
#include <stddef.h>

#define XMLTEXT_MAX 1024

struct xmltext {
	char buf[XMLTEXT_MAX];
	size_t len;
	int on;        /* collecting */
	int truncated; /* longer than the cap */
};

void xmltext_start(struct xmltext *t);
void xmltext_add(struct xmltext *t, const char *s, int len);
/* Stops collecting: the text, NUL-terminated. */
const char *xmltext_stop(struct xmltext *t);

/* A parser with namespace processing (names are "URI local") that stops
 * at any DOCTYPE or entity declaration. NULL when memory runs out. */
XML_Parser xmltext_parser_new(void *user);

/* Parses a whole document held in memory (a repomd.xml, a metalink): 0,
 * or -EILSEQ (-ENOMEM) with why saying "malformed <what>: line N:
 * <reason>"; a DOCTYPE is named as what <what> never has. */
int xmltext_parse_all(XML_Parser p, const char *text, size_t len, const char *what, char *why, size_t whylen);

/* The line the parser stopped at, for error messages. Expat 2.9 (Debian 13)
 * deprecates the long-returning call for a 64-bit one. */
unsigned long long xmltext_line(XML_Parser p);

/* The local part of a namespaced name, and whether its URI is uri. */
int xmltext_is(const char *name, const char *uri, const char *local);

/* An attribute's value, or NULL. */
const char *xmltext_attr(const char **attrs, const char *name);

#define RPM_NS_REPO "http://linux.duke.edu/metadata/repo"
#define RPM_NS_COMMON "http://linux.duke.edu/metadata/common"
#define RPM_NS_RPM "http://linux.duke.edu/metadata/rpm"

#endif
