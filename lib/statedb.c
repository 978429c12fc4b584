/* statedb.c: the replication state kept in the target, schema sch_chameleon. */
#include "statedb.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logging.h"
#include "xalloc.h"

/* Any key; only needs to be the same for every program of this project. */
#define STATEDB_LOCK_KEY 0x6368616d

static const char *const statedb_ddl =
	"CREATE SCHEMA IF NOT EXISTS sch_chameleon;\n"
	"CREATE TABLE IF NOT EXISTS sch_chameleon.sources (\n"
	"  source_name text PRIMARY KEY,\n"
	"  status text NOT NULL CHECK (status IN ('loading', 'loaded', 'replicating', 'stopped', 'detached')),\n"
	"  dest_schemas text[] NOT NULL DEFAULT '{}',\n"
	"  mysql_address text,\n"
	"  dump_id text,\n"
	"  pre_data_done boolean NOT NULL DEFAULT false,\n"
	"  post_data_done boolean NOT NULL DEFAULT false,\n"
	"  dump_taken_at timestamptz,\n"
	"  created_at timestamptz NOT NULL DEFAULT now(),\n"
	"  updated_at timestamptz NOT NULL DEFAULT now());\n"
	"CREATE TABLE IF NOT EXISTS sch_chameleon.positions (\n"
	"  source_name text PRIMARY KEY REFERENCES sch_chameleon.sources ON DELETE CASCADE,\n"
	"  binlog_file text,\n"
	"  binlog_pos bigint,\n"
	"  gtid text,\n"
	"  event_time timestamptz,\n"
	"  applied_at timestamptz NOT NULL DEFAULT now());\n"
	"CREATE TABLE IF NOT EXISTS sch_chameleon.tables (\n"
	"  source_name text NOT NULL REFERENCES sch_chameleon.sources ON DELETE CASCADE,\n"
	"  source_schema text NOT NULL,\n"
	"  source_table text NOT NULL,\n"
	"  pg_schema text NOT NULL,\n"
	"  pg_table text NOT NULL,\n"
	"  status text NOT NULL DEFAULT 'loaded',\n"
	"  dump_id text,\n"
	"  binlog_file text,\n"
	"  binlog_pos bigint,\n"
	"  gtid text,\n"
	"  rows_loaded bigint,\n"
	"  loaded_at timestamptz NOT NULL DEFAULT now(),\n"
	"  error text,\n"
	"  PRIMARY KEY (source_name, source_schema, source_table));\n"
	"CREATE TABLE IF NOT EXISTS sch_chameleon.discarded_rows (\n"
	"  id bigserial PRIMARY KEY,\n"
	"  source_name text NOT NULL,\n"
	"  source_schema text,\n"
	"  source_table text,\n"
	"  pg_schema text,\n"
	"  pg_table text,\n"
	"  operation text NOT NULL,\n"
	"  row_data jsonb,\n"
	"  raw_data bytea,\n"
	"  error text NOT NULL,\n"
	"  sqlstate text,\n"
	"  binlog_file text,\n"
	"  binlog_pos bigint,\n"
	"  discarded_at timestamptz NOT NULL DEFAULT now());\n"
	"CREATE TABLE IF NOT EXISTS sch_chameleon.ddl_log (\n"
	"  id bigserial PRIMARY KEY,\n"
	"  source_name text NOT NULL,\n"
	"  binlog_file text,\n"
	"  binlog_pos bigint,\n"
	"  gtid text,\n"
	"  schema_name text,\n"
	"  statement text NOT NULL,\n"
	"  translation text,\n"
	"  applied boolean NOT NULL,\n"
	"  error text,\n"
	"  logged_at timestamptz NOT NULL DEFAULT now());\n"
	/* The source server's identity, so a stream from another server is refused. */
	"ALTER TABLE sch_chameleon.sources ADD COLUMN IF NOT EXISTS server_id bigint;\n"
	/* What cham-apply applied, counted in the transactions that applied it. */
	"ALTER TABLE sch_chameleon.positions ADD COLUMN IF NOT EXISTS transactions_applied bigint NOT NULL DEFAULT 0,\n"
	"  ADD COLUMN IF NOT EXISTS rows_applied bigint NOT NULL DEFAULT 0;\n";

bool
statedb_ensure(pgconn *c)
{
	char lock[96];
	bool ok;

	snprintf(lock, sizeof(lock), "BEGIN; SELECT pg_advisory_xact_lock(%d)", STATEDB_LOCK_KEY);
	if (!pgconn_exec(c, lock))
		return false;
	ok = pgconn_try_exec(c, statedb_ddl);
	if (!ok)
	{
		if (strcmp(c->sqlstate, "42501") == 0)
			log_error("the target user may not create schema \"%s\" in \"%s\": %s",
					  STATEDB_SCHEMA, c->description, pgconn_error(c));
		else
			log_error("could not create schema \"%s\" in \"%s\": %s", STATEDB_SCHEMA, c->description, pgconn_error(c));
		pgconn_try_exec(c, "ROLLBACK");
		return false;
	}
	return pgconn_exec(c, "COMMIT");
}

bool
statedb_source_loading(pgconn *c, const char *source, const char *address, uint64_t server_id,
					   const char *dest_schemas, const char *dump_id)
{
	char id[24];
	const char *params[5] = { source, address, dest_schemas, dump_id, id };

	snprintf(id, sizeof(id), "%" PRIu64, server_id);
	/* A new dump resets the steps; the same dump keeps them (a re-run resumes). */
	return pgconn_query(c,
						"INSERT INTO sch_chameleon.sources AS s (source_name, status, mysql_address, dest_schemas, dump_id, server_id) "
						"VALUES ($1, 'loading', $2, $3::text[], $4, nullif($5, '0')::bigint) "
						"ON CONFLICT (source_name) DO UPDATE SET status = 'loading', mysql_address = EXCLUDED.mysql_address, "
						"server_id = EXCLUDED.server_id, "
						"dest_schemas = EXCLUDED.dest_schemas, dump_id = EXCLUDED.dump_id, updated_at = now(), "
						"pre_data_done = s.pre_data_done AND s.dump_id IS NOT DISTINCT FROM EXCLUDED.dump_id, "
						"post_data_done = s.post_data_done AND s.dump_id IS NOT DISTINCT FROM EXCLUDED.dump_id",
						5, params, NULL);
}

bool
statedb_load_progress(pgconn *c, const char *source, const char *dump_id, bool *pre_data_done, bool *post_data_done)
{
	const char *params[2] = { source, dump_id };
	PGresult *res;

	*pre_data_done = *post_data_done = false;
	if (!pgconn_query(c, "SELECT pre_data_done, post_data_done FROM sch_chameleon.sources "
						 "WHERE source_name = $1 AND dump_id = $2",
					  2, params, &res))
		return false;
	if (PQntuples(res) == 1)
	{
		*pre_data_done = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		*post_data_done = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	}
	PQclear(res);
	return true;
}

bool
statedb_mark_step(pgconn *c, const char *source, const char *step)
{
	const char *params[1] = { source };

	return pgconn_query(c, strcmp(step, "pre_data") == 0 ? "UPDATE sch_chameleon.sources SET pre_data_done = true, updated_at = now() WHERE source_name = $1" : "UPDATE sch_chameleon.sources SET post_data_done = true, updated_at = now() WHERE source_name = $1",
						1, params, NULL);
}

bool
statedb_table_loaded(pgconn *c, const char *source, const char *schema, const char *table,
					 const char *dump_id, bool *loaded, uint64_t *rows)
{
	const char *params[4] = { source, schema, table, dump_id };
	PGresult *res;

	*loaded = false;
	if (!pgconn_query(c, "SELECT coalesce(rows_loaded, 0) FROM sch_chameleon.tables WHERE source_name = $1 AND source_schema = $2 "
						 "AND source_table = $3 AND dump_id = $4 AND status = 'loaded'",
					  4, params, &res))
		return false;
	*loaded = PQntuples(res) == 1;
	*rows = *loaded ? strtoull(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return true;
}

bool
statedb_table_done(pgconn *c, const char *source, const char *schema, const char *table,
				   const char *pg_schema, const char *pg_table, const char *dump_id,
				   const char *binlog_file, uint64_t binlog_pos, const char *gtid, uint64_t rows)
{
	char pos[24],
		nrows[24];
	const char *params[10];

	snprintf(pos, sizeof(pos), "%" PRIu64, binlog_pos);
	snprintf(nrows, sizeof(nrows), "%" PRIu64, rows);
	params[0] = source, params[1] = schema, params[2] = table, params[3] = pg_schema;
	params[4] = pg_table, params[5] = dump_id, params[6] = binlog_file;
	params[7] = binlog_file ? pos : NULL, params[8] = gtid, params[9] = nrows;
	return pgconn_query(c,
						"INSERT INTO sch_chameleon.tables (source_name, source_schema, source_table, pg_schema, pg_table, "
						"status, dump_id, binlog_file, binlog_pos, gtid, rows_loaded) "
						"VALUES ($1, $2, $3, $4, $5, 'loaded', $6, $7, $8, $9, $10) "
						"ON CONFLICT (source_name, source_schema, source_table) DO UPDATE SET pg_schema = EXCLUDED.pg_schema, "
						"pg_table = EXCLUDED.pg_table, status = 'loaded', dump_id = EXCLUDED.dump_id, "
						"binlog_file = EXCLUDED.binlog_file, binlog_pos = EXCLUDED.binlog_pos, gtid = EXCLUDED.gtid, "
						"rows_loaded = EXCLUDED.rows_loaded, loaded_at = now(), error = NULL",
						10, params, NULL);
}

bool
statedb_discard_row(pgconn *c, const char *source, const char *schema, const char *table,
					const char *pg_schema, const char *pg_table, const char *operation,
					const char *row_json, const char *raw, size_t raw_len,
					const char *error, const char *sqlstate,
					const char *binlog_file, uint64_t binlog_pos)
{
	char pos[24];
	char *raw_hex = NULL;
	const char *params[12];
	bool ok;

	snprintf(pos, sizeof(pos), "%" PRIu64, binlog_pos);
	if (raw)
	{
		static const char hex[] = "0123456789abcdef";

		raw_hex = xmalloc(raw_len * 2 + 3);
		raw_hex[0] = '\\', raw_hex[1] = 'x';
		for (size_t i = 0; i < raw_len; i++)
		{
			raw_hex[2 + i * 2] = hex[(unsigned char) raw[i] >> 4];
			raw_hex[3 + i * 2] = hex[(unsigned char) raw[i] & 15];
		}
		raw_hex[2 + raw_len * 2] = '\0';
	}
	params[0] = source, params[1] = schema, params[2] = table, params[3] = pg_schema;
	params[4] = pg_table, params[5] = operation, params[6] = row_json, params[7] = raw_hex;
	params[8] = error, params[9] = sqlstate, params[10] = binlog_file, params[11] = binlog_file ? pos : NULL;
	ok = pgconn_query(c,
					  "INSERT INTO sch_chameleon.discarded_rows (source_name, source_schema, source_table, pg_schema, "
					  "pg_table, operation, row_data, raw_data, error, sqlstate, binlog_file, binlog_pos) "
					  "VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::bytea, $9, $10, $11, $12)",
					  12, params, NULL);
	free(raw_hex);
	return ok;
}

bool
statedb_source_loaded(pgconn *c, const char *source, const char *binlog_file,
					  uint64_t binlog_pos, const char *gtid, const char *taken_at)
{
	char pos[24];
	const char *params[5];

	snprintf(pos, sizeof(pos), "%" PRIu64, binlog_pos);
	params[0] = source, params[1] = binlog_file, params[2] = binlog_file ? pos : NULL;
	params[3] = gtid, params[4] = taken_at;
	return pgconn_query(c,
						"WITH s AS (UPDATE sch_chameleon.sources SET status = 'loaded', dump_taken_at = $5::timestamptz, "
						"updated_at = now() WHERE source_name = $1 RETURNING source_name) "
						"INSERT INTO sch_chameleon.positions (source_name, binlog_file, binlog_pos, gtid, event_time) "
						"SELECT source_name, $2, $3::bigint, $4, $5::timestamptz FROM s "
						"ON CONFLICT (source_name) DO UPDATE SET binlog_file = EXCLUDED.binlog_file, "
						"binlog_pos = EXCLUDED.binlog_pos, gtid = EXCLUDED.gtid, event_time = EXCLUDED.event_time, "
						"applied_at = clock_timestamp()",
						5, params, NULL);
}

bool
statedb_lock_resync(pgconn *c, const char *source)
{
	const char *params[1] = { source };
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d, hashtext($1))", STATEDB_RESYNC_LOCK_KEY);
	return pgconn_query(c, sql, 1, params, NULL);
}
