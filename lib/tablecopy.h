/* tablecopy.h: CSV into one PostgreSQL table: COPY's fast path, and the careful path that finds refused rows. */
#ifndef CHAM_TABLECOPY_H
#define CHAM_TABLECOPY_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "pgconn.h"

typedef struct tablecopy
{
	pgconn *conn;		/* in a transaction the caller opened */
	const char *source; /* the source's name, for discarded_rows */
	const char *schema; /* MySQL names, for discarded_rows */
	const char *table;
	const char *pg_schema;
	const char *pg_table;
	char **columns; /* column names in file order (not owned) */
	int ncolumns;
	const char *binlog_file; /* where the rows come from, for discarded_rows */
	uint64_t binlog_pos;
	const volatile sig_atomic_t *interrupted;
	/* results */
	uint64_t rows;		/* rows loaded */
	uint64_t bytes;		/* input bytes read */
	uint64_t discarded; /* rows put in discarded_rows */
} tablecopy;

typedef enum tablecopy_result
{
	TABLECOPY_OK = 0,
	TABLECOPY_REFUSED,	 /* the server refused the data (fast path): try the careful one */
	TABLECOPY_MALFORMED, /* the input is not CSV: logged */
	TABLECOPY_FAILED,	 /* I/O, connection or interruption: logged */
} tablecopy_result;

/*
 * Streams a CSV file's bytes into COPY without parsing them; freeze asks for
 * COPY FREEZE (the table must have been created or truncated in this
 * transaction). On TABLECOPY_REFUSED the transaction is aborted and the
 * server's error is in conn; the caller rolls back.
 */
tablecopy_result tablecopy_fast_file(tablecopy *tc, const char *path, bool freeze);

/*
 * Reads CSV from fd record by record and loads it in batches, each inside a
 * savepoint; a refused batch is retried row by row, and each refused row is
 * put into sch_chameleon.discarded_rows with the server's error. what names
 * the input in messages. The caller's transaction stays usable.
 */
tablecopy_result tablecopy_careful_fd(tablecopy *tc, int fd, const char *what);

#endif
