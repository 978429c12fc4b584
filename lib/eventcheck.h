/* eventcheck.h: what makes a line of the event stream an event cham-apply can apply. */
#ifndef CHAM_EVENTCHECK_H
#define CHAM_EVENTCHECK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FILE:POS into file and pos; false when it does not read (or pos is 0). */
bool event_parse_pos(const char *text, char *file, size_t size, uint64_t *pos);

/* The string member key of o, or NULL (absent, or not a string). */
const char *event_get_str(json_object *o, const char *key);

/* What is wrong with the shape of a row event of kind k, or NULL. */
const char *event_row_malformed(json_object *e, const char *k);

/*
 * What is wrong with event e of kind k as a whole, or NULL: text after it on
 * its line (tok parsed it from line), a position that does not read, a commit
 * outside a transaction (in_trx), a DDL without its statement.
 */
const char *event_malformed(bool in_trx, json_object *e, const char *k, const char *line, size_t len,
							json_tokener *tok);

#endif
