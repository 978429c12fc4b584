/* pgconn.h: the one wrapper around a PostgreSQL connection (libpq). */
#ifndef CHAM_PGCONN_H
#define CHAM_PGCONN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

typedef struct pgconn
{
	PGconn *conn;	   /* owned */
	char *description; /* owned: host:port/db as user, never a password */
	char sqlstate[6];  /* of the last failure (kept until the next one), "" when not the server's */
	char *last_error;  /* owned: the last failure's primary message */
} pgconn;

/*
 * Connects with a conninfo (URI or key=value) and an optional password kept
 * apart from it (the config file's), so neither a log nor ps shows it.
 * Retries a server that does not answer `retries` times with backoff.
 * Logs the error once, without the password.
 */
bool pgconn_open(pgconn *c, const char *conninfo, const char *password, int retries);

/* True when the connection is gone (the server went away or ended the session). */
bool pgconn_is_broken(const pgconn *c);

/* True when the last failure is the user's to fix (password, privilege, no such database). */
bool pgconn_failure_is_users(const pgconn *c);
void pgconn_close(pgconn *c);

/* A conninfo described without its password; caller frees. */
char *pgconn_describe_conninfo(const char *conninfo);

/* Runs SQL (several statements allowed) expecting no rows; logs a failure. */
bool pgconn_exec(pgconn *c, const char *sql);

/* The same, but a failure is only recorded (sqlstate, last_error), not logged. */
bool pgconn_try_exec(pgconn *c, const char *sql);

/* Runs a query with text parameters; *res is the caller's (PQclear). Logs a failure. */
bool pgconn_query(pgconn *c, const char *sql, int nparams, const char *const *params, PGresult **res);

/* The same without logging a failure. */
bool pgconn_try_query(pgconn *c, const char *sql, int nparams, const char *const *params, PGresult **res);

/* Prepares a statement of nparams text parameters under name. A failure is recorded, not logged. */
bool pgconn_prepare(pgconn *c, const char *name, const char *sql, int nparams);

/*
 * Runs a prepared statement with text parameters (NULL for SQL NULL);
 * *affected gets the rows it changed. A failure is recorded, not logged.
 */
bool pgconn_exec_prepared(pgconn *c, const char *name, int nparams, const char *const *params, long *affected);

/* Starts COPY ... FROM STDIN. */
bool pgconn_copy_begin(pgconn *c, const char *sql);
bool pgconn_copy_data(pgconn *c, const char *data, size_t len);

/*
 * Ends the COPY: with abort_reason non-NULL the server is told to fail it.
 * Returns true only when the server accepted every row: constraint and
 * encoding errors appear only here. A failure is recorded, not logged.
 */
bool pgconn_copy_end(pgconn *c, const char *abort_reason);

/* Records res's failure (or the connection's, when res is NULL) as the last one. */
void pgconn_set_error(pgconn *c, const PGresult *res);

/* The primary message of the last failure. */
const char *pgconn_error(const pgconn *c);

#endif
