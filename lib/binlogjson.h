/* binlogjson.h: MySQL 8's binary JSON (and its partial-update diffs) to JSON text as MySQL prints it. */
#ifndef CHAM_BINLOGJSON_H
#define CHAM_BINLOGJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/*
 * Appends the text MySQL gives for the binary JSON document buf[0..len):
 * {"a": 1, "b": [true, null]} (", " and ": " separators, keys in stored
 * order, doubles as the server prints them with ".0" on whole numbers,
 * DECIMAL as a number, dates and times as strings, other opaque values as
 * "base64:typeNN:..."). An empty document is null. Returns false and sets
 * *err to a static description on malformed input; out may then hold a
 * partial text. Never reads outside buf; nesting is limited to 150 levels.
 */
bool binlogjson_to_text(const uint8_t *buf, size_t len, sbuf *out, const char **err);

/*
 * Applies MySQL's partial-update diffs (a PARTIAL_UPDATE_ROWS after-image
 * value: operation, path, binary value, repeated) to the binary document
 * base and appends the resulting document's text. Returns false and sets
 * *err when the diffs are malformed or do not apply.
 */
bool binlogjson_apply_diffs(const uint8_t *base, size_t base_len, const uint8_t *diffs, size_t diffs_len,
							sbuf *out, const char **err);

/*
 * Appends the diffs themselves, for when the document they apply to is not
 * in the event (binlog_row_image=MINIMAL): a JSON array of
 * {"op": "replace"|"insert"|"remove", "path": "$.a[1]", "value": ...}
 * in the order they apply ("value" absent for remove). Returns false and
 * sets *err when the diffs are malformed.
 */
bool binlogjson_diffs_to_text(const uint8_t *diffs, size_t diffs_len, sbuf *out, const char **err);

/* Appends s as a JSON string the way MySQL escapes it. */
void binlogjson_quote(const char *s, size_t len, sbuf *out);

#endif
