/* pgconn.c: the one wrapper around a PostgreSQL connection (libpq). */
#include "pgconn.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logging.h"
#include "sbuf.h"
#include "xalloc.h"

char *
pgconn_describe_conninfo(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
	const char *host = NULL,
			   *port = NULL,
			   *user = NULL,
			   *db = NULL;
	char *out;

	if (opts == NULL)
		return xstrdup("(invalid connection string)");
	for (PQconninfoOption *o = opts; o->keyword; o++)
	{
		if (o->val == NULL || *o->val == '\0')
			continue;
		if (strcmp(o->keyword, "host") == 0 || (strcmp(o->keyword, "hostaddr") == 0 && host == NULL))
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "user") == 0)
			user = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	out = xasprintf("postgresql://%s%s%s:%s/%s", user ? user : "", user ? "@" : "",
					host ? host : "localhost", port ? port : "5432", db ? db : "");
	PQconninfoFree(opts);
	return out;
}

void
pgconn_set_error(pgconn *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	size_t len;

	snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
	free(c->last_error);
	if (msg == NULL)
		msg = PQerrorMessage(c->conn);
	c->last_error = xstrdup(msg ? msg : "unknown error");
	len = strlen(c->last_error);
	while (len > 0 && (c->last_error[len - 1] == '\n' || c->last_error[len - 1] == ' '))
		c->last_error[--len] = '\0';
}

static void
log_failure(pgconn *c, const char *sql, const PGresult *res)
{
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;

	log_error("query failed on \"%s\": %s", c->description, c->last_error);
	if (detail)
		log_detail(LOG_LEVEL_ERROR, "%s", detail);
	log_debug("the query was: %.2000s", sql);
}

/*
 * The server's notices: "already exists, skipping" and the like are routine
 * on a re-run; others (a DO block's RAISE NOTICE) are worth telling.
 */
static void
on_notice(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	(void) arg;
	if (msg == NULL)
		return;
	if (strstr(msg, "skipping") || strstr(msg, "will create implicit") || strstr(msg, "drop cascades") ||
		strstr(msg, "no transaction in progress"))
		log_debug("server: %s", msg);
	else
		log_info("server: %s", msg);
}

bool
pgconn_open(pgconn *c, const char *conninfo, const char *password, int retries)
{
	const char *keys[5];
	const char *vals[5];
	int n = 0;
	unsigned int delay_ms = 250;

	memset(c, 0, sizeof(*c));
	c->description = pgconn_describe_conninfo(conninfo);
	keys[n] = "dbname", vals[n++] = conninfo;
	if (password)
		keys[n] = "password", vals[n++] = password;
	keys[n] = "fallback_application_name", vals[n++] = "chameleon-c";
	keys[n] = NULL, vals[n] = NULL;
	for (int attempt = 0;; attempt++)
	{
		c->conn = PQconnectdbParams(keys, vals, 1);
		if (c->conn && PQstatus(c->conn) == CONNECTION_OK)
			break;
		pgconn_set_error(c, NULL);
		/*
		 * A refused password or a missing database will not fix itself; they
		 * get the SQLSTATE the server sent, which libpq keeps only as text.
		 */
		if (strstr(c->last_error, "password"))
			strcpy(c->sqlstate, "28P01");
		else if (strstr(c->last_error, "no pg_hba.conf entry"))
			strcpy(c->sqlstate, "28000");
		else if (strstr(c->last_error, "does not exist"))
			strcpy(c->sqlstate, "3D000");
		else if (strstr(c->last_error, "invalid"))
			strcpy(c->sqlstate, "08P01");
		if (attempt >= retries || c->sqlstate[0])
		{
			log_error("could not connect to \"%s\": %s", c->description, c->last_error);
			PQfinish(c->conn);
			c->conn = NULL;
			return false;
		}
		log_warning("could not connect to \"%s\": %s; retrying in %u ms", c->description, c->last_error, delay_ms);
		PQfinish(c->conn);
		c->conn = NULL;
		usleep(delay_ms * 1000);
		if (delay_ms < 8000)
			delay_ms *= 2;
	}
	PQsetNoticeReceiver(c->conn, on_notice, NULL);
	/* The dump's text forms assume these: UTC for timestamptz, ISO dates. */
	return pgconn_exec(c, "SET client_encoding = 'UTF8'; SET timezone = 'UTC'; SET datestyle = 'ISO, YMD'; "
						  "SET intervalstyle = 'postgres'; SET extra_float_digits = 1");
}

bool
pgconn_is_broken(const pgconn *c)
{
	return c->conn == NULL || PQstatus(c->conn) == CONNECTION_BAD;
}

bool
pgconn_failure_is_users(const pgconn *c)
{
	/* Class 28: authorization; 3D000: no such database; 42501: insufficient privilege; 08P01: bad options. */
	return strncmp(c->sqlstate, "28", 2) == 0 || strcmp(c->sqlstate, "3D000") == 0 ||
		   strcmp(c->sqlstate, "42501") == 0 || strcmp(c->sqlstate, "08P01") == 0;
}

void
pgconn_close(pgconn *c)
{
	if (c->conn)
		PQfinish(c->conn);
	free(c->description);
	free(c->last_error);
	memset(c, 0, sizeof(*c));
}

static bool
run(pgconn *c, const char *sql, int nparams, const char *const *params, PGresult **out, bool quiet)
{
	PGresult *res;
	ExecStatusType st;

	/* Without parameters, several statements may go in one round trip; the last one's rows come back. */
	if (nparams == 0)
		res = PQexec(c->conn, sql);
	else
		res = PQexecParams(c->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
	{
		pgconn_set_error(c, res);
		if (!quiet)
			log_failure(c, sql, res);
		PQclear(res);
		if (out)
			*out = NULL;
		return false;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return true;
}

bool
pgconn_exec(pgconn *c, const char *sql)
{
	return run(c, sql, 0, NULL, NULL, false);
}

bool
pgconn_try_exec(pgconn *c, const char *sql)
{
	return run(c, sql, 0, NULL, NULL, true);
}

bool
pgconn_query(pgconn *c, const char *sql, int nparams, const char *const *params, PGresult **res)
{
	return run(c, sql, nparams, params, res, false);
}

bool
pgconn_try_query(pgconn *c, const char *sql, int nparams, const char *const *params, PGresult **res)
{
	return run(c, sql, nparams, params, res, true);
}

bool
pgconn_prepare(pgconn *c, const char *name, const char *sql, int nparams)
{
	PGresult *res = PQprepare(c->conn, name, sql, nparams, NULL);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		pgconn_set_error(c, res);
	PQclear(res);
	return ok;
}

bool
pgconn_exec_prepared(pgconn *c, const char *name, int nparams, const char *const *params, long *affected)
{
	PGresult *res = PQexecPrepared(c->conn, name, nparams, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (ok)
		*affected = strtol(PQcmdTuples(res), NULL, 10);
	else
		pgconn_set_error(c, res);
	PQclear(res);
	return ok;
}

bool
pgconn_copy_begin(pgconn *c, const char *sql)
{
	PGresult *res = PQexec(c->conn, sql);

	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		pgconn_set_error(c, res);
		PQclear(res);
		return false;
	}
	PQclear(res);
	return true;
}

bool
pgconn_copy_data(pgconn *c, const char *data, size_t len)
{
	/* libpq takes an int: feed a huge block in pieces. */
	while (len > 0)
	{
		int piece = len > (1 << 30) ? (1 << 30) : (int) len;

		if (PQputCopyData(c->conn, data, piece) != 1)
		{
			pgconn_set_error(c, NULL);
			return false;
		}
		data += piece;
		len -= (size_t) piece;
	}
	return true;
}

bool
pgconn_copy_end(pgconn *c, const char *abort_reason)
{
	PGresult *res;
	bool ok = true;

	if (PQputCopyEnd(c->conn, abort_reason) != 1)
	{
		pgconn_set_error(c, NULL);
		ok = false;
	}
	/* Drain every result: the COPY's own, then the NULL that ends the command. */
	while ((res = PQgetResult(c->conn)) != NULL)
	{
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
		{
			if (ok)
				pgconn_set_error(c, res);
			ok = false;
		}
		PQclear(res);
	}
	return ok && abort_reason == NULL;
}

const char *
pgconn_error(const pgconn *c)
{
	return c->last_error ? c->last_error : "";
}
