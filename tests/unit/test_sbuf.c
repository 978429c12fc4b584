/* test_sbuf.c: the growable buffer keeps its invariants. */
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "tap.h"

int
main(void)
{
	sbuf b = SBUF_INIT;
	char *p;
	size_t len;

	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0', "an empty buffer is an empty C string");
	sbuf_addstr(&b, "abc");
	sbuf_add(&b, "\0x", 2);
	is_int(b.len, 5, "binary-safe: NUL counted");
	ok(b.data[5] == '\0', "always NUL-terminated");
	sbuf_reset(&b);
	for (int i = 0; i < 100000; i++)
		sbuf_addch(&b, (char) ('a' + i % 26));
	is_int(b.len, 100000, "grows past many doublings");
	ok(b.data[99999] == 'a' + 99999 % 26 && b.data[100000] == '\0', "content and terminator kept");
	sbuf_reset(&b);
	sbuf_addf(&b, "%s-%d", "x", 42);
	sbuf_addf(&b, "%0300d", 7);
	is_int(b.len, 4 + 300, "sbuf_addf appends, growing as needed");
	ok(strncmp(b.data, "x-42000", 7) == 0, "sbuf_addf content");
	p = sbuf_detach(&b, &len);
	is_int(len, 304, "detach hands over the length");
	ok(b.len == 0 && b.data[0] == '\0', "detach leaves an empty buffer");
	free(p);
	sbuf_release(&b);
	p = sbuf_detach(&b, &len);
	ok(p != NULL && len == 0 && p[0] == '\0', "detaching an empty buffer gives an owned empty string");
	free(p);
	return tap_done();
}
