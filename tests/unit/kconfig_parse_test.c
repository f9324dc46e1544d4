/* kconfig_parse on inputs the fuzzer found: a last line without a
 * newline that ends in blanks once looped for ever. */
#include "lib/kconfig/kconfig.h"
#include "lib/kconfig/parse.h"
#include "tap.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Parses text in a child with a 5 s alarm, so a loop fails the test. */
static int parses_in_time(const char *text, int *ret_parsed)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct kconfig kc;
		char why[256];

		alarm(5);
		_exit(kconfig_parse(text, &kc, why, sizeof(why)) == 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 0;
	if (!WIFEXITED(status))
		return 0;
	*ret_parsed = WEXITSTATUS(status) == 0;
	return 1;
}

int main(void)
{
	struct kconfig kc;
	char why[256];
	int parsed = 0;

	ok(parses_in_time("CONFIG_A=y\n# comment  ", &parsed) && parsed, "a last comment ending in blanks, no newline");
	ok(parses_in_time("CONFIG_A=y \r", &parsed) && parsed, "a last line ending in a blank and CR");
	ok(parses_in_time("   ", &parsed), "blanks alone end (parsed or refused, never a loop)");
	is_int(kconfig_parse("CONFIG_A=y\nCONFIG_B=\"x\"  ", &kc, why, sizeof(why)), 0, "values still parse");
	is_str(kconfig_get(&kc, "B"), "\"x\"",
	       "the last value without its trailing blanks");
	kconfig_free(&kc);
	return tap_done();
}
