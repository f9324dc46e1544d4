/* How an rpm repository is reached: mirrorlists, dnf's metalinks (the
 * mirrors of repomd.xml and its hashes), and the repo file keys of the
 * network (proxy, sslcacert, sslverify). */
#include "lib/rpm/metalink.h"
#include "lib/rpm/mirrorlist.h"
#include "lib/rpm/repofile.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static int parse_list(const char *t, struct rpm_mirrors *m, char *why, size_t whylen)
{
	return rpm_mirrorlist_parse(t, strlen(t), m, why, whylen);
}

static void test_mirrorlist(void)
{
	struct rpm_mirrors *m = calloc(1, sizeof(*m));
	char why[256] = "", big[3000];
	int i;

	is_int(parse_list("# generated\n\n  http://127.0.0.1:1/dead/9/x86_64/  \r\n"
			  "ftp://127.0.0.1/skipped\n"
			  "https://127.0.0.1/good/9/x86_64\n"
			  "http://127.0.0.1/last",
			  m, why, sizeof(why)),
	       0, "a mirrorlist parses");
	is_int(m->n, 3, "...three http(s) mirrors; comments, blank lines and ftp left out");
	is_str(m->base[0], "http://127.0.0.1:1/dead/9/x86_64", "...in order, spaces and the trailing / gone");
	is_str(m->base[1], "https://127.0.0.1/good/9/x86_64", "...the second");
	is_str(m->base[2], "http://127.0.0.1/last", "...the last line without a newline");
	m->n = 7;
	is_int(parse_list("# nothing\nftp://x/y\n\n", m, why, sizeof(why)), -ENOENT, "a list without http(s) URL: -ENOENT");
	ok(strstr(why, "no http or https URL") != NULL, "...saying so (%s)", why);
	is_int(m->n, 7, "...and the result is untouched");
	is_int(parse_list("http://a/b c\n", m, why, sizeof(why)), -EILSEQ, "a line of two words is not a mirrorlist");
	/* What fuzz_rpmnet found: a URL without a host. */
	is_int(parse_list("http:///\n", m, why, sizeof(why)), -EILSEQ, "http:/// (no host) is not a URL");
	is_int(parse_list("https://127.0.0.1/a\x01b\n", m, why, sizeof(why)), -EILSEQ, "...nor one with a control character");
	is_int(rpm_mirrorlist_parse("http://a\0b", 10, m, why, sizeof(why)), -EILSEQ, "a NUL byte: not a mirrorlist");
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "http://", 7);
	big[sizeof(big) - 1] = '\0';
	is_int(parse_list(big, m, why, sizeof(why)), -EILSEQ, "a line longer than a URL can be");
	{
		char *many = malloc(100 * 40), *o = many;

		for (i = 0; i < 100; i++)
			o += sprintf(o, "http://127.0.0.1/m%d\n", i);
		is_int(parse_list(many, m, why, sizeof(why)), 0, "a list of 100 mirrors parses");
		is_int(m->n, RPM_MIRRORS_MAX, "...and keeps the first RPM_MIRRORS_MAX");
		is_str(m->base[0], "http://127.0.0.1/m0", "...from the top");
		free(many);
	}
	free(m);
}

static const char metalink[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<metalink version=\"3.0\" xmlns=\"http://www.metalinker.org/\" type=\"dynamic\" "
	"xmlns:mm0=\"http://fedorahosted.org/mirrormanager\">\n"
	" <files>\n"
	"  <file name=\"repomd.xml\">\n"
	"   <mm0:timestamp>1700000000</mm0:timestamp>\n"
	"   <size>4000</size>\n"
	"   <verification>\n"
	"    <hash type=\"md5\">0123456789abcdef0123456789abcdef</hash>\n"
	"    <hash type=\"sha256\"> " SHA_A " </hash>\n"
	"    <hash type=\"sha512\">" SHA_B SHA_B "</hash>\n"
	"   </verification>\n"
	"   <mm0:alternates><mm0:alternate><verification>\n"
	"    <hash type=\"sha256\">" SHA_B "</hash>\n"
	"   </verification></mm0:alternate></mm0:alternates>\n"
	"   <resources maxconnections=\"1\">\n"
	"    <url protocol=\"rsync\" type=\"rsync\" preference=\"100\">rsync://127.0.0.1/x/repodata/repomd.xml</url>\n"
	"    <url protocol=\"http\" type=\"http\" preference=\"90\">http://127.0.0.1/low/9/repodata/repomd.xml</url>\n"
	"    <url protocol=\"https\" type=\"https\" preference=\"100\">https://127.0.0.1/high/9/repodata/repomd.xml</url>\n"
	"    <url protocol=\"http\" type=\"http\" preference=\"100\">http://127.0.0.1/high2/9/repodata/repomd.xml</url>\n"
	"    <url protocol=\"http\" type=\"http\" preference=\"99\">http://127.0.0.1/not-repomd/9/other.xml</url>\n"
	"   </resources>\n"
	"  </file>\n"
	"  <file name=\"other.xml\"><resources><url preference=\"100\">http://127.0.0.1/o/repodata/repomd.xml</url>"
	"</resources></file>\n"
	" </files>\n"
	"</metalink>\n";

static int parse_ml(const char *t, struct rpm_metalink *m, char *why, size_t whylen)
{
	return rpm_metalink_parse(t, strlen(t), m, why, whylen);
}

static void test_metalink(void)
{
	struct rpm_metalink *m = calloc(1, sizeof(*m));
	char why[256] = "";

	is_int(parse_ml(metalink, m, why, sizeof(why)), 0, "dnf's metalink parses");
	is_int(m->mirrors.n, 3, "...three http(s) mirrors of repodata/repomd.xml (rsync, other files left out)");
	is_str(m->mirrors.base[0], "https://127.0.0.1/high/9", "...the most preferred first, repodata/repomd.xml stripped");
	is_str(m->mirrors.base[1], "http://127.0.0.1/high2/9", "...equal preferences in the metalink's order");
	is_str(m->mirrors.base[2], "http://127.0.0.1/low/9", "...the least preferred last");
	is_int(m->n_hashes, 3, "...sha256, sha512 and the alternate's sha256 (md5 left out)");
	ok(rpm_metalink_matches(m, SHA_A, ""), "repomd.xml with the listed sha256 matches");
	ok(rpm_metalink_matches(m, SHA_B, ""), "...an alternate's sha256 matches too (as dnf)");
	ok(rpm_metalink_matches(m, "cccc", SHA_B SHA_B), "...the sha512 alone matches");
	ok(!rpm_metalink_matches(m, "c" SHA_A, "") && !rpm_metalink_matches(m, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", ""), "another sha256 does not");
	ok(!rpm_metalink_matches(m, "", ""), "...nor nothing");

	m->mirrors.n = 9;
	is_int(parse_ml("<metalink><files><file name=\"repomd.xml\"><resources><url>http://a/repodata/repomd.xml</url>"
			"</file></files></metalink>",
			m, why, sizeof(why)),
	       -EILSEQ, "a mismatched tag: -EILSEQ");
	ok(strstr(why, "malformed metalink: line 1: mismatched tag") != NULL, "...saying where and what (%s)", why);
	is_int(m->mirrors.n, 9, "...and the result is untouched");
	is_int(parse_ml("<?xml version=\"1.0\"?><!DOCTYPE metalink [<!ENTITY a \"aaaa\">]><metalink/>", m, why,
			sizeof(why)),
	       -EILSEQ, "a DOCTYPE (entities) is refused");
	is_int(parse_ml("<html><body>mirror down</body></html>", m, why, sizeof(why)), -EILSEQ, "an HTML page is not a metalink");
	ok(strstr(why, "not a metalink") != NULL, "...saying so");
	is_int(parse_ml("<metalink><files><file name=\"other\"/></files></metalink>", m, why, sizeof(why)), -ENOENT,
	       "no file repomd.xml: -ENOENT");
	is_int(parse_ml("<metalink><files><file name=\"repomd.xml\"><resources>"
			"<url>ftp://a/repodata/repomd.xml</url><url>http://a/b/repomd.xml</url></resources></file></files>"
			"</metalink>",
			m, why, sizeof(why)),
	       -ENOENT, "no http(s) URL of repodata/repomd.xml: -ENOENT");
	is_int(parse_ml("", m, why, sizeof(why)), -EILSEQ, "an empty body is malformed");
	/* Metalink 4 (RFC 5854): another namespace, sha-256. */
	is_int(parse_ml("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"><file name=\"repomd.xml\">"
			"<hash type=\"sha-256\">" SHA_A "</hash><url>http://127.0.0.1/m4/repodata/repomd.xml</url>"
			"</file></metalink>",
			m, why, sizeof(why)),
	       0, "a metalink 4 parses");
	ok(m->mirrors.n == 1 && strcmp(m->mirrors.base[0], "http://127.0.0.1/m4") == 0 && rpm_metalink_matches(m, SHA_A, ""),
	   "...its URL and sha-256");
	free(m);
}

static void test_repo_net_keys(void)
{
	struct rpm_vars v = { 0 };
	struct rpm_repo repos[3];
	size_t n = 0;
	char why[256] = "";

	rpm_vars_set(&v, "releasever", "9");
	is_int(rpm_repofile_parse("[a]\nmirrorlist=http://127.0.0.1/ml?release=$releasever\n"
				  "proxy=http://127.0.0.1:3128\nproxy_username=u\nproxy_password=p$x\n"
				  "sslcacert=/etc/pki/ca.pem\nsslverify=0\n"
				  "[b]\nmetalink=http://127.0.0.1/ml?repo=$releasever\nproxy=_none_\n"
				  "[c]\nbaseurl=http://127.0.0.1/c\n",
				  "x.repo", &v, repos, 3, &n, why, sizeof(why)),
	       0, "repo files with network keys parse");
	is_str(repos[0].mirrorlist, "http://127.0.0.1/ml?release=9", "mirrorlist expanded");
	ok(repos[0].has_proxy && strcmp(repos[0].proxy, "http://127.0.0.1:3128") == 0, "proxy kept");
	is_str(repos[0].proxy_username, "u", "proxy_username");
	is_str(repos[0].proxy_password, "p$x", "proxy_password kept as written (no variables in a password)");
	is_str(repos[0].sslcacert, "/etc/pki/ca.pem", "sslcacert");
	is_int(repos[0].sslverify, 0, "sslverify=0");
	is_str(repos[1].metalink, "http://127.0.0.1/ml?repo=9", "metalink expanded");
	ok(repos[1].has_proxy && repos[1].proxy[0] == '\0', "proxy=_none_: no proxy at all");
	is_int(repos[1].sslverify, 1, "sslverify is on by default");
	ok(!repos[2].has_proxy, "no proxy key: the environment's");
	n = 0;
	is_int(rpm_repofile_parse("[a]\npassword=s:e$cret\nusername=$releasever-user\n[b]\nusername=a:b\n", "x.repo", &v,
				  repos, 3, &n, why, sizeof(why)),
	       -EINVAL, "username with a ':' is an error (HTTP basic cannot carry it)");
	is_str(repos[0].userpwd, "9-user:s:e$cret", "username (expanded) and password (as written), in either order");
	n = 0;
	is_int(rpm_repofile_parse("[a]\nsslverify=maybe\n", "x.repo", &v, repos, 3, &n, why, sizeof(why)), -EINVAL,
	       "a bad sslverify is an error");
}

int main(void)
{
	test_mirrorlist();
	test_metalink();
	test_repo_net_keys();
	return tap_done();
}
