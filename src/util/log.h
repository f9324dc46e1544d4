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

/* Download progress on a terminal: one line for all the downloads running
 * at once ("downloading 2 files: 45% of 12001 KiB"), erased before every
 * log line and when the last download ends, so no log line ever starts in
 * the middle of it. Off (every call a no-op) when stderr is not a
 * terminal or the level is below LOG_INFO: step lines say it all there.
 * Thread-safe: downloads run in threads. */
int log_progress_wanted(void);
void log_progress_start(void);
/* A download moved from (was_now of was_total) to (now of total) bytes. */
void log_progress_update(long long was_now, long long was_total, long long now, long long total);
/* A download ended, its last state (now of total) leaves the sum. */
void log_progress_stop(long long now, long long total);
/* A run of total items (the kernels of a warm), done of them finished:
 * the progress line then says so, with the bytes every download of the
 * run has fetched, so one line shows the whole run. */
void log_progress_run(int done, int total);

#endif
