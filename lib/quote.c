/* quote.c: quoting identifiers and literals for PostgreSQL and MySQL. */
#include "quote.h"

#include <string.h>

static void
quote_doubling(sbuf *b, const char *s, size_t len, char q)
{
	sbuf_grow(b, len + 2);
	sbuf_addch(b, q);
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == q)
			sbuf_addch(b, q);
		sbuf_addch(b, s[i]);
	}
	sbuf_addch(b, q);
}

void
quote_pg_ident(sbuf *b, const char *name)
{
	quote_doubling(b, name, strlen(name), '"');
}

void
quote_pg_qualified(sbuf *b, const char *schema, const char *name)
{
	quote_pg_ident(b, schema);
	sbuf_addch(b, '.');
	quote_pg_ident(b, name);
}

void
quote_pg_literal(sbuf *b, const char *value, size_t len)
{
	quote_doubling(b, value, len, '\'');
}

void
quote_my_ident(sbuf *b, const char *name)
{
	quote_doubling(b, name, strlen(name), '`');
}

void
quote_my_qualified(sbuf *b, const char *schema, const char *name)
{
	quote_my_ident(b, schema);
	sbuf_addch(b, '.');
	quote_my_ident(b, name);
}

void
quote_my_literal(sbuf *b, const char *value)
{
	/* Backslash is an escape in MySQL literals unless NO_BACKSLASH_ESCAPES. */
	sbuf_addch(b, '\'');
	for (const char *p = value; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			sbuf_addch(b, '\\');
		sbuf_addch(b, *p);
	}
	sbuf_addch(b, '\'');
}
