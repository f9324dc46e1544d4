#include "lib/kernel/osrelease.h"
#include "tap.h"

int main(void)
{
	struct os_release r;

	os_release_parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
			 "VERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
			 &r);
	is_str(r.id, "debian", "unquoted ID");
	is_str(r.version_id, "12", "double-quoted VERSION_ID");
	is_str(r.version_codename, "bookworm", "codename");
	is_str(r.pretty_name, "Debian GNU/Linux 12 (bookworm)", "quoted value with spaces");

	os_release_parse("# comment\n\n  ID='ubuntu'  \nID_LIKE=debian\nVERSION_ID=\"22.04\"\n"
			 "PRETTY_NAME=\"Say \\\"hi\\\" \\\\ there\"\n",
			 &r);
	is_str(r.id, "ubuntu", "single-quoted value, surrounding blanks");
	is_str(r.id_like, "debian", "ID_LIKE");
	is_str(r.pretty_name, "Say \"hi\" \\ there", "backslash escapes in double quotes");

	os_release_parse("ID=\nGARBAGE LINE\n=novalue\nVERSION_ID=\"unterminated\n", &r);
	is_str(r.id, "", "empty value");
	is_str(r.version_id, "unterminated", "unterminated quote keeps the text");

	/* Container-Optimized OS names its build. */
	os_release_parse("NAME=\"Container-Optimized OS\"\nID=cos\nVERSION=113\nVERSION_ID=113\nBUILD_ID=17800.66.78\n", &r);
	is_str(r.id, "cos", "COS: ID");
	is_str(r.version_id, "113", "COS: VERSION_ID");
	is_str(r.build_id, "17800.66.78", "COS: BUILD_ID");
	is_int((int)r.too_long, 0, "...every value fits");

	/* A value cut short could name another build: it is dropped, and named. */
	os_release_parse("ID=cos\nBUILD_ID=17800.66.78.0123456789012345678901234567890123456789012345678901234\n"
			 "VERSION_ID=113\n", &r);
	is_str(r.build_id, "", "a BUILD_ID of 64 bytes is not cut to 63: left empty");
	is_int((int)r.too_long, OS_RELEASE_BUILD_ID, "...and named as too long");
	is_str(r.version_id, "113", "...the other keys still read");
	os_release_parse("ID=cos\nBUILD_ID=\"17800.66.78.012345678901234567890123456789012345678901234567890\"\n", &r);
	is_str(r.build_id, "17800.66.78.012345678901234567890123456789012345678901234567890", "63 bytes in quotes fit");
	is_int((int)r.too_long, 0, "...and nothing is named");
	/* Each key that does not fit is named, not only the first. */
	os_release_parse("ID=cos\nVERSION_ID=0123456789012345678901234567890123456789012345678901234567890123456789\n"
			 "BUILD_ID=17800.66.78.0123456789012345678901234567890123456789012345678901234\n", &r);
	ok((r.too_long & OS_RELEASE_VERSION_ID) && (r.too_long & OS_RELEASE_BUILD_ID),
	   "a too-long VERSION_ID before a too-long BUILD_ID: both named (0x%x)", r.too_long);
	return tap_done();
}
