/* csvwrite.c: CSV fields as PostgreSQL's COPY (FORMAT csv) reads them. */
#include "csvwrite.h"

#include <string.h>

/* Bytes that force quoting: the delimiter, the quote, and line ends. */
static const unsigned char special[256] = {
	['\n'] = 1,
	['\r'] = 1,
	['"'] = 1,
	[','] = 1,
};

bool
csvwrite_needs_quotes(const char *val, size_t len)
{
	const unsigned char *p = (const unsigned char *) val;

	if (len == 0)
		return true;
	if (len == 2 && p[0] == '\\' && p[1] == '.')
		return true;
	for (size_t i = 0; i < len; i++)
		if (special[p[i]])
			return true;
	return false;
}

void
csvwrite_field(sbuf *b, const char *val, size_t len)
{
	const char *q;
	const char *end = val + len;

	if (!csvwrite_needs_quotes(val, len))
	{
		sbuf_add(b, val, len);
		return;
	}
	sbuf_grow(b, len + 2);
	sbuf_addch(b, '"');
	/* Only the quote itself is doubled inside a quoted field. */
	while ((q = memchr(val, '"', (size_t) (end - val))) != NULL)
	{
		sbuf_add(b, val, (size_t) (q - val) + 1);
		sbuf_addch(b, '"');
		val = q + 1;
	}
	sbuf_add(b, val, (size_t) (end - val));
	sbuf_addch(b, '"');
}
