/* test_csvwrite.c: CSV fields exactly as COPY (FORMAT csv) reads them. */
#include <string.h>

#include "csvwrite.h"
#include "tap.h"

static void
check_len(const char *in, size_t len, const char *expected, size_t expected_len, const char *what)
{
	sbuf b = SBUF_INIT;
	bool same;

	csvwrite_field(&b, in, len);
	same = b.len == expected_len && memcmp(b.data, expected, b.len) == 0;
	ok(same, "%s", what);
	if (!same)
		printf("#   got [%s] expected [%s]\n", b.data, expected);
	sbuf_release(&b);
}

static void
check(const char *in, size_t len, const char *expected, const char *what)
{
	check_len(in, len, expected, strlen(expected), what);
}

int
main(void)
{
	check("abc", 3, "abc", "plain text is written as it is");
	check("", 0, "\"\"", "the empty string is quoted (unquoted empty is NULL)");
	check("a,b", 3, "\"a,b\"", "a comma forces quotes");
	check("say \"hi\"", 8, "\"say \"\"hi\"\"\"", "quotes are doubled inside quotes");
	check("a\nb", 3, "\"a\nb\"", "LF is kept inside quotes");
	check("a\rb", 3, "\"a\rb\"", "CR is kept inside quotes");
	check("\\.", 2, "\"\\.\"", "the end-of-data marker is quoted");
	check("\\N", 2, "\\N", "backslashes mean nothing in CSV");
	check("\"", 1, "\"\"\"\"", "a lone quote");
	check("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80", "4-byte UTF-8 untouched");
	check_len("a\0b", 3, "a\0b", 3, "NUL bytes pass (PostgreSQL rejects them, the loader reports it)");
	ok(!csvwrite_needs_quotes("12345", 5), "numbers need no quotes");
	{
		char long_text[64];
		const char specials[] = { ',', '"', '\n', '\r' };
		int missed = 0;

		/* Each special byte at every offset of a long value is found (the scan reads 8 bytes at a time). */
		for (size_t s = 0; s < sizeof(specials); s++)
			for (size_t at = 0; at < sizeof(long_text); at++)
			{
				memset(long_text, 'x', sizeof(long_text));
				long_text[at] = specials[s];
				if (!csvwrite_needs_quotes(long_text, sizeof(long_text)))
					missed++;
			}
		is_int(missed, 0, "a special byte is found at every offset");
		memset(long_text, 0, sizeof(long_text));
		ok(!csvwrite_needs_quotes(long_text, sizeof(long_text)), "NUL bytes alone need no quotes");
		for (int c = 0; c < 256; c++)
		{
			memset(long_text, c, sizeof(long_text));
			if (csvwrite_needs_quotes(long_text, sizeof(long_text)) != (c == ',' || c == '"' || c == '\n' || c == '\r'))
				missed++;
		}
		is_int(missed, 0, "no other byte value forces quotes");
	}
	ok(csvwrite_needs_quotes("", 0), "empty needs quotes");
	return tap_done();
}
