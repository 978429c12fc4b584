/* tablefilter.h: which source tables a program works on (--tables, --exclude, limit/skip_tables). */
#ifndef CHAM_TABLEFILTER_H
#define CHAM_TABLEFILTER_H

#include <stdbool.h>

/*
 * A pattern is "schema" (every table of it), "schema.table", or either part
 * with shell wildcards (fnmatch: * ? [...]). The schema is what comes before
 * the first dot. Owns its patterns.
 */
typedef struct tablefilter
{
	char **include; /* empty: every table of the selected schemas */
	int ninclude;
	char **exclude;
	int nexclude;
	/* A further test a table must pass, such as the config's selection; may be NULL. */
	bool (*accept)(const void *ctx, const char *schema, const char *table);
	const void *accept_ctx; /* not owned */
} tablefilter;

void tablefilter_add(tablefilter *f, bool include, const char *pattern);

/* Adds every entry of a comma-separated list; false on an empty entry. */
bool tablefilter_add_list(tablefilter *f, bool include, const char *list);

bool tablefilter_match(const tablefilter *f, const char *schema, const char *table);

/* True when a pattern has no wildcard and names one table ("schema.table"). */
bool tablefilter_pattern_is_exact(const char *pattern);

/* Does one pattern match this table? */
bool tablefilter_pattern_match(const char *pattern, const char *schema, const char *table);

void tablefilter_release(tablefilter *f);

#endif
