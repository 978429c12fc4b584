/* binlogrow.h: TABLE_MAP and rows events decoded to values in MySQL's text-protocol form. */
#ifndef CHAM_BINLOGROW_H
#define CHAM_BINLOGROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binlog.h"
#include "sbuf.h"
#include "typemap.h"

/* Column types: the type bytes of a TABLE_MAP (MySQL's enum_field_types). */
enum binlog_col_type
{
	BINLOG_TYPE_DECIMAL = 0,
	BINLOG_TYPE_TINY = 1,
	BINLOG_TYPE_SHORT = 2,
	BINLOG_TYPE_LONG = 3,
	BINLOG_TYPE_FLOAT = 4,
	BINLOG_TYPE_DOUBLE = 5,
	BINLOG_TYPE_NULL = 6,
	BINLOG_TYPE_TIMESTAMP = 7,
	BINLOG_TYPE_LONGLONG = 8,
	BINLOG_TYPE_INT24 = 9,
	BINLOG_TYPE_DATE = 10,
	BINLOG_TYPE_TIME = 11,
	BINLOG_TYPE_DATETIME = 12,
	BINLOG_TYPE_YEAR = 13,
	BINLOG_TYPE_NEWDATE = 14,
	BINLOG_TYPE_VARCHAR = 15,
	BINLOG_TYPE_BIT = 16,
	BINLOG_TYPE_TIMESTAMP2 = 17,
	BINLOG_TYPE_DATETIME2 = 18,
	BINLOG_TYPE_TIME2 = 19,
	BINLOG_TYPE_TYPED_ARRAY = 20,
	BINLOG_TYPE_VECTOR = 242,
	BINLOG_TYPE_JSON = 245,
	BINLOG_TYPE_NEWDECIMAL = 246,
	BINLOG_TYPE_ENUM = 247,
	BINLOG_TYPE_SET = 248,
	BINLOG_TYPE_TINY_BLOB = 249,
	BINLOG_TYPE_MEDIUM_BLOB = 250,
	BINLOG_TYPE_LONG_BLOB = 251,
	BINLOG_TYPE_BLOB = 252,
	BINLOG_TYPE_VAR_STRING = 253,
	BINLOG_TYPE_STRING = 254,
	BINLOG_TYPE_GEOMETRY = 255,
};

/* Optional metadata field types of a TABLE_MAP (binlog_row_metadata). */
enum binlog_optmeta
{
	BINLOG_OPTMETA_SIGNEDNESS = 1,
	BINLOG_OPTMETA_DEFAULT_CHARSET = 2,
	BINLOG_OPTMETA_COLUMN_CHARSET = 3,
	BINLOG_OPTMETA_COLUMN_NAME = 4,
	BINLOG_OPTMETA_SET_STR_VALUE = 5,
	BINLOG_OPTMETA_ENUM_STR_VALUE = 6,
	BINLOG_OPTMETA_GEOMETRY_TYPE = 7,
	BINLOG_OPTMETA_SIMPLE_PRIMARY_KEY = 8,
	BINLOG_OPTMETA_PRIMARY_KEY_WITH_PREFIX = 9,
	BINLOG_OPTMETA_ENUM_AND_SET_DEFAULT_CHARSET = 10,
	BINLOG_OPTMETA_ENUM_AND_SET_COLUMN_CHARSET = 11,
	BINLOG_OPTMETA_COLUMN_VISIBILITY = 12,
	BINLOG_OPTMETA_VECTOR_DIMENSIONALITY = 13,
};

/* Values whose text the binlog type alone does not give (MariaDB types logged as BINARY(n)). */
enum binlog_special
{
	BINLOG_SPECIAL_NONE = 0,
	BINLOG_SPECIAL_UUID,  /* MariaDB UUID: 16 bytes, shown as 8-4-4-4-12 */
	BINLOG_SPECIAL_INET4, /* MariaDB INET4: 4 bytes, shown dotted */
	BINLOG_SPECIAL_INET6, /* MariaDB INET6: 16 bytes, shown as the server does */
};

/* The collation id binary strings have: their bytes are kept as they are. */
#define BINLOG_CHARSET_BINARY 63

/* One column of a TABLE_MAP, completed by the optional metadata and the caller's hints. */
typedef struct binlog_column
{
	uint8_t type;	   /* enum binlog_col_type as in the TABLE_MAP */
	uint8_t real_type; /* STRING columns: STRING, ENUM or SET from the metadata; else type */
	uint16_t meta;	   /* the metadata as the server reads it (mariadb-binlog's "meta="), 0 when none */
	/*
	 * STRING, VARCHAR, VAR_STRING: the maximum length in bytes; BLOB, JSON,
	 * GEOMETRY, VECTOR: bytes of the length prefix; ENUM, SET: bytes of the
	 * value; BIT: the number of bits; FLOAT, DOUBLE: bytes of the value.
	 */
	uint32_t length;
	uint8_t precision; /* NEWDECIMAL */
	uint8_t scale;	   /* NEWDECIMAL */
	uint8_t fsp;	   /* TIME2, DATETIME2, TIMESTAMP2: fractional digits */
	bool nullable;

	/* From the optional metadata, or set by binlogrow_column_hint(): */
	char *name;			/* owned; NULL when not known */
	int8_t is_unsigned; /* numeric columns: 1 unsigned, 0 signed, -1 not known (read as signed) */
	uint32_t charset;	/* character, ENUM and SET columns: collation id; 0 not known (UTF-8 assumed) */
	char **labels;		/* owned: ENUM/SET labels in UTF-8, in definition order */
	int nlabels;		/* -1 when not known (the value is then given as its number) */
	uint32_t geometry_type;
	uint32_t vector_dim;
	bool visible;		/* false for MySQL's invisible columns */
	bool in_pk;			/* part of the primary key */
	uint32_t pk_prefix; /* the key's prefix length on this column, 0 for the whole value */

	/* Hints only the catalog gives (binlogrow_column_hint()): */
	int zerofill_width; /* ZEROFILL integers: pad to this many digits; 0 none */
	int double_scale;	/* DOUBLE(m,d): digits after the point, as the server prints it; -1 none */
	enum binlog_special special;
} binlog_column;

/* A TABLE_MAP. Owns every pointer in it; binlogrow_table_map_release() frees them. */
typedef struct binlog_table_map
{
	uint64_t table_id;
	uint16_t flags;
	char *schema; /* owned, NUL-terminated */
	char *table;  /* owned, NUL-terminated */
	uint32_t ncols;
	binlog_column *cols; /* owned, ncols entries */
	int npk;
	uint32_t *pk;	  /* owned: primary key columns in key order (from the optional metadata) */
	uint32_t njson;	  /* JSON columns (partial updates number them) */
	uint32_t optmeta; /* bit n set: optional metadata field n was present */
} binlog_table_map;

/*
 * Parses a TABLE_MAP event (ev from binlog_event_parse) into out, which the
 * caller releases, also on failure. Labels of ENUM/SET columns are converted
 * to UTF-8. Returns false after logging a malformed event.
 */
bool binlogrow_table_map_parse(const binlog_event *ev, const binlog_format *fmt, binlog_table_map *out);
void binlogrow_table_map_release(binlog_table_map *tm);

/*
 * Completes column c with what the binlog did not say, from the catalog's
 * parsed type t (may be NULL) and character set name (e.g. "latin1"; may be
 * NULL): signedness, ZEROFILL width, DOUBLE(m,d) scale, ENUM/SET labels, the
 * character set, MariaDB's UUID/INET4/INET6. What the binlog said wins.
 */
void binlogrow_column_hint(binlog_column *c, const my_type *t, const char *charset);

/* The collation id of a character set's default collation ("latin1" 8), 0 when unknown. */
uint32_t binlogrow_charset_id(const char *charset);

/* The character set of a collation id ("latin1" for 8), NULL when unknown. */
const char *binlogrow_charset_name(uint32_t collation);

/* One column value of a row image. */
typedef struct binlog_value
{
	uint32_t col; /* the column's index in the table */
	bool is_null; /* SQL NULL: data is NULL */
	/*
	 * A MySQL partial JSON update whose document is not in the before image
	 * (binlog_row_image=MINIMAL): data is binlogjson_diffs_to_text()'s array
	 * of changes to apply to the column's current value, not the value.
	 */
	bool is_json_diff;
	const char *data; /* the text, NUL-terminated, in the row's buffer */
	size_t len;
	size_t off; /* private: the text's offset in the row's buffer */
} binlog_value;

/*
 * A row image: the values of the columns present, in column order. Owns
 * values and text; reused from row to row, so the hot path allocates nothing
 * once the buffers have grown. Values point into text: valid until the row
 * is filled again or released.
 */
typedef struct binlog_row
{
	uint32_t n;
	binlog_value *values; /* owned, cap entries */
	uint32_t cap;
	sbuf text; /* owned */
} binlog_row;

void binlogrow_row_init(binlog_row *r);
void binlogrow_row_release(binlog_row *r);

/* The value of column col in r, or NULL when the image does not have it. */
const binlog_value *binlogrow_row_find(const binlog_row *r, uint32_t col);

/* Iterates the rows of one rows event. Borrows the event, format and table map. */
typedef struct binlog_rows_iter
{
	const binlog_event *ev;
	const binlog_format *fmt;
	const binlog_table_map *tm;
	const uint8_t *p;
	const uint8_t *end;
	uint32_t ncols;
	uint64_t row; /* rows read so far */
	/* Before-image JSON values, for partial JSON updates (by JSON column ordinal). */
	const uint8_t **json_before; /* owned array; entries borrow the event */
	size_t *json_before_len;	 /* owned */
	void *conv[8];				 /* owned iconv handles, by conv_charset */
	uint32_t conv_charset[8];
	int nconv;
} binlog_rows_iter;

/*
 * Starts iterating the rows of ev (a rows event) whose table is tm (the
 * TABLE_MAP with the same table id). Returns false (logged) when they do
 * not match. The caller calls binlogrow_rows_release() in any case.
 */
bool binlogrow_rows_init(binlog_rows_iter *it, const binlog_event *ev, const binlog_format *fmt,
						 const binlog_table_map *tm);

/*
 * The next row: before gets the before image (update, delete) and after the
 * after image (write, update); the other has n = 0. Values are the text
 * MySQL's text protocol gives for them (on a utf8mb4 connection with
 * time_zone '+00:00'; FLOAT as floatfmt_float() text): typemap_encode()
 * takes them as they are. What the binlog does not hold comes from
 * binlogrow_column_hint(): ZEROFILL padding, DOUBLE(m,d) decimals, MariaDB's
 * UUID/INET4/INET6 text, the zero padding of BINARY(n) (the binary charset),
 * and without binlog_row_metadata=FULL also signedness, character sets and
 * ENUM/SET labels. Returns false at the end of the event, or on a corrupt
 * row (logged, with the event's position), which *failed tells.
 */
bool binlogrow_rows_next(binlog_rows_iter *it, binlog_row *before, binlog_row *after, bool *failed);

void binlogrow_rows_release(binlog_rows_iter *it);

/* ---- value formatting helpers, shared with binlogjson.c ---- */

/*
 * Appends MySQL's binary DECIMAL(precision, scale) at p as text
 * ("-123.4500", "0.00"); *used gets its size. Returns NULL, or what is wrong.
 */
const char *binlogrow_decimal_text(const uint8_t *p, size_t avail, int precision, int scale, sbuf *out,
								   size_t *used);

/* The size of a binary DECIMAL(precision, scale); 0 when impossible. */
size_t binlogrow_decimal_size(int precision, int scale);

/* Appends a DOUBLE as the server prints it: the shortest round-trip digits, "1e15", "0.0001", "1.5e-300". */
void binlogrow_double_text(double v, sbuf *out);

/* Appends a packed TIME (MySQL's longlong packed form) as "[-]HH:MM:SS" plus fsp digits. */
void binlogrow_time_packed_text(int64_t packed, int fsp, sbuf *out);

/* Appends a packed DATETIME as "YYYY-MM-DD HH:MM:SS" plus fsp digits, or "YYYY-MM-DD" when date_only. */
void binlogrow_datetime_packed_text(int64_t packed, int fsp, bool date_only, sbuf *out);

#endif
