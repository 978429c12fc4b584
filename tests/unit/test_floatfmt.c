/* test_floatfmt.c: FLOAT text is the shortest that reads back to the same bits. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "floatfmt.h"
#include "tap.h"

static void
check_text(const char *double_text, const char *expected)
{
	sbuf b = SBUF_INIT;

	ok(floatfmt_float_from_double_text(double_text, strlen(double_text), &b), "%s parses", double_text);
	is_str(b.data, expected, "%s as a float", double_text);
	sbuf_release(&b);
}

int
main(void)
{
	sbuf b = SBUF_INIT;
	int roundtrip_failures = 0;
	unsigned seed = 12345;

	check_text("0.10000000149011612", "0.1");
	check_text("3.4028234663852886e38", "3.4028235e+38");
	check_text("1.1754943508222875e-38", "1.1754944e-38");
	check_text("1.401298464324817e-45", "1e-45");
	check_text("16777216", "16777216");
	check_text("123456.7890625", "123456.79");
	check_text("-2.5", "-2.5");
	check_text("0", "0");
	ok(!floatfmt_float_from_double_text("abc", 3, &b), "not a number is refused");
	ok(!floatfmt_float_from_double_text("", 0, &b), "empty is refused");

	/* Every text read back gives the same bits, over many random patterns. */
	for (int i = 0; i < 200000; i++)
	{
		uint32_t bits;
		float v;

		seed = seed * 1103515245u + 12345u;
		bits = seed ^ (seed << 13);
		memcpy(&v, &bits, sizeof(v));
		if (!isfinite(v))
			continue;
		sbuf_reset(&b);
		floatfmt_float(v, &b);
		{
			float back = strtof(b.data, NULL);

			if (memcmp(&back, &v, sizeof(v)) != 0)
				roundtrip_failures++;
		}
	}
	is_int(roundtrip_failures, 0, "200000 random floats round-trip bit for bit");
	sbuf_reset(&b);
	floatfmt_float(-0.0f, &b);
	is_str(b.data, "-0", "negative zero keeps its sign");
	sbuf_release(&b);
	return tap_done();
}
