/* sqlscript.h: post-data.sql split into sections of statements that may run in parallel. */
#ifndef CHAM_SQLSCRIPT_H
#define CHAM_SQLSCRIPT_H

#include <stdbool.h>

typedef struct sql_section
{
	char *name;		   /* owned: from "-- section: NAME", or "main" */
	char **statements; /* owned */
	int nstatements;
} sql_section;

typedef struct sql_script
{
	sql_section *sections; /* owned */
	int nsections;
} sql_script;

/*
 * Splits text into sections at lines "-- section: NAME", and each section
 * into statements at a ";" that ends a line followed by a blank line (the
 * form cham-dump writes; the statements of a section may run in parallel).
 * Pieces holding only comments and blanks are dropped.
 */
void sqlscript_parse(const char *text, sql_script *out);
void sqlscript_release(sql_script *s);

#endif
