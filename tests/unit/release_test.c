/* The kernel release is checked wherever it enters: --kernel-release,
 * PROVISION_HEADERS_KERNEL_RELEASE, the warm command's arguments, and
 * uname (replaced here, so the running kernel can report a hostile one).
 * Any character outside [A-Za-z0-9._+~-] (a newline, '/', ';', '$', ...),
 * "..", a leading '.' or more than 64 characters is refused with one line
 * naming the source. */
#include "lib/kernel/kernel.h"
#include "lib/kernel/kversion.h"
#include "tool/cli.h"
#include "util/hostroot.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *fake_release = "6.18.0-test";

/* The running kernel's uname, as a hostile or broken kernel could say it. */
int uname(struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->sysname, sizeof(u->sysname), "Linux");
	snprintf(u->release, sizeof(u->release), "%s", fake_release);
	snprintf(u->machine, sizeof(u->machine), "x86_64");
	return 0;
}

static const char *const bad[] = { "6.1.0\nevil", "6.1.0\r", "6.1.0\033[2J", "6.1.0\t1", "6.1.0 1", "6.1.0/x",
				   "6.1.0/../../etc", "6.1..0", "../6.1.0", ".6.1.0", "", "abc",
				   "6.1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "6.1.0-\xc3\xa9",
				   /* The shell's: a release goes into lists scripts read. */
				   "6.1.0-1;reboot", "6.1.0-1$(id)", "6.1.0-1`id`", "6.1.0-1|x", "6.1.0-1&", "6.1.0-1*", "6.1.0-1'x" };

static int one_line(const char *s)
{
	return s[0] && !strchr(s, '\n') && !strchr(s, '\r') && !strchr(s, '\033');
}

int main(void)
{
	struct options o;
	struct hostroot hr;
	struct kernel_info k;
	char err[512], why[512];
	size_t i;

	clearenv();
	hostroot_init(&hr, "/nonexistent-root");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "provision-headers", "--kernel-release", (char *)bad[i], NULL };
		char *warm[] = { "provision-headers", "warm", (char *)bad[i], NULL };

		ok(kversion_release_problem(bad[i]) != NULL, "release %zu is refused by the check (%s)", i,
		   kversion_release_problem(bad[i]) ? kversion_release_problem(bad[i]) : "accepted");
		err[0] = '\0';
		ok(options_parse(3, argv, &o, err, sizeof(err)) < 0 && strstr(err, "--kernel-release") == err &&
		   one_line(err), "--kernel-release: refused in one line naming the option (%s)", err);
		setenv("PROVISION_HEADERS_KERNEL_RELEASE", bad[i], 1);
		err[0] = '\0';
		ok(options_parse(1, argv, &o, err, sizeof(err)) < 0 && strstr(err, "PROVISION_HEADERS_KERNEL_RELEASE") == err &&
		   one_line(err), "the environment: refused in one line naming the variable (%s)", err);
		unsetenv("PROVISION_HEADERS_KERNEL_RELEASE");
		err[0] = '\0';
		ok(options_parse(3, warm, &o, err, sizeof(err)) < 0 && strstr(err, "warm: ") == err && one_line(err),
		   "warm: refused in one line naming the command (%s)", err);
		/* uname's field holds 64 characters: it cannot say a longer one. */
		if (strlen(bad[i]) < sizeof(((struct utsname *)0)->release)) {
			fake_release = bad[i];
			why[0] = '\0';
			ok(kernel_info_read(&hr, NULL, NULL, &k, why, sizeof(why)) == -EINVAL && strstr(why, "uname: ") == why &&
			   one_line(why), "uname: refused in one line naming uname (%s)", why);
		}
		why[0] = '\0';
		fake_release = "6.18.0-test";
		ok(kernel_info_read(&hr, bad[i], "--kernel-release", &k, why, sizeof(why)) == -EINVAL &&
		   strstr(why, "--kernel-release: ") == why && one_line(why),
		   "kernel_info_read checks a given release again (%s)", why);
	}
	fake_release = "6.18.0-test";
	ok(kernel_info_read(&hr, NULL, NULL, &k, why, sizeof(why)) == 0 && strcmp(k.release, "6.18.0-test") == 0 && k.running,
	   "a plain uname release is read");
	ok(kversion_release_problem("6.1.0-18-amd64") == NULL && kversion_release_problem("5.15.0-91-generic") == NULL &&
	   kversion_release_problem("6.18.44-fc-v769") == NULL && kversion_release_problem("4.9") == NULL &&
	   kversion_release_problem("6.8.0-1012-aws+") == NULL,
	   "real releases pass");
	return tap_done();
}
