/* floatfmt.c: FLOAT values as the shortest text that reads back to the same bits. */
#include "floatfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
floatfmt_float(float v, sbuf *out)
{
	char buf[32];

	/* 9 significant digits always round-trip a binary32; most values need fewer. */
	for (int digits = 1; digits <= 9; digits++)
	{
		snprintf(buf, sizeof(buf), "%.*g", digits, (double) v);
		if (strtof(buf, NULL) == v && signbit(strtof(buf, NULL)) == signbit(v))
			break;
	}
	sbuf_addstr(out, buf);
}

bool
floatfmt_float_from_double_text(const char *text, size_t len, sbuf *out)
{
	char buf[64];
	char *end;
	double d;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	d = strtod(buf, &end);
	if (*end != '\0')
		return false;
	floatfmt_float((float) d, out);
	return true;
}
