/* Download URLs from data-file templates (distros/cos.json): the
 * placeholders, --mirror replacing the base, and host values that are
 * refused as path segments. */
#include "lib/distro/urltemplate.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

#define D "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define E "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

int main(void)
{
	struct url_vars v = { .build_id = "17800.66.78", .release = "6.1.100+", .version_id = "113", .arch = "x86_64" };
	const char *t = "https://cos-mirror.example/cos-tools/{build_id}/kernel-headers.tgz";
	char out[256], small[20], why[256] = "", hex[65];
	const char *h = "0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789";

	is_int(urltemplate_expand(t, &v, NULL, out, sizeof(out), why, sizeof(why)), 0, "expands");
	is_str(out, "https://cos-mirror.example/cos-tools/17800.66.78/kernel-headers.tgz", "{build_id}");
	is_int(urltemplate_expand("https://m/{version_id}/{arch}/{release}.tgz", &v, NULL, out, sizeof(out), why, sizeof(why)), 0,
	       "every placeholder");
	is_str(out, "https://m/113/x86_64/6.1.100+.tgz", "{version_id}, {arch}, {release}");
	is_int(urltemplate_expand(t, &v, "http://127.0.0.1:8080/cos/", out, sizeof(out), why, sizeof(why)), 0, "mirror");
	is_str(out, "http://127.0.0.1:8080/cos/17800.66.78/kernel-headers.tgz",
	       "--mirror replaces the base before the first placeholder's segment");
	is_int(urltemplate_expand("https://m/x/v{version_id}/h.tgz", &v, "http://l", out, sizeof(out), why, sizeof(why)), 0,
	       "mirror, placeholder inside a segment");
	is_str(out, "http://l/v113/h.tgz", "...the whole segment is kept");
	is_int(urltemplate_expand("https://m/fixed.tgz", &v, "http://l", out, sizeof(out), why, sizeof(why)), -EINVAL,
	       "a mirror for a template without placeholder: refused");
	is_int(urltemplate_expand("https://m/{bogus}/x", &v, NULL, out, sizeof(out), why, sizeof(why)), -EINVAL,
	       "unknown placeholder");
	ok(strstr(why, "{bogus}") != NULL, "...named: %s", why);
	v.build_id = "../../etc";
	is_int(urltemplate_expand(t, &v, NULL, out, sizeof(out), why, sizeof(why)), -EINVAL, "BUILD_ID with '..': refused");
	v.build_id = "1/2";
	is_int(urltemplate_expand(t, &v, NULL, out, sizeof(out), why, sizeof(why)), -EINVAL, "BUILD_ID with '/': refused");
	v.build_id = "";
	is_int(urltemplate_expand(t, &v, NULL, out, sizeof(out), why, sizeof(why)), -EINVAL, "no BUILD_ID: refused");
	ok(strstr(why, "no value") != NULL, "...saying the host has none: %s", why);
	v.build_id = "17800.66.78";
	is_int(urltemplate_expand(t, &v, NULL, small, sizeof(small), why, sizeof(why)), -ENAMETOOLONG, "too long");
	v.url = out;
	strcpy(out, "http://l/a/h.tgz");
	{
		char sum[256];

		is_int(urltemplate_expand("{url}.sha256", &v, NULL, sum, sizeof(sum), why, sizeof(why)), 0, "{url}");
		is_str(sum, "http://l/a/h.tgz.sha256", "...the headers URL");
	}

	{
		struct url_vars d = { .version = "6.4.0-150600.23.25", .flavour = "default", .arch = "x86_64" };
		char dir[256];

		is_int(urltemplate_expand("usr/src/linux-{version}-obj/{arch}/{flavour}", &d, NULL, dir, sizeof(dir), why,
					  sizeof(why)), 0, "a package's folder template");
		is_str(dir, "usr/src/linux-6.4.0-150600.23.25-obj/x86_64/default", "...{version}, {arch}, {flavour}");
		d.variant = "";
		is_int(urltemplate_expand("usr/src/linux-{version}{variant}", &d, NULL, dir, sizeof(dir), why, sizeof(why)), 0,
		       "{variant} may be empty");
		is_str(dir, "usr/src/linux-6.4.0-150600.23.25", "...and then adds nothing");
		d.variant = "-azure";
		is_int(urltemplate_expand("kernel-devel{variant}", &d, NULL, dir, sizeof(dir), why, sizeof(why)), 0, "{variant}");
		is_str(dir, "kernel-devel-azure", "...SUSE's azure sources");
		d.variant = "/x";
		is_int(urltemplate_expand("a{variant}", &d, NULL, dir, sizeof(dir), why, sizeof(why)), -EINVAL,
		       "...but never an unsafe one");
		d.version = "6.4.0/../../etc";
		is_int(urltemplate_expand("usr/src/linux-{version}", &d, NULL, dir, sizeof(dir), why, sizeof(why)), -EINVAL,
		       "a release that would climb out: refused");
		d.version = "6.4.0";
		d.flavour = "";
		is_int(urltemplate_expand("x/{flavour}", &d, NULL, dir, sizeof(dir), why, sizeof(why)), -EINVAL,
		       "no flavour: refused");
	}

	ok(urltemplate_host_is_placeholder("https://cos-mirror.example/cos-tools/1/kernel-headers.tgz"), "a .example host is a placeholder");
	ok(urltemplate_host_is_placeholder("https://u:p@X.EXAMPLE:8443/a"), "...with credentials, a port, in capitals");
	ok(!urltemplate_host_is_placeholder("http://127.0.0.1:8080/cos/1/kernel-headers.tgz"), "a mirror is not");
	ok(!urltemplate_host_is_placeholder("https://example.org/x.example/y"), "...nor a host that only has .example in its path");
	is_int(urltemplate_parse_sha256(h, 64, "kernel-headers.tgz", hex), 0, "bare digest");
	is_str(hex, "0123456789abcdefabcdef0123456789abcdef0123456789abcdef0123456789", "...lowercased");
	is_int(urltemplate_parse_sha256(D "  kernel-headers.tgz\n", 85, "kernel-headers.tgz", hex), 0, "sha256sum's line");
	is_int(urltemplate_parse_sha256(D "X", 65, "kernel-headers.tgz", hex), -EINVAL, "65 hex digits: refused");
	is_int(urltemplate_parse_sha256("<html>not found</html>", 22, "kernel-headers.tgz", hex), -EINVAL,
	       "an HTML page: refused");
	{
		static const char list[] = "# published checksums\r\n" E "  kernel-headers.tgz.sig\n" D " *out/kernel-headers.tgz\r\n"
					   E "  toolchain.tar.xz\n";

		is_int(urltemplate_parse_sha256(list, sizeof(list) - 1, "kernel-headers.tgz", hex), 0,
		       "a list: the line that names the file (binary mode, a folder, CRLF)");
		is_str(hex, D, "...its digest, not the others'");
		is_int(urltemplate_parse_sha256(list, sizeof(list) - 1, "kernel-src.tar.gz", hex), -ENOENT,
		       "a list naming other files only: no checksum for this one");
	}
	is_int(urltemplate_parse_sha256(E "  other.tgz\n", strlen(E "  other.tgz\n"), "kernel-headers.tgz", hex), -ENOENT,
	       "one line naming another file: refused");
	is_int(urltemplate_parse_sha256(D "  kernel-headers.tgz\n" E "  kernel-headers.tgz\n", 170, "kernel-headers.tgz", hex),
	       -ENOENT, "two lines for the file: refused");
	is_int(urltemplate_parse_sha256(D "\n" E "\n", 130, "kernel-headers.tgz", hex), -ENOENT,
	       "two bare digests: refused");
	is_int(urltemplate_parse_sha256("# nothing\n", 10, "kernel-headers.tgz", hex), -EINVAL, "comments only: refused");
	return tap_done();
}
