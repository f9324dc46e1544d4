#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level current_level = LOG_INFO;
static char last_error[1024];

void log_set_level(enum log_level level) { current_level = level; }
enum log_level log_get_level(void) { return current_level; }
const char *log_last_error(void) { return last_error[0] ? last_error : NULL; }

static void log_line(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
	char line[sizeof(last_error)];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (level == LOG_ERR)
		snprintf(last_error, sizeof(last_error), "%s", line);
	if (level > current_level)
		return;
	fprintf(stderr, "provision-headers: %s%s\n", tag, line);
}

#define DEFINE_LOGGER(fn, level, tag)                 \
	void fn(const char *fmt, ...)                 \
	{                                             \
		va_list ap;                           \
		va_start(ap, fmt);                    \
		log_line(level, tag, fmt, ap);        \
		va_end(ap);                           \
	}

DEFINE_LOGGER(log_error, LOG_ERR, "error: ")
DEFINE_LOGGER(log_warn, LOG_ERR, "warning: ")
DEFINE_LOGGER(log_info, LOG_INFO, "")
DEFINE_LOGGER(log_debug, LOG_DEBUG, "debug: ")
