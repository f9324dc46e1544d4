#include "util/log.h"

#include "util/redact.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A line longer than this keeps its start and its end (where the reason
 * is) and loses its middle: a 4096-character name must not push the
 * reason out of the message. */
#define LOG_LINE_MAX 1024

static enum log_level current_level = LOG_INFO;

/* The progress line: the sum of every running download. lock guards it
 * and every write to stderr, so lines from threads never interleave. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	int active, shown;
	long long now, total;
	double drawn_at;
	int run_done, run_total;
	long long run_bytes; /* of the downloads of the run that ended */
} progress;
static char last_error[LOG_LINE_MAX + 1];

void log_set_level(enum log_level level) { current_level = level; }
enum log_level log_get_level(void) { return current_level; }
const char *log_last_error(void) { return last_error[0] ? last_error : NULL; }

/* Copies text into out (size > 16) with control characters escaped, so
 * a hostile file name or config line cannot move the cursor, clear the
 * screen or forge a second log line. */
static void sanitize(const char *text, char *out, size_t size)
{
	size_t o = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p && o + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(out + o, size - o, *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

/* Shortens line in place to at most max characters by cutting its middle. */
static void elide_middle(char *line, size_t max)
{
	static const char gap[] = " [...] ";
	size_t len = strlen(line), head, tail;

	if (len <= max)
		return;
	head = (max - (sizeof(gap) - 1)) / 2;
	tail = max - (sizeof(gap) - 1) - head;
	memcpy(line + head, gap, sizeof(gap) - 1);
	memmove(line + head + sizeof(gap) - 1, line + len - tail, tail + 1);
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Both under lock. "\r" then "erase to the end of the line" (ESC [ K). */
static void erase_progress(void)
{
	if (progress.shown)
		fputs("\r\033[K", stderr);
	progress.shown = 0;
}

static void draw_progress(void)
{
	int pct = progress.total > 0 ? (int)(progress.now * 100 / progress.total) : 0;

	fputs("\r\033[Kprovision-headers: ", stderr);
	if (progress.run_total > 0)
		fprintf(stderr, "%d/%d kernels, %lld KiB fetched; ", progress.run_done, progress.run_total,
			(progress.run_bytes + progress.now) / 1024);
	fprintf(stderr, "downloading %d file%s: ", progress.active, progress.active == 1 ? "" : "s");
	if (progress.total > 0)
		fprintf(stderr, "%3d%% of %lld KiB", pct > 100 ? 100 : pct, progress.total / 1024);
	else
		fprintf(stderr, "%lld KiB", progress.now / 1024);
	fflush(stderr);
	progress.shown = 1;
	progress.drawn_at = mono_ms();
}

void log_progress_run(int done, int total)
{
	pthread_mutex_lock(&lock);
	progress.run_done = done;
	progress.run_total = total;
	pthread_mutex_unlock(&lock);
}

int log_progress_wanted(void)
{
	return current_level >= LOG_INFO && isatty(STDERR_FILENO);
}

void log_progress_start(void)
{
	if (!log_progress_wanted())
		return;
	pthread_mutex_lock(&lock);
	progress.active++;
	draw_progress();
	pthread_mutex_unlock(&lock);
}

void log_progress_update(long long was_now, long long was_total, long long now, long long total)
{
	if (!log_progress_wanted())
		return;
	pthread_mutex_lock(&lock);
	progress.now += now - was_now;
	progress.total += total - was_total;
	/* A redraw at most every 200 ms: a terminal is slow, a fast mirror is not. */
	if (progress.active && mono_ms() - progress.drawn_at >= 200)
		draw_progress();
	pthread_mutex_unlock(&lock);
}

void log_progress_stop(long long now, long long total)
{
	if (!log_progress_wanted())
		return;
	pthread_mutex_lock(&lock);
	progress.run_bytes += now;
	progress.now -= now;
	progress.total -= total;
	if (progress.active > 0 && --progress.active == 0) {
		erase_progress();
		progress.now = progress.total = 0;
		fflush(stderr);
	} else {
		draw_progress();
	}
	pthread_mutex_unlock(&lock);
}

static void log_line(enum log_level level, const char *tag, const char *fmt, va_list ap)
{
	char *raw = NULL, *clean;
	size_t size;

	if (vasprintf(&raw, fmt, ap) < 0)
		return;
	if (strstr(raw, "://")) { /* credentials in a URL never reach a log */
		char *redacted = redact_text(raw);

		free(raw);
		raw = redacted;
		if (!raw)
			return;
	}
	size = strlen(raw) * 4 + 1;
	clean = malloc(size);
	if (!clean) {
		free(raw);
		return;
	}
	sanitize(raw, clean, size);
	free(raw);
	elide_middle(clean, LOG_LINE_MAX);
	if (level == LOG_ERR)
		snprintf(last_error, sizeof(last_error), "%s", clean);
	if (level <= current_level) {
		pthread_mutex_lock(&lock);
		erase_progress();
		fprintf(stderr, "provision-headers: %s%s\n", tag, clean);
		if (progress.active)
			draw_progress();
		pthread_mutex_unlock(&lock);
	}
	free(clean);
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
