/* The one logging path: control characters from hostile input are
 * escaped, and an over-long line keeps its reason. */
#include "util/log.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

/* Runs one log call with stderr sent to a temporary file; returns what
 * it printed (static buffer). */
static const char *captured(void (*emit)(void))
{
	static char buf[8192];
	char tmpl[] = "/tmp/ph-log-test.XXXXXX";
	int fd = mkstemp(tmpl), saved = dup(2);
	ssize_t n;

	unlink(tmpl);
	fflush(stderr);
	dup2(fd, 2);
	emit();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void emit_hostile(void)
{
	log_error("cannot parse %s: line %s", "/boot/config-x", "CONFIG_\x1b[2J\rFAKE\nprovision-headers: all good");
}

static char long_name[5000];

static void emit_long(void)
{
	log_error("archive member %s: %s", long_name, "escapes the tree");
}

int main(void)
{
	const char *out;

	log_set_level(LOG_INFO);
	out = captured(emit_hostile);
	ok(strchr(out, '\x1b') == NULL && strchr(out, '\r') == NULL, "no escape or carriage return reaches the terminal");
	ok(strstr(out, "\\x1b[2J\\x0dFAKE\\nprovision-headers: all good") != NULL, "they are shown escaped (%s)", out);
	is_int(strchr(out, '\n') - out, (long long)strlen(out) - 1, "one message is one line");
	ok(strstr(log_last_error(), "\\x1b") != NULL, "the remembered error is escaped too");

	memset(long_name, 'a', sizeof(long_name) - 1);
	out = captured(emit_long);
	ok(strstr(out, "escapes the tree\n") != NULL, "a 5000-character name does not push the reason out");
	ok(strstr(out, "[...]") != NULL, "the middle is cut and marked");
	ok(strlen(out) < 1100, "the line stays bounded (%zu characters)", strlen(out));
	return tap_done();
}
