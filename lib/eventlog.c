/* eventlog.c: the events of a batch kept as their text, in memory up to a limit, then in a file. */
#include "eventlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logging.h"
#include "xalloc.h"

/* File writes are gathered: one per event would cost a system call each. */
#define PENDING_FLUSH (1 << 20)

void
eventlog_init(eventlog *l, size_t mem_limit)
{
	memset(l, 0, sizeof(*l));
	sbuf_init(&l->mem, 0);
	sbuf_init(&l->pending, 0);
	l->mem_limit = mem_limit;
	l->fd = -1;
}

void
eventlog_release(eventlog *l)
{
	sbuf_release(&l->mem);
	sbuf_release(&l->pending);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->file_size = 0;
	l->count = 0;
}

uint64_t
eventlog_size(const eventlog *l)
{
	return l->mem.len + l->file_size + l->pending.len;
}

static bool
open_file(eventlog *l)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	if (l->fd >= 0)
		return true;
	path = xasprintf("%s/cham-apply.XXXXXX", dir && *dir ? dir : "/tmp");
	l->fd = mkstemp(path);
	if (l->fd < 0)
	{
		log_error("could not create a temporary file in \"%s\" for a large transaction: %s", dir && *dir ? dir : "/tmp",
				  strerror(errno));
		free(path);
		return false;
	}
	/* Unlinked at once: nothing is left behind, whatever happens to the process. */
	unlink(path);
	free(path);
	return true;
}

static bool
flush_pending(eventlog *l)
{
	const char *p = l->pending.data;
	size_t left = l->pending.len;

	while (left > 0)
	{
		ssize_t n = pwrite(l->fd, p, left, (off_t) l->file_size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
		{
			log_error("could not write a large transaction to its temporary file: %s", strerror(errno));
			return false;
		}
		p += n;
		left -= (size_t) n;
		l->file_size += (uint64_t) n;
	}
	sbuf_reset(&l->pending);
	return true;
}

bool
eventlog_append(eventlog *l, const char *line, size_t len)
{
	uint64_t n = len;

	l->count++;
	/* A huge event (a big blob) goes to the file at once: one copy in memory is its own. */
	if (l->fd < 0 && l->mem.len + sizeof(n) + len <= l->mem_limit && len <= l->mem_limit / 4)
	{
		sbuf_add(&l->mem, &n, sizeof(n));
		sbuf_add(&l->mem, line, len);
		return true;
	}
	if (!open_file(l))
		return false;
	sbuf_add(&l->pending, &n, sizeof(n));
	sbuf_add(&l->pending, line, len);
	return l->pending.len < PENDING_FLUSH || flush_pending(l);
}

bool
eventlog_truncate(eventlog *l, uint64_t size)
{
	if (size <= l->mem.len)
	{
		l->mem.len = (size_t) size;
		l->mem.data[l->mem.len] = '\0';
		sbuf_reset(&l->pending);
		l->file_size = 0;
		/* The file is given up: the next entries fit in memory again. */
		if (l->fd >= 0)
			close(l->fd);
		l->fd = -1;
	}
	else if (size - l->mem.len >= l->file_size)
		l->pending.len = (size_t) (size - l->mem.len - l->file_size);
	else
	{
		sbuf_reset(&l->pending);
		l->file_size = size - l->mem.len;
		if (ftruncate(l->fd, (off_t) l->file_size) != 0)
		{
			log_error("could not cut a large transaction's temporary file: %s", strerror(errno));
			return false;
		}
	}
	if (size == 0)
		l->count = 0;
	return true;
}

void
eventlog_reader_init(eventlog_reader *r, eventlog *l, uint64_t pos)
{
	r->log = l;
	r->pos = pos;
	sbuf_init(&r->line, 0);
}

void
eventlog_reader_release(eventlog_reader *r)
{
	sbuf_release(&r->line);
}

/* len bytes at pos of the log (memory, file or pending) into out. */
static bool
read_at(eventlog *l, uint64_t pos, void *out, size_t len)
{
	char *dst = out;

	while (len > 0)
	{
		size_t piece;

		if (pos < l->mem.len)
		{
			piece = l->mem.len - (size_t) pos < len ? l->mem.len - (size_t) pos : len;
			memcpy(dst, l->mem.data + pos, piece);
		}
		else if (pos - l->mem.len < l->file_size)
		{
			ssize_t n;
			uint64_t at = pos - l->mem.len;

			piece = l->file_size - at < len ? (size_t) (l->file_size - at) : len;
			n = pread(l->fd, dst, piece, (off_t) at);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
			{
				log_error("could not read a large transaction back from its temporary file: %s",
						  n < 0 ? strerror(errno) : "it is shorter than written");
				return false;
			}
			piece = (size_t) n;
		}
		else
		{
			uint64_t at = pos - l->mem.len - l->file_size;

			if (at + len > l->pending.len)
				return false;
			piece = len;
			memcpy(dst, l->pending.data + at, piece);
		}
		dst += piece;
		pos += piece;
		len -= piece;
	}
	return true;
}

bool
eventlog_read(eventlog_reader *r, const char **line, size_t *len)
{
	uint64_t n;

	if (r->pos + sizeof(n) > eventlog_size(r->log) || !read_at(r->log, r->pos, &n, sizeof(n)))
		return false;
	sbuf_reset(&r->line);
	sbuf_grow(&r->line, (size_t) n);
	if (!read_at(r->log, r->pos + sizeof(n), r->line.data, (size_t) n))
		return false;
	r->line.len = (size_t) n;
	r->line.data[n] = '\0';
	r->pos += sizeof(n) + n;
	*line = r->line.data;
	*len = (size_t) n;
	return true;
}
