/* jsonw.h: writing JSON text into an sbuf: one escaper, one value writer. */
#ifndef CHAM_JSONW_H
#define CHAM_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/*
 * Appends s as a quoted JSON string. JSON text must be UTF-8: a byte that is
 * not part of a valid UTF-8 sequence becomes U+FFFD and the function returns
 * false, so the caller can report the loss. Returns true for valid UTF-8.
 */
bool jsonw_string(sbuf *b, const char *s, size_t len);
void jsonw_int(sbuf *b, int64_t v);
void jsonw_uint(sbuf *b, uint64_t v);
void jsonw_bool(sbuf *b, bool v);
void jsonw_null(sbuf *b);

/* A "key": prefix; writes the comma when first is false. */
void jsonw_key(sbuf *b, bool first, const char *key);

#endif
