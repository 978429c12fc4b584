/* myliteral.c: MySQL string literals as the server shows them in the catalog, read back. */
#include "myliteral.h"

static char
unescaped(char e)
{
	switch (e)
	{
		case '0':
			return '\0';
		case 'n':
			return '\n';
		case 'r':
			return '\r';
		case 't':
			return '\t';
		case 'b':
			return '\b';
		case 'Z':
			return '\032';
		default:
			return e;
	}
}

const char *
myliteral_unquote(const char *p, sbuf *out)
{
	p++; /* the opening quote */
	for (;;)
	{
		char c = *p;

		if (c == '\0')
			return NULL;
		if (c == '\'')
		{
			if (p[1] != '\'')
				return p + 1;
			sbuf_addch(out, '\'');
			p += 2;
			continue;
		}
		if (c == '\\' && p[1] != '\0')
		{
			/* MySQL keeps the backslash of \% and \_ in literals. */
			if (p[1] == '%' || p[1] == '_')
				sbuf_addch(out, '\\');
			sbuf_addch(out, unescaped(p[1]));
			p += 2;
			continue;
		}
		sbuf_addch(out, c);
		p++;
	}
}
