/* rpm repository parsing: *.repo files with variables, repomd.xml, and
 * primary.xml fed as a stream in pieces of every size. */
#include "lib/rpm/primary.h"
#include "lib/rpm/repofile.h"
#include "lib/rpm/repomd.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_repofile(void)
{
	struct rpm_vars v = { 0 };
	struct rpm_repo repos[4];
	size_t n = 0;
	char why[512] = "", out[64];

	ok(rpm_vars_set(&v, "releasever", "9") == 0 && rpm_vars_set(&v, "basearch", "x86_64") == 0 &&
		   rpm_vars_set(&v, "contentdir", "pub/rocky") == 0,
	   "variables set");
	ok(rpm_vars_set(&v, "releasever", "8") == 0 && v.n == 3, "setting a variable again replaces it");
	rpm_vars_set(&v, "releasever", "9");
	ok(rpm_repofile_parse("[main]\ngpgcheck=1\n\n"
			      "# comment\n"
			      "[baseos]\n"
			      "name=Rocky Linux $releasever - BaseOS\n"
			      "baseurl=http://127.0.0.1/$contentdir/${releasever}/BaseOS/$basearch/os/\n"
			      "  http://127.0.0.1/second/\n"
			      "gpgcheck=1\n"
			      "repo_gpgcheck = True\n"
			      "gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-$releasever, file:///etc/pki/k2\n"
			      "[extras]\n"
			      "mirrorlist=http://127.0.0.1/ml?arch=$basearch&repo=$unknown\n"
			      "enabled=0\n",
			      "/etc/yum.repos.d/rocky.repo", &v, repos, 4, &n, why, sizeof(why)) == 0,
	   "a repo file parses");
	is_int(n, 2, "two repositories, [main] left out");
	is_str(repos[0].id, "baseos", "section name is the id");
	is_str(repos[0].name, "Rocky Linux 9 - BaseOS", "$releasever expanded in name");
	is_int(repos[0].n_baseurls, 2, "a continuation line adds a second baseurl");
	is_str(repos[0].baseurls[0], "http://127.0.0.1/pub/rocky/9/BaseOS/x86_64/os", "$var and ${var} expanded, trailing / dropped");
	is_str(repos[0].baseurls[1], "http://127.0.0.1/second", "the continued URL");
	ok(repos[0].enabled && repos[0].gpgcheck && repos[0].repo_gpgcheck, "enabled by default; booleans as dnf reads them");
	is_int(repos[0].n_gpgkeys, 2, "two gpgkeys, comma separated");
	is_str(repos[0].gpgkeys[0], "file:///etc/pki/rpm-gpg/RPM-GPG-KEY-Rocky-9", "gpgkey expanded");
	is_str(repos[0].origin, "/etc/yum.repos.d/rocky.repo:5", "origin names file and line");
	ok(!repos[1].enabled && repos[1].n_baseurls == 0, "enabled=0; no baseurl");
	is_str(repos[1].mirrorlist, "http://127.0.0.1/ml?arch=x86_64&repo=$unknown", "an unknown variable is kept as written");
	ok(!repos[1].gpgcheck && !repos[1].repo_gpgcheck, "gpgcheck and repo_gpgcheck default to off, as in dnf");

	n = 0;
	ok(rpm_repofile_parse("[repo-oss]\nname=Main Repository\nenabled=1\nautorefresh=1\n"
			      "baseurl=http://127.0.0.1/distribution/leap/$releasever/repo/oss/\npath=/\ntype=rpm-md\n"
			      "keeppackages=0\npkg_gpgcheck=1\npriority=99\ngpgcheck=1\nrepo_gpgcheck=1\n",
			      "/etc/zypp/repos.d/repo-oss.repo", &v, repos, 4, &n, why, sizeof(why)) == 0,
	   "a zypper repo file parses: its own keys (autorefresh, path, type, keeppackages, pkg_gpgcheck, priority) ignored");
	ok(n == 1 && strcmp(repos[0].baseurls[0], "http://127.0.0.1/distribution/leap/9/repo/oss") == 0 && repos[0].gpgcheck &&
		   repos[0].repo_gpgcheck && repos[0].enabled,
	   "...its baseurl, gpgcheck, repo_gpgcheck and enabled read");
	n = 0;
	is_int(rpm_repofile_parse("[a]\nenabled=maybe\n", "x.repo", &v, repos, 4, &n, why, sizeof(why)), -EINVAL,
	       "a bad boolean is an error");
	is_str(why, "x.repo:2: bad value for enabled", "...naming file and line");
	n = 0;
	is_int(rpm_repofile_parse("[a\n", "x.repo", &v, repos, 4, &n, why, sizeof(why)), -EINVAL, "an unclosed section");
	n = 0;
	is_int(rpm_repofile_parse("[a]\njunk\n", "x.repo", &v, repos, 4, &n, why, sizeof(why)), -EINVAL,
	       "a line that is neither key=value nor a section");
	n = 0;
	is_int(rpm_repofile_parse("[a]\n[b]\n[c]\n", "x.repo", &v, repos, 2, &n, why, sizeof(why)), -E2BIG,
	       "more sections than room: -E2BIG");
	is_int(rpm_vars_expand(&v, "$releasever$releasever", out, 2), -ENAMETOOLONG, "expansion checks the room");
	ok(rpm_vars_expand(&v, "a$", out, sizeof(out)) == 0 && strcmp(out, "a$") == 0, "a lone $ stays");
	ok(rpm_vars_expand(&v, "${releasever", out, sizeof(out)) == 0 && strcmp(out, "${releasever") == 0,
	   "an unclosed ${ stays");
}

static const char repomd[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n"
	"  <revision>1</revision>\n"
	"  <data type=\"filelists\"><checksum type=\"sha256\">"
	"1111111111111111111111111111111111111111111111111111111111111111</checksum>"
	"<location href=\"repodata/f-filelists.xml.xz\"/><size>10</size></data>\n"
	"  <data type=\"primary\">\n"
	"    <checksum type=\"sha256\">2222222222222222222222222222222222222222222222222222222222222222</checksum>\n"
	"    <open-checksum type=\"sha256\">3333333333333333333333333333333333333333333333333333333333333333</open-checksum>\n"
	"    <location href=\"repodata/p-primary.xml.zst\"/>\n"
	"    <size>1234</size>\n    <open-size>99999</open-size>\n"
	"  </data>\n"
	"</repomd>\n";

static void test_repomd(void)
{
	struct rpm_repomd_entry e;
	char why[512] = "", *bad;

	ok(rpm_repomd_parse(repomd, strlen(repomd), &e, why, sizeof(why)) == 0, "repomd.xml parses");
	is_str(e.href, "repodata/p-primary.xml.zst", "primary's location, not filelists'");
	is_str(e.digest_algo, "sha256", "checksum type");
	is_str(e.digest, "2222222222222222222222222222222222222222222222222222222222222222", "the checksum, not open-checksum");
	ok(e.size == 1234, "the compressed size, not open-size");
	bad = strdup(repomd);
	*strstr(bad, "</repomd>") = '\0';
	is_int(rpm_repomd_parse(bad, strlen(bad), &e, why, sizeof(why)), -EILSEQ, "cut short: -EILSEQ");
	free(bad);
	bad = strdup(repomd);
	memcpy(strstr(bad, "\"sha256\">2222"), "\"sha1\"  ", 8);
	is_int(rpm_repomd_parse(bad, strlen(bad), &e, why, sizeof(why)), -ENOTSUP, "a sha1 checksum is not trusted");
	free(bad);
	bad = strdup(repomd);
	memcpy(strstr(bad, "repodata/p-primary"), "../../../p-primary", 18);
	is_int(rpm_repomd_parse(bad, strlen(bad), &e, why, sizeof(why)), -EILSEQ, "a location with .. is refused");
	free(bad);
	{
		static const char dtd[] = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]>"
					  "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\"/>";

		is_int(rpm_repomd_parse(dtd, strlen(dtd), &e, why, sizeof(why)), -EILSEQ, "a DOCTYPE is refused");
		ok(strstr(why, "DOCTYPE") != NULL, "...saying so");
	}
}

static const char primary[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"3\">\n"
	"<package type=\"rpm\">\n  <name>kernel-headers</name>\n  <arch>x86_64</arch>\n"
	"  <version epoch=\"0\" ver=\"5.14.0\" rel=\"503.el9\"/>\n"
	"  <checksum type=\"sha256\" pkgid=\"YES\">aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</checksum>\n"
	"  <location href=\"Packages/k/kernel-headers-5.14.0-503.el9.x86_64.rpm\"/>\n"
	"  <size package=\"100\" installed=\"200\" archive=\"300\"/>\n</package>\n"
	"<package type=\"rpm\">\n  <name>kernel-devel</name>\n  <arch>x86_64</arch>\n"
	"  <version epoch=\"0\" ver=\"5.14.0\" rel=\"503.el9\"/>\n"
	"  <checksum type=\"sha512\" pkgid=\"YES\">"
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	"</checksum>\n"
	"  <summary>The &lt;kernel&gt; headers</summary>\n"
	"  <location href=\"Packages/k/kernel-devel-5.14.0-503.el9.x86_64.rpm\"/>\n"
	"  <size package=\"65432100\" installed=\"1\" archive=\"2\"/>\n"
	"  <format><rpm:provides>\n"
	"    <rpm:entry name=\"kernel-devel\" flags=\"EQ\" epoch=\"0\" ver=\"5.14.0\" rel=\"503.el9\"/>\n"
	"    <rpm:entry name=\"kernel-devel-uname-r\" flags=\"EQ\" epoch=\"0\" ver=\"5.14.0\" rel=\"503.el9.x86_64\"/>\n"
	"    <rpm:entry name=\"installonlypkg(kernel)\"/>\n"
	"  </rpm:provides></format>\n</package>\n"
	"<package type=\"rpm\">\n  <name>kernel-devel</name>\n  <arch>aarch64</arch>\n"
	"  <version epoch=\"0\" ver=\"5.14.0\" rel=\"503.el9\"/>\n"
	"  <checksum type=\"md5\" pkgid=\"YES\">cccccccccccccccccccccccccccccccc</checksum>\n"
	"  <location href=\"Packages/k/kernel-devel-5.14.0-503.el9.aarch64.rpm\"/>\n"
	"  <size package=\"7\"/>\n</package>\n"
	"</metadata>\n";

struct seen {
	struct rpm_pkg pkgs[4];
	char uname_r[4][192];
	size_t n_provides[4];
	int n;
};

static int collect(void *data, const struct rpm_pkg *pkg, const struct rpm_provide *prov, size_t n)
{
	struct seen *s = data;
	size_t i;

	if (s->n == 4)
		return -E2BIG;
	s->pkgs[s->n] = *pkg;
	s->n_provides[s->n] = n;
	s->uname_r[s->n][0] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(prov[i].name, "kernel-devel-uname-r") == 0)
			snprintf(s->uname_r[s->n], sizeof(s->uname_r[0]), "%s", prov[i].evr);
	s->n++;
	return 0;
}

static int refuse(void *data, const struct rpm_pkg *pkg, const struct rpm_provide *prov, size_t n)
{
	(void)data, (void)pkg, (void)prov, (void)n;
	return -E2BIG;
}

/* Feeds primary in pieces of chunk bytes. */
static int parse_primary(const char *text, size_t len, size_t chunk, struct seen *s, char *why, size_t whylen)
{
	struct rpm_primary *p = rpm_primary_new(collect, s);
	size_t off;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	for (off = 0; ret == 0 && off < len; off += chunk)
		ret = rpm_primary_feed(p, text + off, len - off < chunk ? len - off : chunk);
	{
		int fin = rpm_primary_finish(p, NULL, why, whylen);

		return ret < 0 ? ret : fin;
	}
}

static void test_primary(void)
{
	static const size_t chunks[] = { 1, 7, 4096, sizeof(primary) };
	char why[512] = "";
	struct seen s;
	size_t c;
	int all_same = 1;

	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		int ret = parse_primary(primary, strlen(primary), chunks[c], &s, why, sizeof(why));

		all_same &= ret == 0 && s.n == 3 && strcmp(s.uname_r[1], "5.14.0-503.el9.x86_64") == 0;
	}
	ok(all_same, "the same three packages whatever the pieces it is fed in (1, 7, 4096 bytes, whole)");
	is_str(s.pkgs[0].name, "kernel-headers", "first package's name");
	is_str(s.pkgs[1].name, "kernel-devel", "second package");
	is_str(s.pkgs[1].ver, "5.14.0", "version");
	is_str(s.pkgs[1].rel, "503.el9", "release");
	is_str(s.pkgs[1].arch, "x86_64", "arch");
	is_str(s.pkgs[1].digest_algo, "sha512", "sha512 checksum kept");
	ok(strlen(s.pkgs[1].digest) == 128, "...whole");
	is_str(s.pkgs[1].location, "Packages/k/kernel-devel-5.14.0-503.el9.x86_64.rpm", "location");
	ok(s.pkgs[1].size == 65432100ULL, "package size");
	is_int(s.n_provides[1], 3, "three provides");
	is_str(s.uname_r[1], "5.14.0-503.el9.x86_64", "kernel-devel-uname-r = ver-rel");
	is_str(s.pkgs[2].digest, "", "an md5 checksum is not kept: the package cannot be trusted");
	{
		char *bad = strdup(primary);

		*strstr(bad, "</metadata>") = '\0';
		is_int(parse_primary(bad, strlen(bad), 4096, &s, why, sizeof(why)), -EILSEQ, "cut short: -EILSEQ");
		ok(strstr(why, "malformed primary.xml") != NULL, "...saying so: %s", why);
		strcpy(bad, primary);
		memcpy(strstr(bad, "</package>"), "</packag>", 9);
		is_int(parse_primary(bad, strlen(bad), 5, &s, why, sizeof(why)), -EILSEQ, "a mismatched tag: -EILSEQ");
		free(bad);
	}
	{
		/* A signed or non-numeric size once read an unset end pointer
		 * (found by fuzz_rpmrepo): it is now simply no size. */
		static const char *const sizes[] = { "-1", "x", "", "12x", "99999999999999999999999" };
		size_t i;
		int all_zero = 1;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			char *bad = malloc(sizeof(primary) + 64);
			char *at;

			strcpy(bad, primary);
			at = strstr(bad, "package=\"65432100\"");
			memmove(at + strlen("package=\"\"") + strlen(sizes[i]), at + strlen("package=\"65432100\""),
				strlen(at + strlen("package=\"65432100\"")) + 1);
			memcpy(at + strlen("package=\""), sizes[i], strlen(sizes[i]));
			at[strlen("package=\"") + strlen(sizes[i])] = '"';
			all_zero &= parse_primary(bad, strlen(bad), 4096, &s, why, sizeof(why)) == 0 && s.n == 3 &&
				    s.pkgs[1].size == 0;
			free(bad);
		}
		ok(all_zero, "a size of -1, x, empty, 12x or past 64 bits is no size, never a crash");
	}
	{
		static const char other[] = "<?xml version=\"1.0\"?><metadata><package/></metadata>";

		is_int(parse_primary(other, strlen(other), 3, &s, why, sizeof(why)), -EILSEQ,
		       "a document without the rpm-md namespace is refused");
	}
	{
		static const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
					   "<metadata xmlns=\"http://linux.duke.edu/metadata/common\">&b;</metadata>";

		is_int(parse_primary(bomb, strlen(bomb), 16, &s, why, sizeof(why)), -EILSEQ, "entity declarations are refused");
	}
	{
		struct rpm_primary *p = rpm_primary_new(refuse, NULL);
		int fed = rpm_primary_feed(p, primary, strlen(primary));
		unsigned long long n = 0;

		is_int(fed, -E2BIG, "the callback's error stops the parse at once");
		is_int(rpm_primary_finish(p, &n, why, sizeof(why)), -E2BIG, "...and finish returns it");
		ok(n == 1, "...after the first package");
	}
}

int main(void)
{
	test_repofile();
	test_repomd();
	test_primary();
	return tap_done();
}
