/* test_jsonw.c: JSON strings are escaped once, the same way everywhere. */
#include <string.h>

#include "jsonw.h"
#include "tap.h"

static void
check(const char *in, size_t len, const char *expected, bool valid, const char *what)
{
	sbuf b = SBUF_INIT;
	bool v = jsonw_string(&b, in, len);

	is_str(b.data, expected, "%s", what);
	ok(v == valid, "%s: validity %s", what, valid ? "true" : "false");
	sbuf_release(&b);
}

int
main(void)
{
	sbuf b = SBUF_INIT;

	check("abc", 3, "\"abc\"", true, "plain");
	check("a\"b\\c", 5, "\"a\\\"b\\\\c\"", true, "quote and backslash");
	check("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", true, "short escapes");
	check("\x01\x1f", 2, "\"\\u0001\\u001f\"", true, "control characters");
	check("a\0b", 3, "\"a\\u0000b\"", true, "NUL");
	check("\xC3\xA9\xE8\xA1\xA8\xF0\x9F\x98\x80", 9, "\"\xC3\xA9\xE8\xA1\xA8\xF0\x9F\x98\x80\"", true, "UTF-8 of 2, 3 and 4 bytes kept");
	check("a\xFFz", 3, "\"a\xEF\xBF\xBDz\"", false, "invalid byte becomes U+FFFD");
	check("\xC0\xAF", 2, "\"\xEF\xBF\xBD\xEF\xBF\xBD\"", false, "overlong form rejected");
	check("\xED\xA0\x80", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"", false, "surrogate rejected");
	check("\xF0\x9F\x98", 3, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"", false, "truncated sequence rejected");
	jsonw_key(&b, true, "k");
	jsonw_int(&b, -9223372036854775807LL - 1);
	jsonw_key(&b, false, "u");
	jsonw_uint(&b, 18446744073709551615ULL);
	jsonw_key(&b, false, "n");
	jsonw_null(&b);
	is_str(b.data, "\"k\":-9223372036854775808,\"u\":18446744073709551615,\"n\":null", "keys and numbers");
	sbuf_release(&b);
	return tap_done();
}
