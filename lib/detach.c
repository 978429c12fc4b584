/* detach.c: cham-detach's work: sequences past the data, foreign keys validated, the state closed. */
#include "detach.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logging.h"
#include "pgconn.h"
#include "quote.h"
#include "sbuf.h"
#include "statedb.h"

/*
 * The source's PostgreSQL schemas, for a query whose $1 is the source name:
 * the ones it was loaded into, and those its tables went to (a table may
 * have been loaded alone, later, into a schema of its own).
 */
#define SOURCE_SCHEMAS                                                                \
	"(SELECT unnest(dest_schemas) FROM sch_chameleon.sources WHERE source_name = $1 " \
	"UNION SELECT pg_schema FROM sch_chameleon.tables WHERE source_name = $1)"

/*
 * How long an orphan row is looked for after a failed validation: the
 * example helps whoever fixes the data, the failure is reported without it.
 */
#define ORPHAN_TIMEOUT "10s"

typedef struct detach_counts
{
	int seq_reset;
	int seq_failed;
	int fk_validated;
	int fk_failed;
} detach_counts;

/*
 * Finds the source in sch_chameleon and copies its status into status (size
 * bytes). Returns false after logging; *bad is then set when the cause is the
 * user's (no sch_chameleon, an unknown source) rather than the server's.
 */
static bool
find_source(pgconn *c, const char *source, char *status, size_t size, bool *bad)
{
	const char *params[1] = { source };
	PGresult *res;
	bool found;

	*bad = false;
	if (!pgconn_query(c, "SELECT to_regclass('sch_chameleon.sources') IS NOT NULL", 0, NULL, &res))
		return false;
	found = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!found)
	{
		log_error("no replication state in \"%s\": schema \"%s\" does not exist", c->description, STATEDB_SCHEMA);
		log_detail(LOG_LEVEL_ERROR, "cham-load records its source there; without it there is nothing to detach");
		*bad = true;
		return false;
	}
	if (!pgconn_query(c, "SELECT status FROM sch_chameleon.sources WHERE source_name = $1", 1, params, &res))
		return false;
	found = PQntuples(res) == 1;
	if (found)
		snprintf(status, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if (found)
		return true;
	*bad = true;
	log_error("source \"%s\" is unknown in \"%s\"", source, c->description);
	if (pgconn_query(c, "SELECT string_agg(format('\"%s\"', source_name), ', ' ORDER BY source_name) FROM sch_chameleon.sources",
					 0, NULL, &res))
	{
		if (PQgetisnull(res, 0, 0))
			log_detail(LOG_LEVEL_ERROR, "no source is recorded there");
		else
			log_detail(LOG_LEVEL_ERROR, "the sources recorded there: %s (choose one with --source-name)", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	return false;
}

/*
 * Sets one sequence so that its next value follows the data: after the
 * largest value of its column (the smallest for a descending one), or at its
 * start when the table is empty. The bounds of the sequence keep setval in
 * range. Returns false after logging.
 */
static bool
reset_sequence(pgconn *c, const PGresult *seqs, int row)
{
	const char *seq_schema = PQgetvalue(seqs, row, 0),
			   *seq_name = PQgetvalue(seqs, row, 1),
			   *schema = PQgetvalue(seqs, row, 2),
			   *table = PQgetvalue(seqs, row, 3),
			   *column = PQgetvalue(seqs, row, 4);
	const char *params[1] = { PQgetvalue(seqs, row, 5) };
	bool ascending = strcmp(PQgetvalue(seqs, row, 6), "t") == 0;
	sbuf sql = SBUF_INIT;
	PGresult *res;
	bool ok;

	sbuf_addf(&sql, "SELECT setval(s.seqrelid, CASE WHEN m.v IS NULL THEN s.seqstart ELSE %s(m.v, s.%s) END, "
					"m.v IS NOT NULL), m.v IS NULL FROM pg_sequence s, "
					"(SELECT %s(",
			  ascending ? "greatest" : "least", ascending ? "seqmin" : "seqmax", ascending ? "max" : "min");
	quote_pg_ident(&sql, column);
	sbuf_addstr(&sql, ")::bigint AS v FROM ");
	quote_pg_qualified(&sql, schema, table);
	sbuf_addstr(&sql, ") m WHERE s.seqrelid = $1::oid");
	ok = pgconn_try_query(c, sql.data, 1, params, &res);
	sbuf_release(&sql);
	if (!ok)
	{
		log_error("could not reset sequence \"%s.%s\" of column \"%s\" of table \"%s.%s\": %s", seq_schema, seq_name,
				  column, schema, table, pgconn_error(c));
		return false;
	}
	/* No row: the sequence went away since it was listed; nothing left to reset. */
	if (PQntuples(res) == 1)
		log_debug("sequence \"%s.%s\" of \"%s.%s\".\"%s\" set to %s (%s)", seq_schema, seq_name, schema, table, column,
				  PQgetvalue(res, 0, 0), strcmp(PQgetvalue(res, 0, 1), "t") == 0 ? "the table is empty: its next value" : "the value in the table");
	PQclear(res);
	return true;
}

/* Every sequence owned by a column (identity or serial) of the source's schemas. */
static bool
reset_sequences(pgconn *c, const char *source, detach_counts *n)
{
	const char *params[1] = { source };
	PGresult *res;

	/* pg_depend links a sequence to its column: 'i' for identity, 'a' for OWNED BY (serial). */
	if (!pgconn_query(c,
					  "SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname, s.oid, ps.seqincrement > 0 "
					  "FROM pg_depend d "
					  "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
					  "JOIN pg_namespace sn ON sn.oid = s.relnamespace "
					  "JOIN pg_sequence ps ON ps.seqrelid = s.oid "
					  "JOIN pg_class t ON t.oid = d.refobjid "
					  "JOIN pg_namespace tn ON tn.oid = t.relnamespace "
					  "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid AND NOT a.attisdropped "
					  "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
					  "AND d.deptype IN ('a', 'i') AND t.relkind IN ('r', 'p') AND tn.nspname IN " SOURCE_SCHEMAS " "
					  "ORDER BY 3, 4, 5",
					  1, params, &res))
		return false;
	for (int i = 0; i < PQntuples(res); i++)
	{
		if (reset_sequence(c, res, i))
			n->seq_reset++;
		else if (pgconn_is_broken(c))
		{
			PQclear(res);
			return false;
		}
		else
			n->seq_failed++;
	}
	PQclear(res);
	return true;
}

/*
 * Logs an example of a row that breaks the foreign key con (an oid, as text)
 * of schema.table: its key, as PostgreSQL shows it. Only a key of MATCH SIMPLE
 * is looked for (a row with a NULL in the key is not checked), and only for
 * ORPHAN_TIMEOUT; finding none logs nothing.
 */
static void
log_orphan(pgconn *c, const char *con, const char *schema, const char *table)
{
	const char *params[1] = { con };
	sbuf sql = SBUF_INIT,
		 cols = SBUF_INIT;
	PGresult *keys,
		*res;

	if (!pgconn_try_query(c,
						  "SELECT ca.attname, pa.attname, pn.nspname, p.relname "
						  "FROM pg_constraint con, unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(ck, pk, i), "
						  "pg_attribute ca, pg_attribute pa, pg_class p, pg_namespace pn "
						  "WHERE con.oid = $1::oid AND ca.attrelid = con.conrelid AND ca.attnum = k.ck "
						  "AND pa.attrelid = con.confrelid AND pa.attnum = k.pk AND p.oid = con.confrelid "
						  "AND pn.oid = p.relnamespace ORDER BY k.i",
						  1, params, &keys))
		return;
	if (PQntuples(keys) == 0)
	{
		PQclear(keys);
		return;
	}
	sbuf_addstr(&sql, "SELECT ROW(");
	for (int i = 0; i < PQntuples(keys); i++)
	{
		sbuf_addstr(&sql, i ? ", c." : "c.");
		quote_pg_ident(&sql, PQgetvalue(keys, i, 0));
		sbuf_addstr(&cols, i ? ", " : "");
		sbuf_addstr(&cols, PQgetvalue(keys, i, 0));
	}
	sbuf_addstr(&sql, ")::text FROM ");
	quote_pg_qualified(&sql, schema, table);
	sbuf_addstr(&sql, " c WHERE ");
	for (int i = 0; i < PQntuples(keys); i++)
	{
		sbuf_addstr(&sql, i ? " AND c." : "c.");
		quote_pg_ident(&sql, PQgetvalue(keys, i, 0));
		sbuf_addstr(&sql, " IS NOT NULL");
	}
	sbuf_addstr(&sql, " AND NOT EXISTS (SELECT 1 FROM ");
	quote_pg_qualified(&sql, PQgetvalue(keys, 0, 2), PQgetvalue(keys, 0, 3));
	sbuf_addstr(&sql, " p WHERE ");
	for (int i = 0; i < PQntuples(keys); i++)
	{
		sbuf_addstr(&sql, i ? " AND p." : "p.");
		quote_pg_ident(&sql, PQgetvalue(keys, i, 1));
		sbuf_addstr(&sql, " = c.");
		quote_pg_ident(&sql, PQgetvalue(keys, i, 0));
	}
	sbuf_addstr(&sql, ") LIMIT 1");
	if (pgconn_try_exec(c, "SET statement_timeout = '" ORPHAN_TIMEOUT "'"))
	{
		if (pgconn_try_query(c, sql.data, 0, NULL, &res))
		{
			if (PQntuples(res) == 1)
				log_detail(LOG_LEVEL_ERROR, "for example key (%s)=%s has no row in table \"%s.%s\"", cols.data,
						   PQgetvalue(res, 0, 0), PQgetvalue(keys, 0, 2), PQgetvalue(keys, 0, 3));
			PQclear(res);
		}
		else
			log_debug("no orphan row found for the example: %s", pgconn_error(c));
		pgconn_try_exec(c, "RESET statement_timeout");
	}
	PQclear(keys);
	sbuf_release(&cols);
	sbuf_release(&sql);
}

/*
 * Validates every NOT VALID foreign key of the source's schemas, each in a
 * transaction of its own (the statement's): one that fails is reported and
 * the others go on. Returns false only when the connection or the listing fails.
 */
static bool
validate_foreign_keys(pgconn *c, const char *source, detach_counts *n)
{
	const char *params[1] = { source };
	PGresult *res;

	if (!pgconn_query(c,
					  "SELECT n.nspname, t.relname, con.conname, con.oid FROM pg_constraint con "
					  "JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
					  "WHERE con.contype = 'f' AND NOT con.convalidated AND n.nspname IN " SOURCE_SCHEMAS " "
					  "ORDER BY 1, 2, 3",
					  1, params, &res))
		return false;
	for (int i = 0; i < PQntuples(res); i++)
	{
		const char *schema = PQgetvalue(res, i, 0),
				   *table = PQgetvalue(res, i, 1),
				   *name = PQgetvalue(res, i, 2);
		sbuf sql = SBUF_INIT;

		sbuf_addstr(&sql, "ALTER TABLE ");
		quote_pg_qualified(&sql, schema, table);
		sbuf_addstr(&sql, " VALIDATE CONSTRAINT ");
		quote_pg_ident(&sql, name);
		if (pgconn_try_exec(c, sql.data))
		{
			log_debug("foreign key \"%s\" of table \"%s.%s\" validated", name, schema, table);
			n->fk_validated++;
		}
		else if (pgconn_is_broken(c))
		{
			log_error("could not validate foreign key \"%s\" of table \"%s.%s\": %s", name, schema, table, pgconn_error(c));
			sbuf_release(&sql);
			PQclear(res);
			return false;
		}
		else
		{
			log_error("could not validate foreign key \"%s\" of table \"%s.%s\": %s", name, schema, table, pgconn_error(c));
			if (strcmp(c->sqlstate, "23503") == 0)
				log_orphan(c, PQgetvalue(res, i, 3), schema, table);
			log_detail(LOG_LEVEL_ERROR, "the key stays NOT VALID (still checked for new rows); once the data is fixed: %s",
					   sql.data);
			n->fk_failed++;
		}
		sbuf_release(&sql);
	}
	PQclear(res);
	return true;
}

/* Marks the source detached: nothing replicates into its schemas any more. */
static bool
mark_detached(pgconn *c, const char *source)
{
	const char *params[1] = { source };

	return pgconn_query(c, "UPDATE sch_chameleon.sources SET status = 'detached', updated_at = now() WHERE source_name = $1",
						1, params, NULL);
}

/*
 * Deletes the source's state (positions and tables go with the sources row),
 * and sch_chameleon when it was the last source. *schema_dropped tells which.
 */
static bool
drop_state(pgconn *c, const char *source, bool *schema_dropped)
{
	const char *params[1] = { source };
	PGresult *res;
	bool last;

	*schema_dropped = false;
	/*
	 * The lock keeps a source from being added between the count and the drop:
	 * a cham-load starting now waits, then creates sch_chameleon anew.
	 */
	if (!pgconn_exec(c, "BEGIN; LOCK TABLE sch_chameleon.sources IN SHARE ROW EXCLUSIVE MODE"))
		goto fail;
	if (!pgconn_query(c, "DELETE FROM sch_chameleon.discarded_rows WHERE source_name = $1", 1, params, NULL) ||
		!pgconn_query(c, "DELETE FROM sch_chameleon.ddl_log WHERE source_name = $1", 1, params, NULL) ||
		!pgconn_query(c, "DELETE FROM sch_chameleon.sources WHERE source_name = $1", 1, params, NULL) ||
		!pgconn_query(c, "SELECT NOT EXISTS (SELECT 1 FROM sch_chameleon.sources)", 0, NULL, &res))
		goto fail;
	last = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (last && !pgconn_exec(c, "DROP SCHEMA " STATEDB_SCHEMA " CASCADE"))
		goto fail;
	if (!pgconn_exec(c, "COMMIT"))
		goto fail;
	*schema_dropped = last;
	return true;

fail:
	pgconn_try_exec(c, "ROLLBACK");
	return false;
}

detach_status
detach_run(const detach_options *opt)
{
	pgconn c;
	char status[32];
	detach_counts n = { 0 };
	detach_status result = DETACH_FAILED;
	bool bad,
		schema_dropped = false;

	if (!pgconn_open(&c, opt->target, opt->target_password, 3))
	{
		result = pgconn_failure_is_users(&c) ? DETACH_BAD_INPUT : DETACH_FAILED;
		goto out;
	}
	if (!find_source(&c, opt->source_name, status, sizeof(status), &bad))
	{
		result = bad ? DETACH_BAD_INPUT : DETACH_FAILED;
		goto out;
	}
	if (strcmp(status, "replicating") == 0)
	{
		log_warning("source \"%s\" is replicating: a cham-apply may still be writing to the target", opt->source_name);
		log_detail(LOG_LEVEL_WARNING, "stop the stream and the apply first at a cut-over; the sequences are set from the data there is now");
	}
	else if (strcmp(status, "loading") == 0)
		log_warning("source \"%s\" is still loading: its tables may be incomplete", opt->source_name);
	log_info("detaching source \"%s\" (status \"%s\") in \"%s\"", opt->source_name, status, c.description);

	if (!reset_sequences(&c, opt->source_name, &n) || !validate_foreign_keys(&c, opt->source_name, &n))
		goto out;
	if (opt->drop_state ? !drop_state(&c, opt->source_name, &schema_dropped) : !mark_detached(&c, opt->source_name))
		goto out;

	log_info("sequences reset: %d, failed: %d; foreign keys validated: %d, failed: %d; source \"%s\" %s",
			 n.seq_reset, n.seq_failed, n.fk_validated, n.fk_failed, opt->source_name,
			 !opt->drop_state ? "marked detached"
			 : schema_dropped ? "dropped, and schema \"" STATEDB_SCHEMA "\" with it (no source left)"
							  : "dropped from \"" STATEDB_SCHEMA "\"");
	result = n.seq_failed || n.fk_failed ? DETACH_INCOMPLETE : DETACH_OK;
out:
	pgconn_close(&c);
	return result;
}
