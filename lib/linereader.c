/* linereader.c: lines from a file descriptor, knowing when the next one is not there yet. */
#include "linereader.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

#define READ_SIZE		   (256 * 1024)
#define INTERRUPT_CHECK_MS 200

void
linereader_init(linereader *r, int fd, const volatile sig_atomic_t *interrupted)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->interrupted = interrupted;
}

void
linereader_release(linereader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static bool
has_line(linereader *r)
{
	char *nl = NULL;

	if (r->scanned < r->start)
		r->scanned = r->start;
	if (r->end > r->scanned)
		nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
	r->scanned = nl ? (size_t) (nl - r->buf) : r->end;
	return nl != NULL;
}

bool
linereader_ready(linereader *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	if (r->eof || (r->end > r->start && has_line(r)))
		return true;
	return poll(&p, 1, 0) != 0;
}

/* Reads more input after what is buffered; false at the end of input or on an error. */
static bool
fill(linereader *r)
{
	ssize_t n;

	if (r->start > 0 && (r->start == r->end || r->cap - r->end < READ_SIZE))
	{
		/* The consumed part is reused before the buffer grows. */
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->scanned -= r->scanned >= r->start ? r->start : r->scanned;
		r->start = 0;
	}
	if (r->cap - r->end < READ_SIZE)
	{
		r->cap = r->cap ? r->cap * 2 : 2 * READ_SIZE;
		while (r->cap - r->end < READ_SIZE)
			r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap + 1);
	}
	/*
	 * A signal that came just before the read would not end it: the wait is
	 * in slices, the flag looked at between them.
	 */
	while (r->interrupted)
	{
		struct pollfd p = { .fd = r->fd, .events = POLLIN };

		if (*r->interrupted)
		{
			errno = EINTR;
			return false;
		}
		int ready = poll(&p, 1, INTERRUPT_CHECK_MS);

		if (ready > 0 || (ready < 0 && errno != EINTR))
			break;
	}
	n = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (n < 0)
		return false;
	if (n == 0)
		r->eof = true;
	r->end += (size_t) n;
	return n > 0;
}

int
linereader_next(linereader *r, char **line, size_t *len)
{
	char *nl = NULL;

	for (;;)
	{
		if (r->scanned < r->start)
			r->scanned = r->start;
		if (r->end > r->scanned)
			nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
		if (nl || r->eof)
			break;
		r->scanned = r->end;
		if (!fill(r) && !r->eof)
			return -1;
	}
	if (nl == NULL && r->start == r->end)
		return 0;
	*len = nl ? (size_t) (nl - (r->buf + r->start)) : r->end - r->start;
	*line = r->buf + r->start;
	(*line)[*len] = '\0';
	r->start += *len + (nl != NULL);
	r->scanned = r->start;
	return 1;
}
