/* eventw.h: the event stream's JSON Lines (DESIGN.md "The event stream"), one writer for every kind. */
#ifndef CHAM_EVENTW_H
#define CHAM_EVENTW_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sbuf.h"

/*
 * Each function appends one whole line, newline included, to out. Keys come
 * in a fixed order; strings are escaped by jsonw. A position is written as
 * "FILE:POS". gtid may be NULL (no key then).
 */
void eventw_hello(sbuf *out, const char *flavor, const char *version, unsigned long server_id,
				  const char *start_file, uint64_t start_pos);
void eventw_begin(sbuf *out, const char *file, uint64_t pos, const char *gtid, time_t ts);
void eventw_commit(sbuf *out, const char *file, uint64_t pos, const char *gtid, uint64_t xid, time_t ts);
void eventw_ddl(sbuf *out, const char *schema, const char *sql, size_t sql_len, const char *file, uint64_t pos,
				const char *gtid, time_t ts);
void eventw_heartbeat(sbuf *out, const char *file, uint64_t pos, time_t ts);

/*
 * A row event is written in parts: eventw_row_start() with the kind
 * ("insert", "update", "delete"), then for each image ("old", then "new")
 * eventw_image_start(), eventw_value() per column and eventw_image_end(),
 * then eventw_row_end().
 */
void eventw_row_start(sbuf *out, const char *kind, const char *schema, const char *table);
void eventw_image_start(sbuf *out, const char *name);
void eventw_value(sbuf *out, bool first, const char *column, const char *value, size_t len, bool is_null);

/* The same with the column's name already written as a JSON key ("name":), for the hot path. */
void eventw_value_keyed(sbuf *out, bool first, const sbuf *key, const char *value, size_t len, bool is_null);
void eventw_image_end(sbuf *out);

/* "key":[names]: the columns that identify the row (its primary key), for update and delete. */
void eventw_key(sbuf *out, char *const *names, int n);
void eventw_row_end(sbuf *out);

#endif
