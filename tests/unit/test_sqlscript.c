/* test_sqlscript.c: post-data.sql splits into sections and statements. */
#include "sqlscript.h"
#include "tap.h"

int
main(void)
{
	sql_script s;
	const char *text =
		"-- header comment\n\n"
		"-- section: primary-keys\n"
		"ALTER TABLE \"a\" ADD PRIMARY KEY (\"x\");\n\n"
		"ALTER TABLE \"b;\n\nc\" ADD PRIMARY KEY (\"y\");\n\n"
		"-- section: indexes\n"
		"-- only a comment\n\n"
		"-- section: finish\n"
		"DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\n\n"
		"SELECT 1;";

	sqlscript_parse(text, &s);
	is_int(s.nsections, 4, "a leading piece and three sections");
	is_int(s.sections[0].nstatements, 0, "comments before the first section are no statement");
	is_str(s.sections[1].name, "primary-keys", "section name");
	is_int(s.sections[1].nstatements, 3, "statements split at ';' before a blank line (a quoted ';\\n\\n' splits too: cham-dump never writes one in a name)");
	is_int(s.sections[2].nstatements, 0, "a section of comments has no statement");
	is_int(s.sections[3].nstatements, 2, "a DO block is one statement, a last one without a newline counts");
	is_str(s.sections[3].statements[0], "DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;\n", "the DO block whole");
	sqlscript_release(&s);
	return tap_done();
}
