/* tablefilter.c: selecting source tables by schema/table patterns. */
#include "tablefilter.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
tablefilter_add(tablefilter *f, bool include, const char *pattern)
{
	char ***list = include ? &f->include : &f->exclude;
	int *n = include ? &f->ninclude : &f->nexclude;

	*list = xrealloc(*list, sizeof(char *) * (size_t) (*n + 1));
	(*list)[(*n)++] = xstrdup(pattern);
}

bool
tablefilter_add_list(tablefilter *f, bool include, const char *list)
{
	const char *p = list;

	for (;;)
	{
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t) (comma - p) : strlen(p);
		char *item;

		while (len > 0 && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			return false;
		item = xstrndup(p, len);
		tablefilter_add(f, include, item);
		free(item);
		if (!comma)
			return true;
		p = comma + 1;
	}
}

bool
tablefilter_pattern_match(const char *pattern, const char *schema, const char *table)
{
	const char *dot = strchr(pattern, '.');
	char *spat;
	bool match;

	if (dot == NULL)
		return fnmatch(pattern, schema, 0) == 0;
	spat = xstrndup(pattern, (size_t) (dot - pattern));
	match = fnmatch(spat, schema, 0) == 0 && fnmatch(dot + 1, table, 0) == 0;
	free(spat);
	return match;
}

bool
tablefilter_pattern_is_exact(const char *pattern)
{
	return strchr(pattern, '.') != NULL && strpbrk(pattern, "*?[") == NULL;
}

bool
tablefilter_match(const tablefilter *f, const char *schema, const char *table)
{
	bool selected = f->ninclude == 0;

	for (int i = 0; !selected && i < f->ninclude; i++)
		selected = tablefilter_pattern_match(f->include[i], schema, table);
	for (int i = 0; selected && i < f->nexclude; i++)
		selected = !tablefilter_pattern_match(f->exclude[i], schema, table);
	if (selected && f->accept)
		selected = f->accept(f->accept_ctx, schema, table);
	return selected;
}

void
tablefilter_release(tablefilter *f)
{
	for (int i = 0; i < f->ninclude; i++)
		free(f->include[i]);
	for (int i = 0; i < f->nexclude; i++)
		free(f->exclude[i]);
	free(f->include);
	free(f->exclude);
	memset(f, 0, sizeof(*f));
}
