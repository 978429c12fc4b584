/* sbuf.c: the growable byte buffer (invariants in sbuf.h). */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Shared by every empty buffer, so data is never NULL; never written to. */
char sbuf_empty_string[1];

void
sbuf_init(sbuf *b, size_t hint)
{
	b->data = sbuf_empty_string;
	b->len = 0;
	b->cap = 0;
	if (hint)
		sbuf_grow(b, hint);
}

void
sbuf_release(sbuf *b)
{
	if (b->cap)
		free(b->data);
	sbuf_init(b, 0);
}

void
sbuf_grow(sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < ((size_t) 1 << 30) ? cap * 2 : cap + ((size_t) 1 << 30);
	if (b->cap == 0)
	{
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	}
	else
		b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void
sbuf_reset(sbuf *b)
{
	if (b->cap)
		sbuf_setlen(b, 0);
}

void
sbuf_add(sbuf *b, const void *data, size_t len)
{
	sbuf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	sbuf_setlen(b, b->len + len);
}

void
sbuf_addstr(sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_addf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t) n + 1 > b->cap)
	{
		sbuf_grow(b, (size_t) n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t) n;
}

char *
sbuf_detach(sbuf *b, size_t *len)
{
	char *p;

	if (b->cap == 0)
		sbuf_grow(b, 0);
	p = b->data;
	if (len)
		*len = b->len;
	sbuf_init(b, 0);
	return p;
}
