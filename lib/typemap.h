/* typemap.h: MySQL/MariaDB column types to PostgreSQL types, and values to PostgreSQL's text form. */
#ifndef CHAM_TYPEMAP_H
#define CHAM_TYPEMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

typedef enum my_type_kind
{
	MYT_UNKNOWN = 0,
	MYT_TINYINT,
	MYT_SMALLINT,
	MYT_MEDIUMINT,
	MYT_INT,
	MYT_BIGINT,
	MYT_DECIMAL,
	MYT_FLOAT,
	MYT_DOUBLE,
	MYT_BIT,
	MYT_YEAR,
	MYT_DATE,
	MYT_DATETIME,
	MYT_TIMESTAMP,
	MYT_TIME,
	MYT_CHAR,
	MYT_VARCHAR,
	MYT_TEXT, /* tinytext, text, mediumtext, longtext */
	MYT_BINARY,
	MYT_VARBINARY,
	MYT_BLOB, /* tinyblob, blob, mediumblob, longblob */
	MYT_ENUM,
	MYT_SET,
	MYT_JSON,
	MYT_GEOMETRY, /* geometry, point, linestring, polygon, multi*, geometrycollection */
	MYT_UUID,	  /* MariaDB 10.7+ */
	MYT_INET4,	  /* MariaDB 10.10+ */
	MYT_INET6,	  /* MariaDB 10.5+ */
} my_type_kind;

/* A parsed MySQL column type. Owns labels and the strings it points to. */
typedef struct my_type
{
	my_type_kind kind;
	bool is_unsigned;
	bool zerofill;
	int length;	   /* chars for char/varchar, bytes for binary/varbinary, bits for bit, display width for integers (0: none) */
	int precision; /* decimal */
	int scale;	   /* decimal */
	int fsp;	   /* fractional seconds digits, 0 to 6 */
	char **labels; /* enum/set labels, owned, unescaped */
	int nlabels;
	char *name; /* owned: the type as written in COLUMN_TYPE, lower case, e.g. "int(10) unsigned" */
} my_type;

/* How a value in MySQL's text form becomes PostgreSQL's text form. */
typedef enum pg_value_form
{
	PGV_IDENTITY = 0, /* the bytes as they are */
	PGV_BYTEA_HEX,	  /* \x followed by lower-case hex of the bytes */
	PGV_BIT_STRING,	  /* big-endian bytes to a string of '0'/'1' of length bits */
	PGV_DATE,		  /* zero dates to NULL, year 0 to 1 BC */
	PGV_DATETIME,	  /* the same for the date part */
	PGV_TIMESTAMPTZ,  /* as DATETIME, then "+00" (sessions read in UTC) */
	PGV_SET_ARRAY,	  /* "a,b" to {"a","b"} */
	PGV_BOOLEAN,	  /* integer to t/f (type_override only) */
} pg_value_form;

/* The PostgreSQL side of a column after mapping and overrides. */
typedef struct pg_type
{
	char *sql; /* owned: the type in DDL, e.g. "numeric(20,0)" */
	pg_value_form form;
	bool overridden;		  /* came from type_override */
	bool may_hold_zero_dates; /* zero dates become NULL here */
	bool identity_ok;		  /* an integer type an identity column can have */
} pg_type;

/* One type_override entry of the config (pg_chameleon's form). */
typedef struct type_override
{
	char *source_type; /* e.g. "tinyint(1)", matched against my_type.name */
	char *override_to; /* e.g. "boolean" */
	char **tables;	   /* "*", "schema.*" or "schema.table" */
	int ntables;
} type_override;

/* Integer, decimal, floating point and year kinds: their text is a plain number. */
bool typemap_kind_is_numeric(my_type_kind k);

/*
 * Parses an information_schema COLUMNS.COLUMN_TYPE string. is_json marks a
 * MariaDB JSON column (a longtext with a json_valid check). Returns false and
 * writes a message to err on a type it does not know. The caller releases out.
 */
bool typemap_parse(const char *column_type, bool is_json, my_type *out, sbuf *err);
void typemap_release(my_type *t);

/*
 * Maps a parsed type for column schema.table, applying the first matching
 * override. The caller releases out with pg_type_release().
 */
void typemap_resolve(const my_type *t, const char *schema, const char *table,
					 const type_override *overrides, int noverrides, pg_type *out);
void pg_type_release(pg_type *t);

/*
 * Appends the PostgreSQL text form of one non-NULL value given in MySQL's
 * text-protocol form (as mysql_use_result returns it on a utf8mb4 connection
 * with time_zone '+00:00'). Returns false when the value becomes NULL (a zero
 * date); nothing is appended then. The bit width comes from t for PGV_BIT_STRING.
 */
bool typemap_encode(const my_type *t, pg_value_form form, const char *val, size_t len, sbuf *out);

#endif
