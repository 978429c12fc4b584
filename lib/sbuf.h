/* sbuf.h: the growable byte buffer used for SQL text, CSV rows and JSON. */
#ifndef CHAM_SBUF_H
#define CHAM_SBUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Invariants: data is never NULL once initialised, data[len] is always '\0'
 * (so data can be used as a C string when the content has no NUL), and the
 * content is binary-safe: len counts every byte, NULs included. The buffer
 * owns data; sbuf_release() frees it and leaves an empty, usable buffer.
 */
typedef struct sbuf
{
	char *data;
	size_t len;
	size_t cap;
} sbuf;

#define SBUF_INIT               \
	{                           \
		sbuf_empty_string, 0, 0 \
	}
extern char sbuf_empty_string[];

void sbuf_init(sbuf *b, size_t hint);
void sbuf_release(sbuf *b);
void sbuf_grow(sbuf *b, size_t extra);
void sbuf_reset(sbuf *b);
void sbuf_add(sbuf *b, const void *data, size_t len);
void sbuf_addstr(sbuf *b, const char *s);
void sbuf_addf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the content to the caller (who frees it) and leaves b empty. */
char *sbuf_detach(sbuf *b, size_t *len);

static inline void
sbuf_addch(sbuf *b, char c)
{
	if (b->len + 1 >= b->cap)
		sbuf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

static inline void
sbuf_setlen(sbuf *b, size_t len)
{
	b->len = len;
	b->data[len] = '\0';
}

#endif
