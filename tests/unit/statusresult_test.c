/* The one --json result line (tool/status.c), which the run and each
 * kernel of warm print: the exit code, the last error on failure, and no
 * credential of a URL. */
#include "tool/exitcodes.h"
#include "tool/status.h"
#include "util/json.h"
#include "util/log.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What status_print_result writes on stdout, as one string. */
static void printed(json_object *status, int code, char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n;

	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	status_print_result(status, code);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

int main(void)
{
	json_object *s = json_object_new_object();
	char out[1024];

	json_set_string(s, "release", "6.1.0-56-amd64");
	printed(s, PH_EXIT_OK, out, sizeof(out));
	is_str(out, "{\"release\":\"6.1.0-56-amd64\",\"exit_code\":0}\n", "success: the status and exit_code, one line");
	json_object_put(s);

	s = json_object_new_object();
	json_set_string(s, "source", "http://user:s3cret@127.0.0.1/debian");
	log_error("cannot fetch from http://user:s3cret@127.0.0.1/debian");
	printed(s, PH_EXIT_NETWORK, out, sizeof(out));
	ok(strstr(out, "\"exit_code\":5") && strstr(out, "\"error\":\"cannot fetch from") && !strstr(out, "s3cret") &&
	   strchr(out, '\n') == out + strlen(out) - 1,
	   "failure: exit_code, the last error, no password, one line (%s)", out);
	json_object_put(s);
	return tap_done();
}
