/* test_tablefilter.c: table selection by patterns, and chunk file names. */
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "tablefilter.h"
#include "tap.h"

int
main(void)
{
	tablefilter f = { 0 };
	char *name;

	ok(tablefilter_match(&f, "a", "b"), "no patterns: everything");
	ok(tablefilter_add_list(&f, true, "sakila.actor, sakila.film*,world"), "a list parses");
	ok(!tablefilter_add_list(&f, true, "x,,y"), "an empty entry is refused");
	tablefilter_release(&f);
	ok(tablefilter_add_list(&f, true, "sakila.actor, sakila.film*,world"), "a list parses again");
	ok(tablefilter_match(&f, "sakila", "actor"), "exact table");
	ok(tablefilter_match(&f, "sakila", "film_text"), "wildcard table");
	ok(!tablefilter_match(&f, "sakila", "rental"), "other table left out");
	ok(tablefilter_match(&f, "world", "city"), "a schema alone selects its tables");
	tablefilter_add(&f, false, "world.c*");
	ok(!tablefilter_match(&f, "world", "city"), "exclude wins");
	ok(tablefilter_match(&f, "world", "country_x") == false && tablefilter_match(&f, "world", "lang"), "exclude by wildcard only");
	ok(tablefilter_pattern_is_exact("a.b") && !tablefilter_pattern_is_exact("a.*") && !tablefilter_pattern_is_exact("a"), "exact patterns");
	tablefilter_release(&f);

	name = dump_chunk_file_name("sakila", "actor", 3);
	is_str(name, "data/sakila.actor.0003.csv", "plain chunk name");
	free(name);
	name = dump_chunk_file_name("my.db", "a/b \"c\"", 12);
	is_str(name, "data/my%2Edb.a%2Fb%20%22c%22.0012.csv", "dots, slashes, spaces and quotes are percent-encoded");
	free(name);
	name = dump_chunk_file_name("s", "\xC3\xA9", 0);
	is_str(name, "data/s.%C3%A9.0000.csv", "non-ASCII bytes are percent-encoded");
	free(name);
	{
		char longname[300] = "";
		char *other;

		for (int i = 0; i < 64; i++)
			strcat(longname, "\xF0\x9F\x98\x80"); /* 64 four-byte characters */
		name = dump_chunk_file_name(longname, longname, 1);
		ok(strlen(name) < 255 - 10, "a name of 64 four-byte characters stays short (%zu bytes)", strlen(name));
		longname[255] = 'x';
		other = dump_chunk_file_name(longname, longname, 1);
		ok(strcmp(name, other) != 0, "names that share their beginning stay apart");
		free(name);
		free(other);
	}
	return tap_done();
}
