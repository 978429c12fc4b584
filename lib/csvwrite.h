/* csvwrite.h: writing fields exactly as PostgreSQL's COPY (FORMAT csv) reads them. */
#ifndef CHAM_CSVWRITE_H
#define CHAM_CSVWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

/*
 * Appends one non-NULL field. A field is quoted when COPY would otherwise
 * misread it: it holds a comma, quote, CR or LF, is empty (an unquoted empty
 * field is NULL), or is exactly \. (COPY's end-of-data marker). SQL NULL is
 * an unquoted empty field: the caller writes nothing for it.
 */
void csvwrite_field(sbuf *b, const char *val, size_t len);

/* True when val can be written as it is (the fast path for numbers). */
bool csvwrite_needs_quotes(const char *val, size_t len);

#endif
