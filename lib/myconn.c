/* myconn.c: the one wrapper around a MySQL/MariaDB client connection. */
#include "myconn.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <strings.h>
#include <unistd.h>

#include "logging.h"
#include "xalloc.h"

static myconn_failure
classify(unsigned int err)
{
	switch (err)
	{
		case CR_CONNECTION_ERROR:
		case CR_CONN_HOST_ERROR:
		case CR_UNKNOWN_HOST:
		case CR_SERVER_GONE_ERROR:
		case CR_SERVER_LOST:
		case ER_SERVER_SHUTDOWN:
		case ER_CON_COUNT_ERROR:
			return MYCONN_FAIL_UNREACHABLE;
		case ER_ACCESS_DENIED_ERROR:
		case ER_DBACCESS_DENIED_ERROR:
		case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
			return MYCONN_FAIL_DENIED;
		case ER_SPECIFIC_ACCESS_DENIED_ERROR:
		case ER_TABLEACCESS_DENIED_ERROR:
		case ER_COLUMNACCESS_DENIED_ERROR:
		case ER_PROCACCESS_DENIED_ERROR:
			return MYCONN_FAIL_PRIVILEGE;
		case ER_NO_SUCH_TABLE:
		case ER_BAD_DB_ERROR:
		case ER_BAD_FIELD_ERROR:
			return MYCONN_FAIL_NO_SUCH_OBJECT;
		default:
			return MYCONN_FAIL_OTHER;
	}
}

static void
record_failure(myconn *c)
{
	c->last_errno = mysql_errno(c->mysql);
	c->failure = classify(c->last_errno);
}

/* ssl-mode as MySQL's clients spell it, on Connector/C's options. */
static bool
apply_ssl(MYSQL *m, const myconf *s)
{
	const char *mode = s->ssl_mode;
	my_bool yes = 1;

	if (s->ssl_ca || s->ssl_cert || s->ssl_key)
		mysql_ssl_set(m, s->ssl_key, s->ssl_cert, s->ssl_ca, NULL, NULL);
	if (mode == NULL || strcasecmp(mode, "DISABLED") == 0)
		return true;
	if (strcasecmp(mode, "PREFERRED") == 0)
	{
		if (!(s->ssl_ca || s->ssl_cert || s->ssl_key))
			mysql_ssl_set(m, NULL, NULL, NULL, NULL, NULL);
		return true;
	}
	if (strcasecmp(mode, "REQUIRED") == 0 || strcasecmp(mode, "VERIFY_CA") == 0 ||
		strcasecmp(mode, "VERIFY_IDENTITY") == 0)
	{
		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &yes);
		if (strcasecmp(mode, "REQUIRED") != 0)
			mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		else
		{
			my_bool no = 0;

			mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		}
		return true;
	}
	log_error("invalid ssl-mode \"%s\"", mode);
	log_detail(LOG_LEVEL_ERROR, "valid modes are DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY");
	return false;
}

static bool
connect_once(myconn *c, const myconf *s)
{
	MYSQL *m = mysql_init(NULL);
	unsigned int timeout = s->connect_timeout > 0 ? (unsigned int) s->connect_timeout : 10;
	unsigned int rw_timeout;

	if (m == NULL)
	{
		log_error("could not initialise the MySQL client library");
		c->failure = MYCONN_FAIL_OTHER;
		return false;
	}
	c->mysql = m;
	if (s->defaults_file)
		mysql_options(m, MYSQL_READ_DEFAULT_FILE, s->defaults_file);
	mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	if (s->read_timeout > 0)
	{
		rw_timeout = (unsigned int) s->read_timeout;
		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	}
	if (s->write_timeout > 0)
	{
		rw_timeout = (unsigned int) s->write_timeout;
		mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	}
	if (!apply_ssl(m, s))
	{
		c->failure = MYCONN_FAIL_OTHER;
		c->last_errno = 0;
		return false;
	}
	if (mysql_real_connect(m, s->host, s->user, s->password, s->database,
						   s->port > 0 ? (unsigned int) s->port : 0, s->socket,
						   CLIENT_MULTI_RESULTS) == NULL)
	{
		record_failure(c);
		return false;
	}
	return true;
}

bool
myconn_open(myconn *c, const myconf *s, int retries)
{
	unsigned int delay_ms = 250;

	memset(c, 0, sizeof(*c));
	c->description = myconf_describe(s);
	for (int attempt = 0;; attempt++)
	{
		if (connect_once(c, s))
			break;
		if (c->failure != MYCONN_FAIL_UNREACHABLE || attempt >= retries)
		{
			log_error("could not connect to \"%s\": %s", c->description,
					  c->mysql ? mysql_error(c->mysql) : "client library failure");
			if (c->last_errno == ER_DBACCESS_DENIED_ERROR)
				log_detail(LOG_LEVEL_ERROR, "the user has no privilege on the database of the URI");
			else if (c->failure == MYCONN_FAIL_DENIED)
				log_detail(LOG_LEVEL_ERROR, "check the user and the password (MYSQL_PWD, the [client] option file or the config file)");
			if (c->mysql)
				mysql_close(c->mysql);
			c->mysql = NULL;
			free(c->description);
			c->description = NULL;
			return false;
		}
		log_warning("could not connect to \"%s\": %s; retrying in %u ms",
					c->description, mysql_error(c->mysql), delay_ms);
		mysql_close(c->mysql);
		c->mysql = NULL;
		usleep(delay_ms * 1000);
		if (delay_ms < 8000)
			delay_ms *= 2;
	}

	c->server_version = mysql_get_server_version(c->mysql);
	c->version_text = xstrdup(mysql_get_server_info(c->mysql));
	c->is_mariadb = strstr(c->version_text, "MariaDB") != NULL || c->server_version >= 100000;

	/*
	 * Values are read as text in one form for every program: UTC for
	 * TIMESTAMP, utf8mb4 for every character set, and no sql_mode that
	 * changes what SELECT returns (PAD_CHAR_TO_FULL_LENGTH would pad CHARs).
	 * Long net timeouts: a reader may pause on a slow disk or pipe.
	 */
	if (!myconn_exec(c, "SET time_zone = '+00:00', SESSION sql_mode = '', "
						"SESSION net_write_timeout = 3600, SESSION net_read_timeout = 3600, "
						"SESSION group_concat_max_len = 1048576"))
	{
		myconn_close(c);
		return false;
	}
	return true;
}

void
myconn_close(myconn *c)
{
	if (c->abandoned)
	{
		/* The rows it still has to skip are not read: the socket is shut first. */
		if (c->mysql)
			shutdown(mysql_get_socket(c->mysql), SHUT_RDWR);
		mysql_free_result(c->abandoned);
	}
	if (c->mysql)
		mysql_close(c->mysql);
	free(c->description);
	free(c->version_text);
	memset(c, 0, sizeof(*c));
}

static void
log_query_error(myconn *c, const char *sql)
{
	record_failure(c);
	log_error("query failed on \"%s\": %s", c->description, mysql_error(c->mysql));
	log_debug("the query was: %s", sql);
}

bool
myconn_exec(myconn *c, const char *sql)
{
	if (mysql_real_query(c->mysql, sql, strlen(sql)) != 0)
	{
		log_query_error(c, sql);
		return false;
	}
	/* Drain every result so the connection is ready for the next statement. */
	do
	{
		MYSQL_RES *res = mysql_store_result(c->mysql);

		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(c->mysql) != 0)
		{
			log_query_error(c, sql);
			return false;
		}
	} while (mysql_next_result(c->mysql) == 0);
	if (mysql_errno(c->mysql))
	{
		log_query_error(c, sql);
		return false;
	}
	return true;
}

static bool
run_query(myconn *c, const char *sql, myresult *r, bool streaming)
{
	memset(r, 0, sizeof(*r));
	r->conn = c;
	if (mysql_real_query(c->mysql, sql, strlen(sql)) != 0)
	{
		log_query_error(c, sql);
		return false;
	}
	r->res = streaming ? mysql_use_result(c->mysql) : mysql_store_result(c->mysql);
	if (r->res == NULL)
	{
		if (mysql_field_count(c->mysql) == 0)
		{
			log_error("query returned no result set on \"%s\"", c->description);
			log_debug("the query was: %s", sql);
			c->failure = MYCONN_FAIL_OTHER;
			return false;
		}
		log_query_error(c, sql);
		return false;
	}
	r->nfields = mysql_num_fields(r->res);
	return true;
}

bool
myconn_query(myconn *c, const char *sql, myresult *r)
{
	return run_query(c, sql, r, false);
}

bool
myconn_stream(myconn *c, const char *sql, myresult *r)
{
	return run_query(c, sql, r, true);
}

bool
myresult_next(myresult *r, char ***row, unsigned long **lengths, bool *failed)
{
	MYSQL_ROW mrow = mysql_fetch_row(r->res);

	*failed = false;
	if (mrow == NULL)
	{
		if (mysql_errno(r->conn->mysql))
		{
			record_failure(r->conn);
			log_error("reading rows failed on \"%s\": %s", r->conn->description,
					  mysql_error(r->conn->mysql));
			*failed = true;
		}
		return false;
	}
	*row = mrow;
	*lengths = mysql_fetch_lengths(r->res);
	return true;
}

void
myresult_abandon(myresult *r)
{
	if (r->res && r->conn && r->conn->abandoned == NULL)
		r->conn->abandoned = r->res;
	r->res = NULL;
}

void
myresult_free(myresult *r)
{
	if (r->res)
	{
		mysql_free_result(r->res);
		/* A multi-result call leaves the others pending: drain them. */
		while (mysql_next_result(r->conn->mysql) == 0)
		{
			MYSQL_RES *more = mysql_store_result(r->conn->mysql);

			if (more)
				mysql_free_result(more);
		}
	}
	memset(r, 0, sizeof(*r));
}

bool
myconn_query_value(myconn *c, const char *sql, char **out, bool *found)
{
	myresult r;
	char **row;
	unsigned long *lengths;
	bool failed;

	*out = NULL;
	if (found)
		*found = false;
	if (!myconn_query(c, sql, &r))
		return false;
	if (myresult_next(&r, &row, &lengths, &failed))
	{
		if (row[0])
			*out = xstrndup(row[0], lengths[0]);
		if (found)
			*found = true;
	}
	myresult_free(&r);
	return !failed;
}

void
myconn_escape_literal(myconn *c, sbuf *b, const char *value)
{
	size_t len = strlen(value);

	sbuf_grow(b, len * 2 + 1);
	b->len += mysql_real_escape_string(c->mysql, b->data + b->len, value, len);
	b->data[b->len] = '\0';
}

unsigned long
myconn_thread_id(myconn *c)
{
	return mysql_thread_id(c->mysql);
}

bool
myconn_exec_quiet(myconn *c, const char *sql)
{
	return mysql_real_query(c->mysql, sql, strlen(sql)) == 0;
}
