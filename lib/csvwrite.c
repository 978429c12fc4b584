/* csvwrite.c: CSV fields as PostgreSQL's COPY (FORMAT csv) reads them. */
#include "csvwrite.h"

#include <stdint.h>
#include <string.h>

/* Bytes that force quoting: the delimiter, the quote, and line ends. */
static const unsigned char special[256] = {
	['\n'] = 1,
	['\r'] = 1,
	['"'] = 1,
	[','] = 1,
};

/* Has the 64-bit word a byte equal to the one spread over every byte of mask? */
static inline bool
word_has_byte(uint64_t word, uint64_t mask)
{
	uint64_t x = word ^ mask;

	return ((x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL) != 0;
}

bool
csvwrite_needs_quotes(const char *val, size_t len)
{
	const unsigned char *p = (const unsigned char *) val;
	size_t i = 0;

	if (len == 0)
		return true;
	if (len == 2 && p[0] == '\\' && p[1] == '.')
		return true;
	/* Eight bytes at a time: this scan runs over every text value of a dump. */
	for (; i + 8 <= len; i += 8)
	{
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (word_has_byte(w, 0x0A0A0A0A0A0A0A0AULL) || word_has_byte(w, 0x0D0D0D0D0D0D0D0DULL) ||
			word_has_byte(w, 0x2222222222222222ULL) || word_has_byte(w, 0x2C2C2C2C2C2C2C2CULL))
			return true;
	}
	for (; i < len; i++)
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
