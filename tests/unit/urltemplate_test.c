/* Download URLs from data-file templates (distros/cos.json): the
 * placeholders, --mirror replacing the base, and host values that are
 * refused as path segments. */
#include "lib/distro/urltemplate.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

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

	ok(urltemplate_host_is_placeholder("https://cos-mirror.example/cos-tools/1/kernel-headers.tgz"), "a .example host is a placeholder");
	ok(urltemplate_host_is_placeholder("https://u:p@X.EXAMPLE:8443/a"), "...with credentials, a port, in capitals");
	ok(!urltemplate_host_is_placeholder("http://127.0.0.1:8080/cos/1/kernel-headers.tgz"), "a mirror is not");
	ok(!urltemplate_host_is_placeholder("https://example.org/x.example/y"), "...nor a host that only has .example in its path");
	is_int(urltemplate_parse_sha256(h, 64, hex), 0, "bare digest");
	is_str(hex, "0123456789abcdefabcdef0123456789abcdef0123456789abcdef0123456789", "...lowercased");
	is_int(urltemplate_parse_sha256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  kernel-headers.tgz\n",
					85, hex), 0, "sha256sum's line");
	is_int(urltemplate_parse_sha256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefX", 65, hex), -EINVAL,
	       "65 hex digits: refused");
	is_int(urltemplate_parse_sha256("<html>not found</html>", 22, hex), -EINVAL, "an HTML page: refused");
	return tap_done();
}
