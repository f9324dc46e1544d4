/* Credentials in repository URLs are never shown. */
#include "util/redact.h"
#include "tap.h"

#include <stdlib.h>

int main(void)
{
	char out[256];

	is_str(redact_url("http://user:s3cret@127.0.0.1:8080/debian", out, sizeof(out)), "http://***@127.0.0.1:8080/debian",
	       "user and password are replaced");
	is_str(redact_url("https://token@mirror.example/x", out, sizeof(out)), "https://***@mirror.example/x",
	       "a token alone is replaced");
	is_str(redact_url("http://u:p@ss@host/path@x", out, sizeof(out)), "http://***@host/path@x",
	       "the last @ of the authority ends the user info, an @ in the path stays");
	is_str(redact_url("http://127.0.0.1/debian", out, sizeof(out)), "http://127.0.0.1/debian", "no credentials: unchanged");
	is_str(redact_url("not a url", out, sizeof(out)), "not a url", "not a URL: unchanged");
	is_str(redact_url(NULL, out, sizeof(out)), "", "NULL gives an empty string");
	redact_url("http://user:password@host/very/long/path", out, 12);
	ok(strstr(out, "password") == NULL && strlen(out) == 11, "cut to the buffer, still without the password (%s)", out);
	{
		char *t = redact_text("distro: http://a:b@127.0.0.1/x: 404; also https://tok@h/y and ftp://h/z:@");
		is_str(t, "distro: http://***@127.0.0.1/x: 404; also https://***@h/y and ftp://h/z:@",
		       "every URL in a log line is redacted, nothing else changes");
		free(t);
		t = redact_text("://@://@://@");
		ok(t != NULL, "a degenerate text is handled (%s)", t ? t : "(null)");
		free(t);
	}
	return tap_done();
}
