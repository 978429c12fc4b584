/* statedb.h: the replication state kept in the target, schema sch_chameleon (DESIGN.md). */
#ifndef CHAM_STATEDB_H
#define CHAM_STATEDB_H

#include <stdbool.h>
#include <stdint.h>

#include "pgconn.h"

#define STATEDB_SCHEMA "sch_chameleon"

/*
 * Creates sch_chameleon and its tables when missing (several programs may
 * start at once: an advisory lock makes it one at a time). Logs a failure;
 * a missing privilege leaves c->sqlstate "42501".
 */
bool statedb_ensure(pgconn *c);

/*
 * Records a source about to be loaded from a dump: status "loading", its
 * address (no password) and destination schemas, and which dump. Inserts or
 * updates. dest_schemas is a PostgreSQL array literal ("{a,b}").
 */
bool statedb_source_loading(pgconn *c, const char *source, const char *address, uint64_t server_id,
							const char *dest_schemas, const char *dump_id);

/* The dump id the source was last loaded from and the steps done; false on failure. */
bool statedb_load_progress(pgconn *c, const char *source, const char *dump_id,
						   bool *pre_data_done, bool *post_data_done);

/* Marks a step ("pre_data" or "post_data") done for the source's current dump. */
bool statedb_mark_step(pgconn *c, const char *source, const char *step);

/* True when this table is loaded from this dump (in sch_chameleon.tables), with the rows it got. */
bool statedb_table_loaded(pgconn *c, const char *source, const char *schema, const char *table,
						  const char *dump_id, bool *loaded, uint64_t *rows);

/*
 * Records a table as loaded and consistent from the dump's coordinates; meant
 * to run inside the transaction that loaded it.
 */
bool statedb_table_done(pgconn *c, const char *source, const char *schema, const char *table,
						const char *pg_schema, const char *pg_table, const char *dump_id,
						const char *binlog_file, uint64_t binlog_pos, const char *gtid,
						uint64_t rows);

/* Records a row the target refused. row_json is a JSON object of column: text. */
bool statedb_discard_row(pgconn *c, const char *source, const char *schema, const char *table,
						 const char *pg_schema, const char *pg_table, const char *operation,
						 const char *row_json, const char *raw, size_t raw_len,
						 const char *error, const char *sqlstate,
						 const char *binlog_file, uint64_t binlog_pos);

/*
 * The load is complete: status "loaded" and the position set to the dump's
 * coordinates, where the online phase starts.
 */
bool statedb_source_loaded(pgconn *c, const char *source, const char *binlog_file,
						   uint64_t binlog_pos, const char *gtid, const char *taken_at);

/*
 * A source's re-copied tables (cham-load --resync) and cham-apply's batches
 * exclude each other on this lock: a batch holds it shared, a re-copy
 * exclusively. So a batch that begins after a re-copy sees the table's new
 * position, and never applies a change the new copy holds already.
 */
#define STATEDB_RESYNC_LOCK_KEY 0x72737963

/* Held by the one cham-apply of a source, for its session. */
#define STATEDB_APPLY_LOCK_KEY 0x61706c79

/* Takes the lock exclusively until the end of the transaction in hand. */
bool statedb_lock_resync(pgconn *c, const char *source);

#endif
