/* myschema.c: reading the source schema from MySQL's information_schema. */
#include "myschema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logging.h"
#include "quote.h"
#include "sbuf.h"
#include "xalloc.h"

#define SYSTEM_SCHEMAS "'mysql','information_schema','performance_schema','sys'"

/* Appends the WHERE condition on a schema column that every query shares. */
static void
add_schema_condition(sbuf *sql, const char *column, const char *schema)
{
	sbuf_addf(sql, " WHERE %s ", column);
	if (schema)
	{
		sbuf_addstr(sql, "= ");
		quote_my_literal(sql, schema);
	}
	else
		sbuf_addstr(sql, "NOT IN (" SYSTEM_SCHEMAS ")");
}

static char *
dup_or_null(const char *s, unsigned long len)
{
	return s ? xstrndup(s, len) : NULL;
}

static int
compare_tables(const void *a, const void *b)
{
	const cat_table *x = a;
	const cat_table *y = b;
	int r = strcmp(x->schema, y->schema);

	return r ? r : strcmp(x->name, y->name);
}

/* The table a catalog row belongs to, by exact bytes, or NULL (not selected). */
static cat_table *
lookup(catalog *c, const char *schema, const char *name)
{
	cat_table key = { .schema = (char *) schema, .name = (char *) name };

	if (c->ntables == 0)
		return NULL;
	return bsearch(&key, c->tables, (size_t) c->ntables, sizeof(cat_table), compare_tables);
}

static bool
read_tables(myconn *conn, const char *schema, const tablefilter *filter, catalog *c)
{
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;
	int cap = 0;

	sbuf_addstr(&sql, "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE, TABLE_COMMENT, AUTO_INCREMENT, "
					  "TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES");
	add_schema_condition(&sql, "TABLE_SCHEMA", schema);
	sbuf_addstr(&sql, " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')");
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	while (myresult_next(&r, &row, &len, &failed))
	{
		cat_table *t;

		if (!tablefilter_match(filter, row[0], row[1]))
			continue;
		if (c->ntables == cap)
		{
			cap = cap ? cap * 2 : 16;
			c->tables = xrealloc(c->tables, sizeof(cat_table) * (size_t) cap);
		}
		t = &c->tables[c->ntables++];
		memset(t, 0, sizeof(*t));
		t->schema = xstrndup(row[0], len[0]);
		t->name = xstrndup(row[1], len[1]);
		t->engine = dup_or_null(row[2], len[2]);
		t->comment = (row[3] && len[3]) ? xstrndup(row[3], len[3]) : NULL;
		t->auto_increment = row[4] ? strtoull(row[4], NULL, 10) : 0;
		t->row_estimate = row[5] ? strtoull(row[5], NULL, 10) : 0;
		t->data_length = row[6] ? strtoull(row[6], NULL, 10) : 0;
	}
	myresult_free(&r);
	sbuf_release(&sql);
	if (failed)
		return false;
	if (c->ntables > 1)
		qsort(c->tables, (size_t) c->ntables, sizeof(cat_table), compare_tables);
	return true;
}

/*
 * MariaDB's JSON is a LONGTEXT with a json_valid() check named after the
 * column; MySQL has a real JSON type. Marks those columns, and keeps the
 * other checks of the table so the user is told they were not migrated.
 */
static bool
read_checks(myconn *conn, const char *schema, catalog *c)
{
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	if (!conn->is_mariadb)
		return true;
	sbuf_addstr(&sql, "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
					  "FROM information_schema.CHECK_CONSTRAINTS");
	add_schema_condition(&sql, "CONSTRAINT_SCHEMA", schema);
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	while (myresult_next(&r, &row, &len, &failed))
	{
		cat_table *t = lookup(c, row[0], row[1]);
		sbuf json_check = SBUF_INIT;
		bool is_json = false;

		if (t == NULL || row[3] == NULL)
			continue;
		sbuf_addstr(&json_check, "json_valid(");
		quote_my_ident(&json_check, row[2]);
		sbuf_addch(&json_check, ')');
		if (strcasecmp(row[3], json_check.data) == 0)
		{
			for (int i = 0; i < t->ncols; i++)
				if (strcmp(t->cols[i].name, row[2]) == 0)
				{
					t->cols[i].is_json = true;
					is_json = true;
				}
		}
		sbuf_release(&json_check);
		if (!is_json)
		{
			t->checks = xrealloc(t->checks, sizeof(char *) * (size_t) (t->nchecks + 1));
			t->checks[t->nchecks++] = xstrndup(row[3], len[3]);
		}
	}
	myresult_free(&r);
	sbuf_release(&sql);
	return !failed;
}

static bool
read_columns(myconn *conn, const char *schema, catalog *c)
{
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	sbuf_addstr(&sql, "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
					  "COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, CHARACTER_SET_NAME, "
					  "COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS");
	add_schema_condition(&sql, "TABLE_SCHEMA", schema);
	sbuf_addstr(&sql, " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION");
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	while (myresult_next(&r, &row, &len, &failed))
	{
		cat_table *t = lookup(c, row[0], row[1]);
		cat_column *col;

		if (t == NULL)
			continue;
		t->cols = xrealloc(t->cols, sizeof(cat_column) * (size_t) (t->ncols + 1));
		col = &t->cols[t->ncols++];
		memset(col, 0, sizeof(*col));
		col->name = xstrndup(row[2], len[2]);
		col->column_type = xstrndup(row[3], len[3]);
		col->nullable = row[4] && strcmp(row[4], "YES") == 0;
		/* MariaDB shows an explicit DEFAULT NULL as the word NULL; MySQL as SQL NULL. */
		if (row[5] && strcmp(row[5], "NULL") == 0 && conn->is_mariadb)
			col->default_is_null = true;
		else
			col->default_value = dup_or_null(row[5], len[5]);
		col->extra = dup_or_null(row[6], len[6]);
		col->generation_expression = (row[7] && len[7]) ? xstrndup(row[7], len[7]) : NULL;
		col->charset = dup_or_null(row[8], len[8]);
		col->collation = dup_or_null(row[9], len[9]);
		col->comment = (row[10] && len[10]) ? xstrndup(row[10], len[10]) : NULL;
		col->auto_increment = col->extra && strcasestr(col->extra, "auto_increment") != NULL;
	}
	myresult_free(&r);
	sbuf_release(&sql);
	return !failed;
}

/*
 * MySQL 8 shows a literal default bare ('abc' as abc) where MariaDB quotes
 * it; an expression default is marked DEFAULT_GENERATED in EXTRA. Literals
 * of non-numeric columns are put in MariaDB's form, which pgschema reads.
 */
static void
quote_mysql8_default(cat_column *col)
{
	sbuf quoted = SBUF_INIT;

	if (typemap_kind_is_numeric(col->type.kind) || col->type.kind == MYT_BIT)
		return;
	if (col->default_value == NULL || (col->extra && strcasestr(col->extra, "DEFAULT_GENERATED")))
		return;
	sbuf_addch(&quoted, '\'');
	for (const char *p = col->default_value; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			sbuf_addch(&quoted, *p);
		sbuf_addch(&quoted, *p);
	}
	sbuf_addch(&quoted, '\'');
	free(col->default_value);
	col->default_value = sbuf_detach(&quoted, NULL);
}

static bool
parse_types(catalog *c, bool is_mariadb)
{
	sbuf err = SBUF_INIT;

	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];

		for (int j = 0; j < t->ncols; j++)
		{
			cat_column *col = &t->cols[j];

			if (!typemap_parse(col->column_type, col->is_json, &col->type, &err))
			{
				log_error("column \"%s\" of table \"%s.%s\" has a type that cannot be migrated: %s",
						  col->name, t->schema, t->name, err.data);
				sbuf_release(&err);
				return false;
			}
			if (!is_mariadb)
				quote_mysql8_default(col);
		}
	}
	sbuf_release(&err);
	return true;
}

static bool
read_indexes(myconn *conn, const char *schema, catalog *c)
{
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	/* Rows of one index arrive together and in column order. */
	sbuf_addstr(&sql, "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, "
					  "SUB_PART, INDEX_TYPE, INDEX_COMMENT FROM information_schema.STATISTICS");
	add_schema_condition(&sql, "TABLE_SCHEMA", schema);
	sbuf_addstr(&sql, " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX");
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	while (myresult_next(&r, &row, &len, &failed))
	{
		cat_table *t = lookup(c, row[0], row[1]);
		cat_index *ix = NULL;

		if (t == NULL)
			continue;
		if (row[4] == NULL)
		{
			log_warning("index \"%s\" of table \"%s.%s\" is on an expression and is not migrated",
						row[2], t->schema, t->name);
			continue;
		}
		for (int i = 0; i < t->nindexes; i++)
			if (strcmp(t->indexes[i].name, row[2]) == 0)
				ix = &t->indexes[i];
		if (ix == NULL)
		{
			t->indexes = xrealloc(t->indexes, sizeof(cat_index) * (size_t) (t->nindexes + 1));
			ix = &t->indexes[t->nindexes++];
			memset(ix, 0, sizeof(*ix));
			ix->name = xstrndup(row[2], len[2]);
			ix->primary = strcmp(row[2], "PRIMARY") == 0;
			ix->unique = row[3] && strcmp(row[3], "0") == 0;
			ix->index_type = dup_or_null(row[6], len[6]);
			ix->comment = (row[7] && len[7]) ? xstrndup(row[7], len[7]) : NULL;
		}
		ix->columns = xrealloc(ix->columns, sizeof(char *) * (size_t) (ix->ncols + 1));
		ix->sub_part = xrealloc(ix->sub_part, sizeof(int) * (size_t) (ix->ncols + 1));
		ix->columns[ix->ncols] = xstrndup(row[4], len[4]);
		ix->sub_part[ix->ncols] = row[5] ? atoi(row[5]) : 0;
		ix->ncols++;
	}
	myresult_free(&r);
	sbuf_release(&sql);
	if (failed)
		return false;

	/* The primary key goes first, whatever order the server's collation gave. */
	for (int i = 0; i < c->ntables; i++)
	{
		cat_table *t = &c->tables[i];

		for (int j = 1; j < t->nindexes; j++)
			if (t->indexes[j].primary)
			{
				cat_index pk = t->indexes[j];

				memmove(&t->indexes[1], &t->indexes[0], sizeof(cat_index) * (size_t) j);
				t->indexes[0] = pk;
			}
	}
	return true;
}

static bool
read_foreign_keys(myconn *conn, const char *schema, catalog *c)
{
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	sbuf_addstr(&sql, "SELECT k.CONSTRAINT_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
					  "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
					  "rc.UPDATE_RULE, rc.DELETE_RULE "
					  "FROM information_schema.KEY_COLUMN_USAGE k "
					  "JOIN information_schema.REFERENTIAL_CONSTRAINTS rc "
					  "ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.TABLE_NAME = k.TABLE_NAME "
					  "AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME");
	add_schema_condition(&sql, "k.CONSTRAINT_SCHEMA", schema);
	sbuf_addstr(&sql, " AND k.REFERENCED_TABLE_NAME IS NOT NULL "
					  "ORDER BY k.CONSTRAINT_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	while (myresult_next(&r, &row, &len, &failed))
	{
		cat_table *t = lookup(c, row[0], row[1]);
		cat_fk *fk = NULL;

		if (t == NULL)
			continue;
		if (lookup(c, row[4], row[5]) == NULL)
		{
			log_info("foreign key \"%s\" of table \"%s.%s\" references \"%s.%s\", which is not selected: the key is left out",
					 row[2], t->schema, t->name, row[4], row[5]);
			continue;
		}
		for (int i = 0; i < t->nfks; i++)
			if (strcmp(t->fks[i].name, row[2]) == 0)
				fk = &t->fks[i];
		if (fk == NULL)
		{
			t->fks = xrealloc(t->fks, sizeof(cat_fk) * (size_t) (t->nfks + 1));
			fk = &t->fks[t->nfks++];
			memset(fk, 0, sizeof(*fk));
			fk->name = xstrndup(row[2], len[2]);
			fk->ref_schema = xstrndup(row[4], len[4]);
			fk->ref_table = xstrndup(row[5], len[5]);
			fk->on_update = dup_or_null(row[7], len[7]);
			fk->on_delete = dup_or_null(row[8], len[8]);
		}
		fk->columns = xrealloc(fk->columns, sizeof(char *) * (size_t) (fk->ncols + 1));
		fk->ref_columns = xrealloc(fk->ref_columns, sizeof(char *) * (size_t) (fk->ncols + 1));
		fk->columns[fk->ncols] = xstrndup(row[3], len[3]);
		fk->ref_columns[fk->ncols] = xstrndup(row[6], len[6]);
		fk->ncols++;
	}
	myresult_free(&r);
	sbuf_release(&sql);
	return !failed;
}

static bool
read_objects(myconn *conn, const char *schema, const tablefilter *filter, catalog *c)
{
	static const char *const queries[][3] = {
		{ "VIEW", "TABLE_SCHEMA", "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.VIEWS" },
		{ "TRIGGER", "TRIGGER_SCHEMA", "SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS" },
		{ "ROUTINE", "ROUTINE_SCHEMA", "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES" },
		{ "EVENT", "EVENT_SCHEMA", "SELECT EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS" },
	};

	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
	{
		sbuf sql = SBUF_INIT;
		myresult r;
		char **row;
		unsigned long *len;
		bool failed;

		sbuf_addstr(&sql, queries[q][2]);
		add_schema_condition(&sql, queries[q][1], schema);
		if (!myconn_query(conn, sql.data, &r))
		{
			sbuf_release(&sql);
			return false;
		}
		while (myresult_next(&r, &row, &len, &failed))
		{
			cat_object *o;

			/* A view or trigger is listed when its schema is part of the migration. */
			if (filter->ninclude > 0 && !tablefilter_match(filter, row[0], row[1]))
			{
				bool schema_selected = false;

				for (int i = 0; i < c->ntables && !schema_selected; i++)
					schema_selected = strcmp(c->tables[i].schema, row[0]) == 0;
				if (!schema_selected)
					continue;
			}
			c->objects = xrealloc(c->objects, sizeof(cat_object) * (size_t) (c->nobjects + 1));
			o = &c->objects[c->nobjects++];
			o->schema = xstrndup(row[0], len[0]);
			o->name = xstrndup(row[1], len[1]);
			o->kind = xstrdup(r.nfields > 2 && row[2] ? row[2] : queries[q][0]);
		}
		myresult_free(&r);
		sbuf_release(&sql);
		if (failed)
			return false;
	}
	return true;
}

/* MySQL hides triggers from a user without the TRIGGER privilege: say so rather than list none. */
static void
warn_hidden_triggers(myconn *conn)
{
	char *count = NULL;

	if (!myconn_query_value(conn, "SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES "
								  "WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE = " MYCONN_CURRENT_GRANTEE ") + "
								  "(SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES "
								  "WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE = " MYCONN_CURRENT_GRANTEE ")",
							&count, NULL))
		return;
	if (count && strcmp(count, "0") == 0)
		log_warning("the user has no TRIGGER privilege, so MySQL does not show it the triggers: "
					"any there are will not be listed among the objects not migrated");
	free(count);
}

bool
myschema_read(myconn *c, const char *schema, const tablefilter *filter, bool with_objects, catalog *out)
{
	memset(out, 0, sizeof(*out));
	if (read_tables(c, schema, filter, out) &&
		read_columns(c, schema, out) &&
		read_checks(c, schema, out) &&
		parse_types(out, c->is_mariadb) &&
		read_indexes(c, schema, out) &&
		read_foreign_keys(c, schema, out) &&
		(!with_objects || read_objects(c, schema, filter, out)))
	{
		if (with_objects)
			warn_hidden_triggers(c);
		return true;
	}
	catalog_release(out);
	return false;
}
