/* pgschema.c: PostgreSQL names for the source catalog, and the pre-data and post-data DDL. */
#include "pgschema.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logging.h"
#include "myliteral.h"
#include "namehash.h"
#include "quote.h"
#include "xalloc.h"

/*
 * A set of names, each within a scope (a schema's relations, a table's
 * columns, a table's constraints), so assigning names stays linear on
 * catalogs with tens of thousands of tables. Keys are "scope\x1fname".
 */
typedef struct name_set
{
	char **slots; /* owned keys; NULL is an empty slot */
	size_t cap;	  /* a power of two */
	size_t n;
} name_set;

static void
nameset_free(name_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i]);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static void
nameset_insert_key(name_set *s, char *key)
{
	size_t i = namehash_fnv1a(key, strlen(key)) & (s->cap - 1);

	while (s->slots[i])
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = key;
	s->n++;
}

/* Adds scope+name; false (and nothing added) when it is already there. */
static bool
nameset_add(name_set *s, const char *scope, const char *name)
{
	char *key = xasprintf("%s\x1f%s", scope, name);
	size_t i;

	if (s->cap == 0 || (s->n + 1) * 2 > s->cap)
	{
		name_set bigger = { NULL, s->cap ? s->cap * 2 : 256, 0 };

		bigger.slots = xcalloc(bigger.cap, sizeof(char *));
		for (size_t j = 0; j < s->cap; j++)
			if (s->slots[j])
				nameset_insert_key(&bigger, s->slots[j]);
		free(s->slots);
		*s = bigger;
	}
	i = namehash_fnv1a(key, strlen(key)) & (s->cap - 1);
	while (s->slots[i])
	{
		if (strcmp(s->slots[i], key) == 0)
		{
			free(key);
			return false;
		}
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = key;
	s->n++;
	return true;
}

/* The longest prefix of name within max bytes that does not split a UTF-8 character. */
static size_t
utf8_cut(const char *name, size_t max)
{
	size_t n = strlen(name);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char) name[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/*
 * A name PostgreSQL keeps whole (at most 63 bytes); the caller frees it. A
 * longer one keeps its first bytes and ends in "_" and 8 hex digits of a hash
 * of the whole name: PostgreSQL itself would silently truncate, and two long
 * names with a common start would then collide.
 */
char *
pgschema_ident_shorten(const char *name)
{
	size_t cut;

	if (strlen(name) <= PGSCHEMA_MAX_IDENT)
		return xstrdup(name);
	cut = utf8_cut(name, PGSCHEMA_MAX_IDENT - 9);
	return xasprintf("%.*s_%08x", (int) cut, name, namehash_fnv1a(name, strlen(name)));
}

/* pgschema_ident_shorten(wanted), or with "_2", "_3", ... when that is taken in scope. Caller frees. */
static char *
ident_unique(name_set *set, const char *scope, const char *wanted)
{
	char *base = pgschema_ident_shorten(wanted);
	char *name = xstrdup(base);

	for (int i = 2; !nameset_add(set, scope, name); i++)
	{
		char suffix[16];
		int slen = snprintf(suffix, sizeof(suffix), "_%d", i);
		size_t cut = utf8_cut(base, PGSCHEMA_MAX_IDENT - (size_t) slen);

		free(name);
		name = xasprintf("%.*s%s", (int) cut, base, suffix);
	}
	free(base);
	return name;
}

static void
replace_string(char **field, char *value)
{
	free(*field);
	*field = value;
}

/* The sequence of an auto_increment column that cannot be an identity column. Caller frees. */
static char *
sequence_name(const cat_table *t, const cat_column *col)
{
	char *wanted = xasprintf("%s_%s_seq", t->pg_name, col->pg_name);
	char *name = pgschema_ident_shorten(wanted);

	free(wanted);
	return name;
}

void
pgschema_assign_names(catalog *c)
{
	name_set names = { NULL, 0, 0 };

	/* Tables first, in catalog order, so they keep their own names whenever they can. */
	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];
		char *wanted;
		char *scope;

		replace_string(&t->pg_schema, pgschema_ident_shorten(t->pg_schema ? t->pg_schema : t->schema));
		scope = xasprintf("r:%s", t->pg_schema);
		wanted = pgschema_ident_shorten(t->name);
		replace_string(&t->pg_name, ident_unique(&names, scope, t->name));
		if (strcmp(wanted, t->pg_name) != 0)
			log_warning("table \"%s.%s\" is named \"%s.%s\" in PostgreSQL: another table already has its name there",
						t->schema, t->name, t->pg_schema, t->pg_name);
		free(wanted);
		free(scope);
	}

	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];
		char *rel_scope = xasprintf("r:%s", t->pg_schema);
		char *col_scope = xasprintf("c:%d", i);
		char *con_scope = xasprintf("k:%d", i);

		for (int j = 0; j < t->ncols; j++)
			replace_string(&t->cols[j].pg_name, ident_unique(&names, col_scope, t->cols[j].name));

		/* Reserved before index names, so no index takes a sequence's name. */
		for (int j = 0; j < t->ncols; j++)
		{
			char *seq;

			if (!t->cols[j].auto_increment)
				continue;
			seq = sequence_name(t, &t->cols[j]);
			if (!nameset_add(&names, rel_scope, seq))
				log_warning("sequence name \"%s.%s\" for column \"%s\" of table \"%s.%s\" is already taken",
							t->pg_schema, seq, t->cols[j].name, t->schema, t->name);
			free(seq);
		}
		free(rel_scope);
		free(col_scope);
		free(con_scope);
	}

	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];
		char *rel_scope = xasprintf("r:%s", t->pg_schema);
		char *con_scope = xasprintf("k:%d", i);

		for (int j = 0; j < t->nindexes; j++)
		{
			cat_index *ix = &t->indexes[j];
			char *wanted = ix->primary ? xasprintf("%s_pkey", t->pg_name)
									   : xasprintf("%s_%s", t->pg_name, ix->name);

			replace_string(&ix->pg_name, ident_unique(&names, rel_scope, wanted));
			/* The primary key is also a constraint of the table, like the foreign keys. */
			if (ix->primary)
				nameset_add(&names, con_scope, ix->pg_name);
			free(wanted);
		}
		for (int j = 0; j < t->nfks; j++)
			replace_string(&t->fks[j].pg_name, ident_unique(&names, con_scope, t->fks[j].name));
		free(rel_scope);
		free(con_scope);
	}
	nameset_free(&names);
}

void
pgschema_resolve_types(catalog *c, const type_override *ov, int nov)
{
	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];

		for (int j = 0; j < t->ncols; j++)
		{
			pg_type_release(&t->cols[j].pgtype);
			typemap_resolve(&t->cols[j].type, t->schema, t->name, ov, nov, &t->cols[j].pgtype);
		}
	}
}

/* ---- writing helpers ---- */

/* "-- text" on one line: line breaks in names or expressions must not end the comment early. */
static void
add_comment_text(sbuf *out, const char *text)
{
	for (const char *p = text; *p; p++)
		sbuf_addch(out, (*p == '\n' || *p == '\r') ? ' ' : *p);
}

static void
add_table_name(sbuf *out, const cat_table *t)
{
	quote_pg_qualified(out, t->pg_schema, t->pg_name);
}

static const char *
column_sql_type(const cat_column *col)
{
	return col->pgtype.sql ? col->pgtype.sql : "text";
}

static bool
has_word(const char *haystack, const char *needle)
{
	return haystack && strcasestr(haystack, needle) != NULL;
}

static bool
is_generated(const cat_column *col)
{
	/* Not "DEFAULT_GENERATED", MySQL 8's mark of an expression default. */
	return has_word(col->extra, "VIRTUAL GENERATED") || has_word(col->extra, "STORED GENERATED");
}

static bool
needs_sequence(const cat_column *col)
{
	my_type_kind k = col->type.kind;

	if (!col->auto_increment || col->pgtype.identity_ok || col->pgtype.form == PGV_BOOLEAN)
		return false;
	return k == MYT_TINYINT || k == MYT_SMALLINT || k == MYT_MEDIUMINT || k == MYT_INT ||
		   k == MYT_BIGINT || k == MYT_DECIMAL || k == MYT_FLOAT || k == MYT_DOUBLE;
}

/*
 * Undoes the escapes of a literal as the server shows it in COLUMN_DEFAULT
 * ('x\\y\nz', 'it''s', 'ab\0' for a binary padded with NUL) into out,
 * binary-safe. p is at the opening quote; returns false if it is not closed
 * at the end of the string.
 */
static bool
unescape_my_literal(const char *p, sbuf *out)
{
	const char *end = myliteral_unquote(p, out);

	return end != NULL && *end == '\0';
}

/* A plain number as MariaDB shows numeric defaults: -1.50, 2024, 1e300. */
static bool
is_plain_number(const char *s)
{
	const char *p = s;
	bool digits = false;

	if (*p == '-' || *p == '+')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits = true;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits = true;
	if (digits && (*p == 'e' || *p == 'E'))
	{
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return digits && *p == '\0';
}

static bool
is_numeric_kind(my_type_kind k)
{
	return k == MYT_TINYINT || k == MYT_SMALLINT || k == MYT_MEDIUMINT || k == MYT_INT ||
		   k == MYT_BIGINT || k == MYT_DECIMAL || k == MYT_FLOAT || k == MYT_DOUBLE || k == MYT_YEAR;
}

/* Whether expr (lower case, no spaces) is name, name() or name(N). */
static bool
is_call_of(const char *expr, const char *name, bool bare_ok)
{
	size_t n = strlen(name);
	const char *p;

	if (strncmp(expr, name, n) != 0)
		return false;
	p = expr + n;
	if (*p == '\0')
		return bare_ok;
	if (*p++ != '(')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return p[0] == ')' && p[1] == '\0';
}

/*
 * A default expression PostgreSQL has an equivalent for, or NULL. The time
 * functions only for date and timestamp columns, where the meaning is the
 * same (a datetime gets the session's local time in both).
 */
static const char *
translate_default_expr(const cat_column *col, const char *expr, bool *cast)
{
	char e[64];
	size_t n = 0;
	size_t len = strlen(expr);
	const char *sql = column_sql_type(col);
	bool temporal = strncmp(sql, "timestamp", 9) == 0 || strncmp(sql, "date", 4) == 0;

	/* MySQL 8 shows expression defaults in parentheses; MariaDB without. */
	while (len >= 2 && expr[0] == '(' && expr[len - 1] == ')')
		expr++, len -= 2;
	for (size_t i = 0; i < len && n + 1 < sizeof(e); i++)
		if (expr[i] != ' ')
			e[n++] = (char) ((expr[i] >= 'A' && expr[i] <= 'Z') ? expr[i] + 32 : expr[i]);
	e[n] = '\0';
	*cast = false;
	if (temporal && (is_call_of(e, "current_timestamp", true) || is_call_of(e, "now", false) ||
					 is_call_of(e, "localtimestamp", true) || is_call_of(e, "localtime", true)))
		return "CURRENT_TIMESTAMP";
	if (temporal && (is_call_of(e, "curdate", false) || is_call_of(e, "current_date", true)))
		return "CURRENT_DATE";
	if (strncmp(sql, "timestamp", 9) == 0 && strstr(sql, "without") && is_call_of(e, "utc_timestamp", true))
		return "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
	if (is_call_of(e, "uuid", false))
	{
		/* gen_random_uuid() is in core from PostgreSQL 13. */
		*cast = strcmp(sql, "uuid") != 0;
		return "gen_random_uuid()";
	}
	return NULL;
}

/* Appends before + what + after to the notes of a column, " | " between notes. */
static void
add_note(sbuf *notes, const char *before, const char *what, const char *after)
{
	if (notes->len)
		sbuf_addstr(notes, " | ");
	sbuf_addstr(notes, before);
	if (what)
		sbuf_addstr(notes, what);
	if (after)
		sbuf_addstr(notes, after);
}

/*
 * The DEFAULT clause of a column (with a leading space), or nothing and a
 * note saying what was dropped and why. Literals go through typemap_encode,
 * so a set, a bytea or a year-0 date gets exactly the form its data has.
 */
static void
add_default(const cat_column *col, sbuf *out, sbuf *notes)
{
	const char *v = col->default_value;
	const char *sql = column_sql_type(col);

	if (v == NULL || col->default_is_null || col->auto_increment || is_generated(col) ||
		strcasecmp(v, "NULL") == 0)
		return;

	if (v[0] == '\'')
	{
		sbuf raw = SBUF_INIT;
		sbuf enc = SBUF_INIT;

		if (!unescape_my_literal(v, &raw))
			add_note(notes, "default ", v, " not understood: dropped");
		else if (!typemap_encode(&col->type, col->pgtype.form, raw.data, raw.len, &enc))
			add_note(notes, "zero-date default ", v, " dropped");
		else if (memchr(enc.data, '\0', enc.len) != NULL)
			add_note(notes, "default ", v, " holds a NUL byte, which PostgreSQL text cannot: dropped");
		else
		{
			sbuf_addstr(out, " DEFAULT ");
			quote_pg_literal(out, enc.data, enc.len);
			sbuf_addstr(out, "::");
			sbuf_addstr(out, sql);
		}
		sbuf_release(&raw);
		sbuf_release(&enc);
		return;
	}

	if ((v[0] == 'b' || v[0] == 'B') && v[1] == '\'')
	{
		/* A bit literal; MySQL's b'1' in a bit(3) is 001, and PostgreSQL pads bit strings on the right. */
		const char *bits = v + 2;
		size_t nbits = strspn(bits, "01");
		bool any = memchr(bits, '1', nbits) != NULL;

		if (bits[nbits] != '\'' || bits[nbits + 1] != '\0')
			add_note(notes, "default ", v, " not understood: dropped");
		else if (col->pgtype.form == PGV_BIT_STRING && (int) nbits <= col->type.length)
		{
			sbuf_addstr(out, " DEFAULT B'");
			for (int i = (int) nbits; i < col->type.length; i++)
				sbuf_addch(out, '0');
			sbuf_add(out, bits, nbits);
			sbuf_addch(out, '\'');
		}
		else if (col->pgtype.form == PGV_BOOLEAN)
			sbuf_addstr(out, any ? " DEFAULT true" : " DEFAULT false");
		else
			add_note(notes, "default ", v, " not translated for this type: dropped");
		return;
	}

	if (is_plain_number(v))
	{
		sbuf enc = SBUF_INIT;

		if (col->pgtype.form == PGV_IDENTITY && is_numeric_kind(col->type.kind))
		{
			sbuf_addstr(out, " DEFAULT ");
			sbuf_addstr(out, v);
		}
		else if (typemap_encode(&col->type, col->pgtype.form, v, strlen(v), &enc))
		{
			sbuf_addstr(out, " DEFAULT ");
			quote_pg_literal(out, enc.data, enc.len);
			sbuf_addstr(out, "::");
			sbuf_addstr(out, sql);
		}
		else
			add_note(notes, "zero-date default ", v, " dropped");
		sbuf_release(&enc);
		return;
	}

	{
		bool cast;
		const char *expr = translate_default_expr(col, v, &cast);

		if (expr == NULL)
		{
			add_note(notes, "default ", v, " not translated: dropped");
			return;
		}
		sbuf_addstr(out, " DEFAULT ");
		if (cast)
			sbuf_addstr(out, "CAST(");
		sbuf_addstr(out, expr);
		if (cast)
		{
			sbuf_addstr(out, " AS ");
			sbuf_addstr(out, sql);
			sbuf_addch(out, ')');
		}
	}
}

/* CHECK ("col" IN (...)) for an enum, CHECK ("col" <@ ARRAY[...]::text[]) for a set. */
static void
add_label_check(const cat_column *col, sbuf *out)
{
	bool has_empty = false;

	if (col->type.kind == MYT_ENUM && col->pgtype.form == PGV_IDENTITY && !col->pgtype.overridden)
	{
		sbuf_addstr(out, " CHECK (");
		quote_pg_ident(out, col->pg_name);
		sbuf_addstr(out, " IN (");
		for (int i = 0; i < col->type.nlabels; i++)
		{
			if (col->type.labels[i][0] == '\0')
				has_empty = true;
			if (i > 0)
				sbuf_addstr(out, ", ");
			quote_pg_literal(out, col->type.labels[i], strlen(col->type.labels[i]));
		}

		/*
		 * MySQL stores '' in any ENUM for a value it refused outside strict
		 * mode, so the data can hold it.
		 */
		if (!has_empty)
			sbuf_addstr(out, col->type.nlabels ? ", ''" : "''");
		sbuf_addstr(out, "))");
	}
	else if (col->type.kind == MYT_SET && col->pgtype.form == PGV_SET_ARRAY && !col->pgtype.overridden)
	{
		sbuf_addstr(out, " CHECK (");
		quote_pg_ident(out, col->pg_name);
		sbuf_addstr(out, " <@ ARRAY[");
		for (int i = 0; i < col->type.nlabels; i++)
		{
			if (i > 0)
				sbuf_addstr(out, ", ");
			quote_pg_literal(out, col->type.labels[i], strlen(col->type.labels[i]));
		}
		sbuf_addstr(out, "]::text[])");
	}
}

/* One column line of CREATE TABLE, without the separating comma; notes collects what goes in its comment. */
static void
add_column(const cat_table *t, const cat_column *col, sbuf *out, sbuf *notes)
{
	bool not_null = !col->nullable;
	char num[32];

	sbuf_addch(out, '\t');
	quote_pg_ident(out, col->pg_name);
	sbuf_addch(out, ' ');
	sbuf_addstr(out, column_sql_type(col));

	if (col->auto_increment)
	{
		if (col->pgtype.identity_ok)
			sbuf_addstr(out, " GENERATED BY DEFAULT AS IDENTITY");
		else if (needs_sequence(col))
		{
			sbuf seq = SBUF_INIT;
			char *name = sequence_name(t, col);

			quote_pg_qualified(&seq, t->pg_schema, name);
			sbuf_addstr(out, " DEFAULT nextval(");
			quote_pg_literal(out, seq.data, seq.len);
			sbuf_addstr(out, "::regclass)");
			free(name);
			sbuf_release(&seq);
		}
		else
			add_note(notes, "", "AUTO_INCREMENT not carried over: the overriding type cannot have a sequence", "");
	}

	if (not_null && col->pgtype.may_hold_zero_dates && col->zero_dates_seen > 0)
	{
		snprintf(num, sizeof(num), "%llu", (unsigned long long) col->zero_dates_seen);
		add_note(notes, "NOT NULL dropped: ", num, " zero dates became NULL");
		not_null = false;
	}
	else if (col->pgtype.may_hold_zero_dates && col->zero_dates_seen > 0)
	{
		snprintf(num, sizeof(num), "%llu", (unsigned long long) col->zero_dates_seen);
		add_note(notes, "", num, " zero dates became NULL");
	}
	if (not_null)
		sbuf_addstr(out, " NOT NULL");

	add_default(col, out, notes);
	add_label_check(col, out);

	if (is_generated(col))
		add_note(notes, "generated in MySQL (", has_word(col->extra, "STORED") ? "STORED" : "VIRTUAL",
				 "): a plain column here, holding the copied values");
	if (has_word(col->extra, "on update"))
		add_note(notes, "MySQL: ", strcasestr(col->extra, "on update"), " (not emulated)");
}

/* COMMENT ON COLUMN for the column's comment and, for a generated column, its MySQL expression. */
static void
add_column_comment(const cat_table *t, const cat_column *col, sbuf *out)
{
	sbuf text = SBUF_INIT;

	if (col->comment)
		sbuf_addstr(&text, col->comment);
	if (is_generated(col))
	{
		if (text.len)
			sbuf_addstr(&text, " ");
		sbuf_addf(&text, "[MySQL: GENERATED ALWAYS AS (%s) %s; the values were copied]",
				  col->generation_expression ? col->generation_expression : "?",
				  has_word(col->extra, "STORED") ? "STORED" : "VIRTUAL");
	}
	if (text.len)
	{
		sbuf_addstr(out, "COMMENT ON COLUMN ");
		add_table_name(out, t);
		sbuf_addch(out, '.');
		quote_pg_ident(out, col->pg_name);
		sbuf_addstr(out, " IS ");
		quote_pg_literal(out, text.data, text.len);
		sbuf_addstr(out, ";\n\n");
	}
	sbuf_release(&text);
}

static void
write_table(const cat_table *t, sbuf *out)
{
	sbuf notes = SBUF_INIT;

	/* Sequences of auto_increment columns that cannot be identity columns (numeric(20,0) for bigint unsigned). */
	for (int i = 0; i < t->ncols; i++)
		if (needs_sequence(&t->cols[i]))
		{
			char *name = sequence_name(t, &t->cols[i]);

			sbuf_addstr(out, "-- column \"");
			add_comment_text(out, t->cols[i].pg_name);
			sbuf_addstr(out, "\" is AUTO_INCREMENT with a type an identity column cannot have\n");
			sbuf_addstr(out, "CREATE SEQUENCE ");
			quote_pg_qualified(out, t->pg_schema, name);
			sbuf_addstr(out, ";\n\n");
			free(name);
		}

	sbuf_addstr(out, "-- from MySQL ");
	add_comment_text(out, t->schema);
	sbuf_addch(out, '.');
	add_comment_text(out, t->name);
	if (t->engine)
	{
		sbuf_addstr(out, " (");
		add_comment_text(out, t->engine);
		sbuf_addch(out, ')');
	}
	sbuf_addstr(out, "\nCREATE TABLE ");
	add_table_name(out, t);
	sbuf_addstr(out, " (\n");
	for (int i = 0; i < t->ncols; i++)
	{
		sbuf_reset(&notes);
		add_column(t, &t->cols[i], out, &notes);
		if (i + 1 < t->ncols)
			sbuf_addch(out, ',');
		if (notes.len)
		{
			sbuf_addstr(out, " -- ");
			add_comment_text(out, notes.data);
		}
		sbuf_addch(out, '\n');
	}
	sbuf_addstr(out, ");\n\n");

	for (int i = 0; i < t->ncols; i++)
		if (needs_sequence(&t->cols[i]))
		{
			char *name = sequence_name(t, &t->cols[i]);

			sbuf_addstr(out, "ALTER SEQUENCE ");
			quote_pg_qualified(out, t->pg_schema, name);
			sbuf_addstr(out, " OWNED BY ");
			add_table_name(out, t);
			sbuf_addch(out, '.');
			quote_pg_ident(out, t->cols[i].pg_name);
			sbuf_addstr(out, ";\n\n");
			free(name);
		}

	if (t->comment)
	{
		sbuf_addstr(out, "COMMENT ON TABLE ");
		add_table_name(out, t);
		sbuf_addstr(out, " IS ");
		quote_pg_literal(out, t->comment, strlen(t->comment));
		sbuf_addstr(out, ";\n\n");
	}
	for (int i = 0; i < t->ncols; i++)
		add_column_comment(t, &t->cols[i], out);

	for (int i = 0; i < t->nchecks; i++)
	{
		sbuf_addstr(out, "-- not migrated: CHECK ");
		add_comment_text(out, t->checks[i]);
		sbuf_addstr(out, " of MySQL ");
		add_comment_text(out, t->schema);
		sbuf_addch(out, '.');
		add_comment_text(out, t->name);
		sbuf_addstr(out, " (a MySQL expression; translate it by hand)\n\n");
	}
	sbuf_release(&notes);
}

void
pgschema_write_pre_data(const catalog *c, sbuf *out)
{
	name_set schemas = { NULL, 0, 0 };

	sbuf_addstr(out,
				"-- pre-data.sql: PostgreSQL tables for the MySQL source, written by chameleon-c; run before the data.\n"
				"-- You may edit it before cham-load: the data files need each table with its columns, in this\n"
				"-- order, with types that read the same text. Primary keys, indexes and foreign keys are in\n"
				"-- post-data.sql, created after the data is loaded.\n\n");

	for (int i = 0; i < c->ntables; i++)
		if (nameset_add(&schemas, "", c->tables[i].pg_schema))
		{
			sbuf_addstr(out, "CREATE SCHEMA IF NOT EXISTS ");
			quote_pg_ident(out, c->tables[i].pg_schema);
			sbuf_addstr(out, ";\n\n");
		}
	nameset_free(&schemas);

	for (int i = 0; i < c->ntables; i++)
		write_table(&c->tables[i], out);

	if (c->nobjects > 0)
	{
		sbuf_addstr(out, "-- Not migrated (recreate them by hand in PostgreSQL if they are needed):\n");
		for (int i = 0; i < c->nobjects; i++)
		{
			const cat_object *o = &c->objects[i];

			sbuf_addstr(out, "--   ");
			add_comment_text(out, o->kind ? o->kind : "OBJECT");
			sbuf_addch(out, ' ');
			add_comment_text(out, o->schema ? o->schema : "");
			sbuf_addch(out, '.');
			add_comment_text(out, o->name ? o->name : "");
			sbuf_addch(out, '\n');
		}
	}
}

/* ---- post-data ---- */

static bool
is_bytea(const cat_column *col)
{
	return strcmp(column_sql_type(col), "bytea") == 0;
}

static bool
is_geometry(const cat_column *col)
{
	return col->type.kind == MYT_GEOMETRY && col->pgtype.form == PGV_BYTEA_HEX && is_bytea(col);
}

/*
 * The parenthesised column list of an index into out. A MySQL prefix part
 * col(N) indexes the first N characters (bytes for binary strings); the
 * expressions left() and substring() index exactly that, also for UNIQUE.
 * Returns false when a column is unknown (a MySQL 8 functional part).
 */
static bool
add_index_parts(const cat_table *t, const cat_index *ix, sbuf *out, bool *prefixed)
{
	*prefixed = false;
	sbuf_addstr(out, " (");
	for (int i = 0; i < ix->ncols; i++)
	{
		const cat_column *col = ix->columns[i] ? catalog_find_column(t, ix->columns[i]) : NULL;
		int sub = ix->sub_part ? ix->sub_part[i] : 0;

		if (col == NULL)
			return false;
		if (i > 0)
			sbuf_addstr(out, ", ");
		if (sub > 0)
		{
			const char *sql = column_sql_type(col);

			*prefixed = true;
			if (is_bytea(col))
			{
				sbuf_addstr(out, "(substring(");
				quote_pg_ident(out, col->pg_name);
				sbuf_addf(out, " from 1 for %d))", sub);
			}
			else
			{
				sbuf_addstr(out, "(left(");
				quote_pg_ident(out, col->pg_name);
				if (strncmp(sql, "json", 4) == 0)
					sbuf_addstr(out, "::text");
				sbuf_addf(out, ", %d))", sub);
			}
		}
		else
			quote_pg_ident(out, col->pg_name);
	}
	sbuf_addch(out, ')');
	return true;
}

static void
skip_index_note(const cat_table *t, const cat_index *ix, const char *why, sbuf *out)
{
	sbuf_addstr(out, "-- index \"");
	add_comment_text(out, ix->name);
	sbuf_addstr(out, "\" of MySQL ");
	add_comment_text(out, t->schema);
	sbuf_addch(out, '.');
	add_comment_text(out, t->name);
	sbuf_addstr(out, " not created: ");
	sbuf_addstr(out, why);
	sbuf_addstr(out, "\n\n");
}

static bool
is_index_type(const cat_index *ix, const char *type)
{
	return ix->index_type && strcasecmp(ix->index_type, type) == 0;
}

/* CREATE [UNIQUE] INDEX for a btree/hash index, or the unique index standing in for a prefixed primary key. */
static void
write_btree_index(const cat_table *t, const cat_index *ix, sbuf *out)
{
	sbuf stmt = SBUF_INIT;
	bool prefixed;

	sbuf_addstr(&stmt, (ix->unique || ix->primary) ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	quote_pg_ident(&stmt, ix->pg_name);
	sbuf_addstr(&stmt, " ON ");
	add_table_name(&stmt, t);
	if (!add_index_parts(t, ix, &stmt, &prefixed))
	{
		skip_index_note(t, ix, "it has a part that is not a plain column (an expression)", out);
		sbuf_release(&stmt);
		return;
	}
	if (ix->primary)
		sbuf_addstr(out, "-- the MySQL primary key indexes column prefixes, which a PostgreSQL primary key\n"
						 "-- cannot: a unique index on the same prefixes enforces the same rule\n");
	else if (prefixed)
		sbuf_addstr(out, "-- MySQL indexes a prefix of some columns: left() and substring() index the same\n"
						 "-- prefix, so a UNIQUE index stays exactly as strict\n");
	sbuf_add(out, stmt.data, stmt.len);
	sbuf_addstr(out, ";\n\n");
	sbuf_release(&stmt);
}

static void
write_primary_key(const cat_table *t, const cat_index *ix, sbuf *out)
{
	sbuf stmt = SBUF_INIT;
	bool prefixed;

	sbuf_addstr(&stmt, "ALTER TABLE ");
	add_table_name(&stmt, t);
	sbuf_addstr(&stmt, " ADD CONSTRAINT ");
	quote_pg_ident(&stmt, ix->pg_name);
	sbuf_addstr(&stmt, " PRIMARY KEY");
	if (!add_index_parts(t, ix, &stmt, &prefixed))
		skip_index_note(t, ix, "it has a part that is not a plain column", out);
	else if (prefixed)
		write_btree_index(t, ix, out);
	else
	{
		sbuf_add(out, stmt.data, stmt.len);
		sbuf_addstr(out, ";\n\n");
	}
	sbuf_release(&stmt);
}

/* A GIN index on the words of the columns, as MySQL's FULLTEXT finds them. */
static void
write_fulltext_index(const cat_table *t, const cat_index *ix, sbuf *out)
{
	sbuf stmt = SBUF_INIT;

	sbuf_addstr(&stmt, "CREATE INDEX ");
	quote_pg_ident(&stmt, ix->pg_name);
	sbuf_addstr(&stmt, " ON ");
	add_table_name(&stmt, t);
	sbuf_addstr(&stmt, " USING gin ((to_tsvector('simple'::regconfig, ");
	for (int i = 0; i < ix->ncols; i++)
	{
		const cat_column *col = ix->columns[i] ? catalog_find_column(t, ix->columns[i]) : NULL;

		if (col == NULL)
		{
			skip_index_note(t, ix, "a column is unknown", out);
			sbuf_release(&stmt);
			return;
		}
		if (i > 0)
			sbuf_addstr(&stmt, " || ' ' || ");
		sbuf_addstr(&stmt, "coalesce(");
		quote_pg_ident(&stmt, col->pg_name);
		sbuf_addstr(&stmt, "::text, '')");
	}
	sbuf_addstr(&stmt, ")))");
	sbuf_addstr(out, "-- MySQL FULLTEXT index: queries use it through this same to_tsvector('simple'::regconfig, ...) expression\n");
	sbuf_add(out, stmt.data, stmt.len);
	sbuf_addstr(out, ";\n\n");
	sbuf_release(&stmt);
}

/* The schema-qualified index name, for COMMENT ON INDEX. */
static void
add_index_name(const cat_table *t, const cat_index *ix, sbuf *out)
{
	quote_pg_qualified(out, t->pg_schema, ix->pg_name);
}

/*
 * The geometry columns stay bytea unless PostGIS is in the target: MySQL's
 * value is a 4-byte little-endian SRID followed by WKB, which PostGIS reads
 * once the SRID is peeled off. Spatial indexes need the geometry type, so
 * they are built here too. One DO block, so a loader runs it as one statement.
 */
static void
write_geometry_block(const catalog *c, sbuf *out)
{
	sbuf body = SBUF_INIT;
	int ncols = 0;
	char tag[32] = "$chameleon$";

	for (int i = 0; i < c->ntables; i++)
	{
		const cat_table *t = &c->tables[i];
		bool first = true;

		for (int j = 0; j < t->ncols; j++)
		{
			const cat_column *col = &t->cols[j];

			if (!is_geometry(col))
				continue;
			if (first)
			{
				sbuf_addstr(&body, "\t\tALTER TABLE ");
				add_table_name(&body, t);
				first = false;
			}
			else
				sbuf_addch(&body, ',');
			sbuf_addstr(&body, "\n\t\t\tALTER COLUMN ");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, " TYPE geometry USING ST_SetSRID(ST_GeomFromWKB(substring(");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, " from 5)), get_byte(");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, ", 0) | (get_byte(");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, ", 1) << 8) | (get_byte(");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, ", 2) << 16) | (get_byte(");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, ", 3) << 24))");
			ncols++;
		}
		if (!first)
			sbuf_addstr(&body, ";\n");
	}
	for (int i = 0; i < c->ntables; i++)
	{
		const cat_table *t = &c->tables[i];

		for (int j = 0; j < t->nindexes; j++)
		{
			const cat_index *ix = &t->indexes[j];
			const cat_column *col;

			if (!is_index_type(ix, "SPATIAL") || ix->ncols != 1)
				continue;
			col = catalog_find_column(t, ix->columns[0]);
			if (col == NULL || !is_geometry(col))
				continue;
			sbuf_addstr(&body, "\t\tCREATE INDEX ");
			quote_pg_ident(&body, ix->pg_name);
			sbuf_addstr(&body, " ON ");
			add_table_name(&body, t);
			sbuf_addstr(&body, " USING gist (");
			quote_pg_ident(&body, col->pg_name);
			sbuf_addstr(&body, ");\n");
			if (ix->comment && ix->comment[0])
			{
				sbuf_addstr(&body, "\t\tCOMMENT ON INDEX ");
				add_index_name(t, ix, &body);
				sbuf_addstr(&body, " IS ");
				quote_pg_literal(&body, ix->comment, strlen(ix->comment));
				sbuf_addstr(&body, ";\n");
			}
		}
	}
	if (ncols == 0)
	{
		sbuf_release(&body);
		return;
	}

	/* A dollar-quote tag the body does not contain (a column could be named after it). */
	for (int n = 1; strstr(body.data, tag) != NULL; n++)
		snprintf(tag, sizeof(tag), "$chameleon%d$", n);

	sbuf_addstr(out, "-- section: geometry\n");
	sbuf_addf(out, "DO %s\nBEGIN\n", tag);
	sbuf_addstr(out, "\tIF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis') THEN\n");
	sbuf_add(out, body.data, body.len);
	sbuf_addstr(out, "\tELSE\n");
	sbuf_addf(out, "\t\tRAISE NOTICE 'PostGIS is not installed: %d geometry columns stay bytea holding MySQL''s value "
				   "(a 4-byte little-endian SRID, then WKB), and their spatial indexes are not built';\n",
			  ncols);
	sbuf_addstr(out, "\tEND IF;\nEND\n");
	sbuf_addstr(out, tag);
	sbuf_addstr(out, ";\n\n");
	sbuf_release(&body);
}

static const char *
fk_rule(const char *rule)
{
	static const char *const rules[] = { "RESTRICT", "NO ACTION", "CASCADE", "SET NULL", "SET DEFAULT" };

	if (rule == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcasecmp(rule, rules[i]) == 0)
			return rules[i];
	return NULL;
}

/* Whether cols of t are exactly the columns of its primary key or of a whole-column unique index. */
static bool
has_unique_on(const cat_table *t, char *const *cols, int ncols)
{
	for (int i = 0; i < t->nindexes; i++)
	{
		const cat_index *ix = &t->indexes[i];
		bool same = ix->ncols == ncols && (ix->primary || ix->unique);

		for (int j = 0; same && j < ix->ncols; j++)
		{
			bool found = false;

			if (ix->sub_part && ix->sub_part[j] > 0)
				same = false;
			for (int k = 0; same && k < ncols; k++)
				if (ix->columns[j] && strcmp(ix->columns[j], cols[k]) == 0)
					found = true;
			same = same && found;
		}
		if (same)
			return true;
	}
	return false;
}

static void
skip_fk_note(const cat_table *t, const cat_fk *fk, const char *why, sbuf *out)
{
	sbuf_addstr(out, "-- foreign key \"");
	add_comment_text(out, fk->name);
	sbuf_addstr(out, "\" of MySQL ");
	add_comment_text(out, t->schema);
	sbuf_addch(out, '.');
	add_comment_text(out, t->name);
	sbuf_addstr(out, " not created: ");
	sbuf_addstr(out, why);
	sbuf_addstr(out, "\n\n");
}

/*
 * NOT VALID: the data came from a database that enforced the key, so
 * checking every row now would only cost time; cham-detach validates later.
 */
static void
write_foreign_key(const catalog *c, const cat_table *t, const cat_fk *fk, sbuf *out)
{
	const cat_table *ref = catalog_find_table(c, fk->ref_schema, fk->ref_table);
	sbuf stmt = SBUF_INIT;
	const char *rule;

	if (ref == NULL)
	{
		skip_fk_note(t, fk, "the table it references is not migrated", out);
		return;
	}
	if (!has_unique_on(ref, fk->ref_columns, fk->ncols))
	{
		skip_fk_note(t, fk, "PostgreSQL needs a primary key or unique index on the referenced columns, "
							"and MySQL had none",
					 out);
		return;
	}
	sbuf_addstr(&stmt, "ALTER TABLE ");
	add_table_name(&stmt, t);
	sbuf_addstr(&stmt, " ADD CONSTRAINT ");
	quote_pg_ident(&stmt, fk->pg_name);
	sbuf_addstr(&stmt, " FOREIGN KEY (");
	for (int i = 0; i < fk->ncols; i++)
	{
		const cat_column *col = catalog_find_column(t, fk->columns[i]);

		if (col == NULL)
		{
			skip_fk_note(t, fk, "a column is unknown", out);
			sbuf_release(&stmt);
			return;
		}
		if (i > 0)
			sbuf_addstr(&stmt, ", ");
		quote_pg_ident(&stmt, col->pg_name);
	}
	sbuf_addstr(&stmt, ") REFERENCES ");
	add_table_name(&stmt, ref);
	sbuf_addstr(&stmt, " (");
	for (int i = 0; i < fk->ncols; i++)
	{
		const cat_column *col = catalog_find_column(ref, fk->ref_columns[i]);

		if (col == NULL)
		{
			skip_fk_note(t, fk, "a referenced column is unknown", out);
			sbuf_release(&stmt);
			return;
		}
		if (i > 0)
			sbuf_addstr(&stmt, ", ");
		quote_pg_ident(&stmt, col->pg_name);
	}
	sbuf_addch(&stmt, ')');
	if ((rule = fk_rule(fk->on_delete)) != NULL)
		sbuf_addf(&stmt, " ON DELETE %s", rule);
	if ((rule = fk_rule(fk->on_update)) != NULL)
		sbuf_addf(&stmt, " ON UPDATE %s", rule);
	sbuf_addstr(&stmt, " NOT VALID");
	sbuf_add(out, stmt.data, stmt.len);
	sbuf_addstr(out, ";\n\n");
	sbuf_release(&stmt);
}

/*
 * The next value of an auto_increment column, as the source's AUTO_INCREMENT
 * says; cham-detach later moves it past the largest value replicated.
 */
static void
write_restart(const cat_table *t, sbuf *out)
{
	const cat_column *col = NULL;

	for (int i = 0; i < t->ncols && col == NULL; i++)
		if (t->cols[i].auto_increment)
			col = &t->cols[i];
	if (col == NULL || t->auto_increment <= 1)
		return;
	if (t->auto_increment > (uint64_t) INT64_MAX)
	{
		sbuf_addstr(out, "-- the AUTO_INCREMENT of ");
		add_comment_text(out, t->schema);
		sbuf_addch(out, '.');
		add_comment_text(out, t->name);
		sbuf_addf(out, " (%llu) is past what a PostgreSQL sequence can reach\n\n",
				  (unsigned long long) t->auto_increment);
		return;
	}
	if (col->pgtype.identity_ok)
	{
		sbuf_addstr(out, "ALTER TABLE ");
		add_table_name(out, t);
		sbuf_addstr(out, " ALTER COLUMN ");
		quote_pg_ident(out, col->pg_name);
	}
	else if (needs_sequence(col))
	{
		char *name = sequence_name(t, col);

		sbuf_addstr(out, "ALTER SEQUENCE ");
		quote_pg_qualified(out, t->pg_schema, name);
		free(name);
	}
	else
		return;
	sbuf_addf(out, " RESTART WITH %llu;\n\n", (unsigned long long) t->auto_increment);
}

void
pgschema_write_post_data(const catalog *c, sbuf *out)
{
	sbuf_addstr(out,
				"-- post-data.sql: keys and indexes for the tables of pre-data.sql, written by chameleon-c; run after the data.\n"
				"-- Each statement ends with a semicolon and a blank line. Statements of one section may run in\n"
				"-- parallel; a section starts after the one before it has finished (foreign keys need the\n"
				"-- referenced keys). Foreign keys are NOT VALID: the source enforced them; validate them later.\n\n");

	sbuf_addstr(out, "-- section: primary-keys\n");
	for (int i = 0; i < c->ntables; i++)
	{
		const cat_index *pk = catalog_primary_key(&c->tables[i]);

		if (pk)
			write_primary_key(&c->tables[i], pk, out);
	}

	sbuf_addstr(out, "-- section: indexes\n");
	for (int i = 0; i < c->ntables; i++)
	{
		const cat_table *t = &c->tables[i];

		for (int j = 0; j < t->nindexes; j++)
		{
			const cat_index *ix = &t->indexes[j];

			if (ix->primary || is_index_type(ix, "SPATIAL"))
				continue;
			if (is_index_type(ix, "FULLTEXT"))
				write_fulltext_index(t, ix, out);
			else
				write_btree_index(t, ix, out);
		}
	}

	write_geometry_block(c, out);

	sbuf_addstr(out, "-- section: foreign-keys\n");
	for (int i = 0; i < c->ntables; i++)
	{
		const cat_table *t = &c->tables[i];

		for (int j = 0; j < t->nfks; j++)
			write_foreign_key(c, t, &t->fks[j], out);
	}

	sbuf_addstr(out, "-- section: finish\n");
	for (int i = 0; i < c->ntables; i++)
	{
		const cat_table *t = &c->tables[i];

		write_restart(t, out);
		for (int j = 0; j < t->nindexes; j++)
		{
			const cat_index *ix = &t->indexes[j];

			/* Spatial index comments are in the geometry block: the index may not exist. */
			if (ix->comment == NULL || ix->comment[0] == '\0' || is_index_type(ix, "SPATIAL"))
				continue;
			sbuf_addstr(out, "COMMENT ON INDEX ");
			add_index_name(t, ix, out);
			sbuf_addstr(out, " IS ");
			quote_pg_literal(out, ix->comment, strlen(ix->comment));
			sbuf_addstr(out, ";\n\n");
		}
	}
}
