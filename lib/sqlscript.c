/* sqlscript.c: post-data.sql split into sections of statements that may run in parallel. */
#include "sqlscript.h"

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "xalloc.h"

#define SECTION_MARK "-- section:"

/* True when the piece has something besides comments and white space. */
static bool
has_sql(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len)
	{
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			i++;
		else if (i + 1 < len && s[i] == '-' && s[i + 1] == '-')
		{
			while (i < len && s[i] != '\n')
				i++;
		}
		else
			return true;
	}
	return false;
}

static sql_section *
add_section(sql_script *out, const char *name, size_t len)
{
	sql_section *sec;

	out->sections = xrealloc(out->sections, sizeof(sql_section) * (size_t) (out->nsections + 1));
	sec = &out->sections[out->nsections++];
	memset(sec, 0, sizeof(*sec));
	while (len > 0 && (*name == ' ' || *name == '\t'))
		name++, len--;
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t' || name[len - 1] == '\r'))
		len--;
	sec->name = xstrndup(name, len);
	return sec;
}

static void
add_statement(sql_section *sec, const char *s, size_t len)
{
	if (!has_sql(s, len))
		return;
	sec->statements = xrealloc(sec->statements, sizeof(char *) * (size_t) (sec->nstatements + 1));
	sec->statements[sec->nstatements++] = xstrndup(s, len);
}

void
sqlscript_parse(const char *text, sql_script *out)
{
	sql_section *sec = NULL;
	const char *p = text;
	const char *stmt = text;

	memset(out, 0, sizeof(*out));
	while (*p)
	{
		const char *eol = strchr(p, '\n');
		size_t linelen = eol ? (size_t) (eol - p) : strlen(p);
		const char *next = eol ? eol + 1 : p + linelen;

		if (strncmp(p, SECTION_MARK, strlen(SECTION_MARK)) == 0)
		{
			if (sec == NULL)
				sec = add_section(out, "main", 4);
			add_statement(sec, stmt, (size_t) (p - stmt));
			sec = add_section(out, p + strlen(SECTION_MARK), linelen - strlen(SECTION_MARK));
			stmt = next;
		}
		else if (linelen > 0 && p[linelen - 1] == ';' && (*next == '\n' || *next == '\0'))
		{
			if (sec == NULL)
				sec = add_section(out, "main", 4);
			add_statement(sec, stmt, (size_t) (next - stmt));
			stmt = next;
		}
		p = next;
	}
	if (*stmt)
	{
		if (sec == NULL)
			sec = add_section(out, "main", 4);
		add_statement(sec, stmt, strlen(stmt));
	}
}

void
sqlscript_release(sql_script *s)
{
	for (int i = 0; i < s->nsections; i++)
	{
		for (int j = 0; j < s->sections[i].nstatements; j++)
			free(s->sections[i].statements[j]);
		free(s->sections[i].statements);
		free(s->sections[i].name);
	}
	free(s->sections);
	memset(s, 0, sizeof(*s));
}
