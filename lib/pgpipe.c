/* pgpipe.c: statements sent to PostgreSQL without waiting for each answer (libpq's pipeline mode). */
#include "pgpipe.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * Answers are read as they come; past this many unanswered statements the
 * sender waits. It bounds memory, and keeps the server's answers within
 * the socket buffers, so neither side can block the other's writes.
 */
#define MAX_IN_FLIGHT 2048
#define SYNC_MARK	  (-2)

void
pgpipe_init(pgpipe *p, pgconn *c)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
}

void
pgpipe_release(pgpipe *p)
{
	free(p->expect);
	memset(p, 0, sizeof(*p));
}

void
pgpipe_reset(pgpipe *p)
{
	p->head = p->count = 0;
	p->active = p->refused = p->broken = false;
}

static bool
gone(pgpipe *p, const PGresult *res)
{
	if (!p->broken)
		pgconn_set_error(p->c, res);
	p->broken = true;
	return false;
}

static void
push(pgpipe *p, int expect)
{
	if (p->count == p->cap)
	{
		size_t cap = p->cap ? p->cap * 2 : 256;
		int *ring = xcalloc(cap, sizeof(int));

		for (size_t i = 0; i < p->count; i++)
			ring[i] = p->expect[(p->head + i) % p->cap];
		free(p->expect);
		p->expect = ring;
		p->cap = cap;
		p->head = 0;
	}
	p->expect[(p->head + p->count) % p->cap] = expect;
	p->count++;
}

static void
pop(pgpipe *p)
{
	p->head = (p->head + 1) % p->cap;
	p->count--;
}

/* Reads the answer to the oldest statement in flight, waiting for it. */
static bool
read_answer(pgpipe *p)
{
	PGconn *conn = p->c->conn;
	PGresult *res = PQgetResult(conn);
	int expect = p->expect[p->head];

	if (res == NULL || PQstatus(conn) == CONNECTION_BAD)
	{
		gone(p, res);
		PQclear(res);
		return false;
	}
	switch (PQresultStatus(res))
	{
		case PGRES_PIPELINE_SYNC:
			PQclear(res);
			if (expect != SYNC_MARK)
				return gone(p, NULL);
			pop(p);
			return true; /* a sync's answer has no NULL after it */
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			if (expect >= 0 && strtol(PQcmdTuples(res), NULL, 10) != expect && !p->refused)
			{
				p->refused = true;
				pgconn_set_error(p->c, NULL);
				free(p->c->last_error);
				p->c->last_error = xasprintf("a statement changed %s rows, not %d", PQcmdTuples(res), expect);
				p->c->sqlstate[0] = '\0';
			}
			break;
		case PGRES_PIPELINE_ABORTED:
			p->refused = true;
			break;
		default:
			if (!p->refused)
				pgconn_set_error(p->c, res);
			p->refused = true;
			break;
	}
	PQclear(res);
	/* Each statement's answers end with a NULL. */
	if ((res = PQgetResult(conn)) != NULL)
	{
		PQclear(res);
		return gone(p, NULL);
	}
	pop(p);
	return true;
}

/* Reads the answers that are there already, without waiting. */
static bool
read_ready(pgpipe *p)
{
	PGconn *conn = p->c->conn;

	if (!PQconsumeInput(conn))
		return gone(p, NULL);
	while (p->count > 0 && !PQisBusy(conn))
		if (!read_answer(p))
			return false;
	return true;
}

static bool
enter(pgpipe *p)
{
	if (p->broken)
		return false;
	if (!p->active)
	{
		if (PQenterPipelineMode(p->c->conn) != 1)
			return gone(p, NULL);
		p->active = true;
	}
	return true;
}

/* After a statement is queued: its answer is awaited later. */
static bool
sent(pgpipe *p, int ok, int expect)
{
	if (ok != 1)
		return gone(p, NULL);
	push(p, expect);
	if (p->count < MAX_IN_FLIGHT)
		return (p->count % 64) != 0 || read_ready(p);
	/* The server keeps its answers until asked to flush them. */
	if (PQsendFlushRequest(p->c->conn) != 1 || PQflush(p->c->conn) != 0)
		return gone(p, NULL);
	while (p->count > MAX_IN_FLIGHT / 2)
		if (!read_answer(p))
			return false;
	return true;
}

bool
pgpipe_send(pgpipe *p, const char *sql, int nparams, const char *const *params)
{
	return enter(p) && sent(p, PQsendQueryParams(p->c->conn, sql, nparams, NULL, params, NULL, NULL, 0), -1);
}

bool
pgpipe_prepare(pgpipe *p, const char *name, const char *sql, int nparams)
{
	return enter(p) && sent(p, PQsendPrepare(p->c->conn, name, sql, nparams, NULL), -1);
}

bool
pgpipe_send_prepared(pgpipe *p, const char *name, int nparams, const char *const *params, int expect_rows)
{
	return enter(p) &&
		   sent(p, PQsendQueryPrepared(p->c->conn, name, nparams, params, NULL, NULL, 0), expect_rows);
}

bool
pgpipe_refused(const pgpipe *p)
{
	return p->refused;
}

pgpipe_outcome
pgpipe_finish(pgpipe *p)
{
	bool refused;

	if (p->broken)
		return PGPIPE_BROKEN;
	if (!p->active)
		return PGPIPE_DONE;
	if (PQpipelineSync(p->c->conn) != 1)
	{
		gone(p, NULL);
		return PGPIPE_BROKEN;
	}
	push(p, SYNC_MARK);
	while (p->count > 0)
		if (!read_answer(p))
			return PGPIPE_BROKEN;
	if (PQexitPipelineMode(p->c->conn) != 1)
	{
		gone(p, NULL);
		return PGPIPE_BROKEN;
	}
	refused = p->refused;
	p->active = p->refused = false;
	return refused ? PGPIPE_REFUSED : PGPIPE_DONE;
}
