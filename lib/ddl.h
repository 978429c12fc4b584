/* ddl.h: MySQL DDL statements (as the binlog gives them) translated to PostgreSQL. */
#ifndef CHAM_DDL_H
#define CHAM_DDL_H

#include <stddef.h>

#include "sbuf.h"

typedef enum ddl_result
{
	DDL_TRANSLATED,
	DDL_IGNORED, /* a no-op for PostgreSQL (ENGINE=, table options) */
	DDL_UNKNOWN	 /* not understood */
} ddl_result;

/*
 * Translates one MySQL DDL statement (as the binlog gives it) into PostgreSQL
 * statements appended to out (each ending with ";\n"; comment lines such as
 * "-- position ignored" may come before them). default_schema is the
 * statement's default schema (may be NULL/empty); tables named without a
 * schema use it. map_schema (may be NULL) maps a MySQL schema to its
 * PostgreSQL schema (returns the same name when unmapped; ctx passed through).
 * On DDL_UNKNOWN nothing is appended to out and why (reset first) gets a short
 * reason. Index names are "<table>_<index>", the primary key "<table>_pkey".
 */
ddl_result ddl_translate(const char *sql, size_t len, const char *default_schema,
						 const char *(*map_schema)(void *ctx, const char *schema), void *ctx,
						 sbuf *out, sbuf *why);

#endif
