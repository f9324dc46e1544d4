/* apt configuration and index parsing: sources in both formats,
 * auth.conf, apt.conf proxies, Release, Packages, versions, Depends. */
#include "lib/apt/debversion.h"
#include "lib/apt/packages.h"
#include "lib/apt/release.h"
#include "lib/apt/aptsources.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

static void test_sources(void)
{
	struct apt_config c = { 0 };
	char why[512] = "", buf[600];

	ok(apt_parse_one_line("# comment\n"
			      "deb [ arch=amd64,i386 signed-by=/usr/share/keyrings/a.gpg,/etc/b.gpg ] http://m.example/debian/ bookworm main contrib\n"
			      "deb-src http://m.example/debian bookworm main\n"
			      "deb [trusted=yes] http://local/repo stable main # trailing\n",
			      "sources.list", &c, why, sizeof(why)) == 0,
	   "one-line sources parse");
	is_int(c.n_sources, 2, "deb-src lines are left out");
	is_str(c.sources[0].uri, "http://m.example/debian", "trailing slash dropped from the URI");
	is_str(c.sources[0].suite, "bookworm", "suite");
	is_int(c.sources[0].n_components, 2, "two components");
	is_str(c.sources[0].components[1], "contrib", "second component");
	is_str(c.sources[0].archs, "amd64,i386", "arch= option");
	is_str(c.sources[0].signed_by, "/usr/share/keyrings/a.gpg /etc/b.gpg", "signed-by with two keyrings");
	ok(c.sources[1].trusted, "trusted=yes");
	is_str(c.sources[0].origin, "sources.list:2", "origin names file and line");

	ok(apt_parse_one_line("deb http://x\n", "bad.list", &c, why, sizeof(why)) == -EINVAL, "missing suite refused");
	is_str(why, "bad.list:1: missing suite", "...naming file and line");
	ok(apt_parse_one_line("rpm http://x y\n", "bad.list", &c, why, sizeof(why)) == -EINVAL, "unknown type refused");
	apt_config_free(&c);

	memset(&c, 0, sizeof(c));
	ok(apt_parse_deb822("Types: deb deb-src\n"
			    "URIs: http://a/debian http://b/debian\n"
			    "Suites: bookworm bookworm-updates\n"
			    "Components: main\n"
			    "Architectures: amd64 arm64\n"
			    "Signed-By:\n"
			    " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
			    " .\n"
			    " mQINBF...\n"
			    " -----END PGP PUBLIC KEY BLOCK-----\n"
			    "\n"
			    "# disabled\n"
			    "Types: deb\n"
			    "URIs: http://never\n"
			    "Suites: x\n"
			    "Components: main\n"
			    "Enabled: no\n"
			    "\n"
			    "Types: deb-src\n"
			    "URIs: http://src-only\n"
			    "Suites: x\n"
			    "Components: main\n",
			    "debian.sources", &c, why, sizeof(why)) == 0,
	   "deb822 parses");
	is_int(c.n_sources, 4, "two URIs x two suites; disabled and source-only stanzas left out");
	is_str(c.sources[3].uri, "http://b/debian", "URIs expand");
	is_str(c.sources[3].suite, "bookworm-updates", "Suites expand");
	is_str(c.sources[0].archs, "amd64,arm64", "Architectures");
	ok(c.sources[0].signed_by_key && strstr(c.sources[0].signed_by_key, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF...\n"),
	   "inline key kept, ' .' lines become empty lines");
	ok(apt_parse_deb822("Types: deb\nSuites: x\n", "bad.sources", &c, why, sizeof(why)) == -EINVAL, "stanza without URIs refused");
	ok(strstr(why, "bad.sources") && strstr(why, "URIs"), "...naming the file and the field");
	ok(apt_parse_deb822("no colon here\n", "bad.sources", &c, why, sizeof(why)) == -EINVAL, "garbage refused");

	apt_parse_auth("machine m.example/debian login alice password s3cret\n"
		       "machine https://secure.example login bob password pw # comment\n", &c);
	is_str(apt_auth_for(&c, "http://m.example/debian", buf, sizeof(buf)), "alice:s3cret", "auth.conf by host and path");
	is_str(apt_auth_for(&c, "https://secure.example/ubuntu", buf, sizeof(buf)), "bob:pw", "auth.conf with a scheme");
	ok(apt_auth_for(&c, "http://m.example/other", buf, sizeof(buf)) == NULL, "no credentials for another path");

	apt_parse_conf("// proxies\nAcquire::http::Proxy \"http://proxy:3128\";\n"
		       "Acquire { https { Proxy \"http://sproxy:3129\"; }; };\n", &c);
	is_str(c.http_proxy, "http://proxy:3128", "flat Acquire::http::Proxy");
	is_str(c.https_proxy, "http://sproxy:3129", "scoped Acquire { https { Proxy } }");

	ok(apt_add_mirror(&c, "http://127.0.0.1:8080/debian bookworm", why, sizeof(why)) == 0, "--mirror URL SUITE");
	is_str(c.sources[c.n_sources - 1].components[0], "main", "--mirror defaults to main");
	ok(apt_add_mirror(&c, "not-a-url", why, sizeof(why)) == -EINVAL, "--mirror without a URL refused");
	apt_config_free(&c);
}

static void test_index(void)
{
	struct apt_release r;
	struct apt_pkglist l = { 0 };
	const char *patterns[] = { "linux-headers-*", NULL };
	const struct apt_pkg *out[8];
	struct packages_parser *p;
	char why[256];
	const char *pk =
		"Package: linux-headers-6.1.0-9-amd64\nVersion: 6.1.27-1\nArchitecture: amd64\n"
		"Depends: linux-headers-6.1.0-9-common (= 6.1.27-1), linux-kbuild-6.1 (>= 6.1.27-1),\n"
		" linux-compiler-gcc-12-x86\nFilename: pool/a.deb\nSize: 10\nSHA256: "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n"
		"Package: libc6\nVersion: 2.36\nFilename: pool/libc.deb\n\n"
		"Package: linux-headers-6.1.0-9-common\nVersion: 6.1.27-1\nFilename: pool/c.deb\nSize: 20\nSHA256: "
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n\n"
		"Package: linux-headers-6.1.0-9-common\nVersion: 6.1.27-1~bpo1\nFilename: pool/old.deb\nSize: 20\nSHA256: "
		"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n";
	size_t i;

	ok(apt_release_parse("Origin: Debian\nSuite: stable\nCodename: bookworm\nSHA256:\n"
			     " 0123456789012345678901234567890123456789012345678901234567890123 1684 main/binary-amd64/Packages.xz\n"
			     " 0123456789012345678901234567890123456789012345678901234567890123   88 main/binary-amd64/Release\n",
			     &r, why, sizeof(why)) == 0,
	   "Release parses");
	is_str(r.codename, "bookworm", "Codename");
	ok(apt_release_find(&r, "main/binary-amd64/Packages.xz") && apt_release_find(&r, "main/binary-amd64/Packages.xz")->size == 1684,
	   "an index's size from the SHA256 list");
	apt_release_free(&r);
	ok(apt_release_parse("Origin: x\nMD5Sum:\n abc 1 y\n", &r, why, sizeof(why)) == -EINVAL, "Release without SHA256 refused");

	p = packages_parser_new(patterns, "http://m/debian", 0, &l);
	/* Fed in awkward chunks, as a stream arrives. */
	for (i = 0; i < strlen(pk); i += 7)
		packages_parser_feed(p, pk + i, strlen(pk) - i < 7 ? strlen(pk) - i : 7);
	ok(packages_parser_finish(p, why, sizeof(why)) == 0, "Packages parses in 7-byte chunks");
	is_int(l.n, 2, "only the packages that match are kept");
	is_str(apt_pkglist_find(&l, "linux-headers-6.1.0-9-common")->filename, "pool/c.deb",
	       "of two versions, the higher one wins (~bpo sorts lower)");
	ok(strstr(apt_pkglist_find(&l, "linux-headers-6.1.0-9-amd64")->depends, "linux-compiler-gcc-12-x86") != NULL,
	   "a Depends continuation line is joined");
	is_int(apt_pkglist_depends_closure(&l, "linux-headers-6.1.0-9-amd64", patterns, out, 8), 2,
	       "Depends closure: the flavour and its common package, not kbuild or the compiler");
	is_int(apt_pkglist_depends_closure(&l, "linux-headers-9-none", patterns, out, 8), 0, "a missing root gives nothing");
	apt_pkglist_free(&l);

	p = packages_parser_new(patterns, "http://m", 0, &l);
	packages_parser_feed(p, "Package: linux-headers-x\nVersion: 1\n\n", 36);
	ok(packages_parser_finish(p, why, sizeof(why)) == -EINVAL, "a kept package without Filename is malformed");
	apt_pkglist_free(&l);

	ok(deb_version_compare("6.1.27-1", "6.1.27-1~bpo1") > 0, "~ sorts before the end");
	ok(deb_version_compare("1:1.0", "2.0") > 0, "epoch wins");
	ok(deb_version_compare("6.1.9-1", "6.1.10-1") < 0, "numbers compare as numbers");
	ok(deb_version_compare("6.1.0-1a", "6.1.0-1") > 0, "letters after the revision");
	is_int(deb_version_compare("1.0-1", "1.0-1"), 0, "equal versions");
}

int main(void)
{
	test_sources();
	test_index();
	return tap_done();
}
