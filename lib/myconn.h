/* myconn.h: the one wrapper around a MySQL/MariaDB client connection. */
#ifndef CHAM_MYCONN_H
#define CHAM_MYCONN_H

#include <stdbool.h>
#include <stdint.h>

#include "myconf.h"
#include "sbuf.h"

typedef struct st_mysql MYSQL;
typedef struct st_mysql_res MYSQL_RES;

/*
 * The current user as information_schema's GRANTEE columns spell it
 * ('user'@'host'): a user with SELECT on mysql.* sees every user's rows.
 */
#define MYCONN_CURRENT_GRANTEE \
	"CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"

/* Why the last call failed, as the caller maps it to an exit code. */
typedef enum myconn_failure
{
	MYCONN_FAIL_NONE = 0,
	MYCONN_FAIL_UNREACHABLE, /* network, server down: worth retrying */
	MYCONN_FAIL_DENIED,		 /* wrong user or password, or no access */
	MYCONN_FAIL_PRIVILEGE,	 /* a statement needs a privilege the user lacks */
	MYCONN_FAIL_NO_SUCH_OBJECT,
	MYCONN_FAIL_OTHER,
} myconn_failure;

typedef struct myconn
{
	MYSQL *mysql;	   /* owned */
	char *description; /* owned: mysql://user@host:port, never a password */
	bool is_mariadb;
	unsigned long server_version; /* e.g. 101106 for 10.11.6 */
	char *version_text;			  /* owned: SELECT VERSION() */
	myconn_failure failure;
	unsigned int last_errno;
	void *abandoned; /* a streamed result given up half-read (MYSQL_RES), freed at close */
} myconn;

typedef struct myresult
{
	MYSQL_RES *res; /* owned */
	unsigned int nfields;
	myconn *conn;
} myresult;

/*
 * Connects with the settings (option files are read by the client library:
 * the [client] group, or defaults_file), then makes the session the same for
 * every program: utf8mb4, time_zone '+00:00', long network timeouts. Retries
 * an unreachable server `retries` times with backoff. Logs the error once.
 */
bool myconn_open(myconn *c, const myconf *s, int retries);
void myconn_close(myconn *c);

/* Runs a statement whose result, if any, is discarded. */
bool myconn_exec(myconn *c, const char *sql);

/* Runs a query and stores its whole result (catalog queries, small results). */
bool myconn_query(myconn *c, const char *sql, myresult *r);

/* Runs a query whose rows are read as they arrive (mysql_use_result): bounded memory. */
bool myconn_stream(myconn *c, const char *sql, myresult *r);

/*
 * Next row: values and their lengths (binary-safe; a NULL value is a NULL
 * pointer). Returns false at the end, or on an error, which *failed tells.
 */
bool myresult_next(myresult *r, char ***row, unsigned long **lengths, bool *failed);
void myresult_free(myresult *r);

/*
 * Gives up a streamed result half-read without reading the rest (freeing it
 * would read every row left): it is freed when its connection is closed.
 */
void myresult_abandon(myresult *r);

/* The first column of the first row into *out (caller frees; NULL for SQL NULL). */
bool myconn_query_value(myconn *c, const char *sql, char **out, bool *found);

/* The server's id of this session, for KILL QUERY from another session. */
unsigned long myconn_thread_id(myconn *c);

/* Runs a statement and reports success without logging a failure. */
bool myconn_exec_quiet(myconn *c, const char *sql);

/* Escapes a string as the body of a '...' literal for this connection. */
void myconn_escape_literal(myconn *c, sbuf *b, const char *value);

#endif
