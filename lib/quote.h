/* quote.h: the one place identifiers and literals are quoted for SQL text. */
#ifndef CHAM_QUOTE_H
#define CHAM_QUOTE_H

#include <stddef.h>

#include "sbuf.h"

/* PostgreSQL identifier: always double-quoted, embedded quotes doubled. */
void quote_pg_ident(sbuf *b, const char *name);

/* "schema"."name" */
void quote_pg_qualified(sbuf *b, const char *schema, const char *name);

/* PostgreSQL literal for DDL text (standard_conforming_strings on): 'it''s'. */
void quote_pg_literal(sbuf *b, const char *value, size_t len);

/* MySQL identifier: always backquoted, embedded backquotes doubled. */
void quote_my_ident(sbuf *b, const char *name);

/* `schema`.`name` */
void quote_my_qualified(sbuf *b, const char *schema, const char *name);

/* MySQL string literal for queries on the catalog: 'x', with ' and \ escaped. */
void quote_my_literal(sbuf *b, const char *value);

#endif
