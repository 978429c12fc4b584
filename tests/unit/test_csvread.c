/* test_csvread.c: CSV records read back exactly as COPY reads them. */
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "csvwrite.h"
#include "tap.h"

typedef struct collected
{
	sbuf text; /* records as [field|field], NULL as <N> */
	int records;
} collected;

static bool
collect(void *p, const csv_record *rec)
{
	collected *c = p;

	sbuf_addch(&c->text, '[');
	for (int i = 0; i < rec->nfields; i++)
	{
		if (i)
			sbuf_addch(&c->text, '|');
		if (rec->values[i] == NULL)
			sbuf_addstr(&c->text, "<N>");
		else
			sbuf_add(&c->text, rec->values[i], rec->lengths[i]);
	}
	sbuf_addch(&c->text, ']');
	c->records++;
	return true;
}

static void
parse(const char *in, size_t len, size_t piece, const char *expected, const char *what)
{
	csvread r;
	collected c = { SBUF_INIT, 0 };
	bool malformed;
	bool fed = true;

	csvread_init(&r, collect, &c);
	for (size_t off = 0; fed && off < len; off += piece)
		fed = csvread_feed(&r, in + off, off + piece > len ? len - off : piece);
	ok(fed && csvread_finish(&r, &malformed), "%s: parses", what);
	is_str(c.text.data, expected, "%s", what);
	csvread_release(&r);
	sbuf_release(&c.text);
}

int
main(void)
{
	const char *in = "1,,\"\",abc\n2,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\n";
	csvread r;
	collected c = { SBUF_INIT, 0 };
	bool malformed;
	sbuf line = SBUF_INIT;

	parse(in, strlen(in), 1 << 20, "[1|<N>||abc][2|a,b|say \"hi\"|x\ny]", "NULL, empty, quotes, newlines");
	parse(in, strlen(in), 1, "[1|<N>||abc][2|a,b|say \"hi\"|x\ny]", "the same fed one byte at a time");
	parse("\n\nx\n", 4, 64, "[<N>][<N>][x]", "an empty line is one NULL field");
	parse(" a , b \n", 8, 64, "[ a | b ]", "spaces are data");
	parse("a,b", 3, 64, "[a|b]", "a last record without a newline");
	parse("\"\\.\"\n", 5, 64, "[\\.]", "the quoted end marker is data");

	csvread_init(&r, collect, &c);
	ok(csvread_feed(&r, "a,\"b\n", 5) && !csvread_finish(&r, &malformed) && malformed,
	   "input ending inside quotes is malformed");
	csvread_release(&r);
	csvread_init(&r, collect, &c);
	ok(!csvread_feed(&r, "a,b\"c\n", 6) && !r.stopped, "a stray quote is malformed");
	csvread_release(&r);

	/* What csvwrite writes, csvread reads back: every byte value in a field. */
	{
		char all[256];

		for (int i = 0; i < 256; i++)
			all[i] = (char) i;
		csvwrite_field(&line, all, 256);
		sbuf_addch(&line, '\n');
		sbuf_reset(&c.text);
		c.records = 0;
		csvread_init(&r, collect, &c);
		ok(csvread_feed(&r, line.data, line.len) && csvread_finish(&r, &malformed), "all bytes parse");
		ok(c.records == 1 && c.text.len == 258 && memcmp(c.text.data + 1, all, 256) == 0, "all 256 byte values round-trip");
		csvread_release(&r);
	}
	sbuf_release(&line);
	sbuf_release(&c.text);
	return tap_done();
}
