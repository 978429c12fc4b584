/* linereader.h: lines from a file descriptor, knowing when the next one is not there yet. */
#ifndef CHAM_LINEREADER_H
#define CHAM_LINEREADER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct linereader
{
	int fd;
	char *buf;
	size_t cap;
	size_t start;	/* the next line begins here */
	size_t end;		/* bytes read so far end here */
	size_t scanned; /* no newline in [start, scanned) */
	bool eof;
	const volatile sig_atomic_t *interrupted; /* when set, a wait for input ends (EINTR) */
} linereader;

/* interrupted may be NULL. */
void linereader_init(linereader *r, int fd, const volatile sig_atomic_t *interrupted);
void linereader_release(linereader *r);

/*
 * True when the next line can be had without waiting: it is read already,
 * or the input has something (or its end) to give now. A stream writer
 * that is quiet makes this false: the time to commit what is pending.
 */
bool linereader_ready(linereader *r);

/*
 * The next line and its length, its newline replaced by a NUL (a last line
 * without one is a line too); valid until the next call. Returns 1, 0 at
 * the end of input, -1 on a read error or a signal (errno says which).
 */
int linereader_next(linereader *r, char **line, size_t *len);

#endif
