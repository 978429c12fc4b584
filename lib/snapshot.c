/* snapshot.c: one consistent snapshot across several MySQL sessions. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "logging.h"
#include "xalloc.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static void
stamp_now(binlog_coordinates *c)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(c->taken_at, sizeof(c->taken_at), "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
begin_snapshot(myconn *c)
{
	return myconn_exec(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ") &&
		   myconn_exec(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
}

/* Reads file/pos with SHOW MASTER STATUS, and the GTID set, under the lock. */
static bool
read_master_status(myconn *c, binlog_coordinates *coords)
{
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;
	char *value;

	if (!myconn_query(c, "SHOW MASTER STATUS", &r))
		return false;
	if (myresult_next(&r, &row, &len, &failed) && row[0])
	{
		coords->file = xstrndup(row[0], len[0]);
		coords->pos = row[1] ? strtoull(row[1], NULL, 10) : 0;
		/* MySQL shows its GTID set here; MariaDB has none in this result. */
		if (!c->is_mariadb && r.nfields >= 5 && row[4] && len[4])
			coords->gtid_set = xstrndup(row[4], len[4]);
	}
	myresult_free(&r);
	if (failed)
		return false;
	if (c->is_mariadb)
	{
		if (!myconn_query_value(c, "SELECT @@gtid_binlog_pos", &value, NULL))
			return false;
		if (value && *value)
			coords->gtid_set = value;
		else
			free(value);
	}
	return true;
}

static bool
read_server_identity(myconn *c, binlog_coordinates *coords)
{
	char *value;

	coords->flavor = xstrdup(c->is_mariadb ? "mariadb" : "mysql");
	coords->version = xstrdup(c->version_text);
	coords->source = xstrdup(c->description);
	if (!myconn_query_value(c, "SELECT @@server_id", &value, NULL))
		return false;
	coords->server_id = value ? strtoul(value, NULL, 10) : 0;
	free(value);
	if (!c->is_mariadb)
	{
		if (!myconn_query_value(c, "SELECT @@server_uuid", &value, NULL))
			return false;
		coords->server_uuid = value;
	}
	return true;
}

bool
snapshot_take(myconn *main_conn, myconn *workers, int nworkers, binlog_coordinates *coords)
{
	double start;
	bool ok = true;

	memset(coords, 0, sizeof(*coords));
	if (!read_server_identity(main_conn, coords))
		return false;

	/*
	 * A plain FLUSH TABLES first closes open tables without blocking writes,
	 * so the FLUSH TABLES WITH READ LOCK that follows has little left to do
	 * and holds the lock for less time. Both wait at most lock_wait_timeout
	 * for long statements instead of queueing writers behind them forever.
	 */
	if (!myconn_exec(main_conn, "SET SESSION lock_wait_timeout = 60") ||
		!myconn_exec(main_conn, "FLUSH NO_WRITE_TO_BINLOG TABLES"))
		return false;
	start = now_ms();
	if (!myconn_exec(main_conn, "FLUSH TABLES WITH READ LOCK"))
		return false;
	for (int i = 0; ok && i < nworkers; i++)
		ok = begin_snapshot(&workers[i]);
	if (ok)
		ok = read_master_status(main_conn, coords);
	stamp_now(coords);
	if (!myconn_exec(main_conn, "UNLOCK TABLES"))
		ok = false;
	coords->lock_ms = now_ms() - start;
	if (ok)
		log_info("consistent snapshot at %s:%llu%s%s; writes were blocked for %.1f ms",
				 coords->file ? coords->file : "(binlog off)", (unsigned long long) coords->pos,
				 coords->gtid_set ? ", gtid " : "", coords->gtid_set ? coords->gtid_set : "",
				 coords->lock_ms);
	return ok;
}

bool
snapshot_take_single(myconn *conn, binlog_coordinates *coords)
{
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	if (!conn->is_mariadb)
		return snapshot_take(conn, conn, 1, coords);

	memset(coords, 0, sizeof(*coords));
	if (!read_server_identity(conn, coords) || !begin_snapshot(conn))
		return false;
	stamp_now(coords);
	if (!myconn_query(conn, "SHOW STATUS LIKE 'binlog_snapshot_%'", &r))
		return false;
	while (myresult_next(&r, &row, &len, &failed))
	{
		if (strcasecmp(row[0], "binlog_snapshot_file") == 0 && row[1] && len[1])
			coords->file = xstrndup(row[1], len[1]);
		else if (strcasecmp(row[0], "binlog_snapshot_position") == 0 && row[1])
			coords->pos = strtoull(row[1], NULL, 10);
	}
	myresult_free(&r);
	if (failed)
		return false;
	log_info("consistent snapshot at %s:%llu without a lock",
			 coords->file ? coords->file : "(binlog off)", (unsigned long long) coords->pos);
	return true;
}

void
binlog_coordinates_release(binlog_coordinates *c)
{
	free(c->file);
	free(c->gtid_set);
	free(c->server_uuid);
	free(c->flavor);
	free(c->version);
	free(c->source);
	memset(c, 0, sizeof(*c));
}
