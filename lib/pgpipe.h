/* pgpipe.h: statements sent to PostgreSQL without waiting for each answer (libpq's pipeline mode). */
#ifndef CHAM_PGPIPE_H
#define CHAM_PGPIPE_H

#include <stdbool.h>
#include <stddef.h>

#include "pgconn.h"

typedef enum pgpipe_outcome
{
	PGPIPE_DONE,	/* every statement did what it should */
	PGPIPE_REFUSED, /* one failed, or changed another number of rows than it should */
	PGPIPE_BROKEN,	/* the connection is gone */
} pgpipe_outcome;

/*
 * The statements in flight are answered in order; each answer is checked
 * against what its statement had to do. The first refusal is kept in the
 * connection's last error. A failed statement makes the server skip the
 * rest up to the end of the pipeline: the caller rolls back and goes again.
 */
typedef struct pgpipe
{
	pgconn *c;
	int *expect; /* ring: for each statement in flight, the rows it must change (-1: any) */
	size_t head;
	size_t count;
	size_t cap;
	bool active; /* the connection is in pipeline mode */
	bool refused;
	bool broken;
} pgpipe;

void pgpipe_init(pgpipe *p, pgconn *c);
void pgpipe_release(pgpipe *p);

/* Forgets everything in flight: the connection was replaced. */
void pgpipe_reset(pgpipe *p);

/* Sends a statement with text parameters; false only when the connection is gone. */
bool pgpipe_send(pgpipe *p, const char *sql, int nparams, const char *const *params);
bool pgpipe_prepare(pgpipe *p, const char *name, const char *sql, int nparams);

/* Runs a prepared statement that must change expect_rows rows (-1: any). */
bool pgpipe_send_prepared(pgpipe *p, const char *name, int nparams, const char *const *params, int expect_rows);

/* True when an answer read so far is a refusal: the rest is wasted work. */
bool pgpipe_refused(const pgpipe *p);

/* Waits for every answer and leaves pipeline mode, so plain queries can run again. */
pgpipe_outcome pgpipe_finish(pgpipe *p);

#endif
