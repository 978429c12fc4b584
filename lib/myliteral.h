/* myliteral.h: MySQL string literals as the server shows them in the catalog, read back. */
#ifndef CHAM_MYLITERAL_H
#define CHAM_MYLITERAL_H

#include "sbuf.h"

/*
 * Reads the literal whose opening quote is at p ('it''s', 'x\\y\nz', 'ab\0')
 * and appends its value to out, binary-safe: a doubled quote is a quote, and
 * MySQL's backslash escapes are undone (\% and \_ keep their backslash, as
 * MySQL does). Returns the position after the closing quote, or NULL when
 * the string ends first.
 */
const char *myliteral_unquote(const char *p, sbuf *out);

#endif
