/* test_csvwrite.c: CSV fields exactly as COPY (FORMAT csv) reads them. */
#include <string.h>

#include "csvwrite.h"
#include "tap.h"

static void
check(const char *in, size_t len, const char *expected, const char *what)
{
	sbuf		b = SBUF_INIT;

	csvwrite_field(&b, in, len);
	ok(b.len == strlen(expected) && memcmp(b.data, expected, b.len) == 0, "%s", what);
	if (b.len != strlen(expected) || memcmp(b.data, expected, b.len) != 0)
		printf("#   got [%s] expected [%s]\n", b.data, expected);
	sbuf_release(&b);
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
	check("a\0b", 3, "a\0b", "NUL bytes pass (PostgreSQL rejects them, the loader reports it)");
	ok(!csvwrite_needs_quotes("12345", 5), "numbers need no quotes");
	ok(csvwrite_needs_quotes("", 0), "empty needs quotes");
	return tap_done();
}
