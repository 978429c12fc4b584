/* floatfmt.h: FLOAT values as the shortest text that reads back to the same bits. */
#ifndef CHAM_FLOATFMT_H
#define CHAM_FLOATFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

/* Appends the shortest decimal text that strtof() turns back into exactly v. */
void floatfmt_float(float v, sbuf *out);

/*
 * MySQL prints a FLOAT with 6 digits, which loses bits; read as DOUBLE it is
 * exact. Takes that double's text and appends the float's shortest text.
 * Returns false when the text is not a number.
 */
bool floatfmt_float_from_double_text(const char *text, size_t len, sbuf *out);

#endif
