/* logging.h: the one way programs write messages and progress to stderr. */
#ifndef CHAM_LOGGING_H
#define CHAM_LOGGING_H

#include <stdbool.h>

typedef enum log_level
{
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_ERROR,
} log_level;

typedef enum log_format
{
	LOG_FORMAT_TEXT = 0,
	LOG_FORMAT_JSON,
} log_format;

/* progname is kept by pointer: pass a string that lives as long as the program. */
void log_init(const char *progname);
void log_set_level(log_level level);
void log_set_format(log_format format);
bool log_parse_format(const char *name, log_format *format);
log_level log_get_level(void);

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A detail or hint line that belongs to the message just logged at that level. */
void log_detail(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Progress: on a TTY a live line redrawn in place; otherwise a plain info
 * line at most every interval seconds. force prints regardless of the interval.
 */
void log_progress(bool force, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_progress_done(void);

#endif
