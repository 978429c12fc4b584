/* jsonw.c: writing JSON text into an sbuf. */
#include "jsonw.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t
utf8_sequence_length(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		(cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

bool
jsonw_string(sbuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *) s;
	bool valid = true;
	size_t i = 0;

	sbuf_grow(b, len + 2);
	sbuf_addch(b, '"');
	while (i < len)
	{
		size_t run = i;

		/* Copy the longest run of bytes that need no escaping at once. */
		while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i)
		{
			sbuf_add(b, s + i, run - i);
			i = run;
			continue;
		}
		if (p[i] >= 0x80)
		{
			size_t n = utf8_sequence_length(p + i, len - i);

			if (n == 0)
			{
				sbuf_add(b, "\xEF\xBF\xBD", 3);
				valid = false;
				i++;
			}
			else
			{
				sbuf_add(b, s + i, n);
				i += n;
			}
			continue;
		}
		switch (p[i])
		{
			case '"':
				sbuf_add(b, "\\\"", 2);
				break;
			case '\\':
				sbuf_add(b, "\\\\", 2);
				break;
			case '\n':
				sbuf_add(b, "\\n", 2);
				break;
			case '\r':
				sbuf_add(b, "\\r", 2);
				break;
			case '\t':
				sbuf_add(b, "\\t", 2);
				break;
			case '\b':
				sbuf_add(b, "\\b", 2);
				break;
			case '\f':
				sbuf_add(b, "\\f", 2);
				break;
			default:
			{
				char esc[6] = { '\\', 'u', '0', '0', hex[p[i] >> 4], hex[p[i] & 0xF] };

				sbuf_add(b, esc, 6);
			}
		}
		i++;
	}
	sbuf_addch(b, '"');
	return valid;
}

void
jsonw_int(sbuf *b, int64_t v)
{
	sbuf_addf(b, "%" PRId64, v);
}

void
jsonw_uint(sbuf *b, uint64_t v)
{
	sbuf_addf(b, "%" PRIu64, v);
}

void
jsonw_bool(sbuf *b, bool v)
{
	sbuf_addstr(b, v ? "true" : "false");
}

void
jsonw_null(sbuf *b)
{
	sbuf_add(b, "null", 4);
}

void
jsonw_key(sbuf *b, bool first, const char *key)
{
	if (!first)
		sbuf_addch(b, ',');
	jsonw_string(b, key, strlen(key));
	sbuf_addch(b, ':');
}
