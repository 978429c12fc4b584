/* snapshot.h: one consistent snapshot across several MySQL sessions, and its binlog coordinates. */
#ifndef CHAM_SNAPSHOT_H
#define CHAM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "myconn.h"

/* Where a snapshot stands in the source's binlog. Owns its strings. */
typedef struct binlog_coordinates
{
	char *file; /* NULL when the binlog is off */
	uint64_t pos;
	char *gtid_set; /* MariaDB gtid_binlog_pos or MySQL gtid_executed; NULL if none */
	unsigned long server_id;
	char *server_uuid; /* MySQL only */
	char *flavor;	   /* "mariadb" or "mysql" */
	char *version;
	char *source;	   /* the source described without a password */
	char taken_at[32]; /* UTC, ISO 8601 */
	double lock_ms;	   /* how long writes were blocked */
} binlog_coordinates;

/*
 * Opens a REPEATABLE READ consistent-snapshot transaction on every worker
 * session at one binlog coordinate. Writes are blocked (FLUSH TABLES WITH
 * READ LOCK on main) only while the workers start their transactions and
 * the coordinates are read; the time is measured into coords->lock_ms.
 * Logs and returns false on failure, with the lock released.
 */
bool snapshot_take(myconn *main_conn, myconn *workers, int nworkers, binlog_coordinates *coords);

/*
 * One session alone needs no lock: MariaDB reports the binlog position of
 * the snapshot in binlog_snapshot_file/position. On MySQL, the lock is used.
 */
bool snapshot_take_single(myconn *conn, binlog_coordinates *coords);

void binlog_coordinates_release(binlog_coordinates *c);

#endif
