/* logging.c: messages and progress on stderr, as text or JSON lines. */
#include "logging.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "sbuf.h"

#define PROGRESS_INTERVAL_SECONDS 5

static const char *log_progname = "chameleon";
static log_level log_min_level = LOG_LEVEL_INFO;
static log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_stderr_tty;
static bool log_progress_shown; /* a live line is on screen */
static time_t log_progress_last;

/* Worker threads log too: one line must never interleave with another. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "debug", "info", "warning", "error" };

void
log_init(const char *progname)
{
	const char *slash = strrchr(progname, '/');

	log_progname = slash ? slash + 1 : progname;
	log_stderr_tty = isatty(STDERR_FILENO);
	/* The first plain progress line comes after an interval, not at 0 %. */
	log_progress_last = time(NULL);
}

void
log_set_level(log_level level)
{
	log_min_level = level;
}

log_level
log_get_level(void)
{
	return log_min_level;
}

void
log_set_format(log_format format)
{
	log_fmt = format;
}

bool
log_parse_format(const char *name, log_format *format)
{
	if (strcmp(name, "text") == 0)
		*format = LOG_FORMAT_TEXT;
	else if (strcmp(name, "json") == 0)
		*format = LOG_FORMAT_JSON;
	else
		return false;
	return true;
}

/* Clears a live progress line so that a message starts on a clean line. */
static void
clear_progress_line(void)
{
	if (log_progress_shown)
	{
		fputs("\r\033[K", stderr);
		log_progress_shown = false;
	}
}

static void
emit(log_level level, bool detail, const char *fmt, va_list ap)
{
	sbuf msg = SBUF_INIT;
	sbuf line = SBUF_INIT;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	sbuf_grow(&msg, (size_t) n);
	vsnprintf(msg.data, (size_t) n + 1, fmt, ap);
	sbuf_setlen(&msg, (size_t) n);

	if (log_fmt == LOG_FORMAT_JSON)
	{
		char stamp[32];
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
		sbuf_addf(&line, "{\"ts\":\"%s.%03ldZ\",\"prog\":", stamp, ts.tv_nsec / 1000000);
		jsonw_string(&line, log_progname, strlen(log_progname));
		sbuf_addf(&line, ",\"level\":\"%s\",\"%s\":", level_names[level], detail ? "detail" : "msg");
		jsonw_string(&line, msg.data, msg.len);
		sbuf_addstr(&line, "}\n");
	}
	else if (detail)
		sbuf_addf(&line, "%s: %s: %s\n", log_progname, "detail", msg.data);
	else
		sbuf_addf(&line, "%s: %s: %s\n", log_progname, level_names[level], msg.data);

	pthread_mutex_lock(&log_lock);
	clear_progress_line();
	fwrite(line.data, 1, line.len, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	sbuf_release(&msg);
	sbuf_release(&line);
}

#define LOG_FN(name, level)          \
	void                             \
	name(const char *fmt, ...)       \
	{                                \
		va_list ap;                  \
		if (level < log_min_level)   \
			return;                  \
		va_start(ap, fmt);           \
		emit(level, false, fmt, ap); \
		va_end(ap);                  \
	}

LOG_FN(log_debug, LOG_LEVEL_DEBUG)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_warning, LOG_LEVEL_WARNING)
LOG_FN(log_error, LOG_LEVEL_ERROR)

void
log_detail(log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level < log_min_level)
		return;
	va_start(ap, fmt);
	emit(level, true, fmt, ap);
	va_end(ap);
}

void
log_progress(bool force, const char *fmt, ...)
{
	va_list ap;
	time_t now = time(NULL);
	char text[512];

	if (log_min_level > LOG_LEVEL_INFO)
		return;
	if (!log_stderr_tty || log_fmt == LOG_FORMAT_JSON)
	{
		if (!force && now - log_progress_last < PROGRESS_INTERVAL_SECONDS)
			return;
		log_progress_last = now;
		va_start(ap, fmt);
		emit(LOG_LEVEL_INFO, false, fmt, ap);
		va_end(ap);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "\r\033[K%s: %s", log_progname, text);
	fflush(stderr);
	log_progress_shown = true;
	pthread_mutex_unlock(&log_lock);
}

void
log_progress_done(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_progress_shown)
	{
		fputc('\n', stderr);
		log_progress_shown = false;
	}
	pthread_mutex_unlock(&log_lock);
}
