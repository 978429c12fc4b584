/* apply.c: cham-apply's work: the event stream applied to PostgreSQL, each source transaction once. */
#include "apply.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddl.h"
#include "eventcheck.h"
#include "eventlog.h"
#include "logging.h"
#include "linereader.h"
#include "pgconn.h"
#include "pgpipe.h"
#include "pgschema.h"
#include "quote.h"
#include "sbuf.h"
#include "statedb.h"
#include "stream.h"
#include "xalloc.h"

/* The events of a batch kept in memory; past this, in a temporary file. */
#define LOG_MEMORY_LIMIT (16u << 20)

/* How often a lost connection to PostgreSQL is tried again before giving up. */
#define RECONNECT_ATTEMPTS 8

/* A replicated table: its PostgreSQL name and the position its data is consistent from. */
typedef struct apply_table
{
	char *schema;
	char *table;
	char *pg_schema;
	char *pg_table;
	char *file;
	uint64_t pos;
	bool absent; /* no such table in the target: its rows are not replicated */
} apply_table;

/* One prepared statement, by the text that identifies it (operation, table, columns). */
typedef struct prepared
{
	char *key;
	char name[24];
	int nparams;
} prepared;

typedef struct apply_state
{
	const apply_options *opt;
	pgconn c;
	pgpipe pipe;
	apply_table *tables;
	int ntables;
	prepared *stmts;
	int nstmts;
	char applied_file[256]; /* the stored position: everything up to it is applied */
	uint64_t applied_pos;
	uint64_t server_id;	 /* the source's, as the load recorded it; 0 unknown */
	char seen_file[256]; /* the last position the input gave (applied or skipped) */
	uint64_t seen_pos;
	bool bad_input;		  /* the input cannot be applied: the caller stops with exit 2 */
	bool lost_commits;	  /* the target went back: only a new stream can go on (exit 1) */
	char *begin_sql;	  /* BEGIN, the re-copy lock, and the tables' version (statedb.h) */
	char *tables_version; /* of sch_chameleon.tables when st->tables was read */
	bool pg_open;		  /* a PostgreSQL transaction is open */
	/*
	 * Statements are sent without waiting for their answers (pipeline mode),
	 * and savepoints are not set. When a row is refused, the whole batch is
	 * rolled back (batch_failed) and goes again carefully: one statement at
	 * a time, each source transaction in a savepoint, refused rows set aside.
	 */
	bool careful_batch;
	bool batch_failed;
	bool savepoint_open; /* cham_trx of the last source transaction is not released yet */
	int batched;		 /* source transactions in it */
	bool in_trx;
	bool skipping;		/* the transaction in hand was applied before */
	bool careful;		/* a row failed: the rest of the transaction row by row */
	char trx_file[256]; /* its begin position */
	uint64_t trx_pos;
	eventlog log;		 /* every event since the last commit to PostgreSQL, as text */
	uint64_t trx_start;	 /* where the transaction in hand's events begin in it */
	uint64_t trx_rows;	 /* its row events so far */
	json_tokener *tok;	 /* for the events read back from the log */
	char last_file[256]; /* the last commit written to PostgreSQL's batch */
	uint64_t last_pos;
	char last_gtid[96];
	int64_t last_ts;
	uint64_t line;
	uint64_t rows;
	uint64_t discarded;
	uint64_t transactions;
	uint64_t skipped_ddl;
	uint64_t counted[4]; /* rows, discarded, transactions, skipped_ddl when the batch began */
} apply_state;

static const char *map_schema(void *ctx, const char *schema);
static bool settle(apply_state *st);

/*
 * The table rows of schema.table go to (*out), NULL when it is not
 * replicated. One the load did not bring (created or renamed in the stream
 * since) is looked for in the target once, and replicated from now on when
 * it is there.
 */
static bool
find_table(apply_state *st, const char *schema, const char *table, const apply_table **out)
{
	const char *params[2];
	PGresult *res;
	apply_table *t;

	for (int i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].schema, schema) == 0 && strcmp(st->tables[i].table, table) == 0)
		{
			*out = st->tables[i].absent ? NULL : &st->tables[i];
			return true;
		}
	params[0] = map_schema(st, schema), params[1] = table;
	if (!settle(st) ||
		!pgconn_query(&st->c, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
							  "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
					  2, params, &res))
		return false;
	st->tables = xrealloc(st->tables, sizeof(apply_table) * (size_t) (st->ntables + 1));
	t = &st->tables[st->ntables++];
	t->schema = xstrdup(schema);
	t->table = xstrdup(table);
	t->pg_schema = xstrdup(params[0]);
	t->pg_table = xstrdup(table);
	t->file = xstrdup("");
	t->pos = 0;
	t->absent = PQntuples(res) == 0;
	PQclear(res);
	if (t->absent)
		log_warning("line %" PRIu64 ": rows of \"%s.%s\" are not replicated: no such table in the target", st->line,
					schema, table);
	*out = t->absent ? NULL : t;
	return true;
}

/* The stored position: everything up to it is applied. */
static bool
reload_position(apply_state *st)
{
	const char *params[1] = { st->opt->source_name };
	PGresult *res;

	st->applied_file[0] = '\0';
	if (!pgconn_query(&st->c, "SELECT binlog_file, binlog_pos FROM sch_chameleon.positions WHERE source_name = $1", 1,
					  params, &res))
		return false;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
	{
		snprintf(st->applied_file, sizeof(st->applied_file), "%s", PQgetvalue(res, 0, 0));
		st->applied_pos = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	}
	PQclear(res);
	if (st->applied_file[0] == '\0')
	{
		log_error("source \"%s\" has no position in sch_chameleon: load it with cham-load first", st->opt->source_name);
		st->bad_input = true;
		return false;
	}
	return true;
}

/*
 * Two cham-apply on one source would each apply the stream: one holds this
 * lock for its session, and another one stops (exit 1: it may pass).
 */
static bool
lock_source(apply_state *st)
{
	const char *params[1] = { st->opt->source_name };
	PGresult *res;
	bool mine;
	char sql[128];

	/*
	 * A commit acknowledged must survive a crash of the server: apply goes on
	 * from what it believes committed (a target tuned with synchronous_commit
	 * off would lose the last ones on a crash, and apply would never know).
	 */
	if (!pgconn_exec(&st->c, "SET synchronous_commit = on"))
		return false;
	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%d, hashtext($1))", STATEDB_APPLY_LOCK_KEY);
	if (!pgconn_query(&st->c, sql, 1, params, &res))
		return false;
	mine = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!mine)
		log_error("another cham-apply is applying source \"%s\" to this target: one at a time", st->opt->source_name);
	return mine;
}

static bool load_tables(apply_state *st);

static bool
load_state(apply_state *st)
{
	const char *params[1] = { st->opt->source_name };
	PGresult *res;

	if (!lock_source(st) || !reload_position(st))
		return false;
	if (!pgconn_query(&st->c, "SELECT coalesce(server_id, 0), status FROM sch_chameleon.sources WHERE source_name = $1",
					  1, params, &res))
		return false;
	st->server_id = PQntuples(res) == 1 ? strtoull(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	/* A detached target is the application's now: a late stream must not change it. */
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 1), "detached") == 0)
	{
		PQclear(res);
		log_error("source \"%s\" is detached from its MySQL source: nothing is applied to it any more",
				  st->opt->source_name);
		st->bad_input = true;
		return false;
	}
	PQclear(res);
	if (!load_tables(st))
		return false;
	return pgconn_query(&st->c, "UPDATE sch_chameleon.sources SET status = 'replicating', updated_at = now() "
								"WHERE source_name = $1",
						1, params, NULL);
}

static void
forget_tables(apply_state *st)
{
	for (int i = 0; i < st->ntables; i++)
	{
		free(st->tables[i].schema);
		free(st->tables[i].table);
		free(st->tables[i].pg_schema);
		free(st->tables[i].pg_table);
		free(st->tables[i].file);
	}
	free(st->tables);
	st->tables = NULL;
	st->ntables = 0;
}

/* The replicated tables and the position each is consistent from. */
static bool
load_tables(apply_state *st)
{
	const char *params[1] = { st->opt->source_name };
	PGresult *res;

	if (!pgconn_query(&st->c, "SELECT source_schema, source_table, pg_schema, pg_table, coalesce(binlog_file, ''), "
							  "coalesce(binlog_pos, 0) FROM sch_chameleon.tables WHERE source_name = $1",
					  1, params, &res))
		return false;
	forget_tables(st);
	st->ntables = PQntuples(res);
	st->tables = xcalloc((size_t) (st->ntables ? st->ntables : 1), sizeof(apply_table));
	for (int i = 0; i < st->ntables; i++)
	{
		st->tables[i].schema = xstrdup(PQgetvalue(res, i, 0));
		st->tables[i].table = xstrdup(PQgetvalue(res, i, 1));
		st->tables[i].pg_schema = xstrdup(PQgetvalue(res, i, 2));
		st->tables[i].pg_table = xstrdup(PQgetvalue(res, i, 3));
		st->tables[i].file = xstrdup(PQgetvalue(res, i, 4));
		st->tables[i].pos = strtoull(PQgetvalue(res, i, 5), NULL, 10);
	}
	PQclear(res);
	return true;
}

/* ---- PostgreSQL transactions: many source transactions, with the position, in one ---- */

static bool
pg_begin(apply_state *st)
{
	PGresult *res;
	bool changed;
	bool told = false;

	if (st->pg_open)
		return true;
	/* One round trip; after the lock, the version is read with a snapshot of its own. */
	while (pgconn_query(&st->c, st->begin_sql, 0, NULL, &res) && strcmp(PQgetvalue(res, 0, 1), "0") != 0)
	{
		/*
		 * A table is about to be copied again (cham-sync-tables): its copy
		 * must not begin behind changes applied already, so nothing is
		 * applied until it is in place.
		 */
		PQclear(res);
		if (!told)
			log_info("paused: a table is being copied again (sch_chameleon.tables status \"resyncing\")");
		told = true;
		if (!pgconn_exec(&st->c, "ROLLBACK"))
			return false;
		if (st->opt->interrupted && *st->opt->interrupted)
		{
			log_error("interrupted while paused for a table's copy");
			return false;
		}
		usleep(200 * 1000);
	}
	if (res == NULL)
		return false;
	if (told)
		log_info("resumed: the copy is in place");
	changed = st->tables_version == NULL || strcmp(st->tables_version, PQgetvalue(res, 0, 0)) != 0;
	if (changed)
	{
		free(st->tables_version);
		st->tables_version = xstrdup(PQgetvalue(res, 0, 0));
	}
	PQclear(res);
	/* A table copied again (cham-load --resync) is consistent from a new position. */
	if (changed && !load_tables(st))
		return false;
	if (changed)
		log_debug("replicated tables (re)read: version %s", st->tables_version);
	st->pg_open = true;
	st->savepoint_open = false;
	st->batched = 0;
	st->counted[0] = st->rows, st->counted[1] = st->discarded;
	st->counted[2] = st->transactions, st->counted[3] = st->skipped_ddl;
	return true;
}

static void
forget_statements(apply_state *st)
{
	for (int i = 0; i < st->nstmts; i++)
		free(st->stmts[i].key);
	st->nstmts = 0;
}

static void forget_events(apply_state *st);
static void forget_batch(apply_state *st);

/*
 * A statement of the batch was refused: the batch is rolled back, to go
 * again carefully (the caller replays it). Returns false either way: the
 * event in hand has to go again too.
 */
static bool
roll_back_batch(apply_state *st)
{
	log_debug("line %" PRIu64 ": a statement was refused (%s): the batch goes again, one statement at a time",
			  st->line, pgconn_error(&st->c));
	/* Statements prepared in the batch may or may not have survived it. */
	st->batch_failed = pgconn_exec(&st->c, "ROLLBACK; DEALLOCATE ALL");
	forget_statements(st);
	st->pg_open = st->in_trx = false;
	forget_events(st);
	st->last_file[0] = '\0';
	st->rows = st->counted[0], st->discarded = st->counted[1];
	st->transactions = st->counted[2], st->skipped_ddl = st->counted[3];
	return false;
}

/* Waits for the answers to the statements in flight, so plain queries can run. */
static bool
settle(apply_state *st)
{
	switch (pgpipe_finish(&st->pipe))
	{
		case PGPIPE_DONE:
			return true;
		case PGPIPE_REFUSED:
			return roll_back_batch(st);
		case PGPIPE_BROKEN:
			break;
	}
	return false;
}

/* A row was refused before it was sent: the statements in flight are of no use. */
static bool
refuse_batch(apply_state *st)
{
	return pgpipe_finish(&st->pipe) != PGPIPE_BROKEN && roll_back_batch(st);
}

#define UPDATE_POSITION                                                                                                                \
	"UPDATE sch_chameleon.positions SET binlog_file = $2, binlog_pos = $3, gtid = coalesce($4, gtid), event_time = to_timestamp($5), " \
	"applied_at = clock_timestamp(), transactions_applied = transactions_applied + $6, rows_applied = rows_applied + $7 "              \
	"WHERE source_name = $1"

/* Writes the position of the last source transaction applied, then commits them together. */
static bool
pg_commit(apply_state *st)
{
	char pos[24], ts[24], ntx[24], nrows[24];
	const char *params[7];

	if (!st->pg_open)
		return true;
	if (st->last_file[0])
	{
		snprintf(pos, sizeof(pos), "%" PRIu64, st->last_pos);
		snprintf(ts, sizeof(ts), "%" PRId64, st->last_ts);
		params[0] = st->opt->source_name, params[1] = st->last_file, params[2] = pos;
		params[3] = st->last_gtid[0] ? st->last_gtid : NULL, params[4] = ts;
		snprintf(ntx, sizeof(ntx), "%" PRIu64, st->transactions - st->counted[2]);
		snprintf(nrows, sizeof(nrows), "%" PRIu64, st->rows - st->counted[0]);
		params[5] = ntx, params[6] = nrows;
		if (!(st->careful_batch ? pgconn_query(&st->c, UPDATE_POSITION, 7, params, NULL)
								: pgpipe_send(&st->pipe, UPDATE_POSITION, 7, params)))
			return false;
	}
	/* Nothing is committed before every answer says the batch did what it should. */
	if (!settle(st) || !pgconn_exec(&st->c, "COMMIT"))
		return false;
	st->pg_open = false;
	st->careful_batch = false;
	forget_batch(st);
	if (st->last_file[0])
	{
		snprintf(st->applied_file, sizeof(st->applied_file), "%s", st->last_file);
		st->applied_pos = st->last_pos;
	}
	return true;
}

static void
forget_events(apply_state *st)
{
	st->trx_rows = 0;
}

static void
forget_batch(apply_state *st)
{
	eventlog_truncate(&st->log, 0);
}

/* A begin without its commit: what it applied goes away (DESIGN.md: the reader drops it). */
static bool
drop_partial(apply_state *st)
{
	if (!st->in_trx)
		return true;
	if (st->skipping)
	{
		st->in_trx = false;
		forget_events(st);
		return true;
	}
	/* Without a savepoint, the batch goes again carefully, where one is set. */
	if (!st->careful_batch && st->trx_rows > 0)
		return refuse_batch(st);
	if (!st->careful_batch)
	{
		st->in_trx = false;
		return true;
	}
	st->in_trx = false;
	forget_events(st);
	return pgconn_exec(&st->c, "ROLLBACK TO SAVEPOINT cham_trx");
}

/* ---- rows ---- */

/* A column by its PostgreSQL name: a MySQL name over 63 bytes was shortened by the load. */
static void
put_column(sbuf *out, const char *mysql_name)
{
	char *name = pgschema_ident_shorten(mysql_name);

	quote_pg_ident(out, name);
	free(name);
}

/* The statement for an event's shape, prepared once; params get the values in order. */
static const prepared *
statement_for(apply_state *st, const char *kind, const apply_table *t, json_object *newv, json_object *oldv,
			  json_object *key)
{
	sbuf id = SBUF_INIT, sql = SBUF_INIT;
	prepared *p = NULL;
	int n = 0;
	bool by_key = key && json_object_array_length(key) > 0;

	sbuf_addf(&id, "%s\x1f%s\x1f%s", kind, t->pg_schema, t->pg_table);
	if (newv)
	{
		json_object_object_foreach(newv, k1, v1)
		{
			(void) v1;
			sbuf_addf(&id, "\x1fn%s", k1);
		}
	}
	if (by_key)
		for (size_t i = 0; i < json_object_array_length(key); i++)
			sbuf_addf(&id, "\x1fk%s", json_object_get_string(json_object_array_get_idx(key, i)));
	else if (oldv)
	{
		json_object_object_foreach(oldv, k2, v2)
		{
			(void) v2;
			sbuf_addf(&id, "\x1fo%s", k2);
		}
	}
	for (int i = 0; i < st->nstmts; i++)
		if (strcmp(st->stmts[i].key, id.data) == 0)
		{
			sbuf_release(&id);
			return &st->stmts[i];
		}

	if (strcmp(kind, "insert") == 0)
	{
		sbuf vals = SBUF_INIT;

		sbuf_addstr(&sql, "INSERT INTO ");
		quote_pg_qualified(&sql, t->pg_schema, t->pg_table);
		sbuf_addstr(&sql, " (");
		json_object_object_foreach(newv, k, v)
		{
			(void) v;
			if (n)
				sbuf_addstr(&sql, ", "), sbuf_addstr(&vals, ", ");
			put_column(&sql, k);
			sbuf_addf(&vals, "$%d", ++n);
		}
		sbuf_addf(&sql, ") VALUES (%s)", vals.data);
		sbuf_release(&vals);
	}
	else
	{
		sbuf where = SBUF_INIT;

		if (strcmp(kind, "update") == 0)
		{
			sbuf_addstr(&sql, "UPDATE ");
			quote_pg_qualified(&sql, t->pg_schema, t->pg_table);
			sbuf_addstr(&sql, " SET ");
			json_object_object_foreach(newv, k, v)
			{
				(void) v;
				if (n)
					sbuf_addstr(&sql, ", ");
				put_column(&sql, k);
				sbuf_addf(&sql, " = $%d", ++n);
			}
		}
		else
		{
			sbuf_addstr(&sql, "DELETE FROM ");
			quote_pg_qualified(&sql, t->pg_schema, t->pg_table);
		}
		/* By the key; without one, by every old value, and then exactly one row (ctid). */
		if (by_key)
			for (size_t i = 0; i < json_object_array_length(key); i++)
			{
				if (i)
					sbuf_addstr(&where, " AND ");
				put_column(&where, json_object_get_string(json_object_array_get_idx(key, i)));
				sbuf_addf(&where, " = $%d", ++n);
			}
		else
		{
			int first = 1;

			json_object_object_foreach(oldv, k, v)
			{
				(void) v;
				if (!first)
					sbuf_addstr(&where, " AND ");
				first = 0;
				put_column(&where, k);
				sbuf_addf(&where, " IS NOT DISTINCT FROM $%d", ++n);
			}
		}
		if (by_key)
			sbuf_addf(&sql, " WHERE %s", where.data);
		else
		{
			sbuf_addstr(&sql, " WHERE ctid = (SELECT ctid FROM ");
			quote_pg_qualified(&sql, t->pg_schema, t->pg_table);
			sbuf_addf(&sql, " WHERE %s LIMIT 1)", where.data);
		}
		sbuf_release(&where);
	}

	st->stmts = xrealloc(st->stmts, sizeof(prepared) * (size_t) (st->nstmts + 1));
	p = &st->stmts[st->nstmts];
	p->key = sbuf_detach(&id, NULL);
	snprintf(p->name, sizeof(p->name), "cham_%d", st->nstmts);
	p->nparams = n;
	/* A refusal (a column the target lacks) is the row's, and is found like any other. */
	if (!(st->careful_batch ? pgconn_prepare(&st->c, p->name, sql.data, n)
							: pgpipe_prepare(&st->pipe, p->name, sql.data, n)))
	{
		free(p->key);
		sbuf_release(&sql);
		return NULL;
	}
	st->nstmts++;
	sbuf_release(&sql);
	return p;
}

/* Appends the values of obj (all of them, or those named in key) to params. */
static bool
collect_params(json_object *obj, json_object *key, const char **params, int *n, const char **nul_column)
{
	if (key)
	{
		for (size_t i = 0; i < json_object_array_length(key); i++)
		{
			json_object *v;
			const char *name = json_object_get_string(json_object_array_get_idx(key, i));

			if (!json_object_object_get_ex(obj, name, &v))
				return false;
			params[(*n)++] = json_object_is_type(v, json_type_null) ? NULL : json_object_get_string(v);
		}
		return true;
	}
	json_object_object_foreach(obj, k, v)
	{
		/* libpq takes C strings: a NUL inside a value would cut it short, silently. */
		if (!json_object_is_type(v, json_type_null) &&
			strlen(json_object_get_string(v)) != (size_t) json_object_get_string_len(v))
			*nul_column = k;
		params[(*n)++] = json_object_is_type(v, json_type_null) ? NULL : json_object_get_string(v);
	}
	return true;
}

/* Applies one row event; *error gets the reason a row was not applied (to discard it). */
static bool
apply_row(apply_state *st, json_object *e, const apply_table *t, char *error, size_t error_size, char *sqlstate)
{
	const char *kind = event_get_str(e, "k");
	json_object *newv = NULL, *oldv = NULL, *key = NULL;
	const prepared *p;
	const char **params;
	const char *nul_column = NULL;
	int n = 0;
	long affected = 0;
	bool ok;

	/* Only the images its kind uses: a delete's "new" would not match its statement. */
	if (strcmp(kind, "delete") != 0)
		json_object_object_get_ex(e, "new", &newv);
	if (strcmp(kind, "insert") != 0)
		json_object_object_get_ex(e, "old", &oldv);
	if (json_object_object_get_ex(e, "key", &key) && !json_object_is_type(key, json_type_array))
		key = NULL;
	p = statement_for(st, kind, t, newv, oldv, key);
	if (p == NULL)
	{
		if (pgconn_is_broken(&st->c) || st->pipe.broken)
			return false;
		snprintf(error, error_size, "%s", pgconn_error(&st->c));
		memcpy(sqlstate, st->c.sqlstate, 6);
		return true;
	}
	params = xcalloc((size_t) (p->nparams ? p->nparams : 1), sizeof(char *));
	if (newv)
		collect_params(newv, NULL, params, &n, &nul_column);
	if (strcmp(kind, "insert") != 0 && !collect_params(oldv, key, params, &n, &nul_column))
	{
		snprintf(error, error_size, "the key of the row is not in its old values");
		sqlstate[0] = '\0';
		free(params);
		return true;
	}
	if (nul_column)
	{
		snprintf(error, error_size, "column \"%s\" holds a NUL byte, which PostgreSQL text cannot hold", nul_column);
		strcpy(sqlstate, "22021");
		free(params);
		return true;
	}
	if (!st->careful_batch)
	{
		/* Its answer is checked when the batch is. */
		ok = pgpipe_send_prepared(&st->pipe, p->name, p->nparams, params, 1);
		free(params);
		return ok;
	}
	ok = pgconn_exec_prepared(&st->c, p->name, p->nparams, params, &affected);
	free(params);
	if (!ok)
	{
		snprintf(error, error_size, "%s", pgconn_error(&st->c));
		memcpy(sqlstate, st->c.sqlstate, 6);
		return true;
	}
	if (affected != 1)
	{
		snprintf(error, error_size, "%s matched %ld rows in the target, not one", kind, affected);
		sqlstate[0] = '\0';
	}
	return true;
}

static bool
discard(apply_state *st, json_object *e, const apply_table *t, const char *error, const char *sqlstate)
{
	const char *json = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
	bool ok;

	log_warning("line %" PRIu64 ": %s %s of \"%s.%s\" was not applied and is kept in %s.discarded_rows: %s", st->line,
				strchr("aeiou", event_get_str(e, "k")[0]) ? "an" : "a", event_get_str(e, "k"), t->pg_schema, t->pg_table, STATEDB_SCHEMA, error);
	/* jsonb has no NUL: the event is kept as bytes too. */
	ok = statedb_discard_row(&st->c, st->opt->source_name, t->schema, t->table, t->pg_schema, t->pg_table,
							 event_get_str(e, "k"), strstr(json, "\\u0000") ? NULL : json, json, strlen(json), error,
							 sqlstate[0] ? sqlstate : NULL, st->trx_file, st->trx_pos);
	if (ok)
		st->discarded++;
	return ok;
}

static json_object *
parse_logged(apply_state *st, const char *line, size_t len)
{
	json_object *e;

	json_tokener_reset(st->tok);
	e = json_tokener_parse_ex(st->tok, line, (int) len);
	if (e == NULL || event_get_str(e, "k") == NULL)
	{
		log_error("an event kept for a replay could not be read back");
		json_object_put(e);
		return NULL;
	}
	return e;
}

static bool on_row(apply_state *st, json_object *e, bool replay);

/* The rows of the transaction in hand before the current one, applied again one by one. */
static bool
replay_rows(apply_state *st)
{
	eventlog_reader r;
	const char *line;
	size_t len;
	bool ok = true;

	eventlog_reader_init(&r, &st->log, st->trx_start);
	while (ok && eventlog_read(&r, &line, &len))
	{
		json_object *e = parse_logged(st, line, len);
		const char *k = e ? event_get_str(e, "k") : NULL;

		ok = e != NULL;
		if (ok && (strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 || strcmp(k, "delete") == 0))
			ok = on_row(st, e, true);
		json_object_put(e);
	}
	if (ok && r.pos != eventlog_size(&st->log))
		ok = false;
	eventlog_reader_release(&r);
	return ok;
}

/*
 * Applies one row event. A row PostgreSQL refuses makes the transaction go
 * again from its savepoint, row by row, each refused row set aside.
 */
static bool
on_row(apply_state *st, json_object *e, bool replay)
{
	const char *schema = event_get_str(e, "s"), *table = event_get_str(e, "t");
	const apply_table *t = NULL;
	char error[1024] = "";
	char sqlstate[6] = "";

	if (schema && table && !find_table(st, schema, table, &t))
		return false;
	if (t == NULL)
		return true; /* not a replicated table */
	/* A table loaded later than this transaction has its changes in its data already. */
	if (t->file[0] && stream_position_compare(st->trx_file, st->trx_pos, t->file, t->pos) < 0)
		return true;
	if (!st->careful_batch)
	{
		if (!apply_row(st, e, t, error, sizeof(error), sqlstate))
			return false;
		if (error[0] || pgpipe_refused(&st->pipe))
			return refuse_batch(st);
		st->rows++;
		return true;
	}
	if (st->careful && !pgconn_exec(&st->c, "SAVEPOINT cham_row"))
		return false;
	if (!apply_row(st, e, t, error, sizeof(error), sqlstate))
		return false;
	if (error[0] == '\0')
	{
		st->rows++;
		return !st->careful || pgconn_exec(&st->c, "RELEASE SAVEPOINT cham_row");
	}
	if (st->careful)
		return pgconn_exec(&st->c, "ROLLBACK TO SAVEPOINT cham_row") && discard(st, e, t, error, sqlstate);
	if (replay)
		return false;
	/* The transaction goes again from its start, row by row. */
	st->careful = true;
	if (!pgconn_exec(&st->c, "ROLLBACK TO SAVEPOINT cham_trx"))
		return false;
	return replay_rows(st) && on_row(st, e, true);
}

/* ---- events ---- */

static bool
on_begin(apply_state *st, json_object *e)
{
	if (!drop_partial(st))
		return false;
	if (!event_parse_pos(event_get_str(e, "pos"), st->trx_file, sizeof(st->trx_file), &st->trx_pos))
		return false;
	st->in_trx = true;
	st->careful = false;
	/* Positions are ordered: one that begins before the stored one ended before it too. */
	st->skipping = stream_position_compare(st->trx_file, st->trx_pos, st->applied_file, st->applied_pos) < 0;
	if (st->skipping)
		return true;
	if (!pg_begin(st))
		return false;
	if (!st->careful_batch)
		return true;
	/*
	 * The last transaction's savepoint is released here, with the new one set,
	 * in one round trip.
	 */
	if (!pgconn_exec(&st->c, st->savepoint_open ? "RELEASE SAVEPOINT cham_trx; SAVEPOINT cham_trx"
												: "SAVEPOINT cham_trx"))
		return false;
	st->savepoint_open = true;
	return true;
}

static bool
on_commit(apply_state *st, json_object *e)
{
	json_object *ts;

	if (!st->in_trx)
		return true;
	st->in_trx = false;
	forget_events(st);
	if (st->skipping)
		return true;
	if (!event_parse_pos(event_get_str(e, "pos"), st->last_file, sizeof(st->last_file), &st->last_pos))
		return false;
	snprintf(st->last_gtid, sizeof(st->last_gtid), "%s", event_get_str(e, "gtid") ? event_get_str(e, "gtid") : "");
	st->last_ts = json_object_object_get_ex(e, "ts", &ts) ? json_object_get_int64(ts) : 0;
	st->transactions++;
	if (++st->batched >= st->opt->batch_size)
		return pg_commit(st);
	return true;
}

/* A MySQL schema's PostgreSQL schema, as its loaded tables say; the same name otherwise. */
static const char *
map_schema(void *ctx, const char *schema)
{
	const apply_state *st = ctx;

	for (int i = 0; i < st->ntables; i++)
		if (strcmp(st->tables[i].schema, schema) == 0)
			return st->tables[i].pg_schema;
	return schema;
}

static bool
log_ddl(apply_state *st, const char *file, uint64_t pos, json_object *e, const char *translation, bool applied,
		const char *error)
{
	char posbuf[24];
	const char *params[9];

	snprintf(posbuf, sizeof(posbuf), "%" PRIu64, pos);
	params[0] = st->opt->source_name, params[1] = file, params[2] = posbuf;
	params[3] = event_get_str(e, "gtid"), params[4] = event_get_str(e, "s"), params[5] = event_get_str(e, "sql");
	params[6] = translation, params[7] = applied ? "true" : "false", params[8] = error;
	return pgconn_query(&st->c, "INSERT INTO sch_chameleon.ddl_log (source_name, binlog_file, binlog_pos, gtid, "
								"schema_name, statement, translation, applied, error) "
								"VALUES ($1, $2, $3, $4, $5, $6, $7, $8::boolean, $9)",
						9, params, NULL);
}

/* The translator's "-- warning: " lines are for the user to act on: logged. */
static void
warn_translation(const apply_state *st, const char *pgsql)
{
	static const char mark[] = "-- warning: ";

	for (const char *l = pgsql; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, mark, sizeof(mark) - 1) == 0)
			log_warning("line %" PRIu64 ": %.*s", st->line, (int) strcspn(l + sizeof(mark) - 1, "\n"),
						l + sizeof(mark) - 1);
}

/*
 * A DDL statement: translated with the dump's type mapping and applied in
 * its own savepoint, or recorded as not applied with the reason. Either way
 * it is in ddl_log, with the position, in the same transaction.
 */
static bool
on_ddl(apply_state *st, json_object *e, bool *stop)
{
	char file[256];
	uint64_t pos;
	json_object *ts;
	const char *sql = event_get_str(e, "sql");
	const char *schema = event_get_str(e, "s");
	sbuf pgsql = SBUF_INIT, why = SBUF_INIT;
	ddl_result r;
	bool ok = true;

	if (!drop_partial(st) || !event_parse_pos(event_get_str(e, "pos"), file, sizeof(file), &pos))
		return false;
	if (stream_position_compare(file, pos, st->applied_file, st->applied_pos) <= 0)
		return true;
	if (sql == NULL || !pg_begin(st) || !settle(st))
		return false;
	r = ddl_translate(sql, strlen(sql), schema, map_schema, st, &pgsql, &why);
	if (r == DDL_TRANSLATED)
	{
		ok = pgconn_exec(&st->c, "SAVEPOINT cham_ddl");
		if (ok && pgconn_try_exec(&st->c, pgsql.data))
		{
			ok = pgconn_exec(&st->c, "RELEASE SAVEPOINT cham_ddl") && log_ddl(st, file, pos, e, pgsql.data, true, NULL);
			warn_translation(st, pgsql.data);
		}
		else if (ok)
		{
			char *error = xstrdup(pgconn_error(&st->c));

			log_warning("line %" PRIu64 ": the translation of a DDL statement failed: %s", st->line, error);
			log_detail(LOG_LEVEL_WARNING, "statement: %.300s", sql);
			ok = pgconn_exec(&st->c, "ROLLBACK TO SAVEPOINT cham_ddl") &&
				 log_ddl(st, file, pos, e, pgsql.data, false, error);
			st->skipped_ddl++;
			if (st->opt->stop_on_unknown_ddl)
				*stop = true;
			free(error);
		}
	}
	else if (r == DDL_IGNORED)
		ok = log_ddl(st, file, pos, e, NULL, true, "nothing to do in PostgreSQL");
	else
	{
		log_warning("line %" PRIu64 ": DDL not understood, skipped (recorded in %s.ddl_log): %s: %.200s", st->line,
					STATEDB_SCHEMA, why.data, sql);
		ok = log_ddl(st, file, pos, e, NULL, false, why.data);
		st->skipped_ddl++;
		if (st->opt->stop_on_unknown_ddl)
			*stop = true;
	}
	sbuf_release(&pgsql);
	sbuf_release(&why);
	if (!ok)
		return false;
	if (*stop)
		log_error("stopping at the DDL at %s:%" PRIu64 " (on_unknown_ddl: stop)", file, pos);
	snprintf(st->last_file, sizeof(st->last_file), "%s", file);
	st->last_pos = pos;
	snprintf(st->last_gtid, sizeof(st->last_gtid), "%s", event_get_str(e, "gtid") ? event_get_str(e, "gtid") : "");
	st->last_ts = json_object_object_get_ex(e, "ts", &ts) ? json_object_get_int64(ts) : 0;
	/* Statements prepared for the old shape of a table would fail now. */
	forget_statements(st);
	return pgconn_exec(&st->c, "DEALLOCATE ALL") && pg_commit(st);
}

static void
release(apply_state *st)
{
	eventlog_release(&st->log);
	if (st->tok)
		json_tokener_free(st->tok);
	forget_tables(st);
	free(st->begin_sql);
	free(st->tables_version);
	forget_statements(st);
	free(st->stmts);
	pgpipe_release(&st->pipe);
	pgconn_close(&st->c);
}

/*
 * A heartbeat: the source is quiet. Its position and time are recorded, so
 * that the lag reads right while nothing happens.
 */
static bool
on_heartbeat(apply_state *st, json_object *e)
{
	char file[256];
	uint64_t pos;
	json_object *ts;

	if (st->in_trx || !event_parse_pos(event_get_str(e, "pos"), file, sizeof(file), &pos) ||
		stream_position_compare(file, pos, st->applied_file, st->applied_pos) < 0 ||
		(st->last_file[0] && stream_position_compare(file, pos, st->last_file, st->last_pos) < 0))
		return true;
	if (!pg_begin(st))
		return false;
	snprintf(st->last_file, sizeof(st->last_file), "%s", file);
	st->last_pos = pos;
	st->last_gtid[0] = '\0'; /* the stored one stays */
	st->last_ts = json_object_object_get_ex(e, "ts", &ts) ? json_object_get_int64(ts) : 0;
	return pg_commit(st);
}

/*
 * hello: where the stream comes from. One from another server than the one
 * loaded, or one that starts after the last position known (the changes
 * between would be missing), is refused before anything of it is applied.
 */
static bool
on_hello(apply_state *st, json_object *e)
{
	json_object *v;
	char file[256];
	uint64_t pos;
	const char *ref_file = st->seen_file[0] ? st->seen_file : st->applied_file;
	uint64_t ref_pos = st->seen_file[0] ? st->seen_pos : st->applied_pos;

	if (!drop_partial(st))
		return false;
	if (st->server_id && json_object_object_get_ex(e, "server_id", &v) &&
		(uint64_t) json_object_get_int64(v) != st->server_id)
	{
		log_error("line %" PRIu64 ": the stream comes from the server with server_id %" PRId64 ", but source \"%s\" "
				  "was loaded from server_id %" PRIu64 ": another source? (--source-name names the one to apply to)",
				  st->line, json_object_get_int64(v), st->opt->source_name, st->server_id);
		st->bad_input = true;
		return false;
	}
	if (event_parse_pos(event_get_str(e, "start"), file, sizeof(file), &pos) &&
		stream_position_compare(file, pos, ref_file, ref_pos) > 0)
	{
		log_error("line %" PRIu64 ": the stream starts at %s:%" PRIu64 ", after %s:%" PRIu64 ", the last position "
				  "applied or read: the changes between would be missing",
				  st->line, file, pos, ref_file, ref_pos);
		log_detail(LOG_LEVEL_ERROR, "start cham-stream with --from-target, which starts where the target is");
		st->bad_input = true;
		return false;
	}
	return true;
}

/* Applies one event; the ones since the last commit to PostgreSQL are kept, to go again if need be. */
static bool
dispatch(apply_state *st, json_object *e, const char *line, size_t len, bool *stop)
{
	const char *k = event_get_str(e, "k");
	bool ok = true;

	if (strcmp(k, "begin") == 0)
		ok = on_begin(st, e);
	else if (strcmp(k, "commit") == 0)
		ok = on_commit(st, e);
	else if (strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 || strcmp(k, "delete") == 0)
	{
		if (st->in_trx && !st->skipping)
		{
			st->trx_rows++;
			ok = on_row(st, e, false);
		}
	}
	else if (strcmp(k, "ddl") == 0)
		ok = on_ddl(st, e, stop);
	else if (strcmp(k, "heartbeat") == 0)
		ok = on_heartbeat(st, e);
	else if (strcmp(k, "hello") == 0)
		ok = on_hello(st, e);
	/* kinds this version does not know are skipped (DESIGN.md) */
	if (!ok)
		return false;
	if ((strcmp(k, "commit") == 0 || strcmp(k, "ddl") == 0 || strcmp(k, "heartbeat") == 0) &&
		!event_parse_pos(event_get_str(e, "pos"), st->seen_file, sizeof(st->seen_file), &st->seen_pos))
		st->seen_file[0] = '\0';
	/* Kept once applied: a failed event is retried by the caller, not replayed. */
	if (!st->pg_open)
		forget_batch(st);
	else if (!eventlog_append(&st->log, line, len))
		return false;
	if (strcmp(k, "begin") == 0)
		st->trx_start = eventlog_size(&st->log);
	return true;
}

typedef enum step
{
	STEP_EVENT, /* an event of the stream */
	STEP_IDLE,	/* the stream is quiet: what is pending is committed */
	STEP_END,	/* the end of the stream: a transaction without its commit goes away */
} step;

static bool
run_step(apply_state *st, step what, json_object *e, const char *line, size_t len, bool *stop)
{
	switch (what)
	{
		case STEP_EVENT:
			return dispatch(st, e, line, len, stop);
		case STEP_IDLE:
			return st->in_trx || pg_commit(st);
		case STEP_END:
			return drop_partial(st) && pg_commit(st);
	}
	return false;
}

static bool run_step_again(apply_state *st, step what, json_object *e, const char *line, size_t len, bool *stop);

/* The events since the last commit, which were rolled back, applied again. */
static bool
replay_batch(apply_state *st)
{
	eventlog old = st->log;
	eventlog_reader r;
	const char *line;
	size_t len;
	bool ok = true;
	bool stop = false;

	/* The events go again through dispatch, which logs them anew. */
	eventlog_init(&st->log, LOG_MEMORY_LIMIT);
	eventlog_reader_init(&r, &old, 0);
	while (ok && eventlog_read(&r, &line, &len))
	{
		json_object *e = parse_logged(st, line, len);

		ok = e != NULL && run_step_again(st, STEP_EVENT, e, line, len, &stop);
		json_object_put(e);
	}
	if (ok && r.pos != eventlog_size(&old))
		ok = false;
	eventlog_reader_release(&r);
	eventlog_release(&old);
	return ok;
}

/*
 * After the connection to PostgreSQL is lost: connects again (with backoff),
 * reads the stored position, and applies again the events since the last
 * commit, which the server rolled back. The caller then retries its step.
 */
static bool
reconnect(apply_state *st, int attempt)
{
	unsigned int delay_ms = 250u << (attempt < 5 ? attempt : 5);
	char committed_file[256];
	uint64_t committed_pos = st->applied_pos;

	snprintf(committed_file, sizeof(committed_file), "%s", st->applied_file);
	log_warning("the connection to PostgreSQL was lost: reconnecting in %u ms", delay_ms);
	usleep(delay_ms * 1000);
	pgconn_close(&st->c);
	pgpipe_reset(&st->pipe);
	if (st->pg_open)
	{
		st->rows = st->counted[0], st->discarded = st->counted[1];
		st->transactions = st->counted[2], st->skipped_ddl = st->counted[3];
	}
	st->pg_open = st->in_trx = st->batch_failed = false;
	forget_events(st);
	forget_statements(st);
	st->last_file[0] = '\0';
	if (!pgconn_open(&st->c, st->opt->target, st->opt->target_password, 0) || !lock_source(st) || !reload_position(st))
		return false;
	/* The events before the batch are gone from here: only a new stream from the target has them. */
	if (stream_position_compare(st->applied_file, st->applied_pos, committed_file, committed_pos) < 0)
	{
		log_error("PostgreSQL lost commits it had acknowledged (it is at %s:%" PRIu64 ", cham-apply had committed up to "
				  "%s:%" PRIu64 "): start again from the target (cham-stream --from-target)",
				  st->applied_file, st->applied_pos, committed_file, committed_pos);
		st->lost_commits = true;
		return false;
	}
	if (!replay_batch(st))
		return false;
	log_info("reconnected; applying from %s:%" PRIu64, st->applied_file, st->applied_pos);
	return true;
}

/*
 * Runs a step; when it fails for a reason that passes, the batch goes again
 * (carefully after a refused row, or over a new connection), then the step.
 */
static bool
run_step_again(apply_state *st, step what, json_object *e, const char *line, size_t len, bool *stop)
{
	bool ok = run_step(st, what, e, line, len, stop);
	int attempt = 0;

	while (!ok)
	{
		if (st->batch_failed)
		{
			st->batch_failed = false;
			st->careful_batch = true;
			ok = replay_batch(st) && run_step(st, what, e, line, len, stop);
		}
		else if ((pgconn_is_broken(&st->c) || st->pipe.broken) && !st->lost_commits && attempt < RECONNECT_ATTEMPTS &&
				 !(st->opt->interrupted && *st->opt->interrupted))
			ok = reconnect(st, attempt++) && run_step(st, what, e, line, len, stop);
		else
			return false;
	}
	return true;
}

apply_status
apply_run(const apply_options *opt)
{
	apply_state st;
	int fd = 0;
	linereader in;
	char *line;
	size_t len;
	int got;
	apply_status status = APPLY_FAILED;
	json_tokener *tok = json_tokener_new();
	bool stop = false;

	memset(&st, 0, sizeof(st));
	st.opt = opt;
	pgpipe_init(&st.pipe, &st.c);
	eventlog_init(&st.log, LOG_MEMORY_LIMIT);
	st.tok = json_tokener_new();
	{
		sbuf sql = SBUF_INIT, name = SBUF_INIT;

		quote_pg_literal(&name, opt->source_name, strlen(opt->source_name));
		sbuf_addf(&sql,
				  "BEGIN; SELECT pg_advisory_xact_lock_shared(%d, hashtext(%s)); SELECT coalesce(max(loaded_at)::text, '') "
				  "|| '/' || count(*), count(*) FILTER (WHERE status = 'resyncing') FROM sch_chameleon.tables WHERE source_name = %s",
				  STATEDB_RESYNC_LOCK_KEY, name.data, name.data);
		st.begin_sql = sbuf_detach(&sql, NULL);
		sbuf_release(&name);
	}
	if (opt->input && (fd = open(opt->input, O_RDONLY | O_CLOEXEC)) < 0)
	{
		log_error("could not open file \"%s\": %s", opt->input, strerror(errno));
		json_tokener_free(tok);
		return APPLY_BAD_INPUT;
	}
	linereader_init(&in, fd, opt->interrupted);
	if (!pgconn_open(&st.c, opt->target, opt->target_password, 3) || !statedb_ensure(&st.c) || !load_state(&st))
	{
		status = pgconn_failure_is_users(&st.c) || st.bad_input ? APPLY_BAD_INPUT : APPLY_FAILED;
		goto out;
	}
	log_info("applying from %s:%" PRIu64 " for source \"%s\"", st.applied_file, st.applied_pos, opt->source_name);
	while (!stop)
	{
		json_object *e;
		const char *k;
		const char *bad;

		/* A writer that is quiet: what is applied is committed now, not when more comes. */
		if (!linereader_ready(&in) && !run_step_again(&st, STEP_IDLE, NULL, NULL, 0, &stop))
			goto out;
		if ((got = linereader_next(&in, &line, &len)) == 0)
			break;
		if (got < 0)
		{
			if (errno == EINTR && !(opt->interrupted && *opt->interrupted))
				continue;
			if (errno == EINTR)
				break;
			log_error("could not read the stream: %s", strerror(errno));
			goto out;
		}
		st.line++;
		json_tokener_reset(tok);
		e = len > INT32_MAX ? NULL : json_tokener_parse_ex(tok, line, (int) len);
		k = e && json_object_is_type(e, json_type_object) ? event_get_str(e, "k") : NULL;
		if (k == NULL || (!st.in_trx && (strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 ||
										 strcmp(k, "delete") == 0)))
		{
			if (k)
				log_error("line %" PRIu64 " of the stream is a row event outside a transaction", st.line);
			else
				log_error("line %" PRIu64 " of the stream is not an event: %s", st.line,
						  e					? "no \"k\""
						  : len > INT32_MAX ? "too long"
											: json_tokener_error_desc(json_tokener_get_error(tok)));
			json_object_put(e);
			/* Nothing of its transaction is applied; the transactions before it are. */
			if (run_step_again(&st, STEP_END, NULL, NULL, 0, &stop))
				status = APPLY_BAD_INPUT;
			goto out;
		}
		bad = strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 || strcmp(k, "delete") == 0
				  ? event_row_malformed(e, k)
				  : NULL;
		if (bad == NULL)
			bad = event_malformed(st.in_trx, e, k, line, len, tok);
		if (bad)
		{
			log_error("line %" PRIu64 " of the stream is a malformed event: %s", st.line, bad);
			json_object_put(e);
			if (run_step_again(&st, STEP_END, NULL, NULL, 0, &stop))
				status = APPLY_BAD_INPUT;
			goto out;
		}
		if (!run_step_again(&st, STEP_EVENT, e, line, len, &stop))
		{
			json_object_put(e);
			if (st.bad_input)
			{
				/* The transactions before it are kept. */
				st.bad_input = false;
				if (run_step_again(&st, STEP_END, NULL, NULL, 0, &stop))
					status = APPLY_BAD_INPUT;
				goto out;
			}
			log_error("could not apply line %" PRIu64 " of the stream", st.line);
			goto out;
		}
		json_object_put(e);
		if (opt->interrupted && *opt->interrupted && !st.in_trx)
			break;
	}
	if (!run_step_again(&st, STEP_END, NULL, NULL, 0, &stop))
		goto out;
	log_info("applied %" PRIu64 " transactions, %" PRIu64 " rows; %" PRIu64 " rows discarded, %" PRIu64
			 " DDL skipped; at %s:%" PRIu64,
			 st.transactions, st.rows, st.discarded, st.skipped_ddl, st.applied_file, st.applied_pos);
	status = stop ? APPLY_FAILED : st.discarded ? APPLY_DISCARDED
												: APPLY_OK;
	{
		const char *params[1] = { opt->source_name };

		/* For status: nobody applies now (a failure leaves "replicating", which it was). */
		if (!pgconn_query(&st.c, "UPDATE sch_chameleon.sources SET status = 'stopped', updated_at = now() "
								 "WHERE source_name = $1 AND status = 'replicating'",
						  1, params, NULL))
			status = APPLY_FAILED;
	}
out:
	json_tokener_free(tok);
	linereader_release(&in);
	if (fd > 0)
		close(fd);
	release(&st);
	return status;
}
