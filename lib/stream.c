/* stream.c: cham-stream's work: the source's binlog as the event stream of JSON Lines. */
#include "stream.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "binlog.h"
#include "binlogrow.h"
#include "catalog.h"
#include "eventw.h"
#include "jsonw.h"
#include "logging.h"
#include "myconn.h"
#include "myrepl.h"
#include "myschema.h"
#include "pgschema.h"
#include "preflight.h"
#include "sbuf.h"
#include "xalloc.h"

/* The output is written when this much is pending, and at every transaction's end. */
#define FLUSH_BYTES (1 << 20)
/* The server's heartbeat period: also how soon a stop request is seen while idle. */
#define SERVER_HEARTBEAT_SECONDS 1
/* ER_MASTER_FATAL_ERROR_READING_BINLOG: a start position the server does not have. */
#define ER_BINLOG_POSITION 1236

/* What the stream knows of one table id: its TABLE_MAP and how to encode its values. */
typedef struct stream_table
{
	uint64_t table_id;
	binlog_table_map tm; /* owned */
	bool selected;
	const cat_table *cat; /* the catalog's table when its columns match the binlog's, else NULL */
	my_type *types;		  /* owned: per column, from the catalog or the binlog's metadata */
	pg_type *pgtypes;	  /* owned */
	char **names;		  /* owned: per column */
	sbuf *json_keys;	  /* owned: per column, its name as a JSON key ("name":), escaped once */
	char **key;			  /* owned array of borrowed names: the primary key's columns */
	int nkey;
	uint8_t *map_bytes; /* owned: the TABLE_MAP's body, to know it again */
	size_t map_len;
	bool used;
} stream_table;

typedef struct stream_state
{
	const stream_options *opt;
	int out_fd;
	sbuf out;
	catalog cat;
	stream_table *tables;
	int ntables;
	binlog_format fmt;
	char file[256];		   /* the binlog file of the events in hand */
	uint64_t pos;		   /* the end of the last event */
	char resume_file[256]; /* where to restart: after the last whole transaction */
	uint64_t resume_pos;
	char gtid[96];		/* of the transaction in hand */
	uint64_t trx_start; /* its first event's position */
	bool in_trx;
	size_t trx_out_start; /* where its begin line is in out */
	bool trx_flushed;	  /* part of it was written already */
	bool standalone;	  /* MariaDB GTID without a COMMIT: a DDL follows */
	bool done;
	time_t last_heartbeat;
	unsigned long source_server_id; /* @@server_id of the source, for hello */
	uint64_t events;
	uint64_t rows;
	uint64_t transactions;
	binlog_row before;
	binlog_row after;
	sbuf value;
} stream_state;

static uint64_t
file_sequence(const char *file)
{
	const char *dot = strrchr(file, '.');

	return dot ? strtoull(dot + 1, NULL, 10) : 0;
}

int
stream_position_compare(const char *file_a, uint64_t pos_a, const char *file_b, uint64_t pos_b)
{
	uint64_t sa = file_sequence(file_a);
	uint64_t sb = file_sequence(file_b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return pos_a < pos_b ? -1 : pos_a > pos_b ? 1
											  : 0;
}

static bool
flush_output(stream_state *st)
{
	const char *p = st->out.data;
	size_t len = st->out.len;

	while (len > 0)
	{
		ssize_t n = write(st->out_fd, p, len);

		if (n < 0)
		{
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				log_error("could not write the stream: the reader has gone away");
			else
				log_error("could not write the stream to \"%s\": %s", st->opt->output ? st->opt->output : "stdout",
						  strerror(errno));
			return false;
		}
		p += n;
		len -= (size_t) n;
	}
	sbuf_reset(&st->out);
	return true;
}

/* ---- tables ---- */

static void
table_release(stream_table *t)
{
	for (uint32_t i = 0; i < t->tm.ncols; i++)
	{
		if (t->types)
			typemap_release(&t->types[i]);
		if (t->pgtypes)
			pg_type_release(&t->pgtypes[i]);
		if (t->names)
			free(t->names[i]);
	}
	free(t->types);
	free(t->pgtypes);
	free(t->names);
	for (uint32_t i = 0; t->json_keys && i < t->tm.ncols; i++)
		sbuf_release(&t->json_keys[i]);
	free(t->json_keys);
	free(t->key);
	free(t->map_bytes);
	binlogrow_table_map_release(&t->tm);
	memset(t, 0, sizeof(*t));
}

/* The column type as COLUMN_TYPE would spell it, from the binlog's metadata alone. */
static void
type_text_from_binlog(const binlog_column *c, sbuf *out)
{
	bool binary = c->charset == BINLOG_CHARSET_BINARY;
	const char *sign = c->is_unsigned == 1 ? " unsigned" : "";

	switch (c->special)
	{
		case BINLOG_SPECIAL_UUID:
			sbuf_addstr(out, "uuid");
			return;
		case BINLOG_SPECIAL_INET4:
			sbuf_addstr(out, "inet4");
			return;
		case BINLOG_SPECIAL_INET6:
			sbuf_addstr(out, "inet6");
			return;
		default:
			break;
	}
	switch (c->real_type)
	{
		case BINLOG_TYPE_TINY:
			sbuf_addf(out, "tinyint%s", sign);
			break;
		case BINLOG_TYPE_SHORT:
			sbuf_addf(out, "smallint%s", sign);
			break;
		case BINLOG_TYPE_INT24:
			sbuf_addf(out, "mediumint%s", sign);
			break;
		case BINLOG_TYPE_LONG:
			sbuf_addf(out, "int%s", sign);
			break;
		case BINLOG_TYPE_LONGLONG:
			sbuf_addf(out, "bigint%s", sign);
			break;
		case BINLOG_TYPE_DECIMAL:
		case BINLOG_TYPE_NEWDECIMAL:
			sbuf_addf(out, "decimal(%d,%d)", c->precision, c->scale);
			break;
		case BINLOG_TYPE_FLOAT:
			sbuf_addstr(out, "float");
			break;
		case BINLOG_TYPE_DOUBLE:
			sbuf_addstr(out, "double");
			break;
		case BINLOG_TYPE_BIT:
			sbuf_addf(out, "bit(%u)", c->length ? c->length : 1);
			break;
		case BINLOG_TYPE_YEAR:
			sbuf_addstr(out, "year");
			break;
		case BINLOG_TYPE_DATE:
		case BINLOG_TYPE_NEWDATE:
			sbuf_addstr(out, "date");
			break;
		case BINLOG_TYPE_DATETIME:
		case BINLOG_TYPE_DATETIME2:
			sbuf_addf(out, "datetime(%d)", c->fsp);
			break;
		case BINLOG_TYPE_TIMESTAMP:
		case BINLOG_TYPE_TIMESTAMP2:
			sbuf_addf(out, "timestamp(%d)", c->fsp);
			break;
		case BINLOG_TYPE_TIME:
		case BINLOG_TYPE_TIME2:
			sbuf_addf(out, "time(%d)", c->fsp);
			break;
		case BINLOG_TYPE_VARCHAR:
		case BINLOG_TYPE_VAR_STRING:
			sbuf_addf(out, "%s(%u)", binary ? "varbinary" : "varchar", c->length ? c->length : 1);
			break;
		case BINLOG_TYPE_ENUM:
		case BINLOG_TYPE_SET:
			sbuf_addstr(out, c->real_type == BINLOG_TYPE_ENUM ? "enum(" : "set(");
			for (int i = 0; i < c->nlabels; i++)
			{
				if (i)
					sbuf_addch(out, ',');
				sbuf_addch(out, '\'');
				for (const char *p = c->labels[i]; *p; p++)
				{
					if (*p == '\'' || *p == '\\')
						sbuf_addch(out, *p);
					sbuf_addch(out, *p);
				}
				sbuf_addch(out, '\'');
			}
			if (c->nlabels <= 0)
				sbuf_addstr(out, "''");
			sbuf_addch(out, ')');
			break;
		case BINLOG_TYPE_STRING:
			sbuf_addf(out, "%s(%u)", binary ? "binary" : "char", c->length);
			break;
		case BINLOG_TYPE_TINY_BLOB:
		case BINLOG_TYPE_MEDIUM_BLOB:
		case BINLOG_TYPE_LONG_BLOB:
		case BINLOG_TYPE_BLOB:
			sbuf_addstr(out, binary ? "longblob" : "longtext");
			break;
		case BINLOG_TYPE_JSON:
			sbuf_addstr(out, "json");
			break;
		case BINLOG_TYPE_GEOMETRY:
			sbuf_addstr(out, "geometry");
			break;
		default:
			/* VECTOR and others PostgreSQL has no type for: their bytes. */
			sbuf_addstr(out, "longblob");
			break;
	}
}

/*
 * The catalog's column for binlog column i: by name when the binlog has
 * names (so a table altered since still finds the columns that remain), by
 * position when it has none and the column count is the catalog's. NULL when
 * there is none; the binlog's own metadata then describes the column.
 */
static const cat_column *
catalog_column(const cat_table *t, const binlog_table_map *tm, uint32_t i)
{
	if (t == NULL)
		return NULL;
	if (tm->cols[i].name)
		return catalog_find_column(t, tm->cols[i].name);
	if ((uint32_t) t->ncols == tm->ncols)
		return &t->cols[i];
	return NULL;
}

/* Fills types, value forms and names of a table just mapped. */
static bool
describe_table(stream_state *st, stream_table *t)
{
	uint32_t n = t->tm.ncols;
	sbuf text = SBUF_INIT;
	sbuf err = SBUF_INIT;
	bool ok = true;

	t->cat = catalog_find_table(&st->cat, t->tm.schema, t->tm.table);
	t->types = xcalloc(n ? n : 1, sizeof(my_type));
	t->pgtypes = xcalloc(n ? n : 1, sizeof(pg_type));
	t->names = xcalloc(n ? n : 1, sizeof(char *));
	for (uint32_t i = 0; i < n && ok; i++)
	{
		binlog_column *c = &t->tm.cols[i];
		const cat_column *cc = catalog_column(t->cat, &t->tm, i);

		if (cc)
			binlogrow_column_hint(c, &cc->type, cc->charset);
		sbuf_reset(&text);
		sbuf_reset(&err);
		if (cc)
			sbuf_addstr(&text, cc->column_type);
		else
			type_text_from_binlog(c, &text);
		if (!typemap_parse(text.data, cc ? cc->is_json : false, &t->types[i], &err))
		{
			log_error("column %u of table \"%s.%s\" has a type that cannot be streamed: %s", i + 1, t->tm.schema,
					  t->tm.table, err.data);
			ok = false;
			break;
		}
		typemap_resolve(&t->types[i], t->tm.schema, t->tm.table, st->opt->overrides, st->opt->noverrides,
						&t->pgtypes[i]);
		if (c->name)
			t->names[i] = xstrdup(c->name);
		else if (cc)
			t->names[i] = xstrdup(cc->name);
		else
			t->names[i] = xasprintf("@%u", i + 1);
		if (!c->name && !cc && t->selected && i == 0)
			log_warning("table \"%s.%s\" has no column names in the binlog (binlog_row_metadata=FULL gives them) "
						"and differs from the catalog: its columns are named @1, @2, ...",
						t->tm.schema, t->tm.table);
	}
	t->json_keys = xcalloc(n ? n : 1, sizeof(sbuf));
	for (uint32_t i = 0; ok && i < n; i++)
		jsonw_key(&t->json_keys[i], true, t->names[i]);
	/*
	 * The primary key, from the binlog's metadata or the catalog: with a
	 * MINIMAL row image, "old" holds only what identifies the row.
	 */
	if (ok && t->tm.npk > 0)
	{
		t->key = xcalloc((size_t) t->tm.npk, sizeof(char *));
		for (int k = 0; k < t->tm.npk; k++)
			if (t->tm.pk[k] < n)
				t->key[t->nkey++] = t->names[t->tm.pk[k]];
	}
	else if (ok && t->cat && catalog_primary_key(t->cat))
	{
		const cat_index *pk = catalog_primary_key(t->cat);

		t->key = xcalloc((size_t) pk->ncols, sizeof(char *));
		for (int k = 0; k < pk->ncols; k++)
			for (uint32_t i = 0; i < n; i++)
				if (strcmp(t->names[i], pk->columns[k]) == 0)
					t->key[t->nkey++] = t->names[i];
	}
	sbuf_release(&text);
	sbuf_release(&err);
	return ok;
}

static stream_table *
find_table(stream_state *st, uint64_t table_id)
{
	for (int i = 0; i < st->ntables; i++)
		if (st->tables[i].used && st->tables[i].table_id == table_id)
			return &st->tables[i];
	return NULL;
}

/* Forgets every table map (after a reconnection, or when too many have piled up). */
static void
forget_tables(stream_state *st)
{
	for (int i = 0; i < st->ntables; i++)
		if (st->tables[i].used)
			table_release(&st->tables[i]);
}

static bool
on_table_map(stream_state *st, const binlog_event *ev)
{
	binlog_table_map tm;
	stream_table *t;
	int used = 0;

	/*
	 * The server sends a TABLE_MAP before every transaction's rows: the same
	 * bytes mean the same table, already described (the table id changes when
	 * the table does).
	 */
	for (int i = 0; i < st->ntables; i++)
	{
		t = &st->tables[i];
		if (!t->used)
			continue;
		used++;
		if (t->map_len == ev->body_len && memcmp(t->map_bytes, ev->body, ev->body_len) == 0)
			return true;
	}
	/* Ids of altered or dropped tables pile up in a long stream: start afresh now and then. */
	if (used >= 256)
		forget_tables(st);
	memset(&tm, 0, sizeof(tm));
	if (!binlogrow_table_map_parse(ev, &st->fmt, &tm))
	{
		binlogrow_table_map_release(&tm);
		return false;
	}
	t = find_table(st, tm.table_id);
	if (t)
		table_release(t);
	else
	{
		/* Reuse a free slot; table ids grow, but the set in use stays small. */
		for (int i = 0; i < st->ntables && !t; i++)
			if (!st->tables[i].used)
				t = &st->tables[i];
		if (t == NULL)
		{
			st->tables = xrealloc(st->tables, sizeof(stream_table) * (size_t) (st->ntables + 1));
			t = &st->tables[st->ntables++];
		}
		memset(t, 0, sizeof(*t));
	}
	t->used = true;
	t->map_bytes = xmalloc(ev->body_len ? ev->body_len : 1);
	memcpy(t->map_bytes, ev->body, ev->body_len);
	t->map_len = ev->body_len;
	t->table_id = tm.table_id;
	t->tm = tm;
	t->selected = tablefilter_match(st->opt->filter, tm.schema, tm.table);
	return describe_table(st, t);
}

/* ---- rows ---- */

static bool
write_image(stream_state *st, const stream_table *t, const char *name, const binlog_row *row)
{
	eventw_image_start(&st->out, name);
	for (uint32_t i = 0; i < row->n; i++)
	{
		const binlog_value *v = &row->values[i];
		uint32_t c = v->col;
		bool is_null = v->is_null;
		const char *data = v->data;
		size_t len = v->len;

		if (v->is_json_diff)
		{
			log_error("a partial JSON update of \"%s.%s\" column \"%s\" at %s:%" PRIu64 " carries changes without the document",
					  t->tm.schema, t->tm.table, t->names[c], st->file, st->pos);
			log_detail(LOG_LEVEL_ERROR, "with binlog_row_value_options=PARTIAL_JSON the source needs binlog_row_image=FULL");
			return false;
		}
		if (!is_null && t->pgtypes[c].form != PGV_IDENTITY)
		{
			sbuf_reset(&st->value);
			if (typemap_encode(&t->types[c], t->pgtypes[c].form, v->data, v->len, &st->value))
			{
				data = st->value.data;
				len = st->value.len;
			}
			else
				is_null = true; /* a zero date, as in the dump */
		}
		eventw_value_keyed(&st->out, i == 0, &t->json_keys[c], data, len, is_null);
	}
	eventw_image_end(&st->out);
	return true;
}

static bool
on_rows(stream_state *st, const binlog_event *ev)
{
	const binlog_rows *r = &ev->u.rows;
	stream_table *t = find_table(st, r->table_id);
	const char *kind = r->kind == BINLOG_ROWS_WRITE ? "insert" : r->kind == BINLOG_ROWS_UPDATE ? "update"
																							   : "delete";
	binlog_rows_iter it;
	bool failed = false;

	if (t == NULL)
	{
		log_error("a rows event at %s:%" PRIu64 " refers to table id %" PRIu64 " without a TABLE_MAP", st->file,
				  binlog_event_start(&ev->header), r->table_id);
		return false;
	}
	if (!t->selected)
		return true;
	if (st->opt->config && config_event_skipped(st->opt->config, kind, t->tm.schema, t->tm.table))
		return true;
	if (!binlogrow_rows_init(&it, ev, &st->fmt, &t->tm))
	{
		binlogrow_rows_release(&it);
		return false;
	}
	while (binlogrow_rows_next(&it, &st->before, &st->after, &failed))
	{
		eventw_row_start(&st->out, kind, t->tm.schema, t->tm.table);
		if ((st->before.n && !write_image(st, t, "old", &st->before)) ||
			(st->after.n && !write_image(st, t, "new", &st->after)))
		{
			failed = true;
			break;
		}
		if (st->before.n && t->nkey)
			eventw_key(&st->out, t->key, t->nkey);
		eventw_row_end(&st->out);
		st->rows++;
		if (st->out.len >= FLUSH_BYTES)
		{
			st->trx_flushed = true;
			if (!flush_output(st))
			{
				failed = true;
				break;
			}
		}
	}
	binlogrow_rows_release(&it);
	return !failed;
}

/* ---- transactions and statements ---- */

/* True when a transaction or DDL ending at the current position ends past --stop-at. */
static bool
past_stop(const stream_state *st)
{
	return st->opt->stop_file &&
		   stream_position_compare(st->file, st->pos, st->opt->stop_file, st->opt->stop_pos) > 0;
}

static void
begin_transaction(stream_state *st, uint64_t start, time_t ts)
{
	st->in_trx = true;
	st->trx_start = start;
	st->trx_out_start = st->out.len;
	st->trx_flushed = false;
	eventw_begin(&st->out, st->file, start, st->gtid[0] ? st->gtid : NULL, ts);
}

static bool
transaction_end(stream_state *st)
{
	st->in_trx = false;
	st->standalone = false;
	st->gtid[0] = '\0';
	st->trx_start = 0;
	st->transactions++;
	snprintf(st->resume_file, sizeof(st->resume_file), "%s", st->file);
	st->resume_pos = st->pos;
	if (!flush_output(st))
		return false;
	if (st->opt->stop_file &&
		stream_position_compare(st->file, st->pos, st->opt->stop_file, st->opt->stop_pos) >= 0)
		st->done = true;
	if (st->opt->interrupted && *st->opt->interrupted)
		st->done = true;
	return true;
}

static bool
on_commit(stream_state *st, const binlog_header *h, uint64_t xid)
{
	if (!st->in_trx)
		return true;
	if (past_stop(st))
	{
		/* Not ours to write: it ends past --stop-at (a begin already written alone is dropped by readers). */
		if (!st->trx_flushed)
			sbuf_setlen(&st->out, st->trx_out_start);
		st->in_trx = false;
		st->done = true;
		return flush_output(st);
	}
	eventw_commit(&st->out, st->file, st->pos, st->gtid[0] ? st->gtid : NULL, xid, (time_t) h->timestamp);
	return transaction_end(st);
}

/* The first word of a statement, upper case, after spaces and comments. */
static void
first_word(const char *sql, size_t len, char *word, size_t size)
{
	size_t i = 0,
		   n = 0;

	while (i < len)
	{
		if (isspace((unsigned char) sql[i]))
			i++;
		else if (i + 1 < len && sql[i] == '/' && sql[i + 1] == '*')
		{
			/* A version comment's body is part of the statement. */
			if (i + 2 < len && sql[i + 2] == '!')
			{
				i += 3;
				while (i < len && isdigit((unsigned char) sql[i]))
					i++;
				continue;
			}
			for (i += 2; i + 1 < len && !(sql[i] == '*' && sql[i + 1] == '/'); i++)
				;
			i += 2;
		}
		else if ((sql[i] == '#') || (i + 1 < len && sql[i] == '-' && sql[i + 1] == '-'))
		{
			while (i < len && sql[i] != '\n')
				i++;
		}
		else
			break;
	}
	while (i < len && n + 1 < size && (isalpha((unsigned char) sql[i]) || sql[i] == '_'))
		word[n++] = (char) toupper((unsigned char) sql[i++]);
	word[n] = '\0';
}

/*
 * The kind of object a CREATE, DROP, ALTER or RENAME is about: the first
 * object keyword among its words, past OR REPLACE, DEFINER=..., ALGORITHM=...,
 * SQL SECURITY ..., TEMPORARY and the like (quoted names are skipped whole).
 */
static bool
object_is_dropped(const char *sql, size_t len)
{
	static const char *const kept[] = { "TABLE", "TABLES", "INDEX", "DATABASE", "SCHEMA", NULL };
	static const char *const dropped[] = { "USER", "ROLE", "VIEW", "TRIGGER", "PROCEDURE", "FUNCTION", "EVENT",
										   "SERVER", "PACKAGE", "SEQUENCE", "TABLESPACE", "LOGFILE", NULL };
	size_t i = 0;

	for (int words = 0; i < len && words < 16;)
	{
		char w[32];
		size_t n = 0;
		char c = sql[i];

		if (c == '`' || c == '\'' || c == '"')
		{
			for (i++; i < len && sql[i] != c; i++)
				;
			i++;
			continue;
		}
		if (!isalpha((unsigned char) c) && c != '_')
		{
			i++;
			continue;
		}
		while (i < len && (isalnum((unsigned char) sql[i]) || sql[i] == '_'))
		{
			if (n + 1 < sizeof(w))
				w[n++] = (char) toupper((unsigned char) sql[i]);
			i++;
		}
		w[n] = '\0';
		words++;
		for (int k = 0; kept[k]; k++)
			if (strcmp(w, kept[k]) == 0)
				return false;
		for (int k = 0; dropped[k]; k++)
			if (strcmp(w, dropped[k]) == 0)
				return true;
	}
	return false;
}

/*
 * The documented rule: statements that never change a replicated table's
 * rows or shape are dropped (accounts and privileges, views, triggers,
 * routines, events, maintenance, FLUSH, XA, SAVEPOINT); every other
 * statement is a ddl event, for cham-apply to translate or skip.
 */
static bool
statement_is_dropped(const char *sql, size_t len)
{
	static const char *const dropped_words[] = {
		"GRANT", "REVOKE", "FLUSH", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM", "SAVEPOINT",
		"RELEASE", "XA", "SET", "INSTALL", "UNINSTALL", "RESET", "PURGE", "KILL", "DO", NULL
	};
	char word[32];

	first_word(sql, len, word, sizeof(word));
	for (int i = 0; dropped_words[i]; i++)
		if (strcmp(word, dropped_words[i]) == 0)
			return true;
	if (strcmp(word, "CREATE") == 0 || strcmp(word, "DROP") == 0 || strcmp(word, "ALTER") == 0 ||
		strcmp(word, "RENAME") == 0)
		return object_is_dropped(sql, len);
	return false;
}

static bool
on_query(stream_state *st, const binlog_event *ev)
{
	const binlog_query *q = &ev->u.query;
	char word[32];
	char *schema;
	bool ok = true;

	first_word(q->sql, q->sql_len, word, sizeof(word));
	if (strcmp(word, "BEGIN") == 0)
	{
		if (!st->in_trx)
			begin_transaction(st, st->trx_start ? st->trx_start : binlog_event_start(&ev->header),
							  (time_t) ev->header.timestamp);
		return true;
	}
	if (strcmp(word, "COMMIT") == 0 || (strcmp(word, "ROLLBACK") == 0 && q->sql_len < 16))
		return on_commit(st, &ev->header, 0);
	if (statement_is_dropped(q->sql, q->sql_len))
	{
		/* Only its first word: an account statement holds a password. */
		log_debug("statement at %s:%" PRIu64 " dropped by the DDL rule: %s ...", st->file,
				  binlog_event_start(&ev->header), word);
		if (!st->in_trx)
			return transaction_end(st);
		return true;
	}
	/* A DDL commits what came before it: it stands alone in the stream. */
	if (st->in_trx && !st->standalone)
	{
		eventw_commit(&st->out, st->file, binlog_event_start(&ev->header), st->gtid[0] ? st->gtid : NULL, 0,
					  (time_t) ev->header.timestamp);
		st->in_trx = false;
	}
	if (past_stop(st))
	{
		st->done = true;
		st->in_trx = false;
		return flush_output(st);
	}
	schema = xstrndup(q->schema, q->schema_len);
	eventw_ddl(&st->out, schema, q->sql, q->sql_len, st->file, st->pos, st->gtid[0] ? st->gtid : NULL,
			   (time_t) ev->header.timestamp);
	free(schema);
	st->in_trx = false;
	ok = transaction_end(st);
	return ok;
}

static bool
on_heartbeat(stream_state *st)
{
	time_t now = time(NULL);

	if (st->in_trx || now - st->last_heartbeat < st->opt->heartbeat_seconds)
		return true;
	st->last_heartbeat = now;
	eventw_heartbeat(&st->out, st->file, st->pos, now);
	return flush_output(st);
}

static bool handle_event(stream_state *st, const uint8_t *buf, size_t len);

/* MySQL 8's compressed transactions: the events inside, one by one. */
static bool
on_payload(stream_state *st, const binlog_event *ev)
{
	sbuf inner = SBUF_INIT;
	binlog_format outer = st->fmt;
	size_t off = 0;
	bool ok = binlog_payload_decompress(ev, &st->fmt, &inner);
	uint64_t end_pos = st->pos;

	binlog_format_inner(&outer, &st->fmt);
	while (ok && off < inner.len)
	{
		uint32_t size;

		if (!binlog_event_size((const uint8_t *) inner.data + off, inner.len - off, &st->fmt, &size) ||
			size > inner.len - off)
		{
			log_error("a compressed transaction at %s:%" PRIu64 " holds a truncated event", st->file, end_pos);
			ok = false;
			break;
		}
		ok = handle_event(st, (const uint8_t *) inner.data + off, size);
		off += size;
	}
	st->fmt = outer;
	st->pos = end_pos;
	sbuf_release(&inner);
	return ok;
}

static bool
handle_event(stream_state *st, const uint8_t *buf, size_t len)
{
	binlog_event ev;
	bool ok = true;

	binlog_event_init(&ev);
	if (!binlog_event_parse(buf, len, &st->fmt, &ev))
	{
		binlog_event_release(&ev);
		return false;
	}
	st->events++;
	/* Events the server makes up (the first ROTATE and FORMAT_DESCRIPTION) have no position. */
	if (ev.header.log_pos != 0)
		st->pos = ev.header.log_pos;
	/* Between transactions at or past --stop-at (the head of a new file after a rotation, say): done. */
	if (!st->in_trx && st->opt->stop_file &&
		stream_position_compare(st->file, st->pos, st->opt->stop_file, st->opt->stop_pos) >= 0)
		st->done = true;
	switch (ev.header.type)
	{
		case BINLOG_ROTATE:
			snprintf(st->file, sizeof(st->file), "%.*s", (int) ev.u.rotate.name_len, ev.u.rotate.name);
			st->pos = ev.u.rotate.position;
			snprintf(st->fmt.log_name, sizeof(st->fmt.log_name), "%s", st->file);
			if (st->resume_file[0] == '\0')
			{
				snprintf(st->resume_file, sizeof(st->resume_file), "%s", st->file);
				st->resume_pos = st->pos;
			}
			break;
		case BINLOG_GTID:
		case BINLOG_GTID_TAGGED:
		case BINLOG_MARIA_GTID:
			snprintf(st->gtid, sizeof(st->gtid), "%s", ev.u.gtid.text);
			st->trx_start = binlog_event_start(&ev.header);
			st->standalone = ev.u.gtid.mariadb && (ev.u.gtid.flags2 & BINLOG_MARIA_GTID_STANDALONE);
			if (st->opt->stop_file &&
				stream_position_compare(st->file, st->trx_start, st->opt->stop_file, st->opt->stop_pos) >= 0)
				st->done = true;
			break;
		case BINLOG_QUERY:
		case BINLOG_MARIA_QUERY_COMPRESSED:
			ok = on_query(st, &ev);
			break;
		case BINLOG_TABLE_MAP:
			ok = on_table_map(st, &ev);
			break;
		case BINLOG_XID:
			ok = on_commit(st, &ev.header, ev.u.xid);
			break;
		case BINLOG_HEARTBEAT:
		case BINLOG_HEARTBEAT_V2:
			ok = on_heartbeat(st);
			break;
		case BINLOG_TRANSACTION_PAYLOAD:
			ok = on_payload(st, &ev);
			break;
		default:
			if (binlog_type_is_rows(ev.header.type))
			{
				if (!st->in_trx)
					begin_transaction(st, binlog_event_start(&ev.header), (time_t) ev.header.timestamp);
				ok = on_rows(st, &ev);
			}
			break;
	}
	binlog_event_release(&ev);
	return ok;
}

/* ---- the run ---- */

/* The oldest binlog the server still has, for the message about a purged start. */
static void
report_oldest_binlog(myconn *c)
{
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	if (!myconn_query(c, "SHOW BINARY LOGS", &r))
		return;
	if (myresult_next(&r, &row, &len, &failed) && row[0])
		log_detail(LOG_LEVEL_ERROR, "the oldest position the server has is %s:4", row[0]);
	myresult_free(&r);
}

static bool
open_output(stream_state *st)
{
	if (st->opt->output == NULL)
	{
		st->out_fd = STDOUT_FILENO;
		return true;
	}
	/* Appended to: a restarted stream continues the same file. */
	st->out_fd = open(st->opt->output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (st->out_fd < 0)
	{
		log_error("could not open file \"%s\": %s", st->opt->output, strerror(errno));
		return false;
	}
	return true;
}

static bool
read_catalog(stream_state *st, myconn *c)
{
	if (!myschema_read(c, st->opt->source->database, st->opt->filter, false, &st->cat))
		return false;
	for (int i = 0; i < st->cat.ntables; i++)
		st->cat.tables[i].pg_schema = xstrdup(st->cat.tables[i].schema);
	pgschema_resolve_types(&st->cat, st->opt->overrides, st->opt->noverrides);
	return true;
}

/* Checks the source before streaming: binlog, privileges, and that our server id is not its own. */
static stream_status
check_source(stream_state *st, myconn *c)
{
	unsigned failed;
	char *id = NULL;
	stream_status status = STREAM_OK;

	if (!preflight_check(c, PREFLIGHT_BINLOG | PREFLIGHT_REPLICA, &failed))
		return STREAM_BAD_INPUT;
	if (!myconn_query_value(c, "SELECT @@server_id", &id, NULL))
		return STREAM_FAILED;
	st->source_server_id = id ? strtoul(id, NULL, 10) : 0;
	if (id && strtoul(id, NULL, 10) == st->opt->server_id)
	{
		log_error("server id %u is the source's own: a replica needs another", st->opt->server_id);
		log_detail(LOG_LEVEL_ERROR, "pass --server-id N (or my_server_id in the config) with a number no server of the topology uses");
		status = STREAM_BAD_INPUT;
	}
	free(id);
	return status;
}

static void
write_hello(stream_state *st, myrepl *r)
{
	eventw_hello(&st->out, r->conn.is_mariadb ? "mariadb" : "mysql", r->conn.version_text,
				 st->source_server_id, st->resume_file[0] ? st->resume_file : "",
				 st->resume_pos);
}

stream_status
stream_run(const stream_options *opt)
{
	stream_state st;
	myconn meta;
	myrepl r = { 0 };
	myrepl_start start = { 0 };
	stream_status status = STREAM_FAILED;
	unsigned int delay_ms = 250;
	bool connected = false;

	memset(&st, 0, sizeof(st));
	st.opt = opt;
	st.out_fd = -1;
	binlogrow_row_init(&st.before);
	binlogrow_row_init(&st.after);
	if (opt->start_file)
	{
		snprintf(st.resume_file, sizeof(st.resume_file), "%s", opt->start_file);
		st.resume_pos = opt->start_pos;
	}

	if (!myconn_open(&meta, opt->source, 3))
	{
		status = meta.failure == MYCONN_FAIL_UNREACHABLE ? STREAM_FAILED : STREAM_BAD_INPUT;
		goto out_rows;
	}
	status = check_source(&st, &meta);
	if (status != STREAM_OK)
		goto out;
	/* Opened once the source is known good, so a refused start leaves no file behind. */
	if (!open_output(&st))
	{
		status = STREAM_BAD_INPUT;
		goto out;
	}
	status = STREAM_FAILED;
	if (!read_catalog(&st, &meta))
		goto out;

	start.server_id = opt->server_id;
	start.nonblock = opt->stop_when_idle;
	start.heartbeat_seconds = SERVER_HEARTBEAT_SECONDS;
	while (!st.done)
	{
		const uint8_t *buf;
		size_t len;
		int rc;

		if (!connected)
		{
			start.file = st.resume_file[0] ? st.resume_file : NULL;
			start.pos = st.resume_pos;
			start.gtid = start.file ? NULL : opt->start_gtid;
			if (!myrepl_open(&r, opt->source, &start))
			{
				if (r.conn.failure != MYCONN_FAIL_UNREACHABLE)
					goto out;
				goto retry;
			}
			connected = true;
			binlog_format_init(&st.fmt, r.checksum_alg, st.resume_file);
			snprintf(st.file, sizeof(st.file), "%s", st.resume_file);
			st.pos = st.resume_pos;
			st.in_trx = false;
			st.trx_start = 0;
			st.gtid[0] = '\0';
			forget_tables(&st);
			write_hello(&st, &r);
			delay_ms = 250;
			log_info("streaming from %s:%" PRIu64 "%s%s", st.resume_file[0] ? st.resume_file : "(gtid)",
					 st.resume_pos, opt->start_gtid && !start.file ? ", gtid " : "",
					 opt->start_gtid && !start.file ? opt->start_gtid : "");
		}
		rc = myrepl_next(&r, &buf, &len);
		if (rc == 0)
		{
			/* Caught up (a nonblocking dump): everything so far is whole. */
			if (!st.in_trx)
				break;
			log_error("the binlog ended inside a transaction at %s:%" PRIu64, st.file, st.pos);
			goto out;
		}
		if (rc < 0)
		{
			if (r.conn.last_errno == ER_BINLOG_POSITION)
			{
				/* The server's own words are about packets when the start is inside an event. */
				log_detail(LOG_LEVEL_ERROR, "the start must be an event boundary the server still has: a position "
											"from SHOW MASTER STATUS, a commit's pos in the stream, or a dump's coordinates.json");
				report_oldest_binlog(&meta);
				goto out;
			}
			if (r.conn.failure != MYCONN_FAIL_UNREACHABLE)
				goto out;
			goto retry;
		}
		if (!handle_event(&st, buf, len))
			goto out;
		if (opt->interrupted && *opt->interrupted && !st.in_trx)
			break;
		continue;

	retry:
		/* The stream restarts at the last whole transaction; a reader drops the repeated begin. */
		myrepl_close(&r);
		connected = false;
		if (opt->interrupted && *opt->interrupted)
			break;
		log_warning("connection to the source lost; reconnecting in %u ms to %s:%" PRIu64, delay_ms,
					st.resume_file, st.resume_pos);
		usleep(delay_ms * 1000);
		if (delay_ms < 8000)
			delay_ms *= 2;
	}
	if (!flush_output(&st))
		goto out;
	log_info("stopped at %s:%" PRIu64 ": %" PRIu64 " transactions, %" PRIu64 " rows", st.resume_file, st.resume_pos,
			 st.transactions, st.rows);
	status = STREAM_OK;

out:
	myrepl_close(&r);
	myconn_close(&meta);
	for (int i = 0; i < st.ntables; i++)
		if (st.tables[i].used)
			table_release(&st.tables[i]);
	free(st.tables);
	catalog_release(&st.cat);
out_rows:
	binlogrow_row_release(&st.before);
	binlogrow_row_release(&st.after);
	sbuf_release(&st.value);
	sbuf_release(&st.out);
	if (st.out_fd >= 0 && st.out_fd != STDOUT_FILENO)
		close(st.out_fd);
	return status;
}
