/* eventlog.h: the events of a batch kept as their text, in memory up to a limit, then in a file. */
#ifndef CHAM_EVENTLOG_H
#define CHAM_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/*
 * cham-apply keeps every event since its last commit, to apply them again
 * after a refused row or a lost connection. A source transaction can be of
 * any size, so they are kept as the lines they came as (far smaller than
 * parsed objects), and past mem_limit bytes in an unlinked temporary file:
 * memory stays bounded however large the transaction.
 */
typedef struct eventlog
{
	sbuf mem;		  /* entries: 8-byte length, then the bytes */
	size_t mem_limit; /* past it, entries go to the file */
	int fd;			  /* the temporary file, -1 before it is needed */
	uint64_t file_size;
	sbuf pending; /* entries for the file not written yet */
	uint64_t count;
} eventlog;

typedef struct eventlog_reader
{
	eventlog *log;
	uint64_t pos;
	sbuf line;
} eventlog_reader;

void eventlog_init(eventlog *l, size_t mem_limit);
void eventlog_release(eventlog *l);

/* Where the next entry will be: a mark to read from, or to cut back to. */
uint64_t eventlog_size(const eventlog *l);

/* False when the temporary file cannot be written (logged). */
bool eventlog_append(eventlog *l, const char *line, size_t len);

/* Forgets every entry from size on. */
bool eventlog_truncate(eventlog *l, uint64_t size);

/* Reads the entries from pos on, in order. */
void eventlog_reader_init(eventlog_reader *r, eventlog *l, uint64_t pos);
void eventlog_reader_release(eventlog_reader *r);

/* The next entry (NUL-terminated, valid until the next call); false at the end or on an error (logged). */
bool eventlog_read(eventlog_reader *r, const char **line, size_t *len);

#endif
