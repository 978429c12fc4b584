/* fuzz_stream_line.c: libFuzzer target for the event stream as cham-apply reads it: lines from a pipe, then JSON events. */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddl.h"
#include "eventcheck.h"
#include "linereader.h"
#include "logging.h"
#include "quote.h"
#include "sbuf.h"
#include "stream.h"
#include "fuzz.h"

/* Pipes hold 64 KiB: a longer input would block the writer, which is also the reader here. */
#define MAX_INPUT 60000

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_stream_line");
	return 0;
}

/*
 * What apply.c's statement_for() and collect_params() read of a row event,
 * in the same order and with the same json-c calls, without PostgreSQL:
 * the statement's identity and SQL text, then the parameters.
 */
static void
row_shape(json_object *e, const char *kind)
{
	json_object *newv = NULL, *oldv = NULL, *key = NULL;
	sbuf id = SBUF_INIT, sql = SBUF_INIT;
	bool by_key;
	bool insert = strcmp(kind, "insert") == 0;

	json_object_object_get_ex(e, "new", &newv);
	json_object_object_get_ex(e, "old", &oldv);
	if (json_object_object_get_ex(e, "key", &key) && !json_object_is_type(key, json_type_array))
		key = NULL;
	by_key = key && json_object_array_length(key) > 0;
	sbuf_addstr(&id, kind);
	if (newv)
	{
		json_object_object_foreach(newv, k1, v1)
		{
			(void) v1;
			sbuf_addf(&id, "\x1fn%s", k1);
		}
	}
	if (by_key)
		for (size_t i = 0; i < json_object_array_length(key); i++)
			sbuf_addf(&id, "\x1fk%s", json_object_get_string(json_object_array_get_idx(key, i)));
	else if (oldv)
	{
		json_object_object_foreach(oldv, k2, v2)
		{
			(void) v2;
			sbuf_addf(&id, "\x1fo%s", k2);
		}
	}
	if (insert || strcmp(kind, "update") == 0)
	{
		json_object_object_foreach(newv, k3, v3)
		{
			(void) v3;
			quote_pg_ident(&sql, k3);
		}
	}
	if (!insert)
	{
		if (by_key)
			for (size_t i = 0; i < json_object_array_length(key); i++)
				quote_pg_ident(&sql, json_object_get_string(json_object_array_get_idx(key, i)));
		else
		{
			json_object_object_foreach(oldv, k4, v4)
			{
				(void) v4;
				quote_pg_ident(&sql, k4);
			}
		}
	}
	/* collect_params() */
	if (newv)
	{
		json_object_object_foreach(newv, k5, v5)
		{
			(void) k5;
			if (!json_object_is_type(v5, json_type_null))
				(void) strlen(json_object_get_string(v5));
		}
	}
	if (!insert)
	{
		if (key)
			for (size_t i = 0; i < json_object_array_length(key); i++)
			{
				json_object *v;

				if (!json_object_object_get_ex(oldv, json_object_get_string(json_object_array_get_idx(key, i)), &v))
					break;
			}
		else
		{
			json_object_object_foreach(oldv, k6, v6)
			{
				(void) k6;
				if (!json_object_is_type(v6, json_type_null))
					(void) strlen(json_object_get_string(v6));
			}
		}
	}
	sbuf_release(&id);
	sbuf_release(&sql);
}

/* One line of the stream, as apply_run() and dispatch() take it. */
static void
on_line(json_tokener *tok, const char *line, size_t len, bool *in_trx)
{
	json_object *e, *v;
	const char *k;
	char file[256];
	uint64_t pos;
	int64_t ts = 0;

	json_tokener_reset(tok);
	e = json_tokener_parse_ex(tok, line, (int) len);
	k = e && json_object_is_type(e, json_type_object) ? event_get_str(e, "k") : NULL;
	if (k == NULL)
	{
		(void) json_tokener_error_desc(json_tokener_get_error(tok));
		json_object_put(e);
		return;
	}
	if (((strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 || strcmp(k, "delete") == 0) &&
		 (!*in_trx || event_row_malformed(e, k) != NULL)) ||
		event_malformed(*in_trx, e, k, line, len, tok) != NULL)
	{
		/* cham-apply stops at it (exit 2): the state goes back to the start. */
		*in_trx = false;
		json_object_put(e);
		return;
	}
	if (event_parse_pos(event_get_str(e, "pos"), file, sizeof(file), &pos))
		(void) stream_position_compare(file, pos, "mysql-bin.000002", 4);
	if (json_object_object_get_ex(e, "ts", &v))
		ts = json_object_get_int64(v);
	(void) ts;
	if (strcmp(k, "begin") == 0)
		*in_trx = true;
	else if (strcmp(k, "commit") == 0)
		*in_trx = false;
	else if (strcmp(k, "insert") == 0 || strcmp(k, "update") == 0 || strcmp(k, "delete") == 0)
		row_shape(e, k);
	else if (strcmp(k, "ddl") == 0)
	{
		const char *sql = event_get_str(e, "sql");
		sbuf out = SBUF_INIT, why = SBUF_INIT;

		if (sql)
			(void) ddl_translate(sql, strlen(sql), event_get_str(e, "s"), NULL, NULL, &out, &why);
		sbuf_release(&out);
		sbuf_release(&why);
	}
	else if (strcmp(k, "hello") == 0)
	{
		if (json_object_object_get_ex(e, "server_id", &v))
			(void) json_object_get_int64(v);
		(void) event_parse_pos(event_get_str(e, "start"), file, sizeof(file), &pos);
	}
	json_object_put(e);
}

/*
 * The first byte sets the size of the writes (cham-stream's writes reach
 * the pipe in pieces); the rest is the stream. The reader is checked
 * against the input split at its newlines, then each line is an event.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[2];
	linereader r;
	json_tokener *tok;
	size_t piece, written = 0, lines_written = 0, lines_read = 0, expect_at = 0;
	bool in_trx = false;
	char *line;
	size_t len;

	if (size < 1)
		return 0;
	piece = (size_t) data[0] * 16 + 1;
	data++, size--;
	if (size > MAX_INPUT)
		size = MAX_INPUT;
	if (pipe2(fds, O_CLOEXEC) != 0)
		abort();
	linereader_init(&r, fds[0], NULL);
	tok = json_tokener_new();
	while (written < size)
	{
		size_t n = size - written < piece ? size - written : piece;

		if (write(fds[1], data + written, n) != (ssize_t) n)
			abort();
		for (size_t i = 0; i < n; i++)
			lines_written += data[written + i] == '\n';
		written += n;
		/* Only whole lines: reading further would wait for a writer that is this thread. */
		while (lines_read < lines_written)
		{
			const uint8_t *nl = memchr(data + expect_at, '\n', size - expect_at);

			if (!linereader_ready(&r) || linereader_next(&r, &line, &len) != 1)
				abort();
			if (nl == NULL || len != (size_t) (nl - (data + expect_at)) || memcmp(line, data + expect_at, len) != 0 ||
				line[len] != '\0')
				abort();
			expect_at += len + 1;
			lines_read++;
			on_line(tok, line, len, &in_trx);
		}
	}
	close(fds[1]);
	/* The end: a last line without its newline is a line too, then the end of input. */
	if (expect_at < size)
	{
		if (linereader_next(&r, &line, &len) != 1 || len != size - expect_at ||
			memcmp(line, data + expect_at, len) != 0)
			abort();
		on_line(tok, line, len, &in_trx);
	}
	if (linereader_next(&r, &line, &len) != 0 || !linereader_ready(&r))
		abort();
	json_tokener_free(tok);
	linereader_release(&r);
	close(fds[0]);
	return 0;
}
