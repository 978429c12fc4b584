/* preflight.c: checks of a source's settings and privileges before any work. */
#include "preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logging.h"
#include "sbuf.h"
#include "xalloc.h"

static char *
variable(myconn *c, const char *name)
{
	char *sql = xasprintf("SELECT @@GLOBAL.%s", name);
	char *value = NULL;

	/* A variable the server does not have reads as NULL, not as a failure. */
	if (!myconn_query_value(c, sql, &value, NULL))
		value = NULL;
	free(sql);
	return value;
}

/* Global privileges of the current user, upper case, each between commas. */
static bool
read_privileges(myconn *c, sbuf *privs)
{
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;

	sbuf_addch(privs, ',');
	if (!myconn_query(c, "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES "
						 "WHERE GRANTEE = " MYCONN_CURRENT_GRANTEE,
					  &r))
		return false;
	while (myresult_next(&r, &row, &len, &failed))
		if (row[0])
			sbuf_addf(privs, "%s,", row[0]);
	myresult_free(&r);
	return !failed;
}

static bool
has_privilege(const sbuf *privs, const char *name)
{
	char key[64];

	snprintf(key, sizeof(key), ",%s,", name);
	return strstr(privs->data, key) != NULL || strstr(privs->data, ",ALL PRIVILEGES,") != NULL;
}

static bool
check_binlog(myconn *c)
{
	bool ok = true;
	char *log_bin = variable(c, "log_bin");
	char *format = variable(c, "binlog_format");
	char *image = variable(c, "binlog_row_image");

	if (log_bin == NULL || (strcmp(log_bin, "1") != 0 && strcasecmp(log_bin, "ON") != 0))
	{
		log_error("the binary log is off on \"%s\"", c->description);
		log_detail(LOG_LEVEL_ERROR, "replication needs log_bin, binlog_format=ROW and a server_id in the server's configuration");
		ok = false;
	}
	else if (format == NULL || strcasecmp(format, "ROW") != 0)
	{
		log_error("binlog_format is \"%s\" on \"%s\", replication needs ROW", format ? format : "unknown", c->description);
		log_detail(LOG_LEVEL_ERROR, "set binlog_format=ROW in the server's configuration (SET GLOBAL binlog_format=ROW affects new sessions only)");
		ok = false;
	}
	else if (image && strcasecmp(image, "FULL") != 0)
		log_warning("binlog_row_image is \"%s\" on \"%s\": updates and deletes carry only some columns; FULL is recommended",
					image, c->description);
	free(log_bin);
	free(format);
	free(image);
	return ok;
}

bool
preflight_check(myconn *c, unsigned needs, unsigned *failed)
{
	sbuf privs = SBUF_INIT;
	bool ok = true;

	*failed = 0;
	if (!read_privileges(c, &privs))
	{
		sbuf_release(&privs);
		return false;
	}
	if ((needs & PREFLIGHT_SNAPSHOT) && !has_privilege(&privs, "RELOAD"))
	{
		log_error("the user of \"%s\" lacks the RELOAD privilege", c->description);
		log_detail(LOG_LEVEL_ERROR, "a consistent snapshot of several sessions needs FLUSH TABLES WITH READ LOCK: GRANT RELOAD ON *.* TO the user");
		*failed |= PREFLIGHT_SNAPSHOT;
		ok = false;
	}
	if ((needs & PREFLIGHT_BINLOG))
	{
		/* MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR. */
		if (!has_privilege(&privs, "REPLICATION CLIENT") && !has_privilege(&privs, "BINLOG MONITOR"))
		{
			log_error("the user of \"%s\" lacks the REPLICATION CLIENT privilege", c->description);
			log_detail(LOG_LEVEL_ERROR, "reading the binlog position needs it: GRANT REPLICATION CLIENT ON *.* TO the user");
			*failed |= PREFLIGHT_BINLOG;
			ok = false;
		}
		if (!check_binlog(c))
		{
			*failed |= PREFLIGHT_BINLOG;
			ok = false;
		}
	}
	if ((needs & PREFLIGHT_REPLICA) && !has_privilege(&privs, "REPLICATION SLAVE"))
	{
		log_error("the user of \"%s\" lacks the REPLICATION SLAVE privilege", c->description);
		log_detail(LOG_LEVEL_ERROR, "reading the binlog as a replica needs it: GRANT REPLICATION SLAVE ON *.* TO the user");
		*failed |= PREFLIGHT_REPLICA;
		ok = false;
	}
	sbuf_release(&privs);
	return ok;
}
