/* myrepl.c: reading a MySQL/MariaDB binlog as a replica, through Connector/C's replication API. */
#include "myrepl.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <mariadb_rpl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "binlog.h"
#include "logging.h"
#include "sbuf.h"
#include "xalloc.h"

/* The session variables a replica sets before asking for the binlog. */
static bool
prepare_session(myrepl *r, const myrepl_start *start)
{
	sbuf sql = SBUF_INIT;
	char *checksum = NULL;
	bool ok;

	if (!myconn_query_value(&r->conn, "SELECT @@GLOBAL.binlog_checksum", &checksum, NULL))
		return false;
	r->checksum_alg = checksum && strcasecmp(checksum, "NONE") != 0 ? BINLOG_CHECKSUM_CRC32 : BINLOG_CHECKSUM_OFF;
	free(checksum);

	/*
	 * A replica that says it knows checksums gets them; MariaDB sends its GTID
	 * and annotate events only to a replica of capability 4 (GTID aware).
	 */
	sbuf_addstr(&sql, "SET @master_binlog_checksum = @@GLOBAL.binlog_checksum, @mariadb_slave_capability = 4");
	if (start->heartbeat_seconds > 0)
		sbuf_addf(&sql, ", @master_heartbeat_period = %llu",
				  (unsigned long long) start->heartbeat_seconds * 1000000000ULL);
	if (start->gtid)
	{
		sbuf_addstr(&sql, ", @slave_connect_state = '");
		myconn_escape_literal(&r->conn, &sql, start->gtid);
		sbuf_addstr(&sql, "', @slave_gtid_strict_mode = 1, @slave_gtid_ignore_duplicates = 0");
	}
	ok = myconn_exec(&r->conn, sql.data);
	sbuf_release(&sql);
	return ok;
}

bool
myrepl_open(myrepl *r, const myconf *s, const myrepl_start *start)
{
	const char *file = start->gtid ? "" : start->file;
	unsigned long pos = start->gtid ? 4 : (unsigned long) start->pos;
	uint16_t flags = MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS;

	memset(r, 0, sizeof(*r));
	if (!myconn_open(&r->conn, s, 3))
		return false;
	if (!prepare_session(r, start))
	{
		myrepl_close(r);
		return false;
	}
	if (start->nonblock)
		flags |= MARIADB_RPL_BINLOG_DUMP_NON_BLOCK;
	r->rpl = mariadb_rpl_init(r->conn.mysql);
	if (r->rpl == NULL)
	{
		log_error("could not start replication on \"%s\"", r->conn.description);
		myrepl_close(r);
		return false;
	}
	mariadb_rpl_optionsv(r->rpl, MARIADB_RPL_SERVER_ID, start->server_id);
	mariadb_rpl_optionsv(r->rpl, MARIADB_RPL_FILENAME, file, strlen(file));
	mariadb_rpl_optionsv(r->rpl, MARIADB_RPL_START, pos);
	mariadb_rpl_optionsv(r->rpl, MARIADB_RPL_FLAGS, flags);
	if (mariadb_rpl_open(r->rpl) != 0)
	{
		log_error("could not start reading the binlog of \"%s\" at %s:%lu: %s", r->conn.description,
				  start->gtid ? start->gtid : file, pos, mysql_error(r->conn.mysql));
		r->conn.failure = MYCONN_FAIL_OTHER;
		myrepl_close(r);
		return false;
	}
	return true;
}

int
myrepl_next(myrepl *r, const uint8_t **buf, size_t *len)
{
	MARIADB_RPL_EVENT *ev = mariadb_rpl_fetch(r->rpl, r->event);

	if (ev == NULL)
	{
		unsigned int err = mysql_errno(r->conn.mysql);

		/* On a NULL return the library has freed the event it was given. */
		r->event = NULL;
		/* A nonblocking dump ends with an EOF packet and no error. */
		if (err == 0 && mariadb_rpl_errno(r->rpl) == 0)
			return 0;
		r->conn.last_errno = err;
		r->conn.failure = (err == 2013 || err == 2006 || err == 2002 || err == 2003) ? MYCONN_FAIL_UNREACHABLE
																					 : MYCONN_FAIL_OTHER;
		/*
		 * Our own previous session, stopped a moment ago, whose dump thread the
		 * server has not noticed gone yet: it will, so this passes too.
		 */
		if (err == ER_SLAVE_SAME_ID)
		{
			r->conn.failure = MYCONN_FAIL_UNREACHABLE;
			log_warning("the source still serves a previous session with our server id: %s", mysql_error(r->conn.mysql));
			return -1;
		}
		log_error("reading the binlog of \"%s\" failed: %s", r->conn.description,
				  err ? mysql_error(r->conn.mysql) : mariadb_rpl_error(r->rpl));
		return -1;
	}
	r->event = ev;
	/* The packet's first byte is the OK marker; the event follows. */
	if (ev->raw_data_size < 1 + BINLOG_HEADER_LEN)
	{
		log_error("reading the binlog of \"%s\" failed: a packet of %zu bytes", r->conn.description,
				  ev->raw_data_size);
		return -1;
	}
	*buf = ev->raw_data + 1;
	*len = ev->raw_data_size - 1;
	return 1;
}

void
myrepl_close(myrepl *r)
{
	if (r->event)
		mariadb_free_rpl_event(r->event);
	if (r->rpl)
		mariadb_rpl_close(r->rpl);
	myconn_close(&r->conn);
	memset(r, 0, sizeof(*r));
}
