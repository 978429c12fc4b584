/* myrepl.h: reading a MySQL/MariaDB binlog as a replica: raw events from a position or a GTID. */
#ifndef CHAM_MYREPL_H
#define CHAM_MYREPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "myconn.h"

typedef struct st_mariadb_rpl MARIADB_RPL;
typedef struct st_mariadb_rpl_event MARIADB_RPL_EVENT;

typedef struct myrepl
{
	myconn conn;			  /* the replication session */
	MARIADB_RPL *rpl;		  /* owned */
	MARIADB_RPL_EVENT *event; /* owned: the last event fetched */
	int checksum_alg;		  /* BINLOG_CHECKSUM_* the server sends */
} myrepl;

typedef struct myrepl_start
{
	const char *file; /* with pos; NULL with gtid */
	uint64_t pos;
	const char *gtid;	   /* MariaDB: a GTID position ("0-1-100,1-2-5") */
	unsigned server_id;	   /* ours, as a replica; must differ from the source's */
	bool nonblock;		   /* the server ends the stream at the binlog's end */
	int heartbeat_seconds; /* the server sends a heartbeat when idle this long; 0 none */
} myrepl_start;

/*
 * Connects and starts the binlog dump. Logs a failure (conn.failure tells
 * its kind), including a start position the server does not have.
 */
bool myrepl_open(myrepl *r, const myconf *s, const myrepl_start *start);

/*
 * The next event's bytes (header, body and checksum), valid until the next
 * call. Returns 1 for an event, 0 at the end of a nonblocking stream, -1 on
 * an error (logged).
 */
int myrepl_next(myrepl *r, const uint8_t **buf, size_t *len);

void myrepl_close(myrepl *r);

#endif
