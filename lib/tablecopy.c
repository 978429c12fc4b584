/* tablecopy.c: CSV into one PostgreSQL table: COPY's fast path, and the careful path that finds refused rows. */
#include "tablecopy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvread.h"
#include "csvwrite.h"
#include "jsonw.h"
#include "logging.h"
#include "quote.h"
#include "sbuf.h"
#include "statedb.h"
#include "xalloc.h"

#define READ_BLOCK (1 << 20)
/* A refused batch is retried row by row: small enough to keep that cheap. */
#define BATCH_ROWS	2000
#define BATCH_BYTES (8 << 20)

static void
copy_statement(const tablecopy *tc, bool freeze, sbuf *sql)
{
	sbuf_addstr(sql, "COPY ");
	quote_pg_qualified(sql, tc->pg_schema, tc->pg_table);
	sbuf_addstr(sql, " FROM STDIN WITH (FORMAT csv");
	if (freeze)
		sbuf_addstr(sql, ", FREEZE true");
	sbuf_addch(sql, ')');
}

static bool
interrupted(const tablecopy *tc)
{
	return tc->interrupted && *tc->interrupted;
}

tablecopy_result
tablecopy_fast_file(tablecopy *tc, const char *path, bool freeze)
{
	sbuf sql = SBUF_INIT;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	tablecopy_result result = TABLECOPY_OK;
	uint64_t bytes = 0;

	if (fd < 0)
	{
		log_error("could not open file \"%s\": %s", path, strerror(errno));
		return TABLECOPY_FAILED;
	}
	copy_statement(tc, freeze, &sql);
	if (!pgconn_copy_begin(tc->conn, sql.data))
	{
		log_error("could not start COPY into \"%s.%s\": %s", tc->pg_schema, tc->pg_table, pgconn_error(tc->conn));
		sbuf_release(&sql);
		close(fd);
		return TABLECOPY_FAILED;
	}
	buf = xmalloc(READ_BLOCK);
	for (;;)
	{
		ssize_t n = read(fd, buf, READ_BLOCK);

		if (n == 0)
			break;
		if (n < 0)
		{
			if (errno == EINTR && !interrupted(tc))
				continue;
			log_error("could not read file \"%s\": %s", path, strerror(errno));
			pgconn_copy_end(tc->conn, "input could not be read");
			result = TABLECOPY_FAILED;
			break;
		}
		bytes += (uint64_t) n;
		/* A refused row shows as a failed put: the error comes with the end. */
		if (!pgconn_copy_data(tc->conn, buf, (size_t) n))
			break;
		if (interrupted(tc))
		{
			pgconn_copy_end(tc->conn, "interrupted");
			result = TABLECOPY_FAILED;
			break;
		}
	}
	if (result == TABLECOPY_OK && !pgconn_copy_end(tc->conn, NULL))
		result = TABLECOPY_REFUSED;
	if (result == TABLECOPY_OK)
		tc->bytes += bytes;
	free(buf);
	close(fd);
	sbuf_release(&sql);
	return result;
}

/* The careful path's state: a batch of re-encoded CSV lines. */
typedef struct careful
{
	tablecopy *tc;
	sbuf copy_sql;
	sbuf batch;
	size_t *line_end; /* owned: end offset of each line in batch */
	int nlines;
	bool failed;
	const char *what;
} careful;

/* The row as a JSON object for discarded_rows.row_data (jsonb holds no NUL: those become the text \u0000). */
static void
row_json(const tablecopy *tc, const csv_record *rec, sbuf *out)
{
	sbuf v = SBUF_INIT;

	sbuf_addch(out, '{');
	for (int i = 0; i < rec->nfields; i++)
	{
		char name[32];
		const char *key = i < tc->ncolumns ? tc->columns[i] : name;

		if (i >= tc->ncolumns)
			snprintf(name, sizeof(name), "field_%d", i + 1);
		jsonw_key(out, i == 0, key);
		if (rec->values[i] == NULL)
		{
			jsonw_null(out);
			continue;
		}
		sbuf_reset(&v);
		for (size_t k = 0; k < rec->lengths[i]; k++)
		{
			if (rec->values[i][k] == '\0')
				sbuf_addstr(&v, "\\u0000");
			else
				sbuf_addch(&v, rec->values[i][k]);
		}
		jsonw_string(out, v.data, v.len);
	}
	sbuf_addch(out, '}');
	sbuf_release(&v);
}

typedef struct row_capture
{
	const tablecopy *tc;
	sbuf *json;
} row_capture;

static bool
capture_record(void *p, const csv_record *rec)
{
	row_capture *rc = p;

	row_json(rc->tc, rec, rc->json);
	return false; /* one record is all there is */
}

/* Records one refused row, given as its CSV line, with the server's error. */
static bool
discard_line(careful *cw, const char *line, size_t len, const char *error, const char *sqlstate)
{
	tablecopy *tc = cw->tc;
	sbuf json = SBUF_INIT;
	row_capture rc = { tc, &json };
	csvread r;
	bool malformed;
	bool ok;

	csvread_init(&r, capture_record, &rc);
	if (csvread_feed(&r, line, len))
		csvread_finish(&r, &malformed);
	csvread_release(&r);
	ok = statedb_discard_row(tc->conn, tc->source, tc->schema, tc->table, tc->pg_schema, tc->pg_table,
							 "load", json.len ? json.data : NULL, line, len, error, sqlstate,
							 tc->binlog_file, tc->binlog_pos);
	sbuf_release(&json);
	if (ok)
		tc->discarded++;
	return ok;
}

static bool
copy_bytes(careful *cw, const char *data, size_t len)
{
	tablecopy *tc = cw->tc;

	if (!pgconn_copy_begin(tc->conn, cw->copy_sql.data))
		return false;
	pgconn_copy_data(tc->conn, data, len);
	return pgconn_copy_end(tc->conn, NULL);
}

/* Loads the batch in a savepoint; on refusal retries its lines one by one. */
static bool
flush_batch(careful *cw)
{
	tablecopy *tc = cw->tc;
	size_t start = 0;

	if (cw->nlines == 0)
		return true;
	if (!pgconn_exec(tc->conn, "SAVEPOINT cham_batch"))
		return false;
	if (copy_bytes(cw, cw->batch.data, cw->batch.len))
	{
		if (!pgconn_exec(tc->conn, "RELEASE SAVEPOINT cham_batch"))
			return false;
		tc->rows += (uint64_t) cw->nlines;
		goto done;
	}
	if (!pgconn_exec(tc->conn, "ROLLBACK TO SAVEPOINT cham_batch"))
		return false;
	for (int i = 0; i < cw->nlines; i++)
	{
		const char *line = cw->batch.data + start;
		size_t len = cw->line_end[i] - start;

		start = cw->line_end[i];
		if (!pgconn_exec(tc->conn, "SAVEPOINT cham_row"))
			return false;
		if (copy_bytes(cw, line, len))
		{
			if (!pgconn_exec(tc->conn, "RELEASE SAVEPOINT cham_row"))
				return false;
			tc->rows++;
			continue;
		}
		{
			char *error = xstrdup(pgconn_error(tc->conn));
			char state[6];
			bool ok;

			memcpy(state, tc->conn->sqlstate, sizeof(state));
			ok = pgconn_exec(tc->conn, "ROLLBACK TO SAVEPOINT cham_row") &&
				 discard_line(cw, line, len, error, state);
			if (ok)
				log_warning("%s: a row of \"%s.%s\" was refused and put in %s.discarded_rows: %s",
							cw->what, tc->pg_schema, tc->pg_table, STATEDB_SCHEMA, error);
			free(error);
			if (!ok)
				return false;
		}
	}
done:
	sbuf_reset(&cw->batch);
	cw->nlines = 0;
	return true;
}

static bool
take_record(void *p, const csv_record *rec)
{
	careful *cw = p;
	tablecopy *tc = cw->tc;
	size_t line_start = cw->batch.len;

	for (int i = 0; i < rec->nfields; i++)
	{
		if (i)
			sbuf_addch(&cw->batch, ',');
		if (rec->values[i])
			csvwrite_field(&cw->batch, rec->values[i], rec->lengths[i]);
	}
	sbuf_addch(&cw->batch, '\n');

	/* A record of the wrong width would fail as a whole batch: set it aside now. */
	if (rec->nfields != tc->ncolumns)
	{
		char *error = xasprintf("record %llu has %d fields, the table has %d columns",
								(unsigned long long) rec->number, rec->nfields, tc->ncolumns);
		char *line = xstrndup(cw->batch.data + line_start, cw->batch.len - line_start);

		sbuf_setlen(&cw->batch, line_start);
		log_warning("%s: %s; the record is put in %s.discarded_rows", cw->what, error, STATEDB_SCHEMA);
		if (!discard_line(cw, line, strlen(line), error, "22P04"))
			cw->failed = true;
		free(error);
		free(line);
		return !cw->failed;
	}
	cw->line_end = xrealloc(cw->line_end, sizeof(size_t) * (size_t) (cw->nlines + 1));
	cw->line_end[cw->nlines++] = cw->batch.len;
	if ((cw->nlines >= BATCH_ROWS || cw->batch.len >= BATCH_BYTES) && !flush_batch(cw))
	{
		cw->failed = true;
		return false;
	}
	if (interrupted(tc))
	{
		cw->failed = true;
		return false;
	}
	return true;
}

tablecopy_result
tablecopy_careful_fd(tablecopy *tc, int fd, const char *what)
{
	careful cw = { .tc = tc, .what = what };
	csvread r;
	char *buf = xmalloc(READ_BLOCK);
	tablecopy_result result = TABLECOPY_OK;
	bool malformed = false;

	sbuf_init(&cw.copy_sql, 0);
	sbuf_init(&cw.batch, 0);
	copy_statement(tc, false, &cw.copy_sql);
	csvread_init(&r, take_record, &cw);
	for (;;)
	{
		ssize_t n = read(fd, buf, READ_BLOCK);

		if (n == 0)
			break;
		if (n < 0)
		{
			if (errno == EINTR && !interrupted(tc))
				continue;
			log_error("could not read %s: %s", what, strerror(errno));
			result = TABLECOPY_FAILED;
			break;
		}
		tc->bytes += (uint64_t) n;
		if (!csvread_feed(&r, buf, (size_t) n))
		{
			if (!r.stopped)
				malformed = true;
			break;
		}
	}
	if (result == TABLECOPY_OK && !malformed && !cw.failed)
		csvread_finish(&r, &malformed);
	if (malformed)
	{
		log_error("%s is not valid CSV: a stray quote or an unterminated quoted field at record %llu",
				  what, (unsigned long long) r.records + 1);
		result = TABLECOPY_MALFORMED;
	}
	else if (cw.failed)
		result = TABLECOPY_FAILED;
	else if (result == TABLECOPY_OK && !flush_batch(&cw))
		result = TABLECOPY_FAILED;
	csvread_release(&r);
	sbuf_release(&cw.copy_sql);
	sbuf_release(&cw.batch);
	free(cw.line_end);
	free(buf);
	return result;
}
