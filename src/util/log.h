/* The one logging path: every human-readable message goes through here,
 * to stderr, one line per message, so logs stay greppable. Library-style
 * code returns errors; callers decide what to say. */
#ifndef PH_LOG_H
#define PH_LOG_H

enum log_level { LOG_QUIET = 0, LOG_ERR = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Remembers the last error line so --json can report it. */
const char *log_last_error(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
