/* typemap.c: parses MySQL column types, maps them to PostgreSQL, and converts values to PostgreSQL's text form. */
#include "typemap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "myliteral.h"
#include "xalloc.h"

/* The type words COLUMN_TYPE starts with, as MariaDB 10.x and MySQL 5.7/8 show them. */
typedef struct type_word
{
	const char *word;
	my_type_kind kind;
} type_word;

static const type_word type_words[] = {
	{ "tinyint", MYT_TINYINT },
	{ "bool", MYT_TINYINT },
	{ "boolean", MYT_TINYINT },
	{ "smallint", MYT_SMALLINT },
	{ "mediumint", MYT_MEDIUMINT },
	{ "int", MYT_INT },
	{ "integer", MYT_INT },
	{ "bigint", MYT_BIGINT },
	{ "decimal", MYT_DECIMAL },
	{ "numeric", MYT_DECIMAL },
	{ "dec", MYT_DECIMAL },
	{ "fixed", MYT_DECIMAL },
	{ "float", MYT_FLOAT },
	{ "double", MYT_DOUBLE },
	{ "real", MYT_DOUBLE },
	{ "bit", MYT_BIT },
	{ "year", MYT_YEAR },
	{ "date", MYT_DATE },
	{ "datetime", MYT_DATETIME },
	{ "timestamp", MYT_TIMESTAMP },
	{ "time", MYT_TIME },
	{ "char", MYT_CHAR },
	{ "varchar", MYT_VARCHAR },
	{ "tinytext", MYT_TEXT },
	{ "text", MYT_TEXT },
	{ "mediumtext", MYT_TEXT },
	{ "longtext", MYT_TEXT },
	{ "binary", MYT_BINARY },
	{ "varbinary", MYT_VARBINARY },
	{ "tinyblob", MYT_BLOB },
	{ "blob", MYT_BLOB },
	{ "mediumblob", MYT_BLOB },
	{ "longblob", MYT_BLOB },
	{ "enum", MYT_ENUM },
	{ "set", MYT_SET },
	{ "json", MYT_JSON },
	{ "geometry", MYT_GEOMETRY },
	{ "point", MYT_GEOMETRY },
	{ "linestring", MYT_GEOMETRY },
	{ "polygon", MYT_GEOMETRY },
	{ "multipoint", MYT_GEOMETRY },
	{ "multilinestring", MYT_GEOMETRY },
	{ "multipolygon", MYT_GEOMETRY },
	{ "geometrycollection", MYT_GEOMETRY },
	{ "geomcollection", MYT_GEOMETRY }, /* MySQL 8's spelling */
	{ "uuid", MYT_UUID },
	{ "inet4", MYT_INET4 },
	{ "inet6", MYT_INET6 },
};

static const char hex_digits[] = "0123456789abcdef";

/* ASCII only: COLUMN_TYPE keywords are ASCII, and the locale must not matter. */
static inline char
lower_ascii(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
}

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_integer_kind(my_type_kind k)
{
	return k == MYT_TINYINT || k == MYT_SMALLINT || k == MYT_MEDIUMINT ||
		   k == MYT_INT || k == MYT_BIGINT;
}

static const char *
skip_spaces(const char *p)
{
	while (is_space(*p))
		p++;
	return p;
}

/*
 * Reads one quoted label starting at the opening quote. The server writes
 * labels as SQL literals (MariaDB's and MySQL's append_unescaped): a quote is
 * doubled, and backslash, NUL, LF and CR are written as \\, \0, \n, \r. Other
 * characters, tabs included, appear raw. We undo MySQL's full string-literal
 * escapes so a label reads the way the server would read it back. A label
 * with a NUL byte fails: PostgreSQL text cannot hold one.
 */
static const char *
parse_label(const char *p, char **label, sbuf *err)
{
	sbuf b = SBUF_INIT;
	const char *end = myliteral_unquote(p, &b);

	if (end == NULL)
	{
		sbuf_release(&b);
		sbuf_addstr(err, "unterminated label");
		return NULL;
	}
	if (memchr(b.data, '\0', b.len) != NULL)
	{
		sbuf_release(&b);
		sbuf_addstr(err, "a label holds a NUL byte, which PostgreSQL text cannot hold");
		return NULL;
	}
	*label = sbuf_detach(&b, NULL);
	return end;
}

static const char *
parse_labels(const char *p, my_type *out, sbuf *err)
{
	int cap = 0;

	for (;;)
	{
		char *label;

		p = skip_spaces(p);
		if (*p != '\'')
		{
			sbuf_addstr(err, "expected a quoted label");
			return NULL;
		}
		p = parse_label(p, &label, err);
		if (p == NULL)
			return NULL;
		if (out->nlabels == cap)
		{
			cap = cap ? cap * 2 : 8;
			out->labels = xrealloc(out->labels, sizeof(char *) * (size_t) cap);
		}
		out->labels[out->nlabels++] = label;
		p = skip_spaces(p);
		if (*p == ',')
		{
			p++;
			continue;
		}
		if (*p == ')')
			return p + 1;
		sbuf_addstr(err, "expected ',' or ')' after a label");
		return NULL;
	}
}

/* Up to two unsigned numbers "(a)" or "(a,b)"; p is just past the '('. */
static const char *
parse_numbers(const char *p, int *args, int *nargs, sbuf *err)
{
	*nargs = 0;
	for (;;)
	{
		long v = 0;
		const char *start;

		p = skip_spaces(p);
		start = p;
		while (*p >= '0' && *p <= '9')
		{
			v = v * 10 + (*p - '0');
			if (v > 1000000000)
			{
				sbuf_addstr(err, "number out of range");
				return NULL;
			}
			p++;
		}
		if (p == start || *nargs == 2)
		{
			sbuf_addstr(err, "expected one or two numbers in parentheses");
			return NULL;
		}
		args[(*nargs)++] = (int) v;
		p = skip_spaces(p);
		if (*p == ',')
		{
			p++;
			continue;
		}
		if (*p == ')')
			return p + 1;
		sbuf_addstr(err, "expected ',' or ')'");
		return NULL;
	}
}

/* The lower-cased type without a trailing comment such as MariaDB's "/\* mariadb-5.3 *\/". */
static char *
normalized_name(const char *column_type)
{
	const char *s = skip_spaces(column_type);
	size_t n = strlen(s);
	const char *comment = NULL;
	bool quoted = false;
	char *name;

	for (const char *p = s; *p; p++)
	{
		if (*p == '\'')
			quoted = !quoted; /* '' toggles twice: still right */
		else if (!quoted && p[0] == '/' && p[1] == '*')
		{
			comment = p;
			break;
		}
	}
	if (comment)
		n = (size_t) (comment - s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	name = xstrndup(s, n);
	for (char *p = name; *p; p++)
		*p = lower_ascii(*p);
	return name;
}

bool
typemap_kind_is_numeric(my_type_kind k)
{
	switch (k)
	{
		case MYT_TINYINT:
		case MYT_SMALLINT:
		case MYT_MEDIUMINT:
		case MYT_INT:
		case MYT_BIGINT:
		case MYT_DECIMAL:
		case MYT_FLOAT:
		case MYT_DOUBLE:
		case MYT_YEAR:
			return true;
		default:
			return false;
	}
}

bool
typemap_parse(const char *column_type, bool is_json, my_type *out, sbuf *err)
{
	char word[32];
	size_t wlen = 0;
	const char *p;
	int args[2] = { 0, 0 };
	int nargs = 0;
	bool found = false;

	memset(out, 0, sizeof(*out));
	sbuf_reset(err);
	out->name = normalized_name(column_type);

	/* Parse the normalized name for keywords but labels from the original, which keeps their case. */
	p = skip_spaces(column_type);
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
	{
		if (wlen + 1 >= sizeof(word))
			break;
		word[wlen++] = lower_ascii(*p++);
	}
	word[wlen] = '\0';
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (strcmp(word, type_words[i].word) == 0)
		{
			out->kind = type_words[i].kind;
			found = true;
			break;
		}
	if (!found)
	{
		sbuf_addf(err, "unknown column type \"%s\"", column_type);
		goto fail;
	}

	p = skip_spaces(p);
	if (*p == '(')
	{
		if (out->kind == MYT_ENUM || out->kind == MYT_SET)
			p = parse_labels(p + 1, out, err);
		else
			p = parse_numbers(p + 1, args, &nargs, err);
		if (p == NULL)
		{
			char *why = sbuf_detach(err, NULL);

			sbuf_addf(err, "could not parse column type \"%s\": %s", column_type, why);
			free(why);
			goto fail;
		}
	}
	else if (out->kind == MYT_ENUM || out->kind == MYT_SET)
	{
		sbuf_addf(err, "could not parse column type \"%s\": no labels", column_type);
		goto fail;
	}

	/* Attributes after the type. */
	for (;;)
	{
		char attr[16];
		size_t alen = 0;

		p = skip_spaces(p);
		if (*p == '\0')
			break;
		if (p[0] == '/' && p[1] == '*')
		{
			const char *end = strstr(p + 2, "*/");

			if (end == NULL)
				break;
			p = end + 2;
			continue;
		}
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
		{
			if (alen + 1 >= sizeof(attr))
				break;
			attr[alen++] = lower_ascii(*p++);
		}
		attr[alen] = '\0';
		if (strcmp(attr, "unsigned") == 0)
			out->is_unsigned = true;
		else if (strcmp(attr, "zerofill") == 0)
		{
			/* ZEROFILL implies UNSIGNED; the padding is display only. */
			out->zerofill = true;
			out->is_unsigned = true;
		}
		else if (strcmp(attr, "signed") != 0)
		{
			sbuf_addf(err, "could not parse column type \"%s\": unexpected \"%s\"", column_type, p - alen);
			goto fail;
		}
	}

	switch (out->kind)
	{
		case MYT_TINYINT:
		case MYT_SMALLINT:
		case MYT_MEDIUMINT:
		case MYT_INT:
		case MYT_BIGINT:
			out->length = nargs ? args[0] : 0;
			break;
		case MYT_DECIMAL:
			/* DECIMAL alone is DECIMAL(10,0). */
			out->precision = nargs ? args[0] : 10;
			out->scale = nargs > 1 ? args[1] : 0;
			break;
		case MYT_FLOAT:
			/* FLOAT(p) with p over 24 is a DOUBLE (the server shows it as double). */
			if (nargs == 1 && args[0] > 24)
				out->kind = MYT_DOUBLE;
			/* fall through */
		case MYT_DOUBLE:
			out->precision = nargs > 1 ? args[0] : 0;
			out->scale = nargs > 1 ? args[1] : 0;
			break;
		case MYT_BIT:
			out->length = nargs ? args[0] : 1;
			if (out->length < 1 || out->length > 64)
			{
				sbuf_addf(err, "could not parse column type \"%s\": bit width out of range", column_type);
				goto fail;
			}
			break;
		case MYT_YEAR:
			out->length = nargs ? args[0] : 4;
			break;
		case MYT_DATETIME:
		case MYT_TIMESTAMP:
		case MYT_TIME:
			out->fsp = nargs ? args[0] : 0;
			if (out->fsp > 6)
			{
				sbuf_addf(err, "could not parse column type \"%s\": fractional seconds over 6", column_type);
				goto fail;
			}
			break;
		case MYT_CHAR:
		case MYT_BINARY:
			out->length = nargs ? args[0] : 1;
			break;
		case MYT_VARCHAR:
		case MYT_VARBINARY:
			if (nargs == 0)
			{
				sbuf_addf(err, "could not parse column type \"%s\": no length", column_type);
				goto fail;
			}
			out->length = args[0];
			break;
		case MYT_TEXT:
			/* MariaDB's JSON is a LONGTEXT with a json_valid() check. */
			if (is_json)
				out->kind = MYT_JSON;
			break;
		default:
			break;
	}
	return true;

fail:
	typemap_release(out);
	return false;
}

void
typemap_release(my_type *t)
{
	for (int i = 0; i < t->nlabels; i++)
		free(t->labels[i]);
	free(t->labels);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

/* The default PostgreSQL type for a parsed MySQL type (lossless). */
static void
resolve_default(const my_type *t, pg_type *out)
{
	const char *sql = NULL;

	out->form = PGV_IDENTITY;
	switch (t->kind)
	{
		case MYT_TINYINT:
			sql = "smallint";
			break;
		case MYT_SMALLINT:
			sql = t->is_unsigned ? "integer" : "smallint";
			break;
		case MYT_MEDIUMINT:
			sql = "integer";
			break;
		case MYT_INT:
			sql = t->is_unsigned ? "bigint" : "integer";
			break;
		case MYT_BIGINT:
			sql = t->is_unsigned ? "numeric(20,0)" : "bigint";
			break;
		case MYT_DECIMAL:
			out->sql = xasprintf("numeric(%d,%d)", t->precision, t->scale);
			break;
		case MYT_FLOAT:
			sql = "real";
			break;
		case MYT_DOUBLE:
			sql = "double precision";
			break;
		case MYT_BIT:
			out->sql = xasprintf("bit(%d)", t->length);
			out->form = PGV_BIT_STRING;
			break;
		case MYT_YEAR:
			sql = "smallint";
			break;
		case MYT_DATE:
			sql = "date";
			out->form = PGV_DATE;
			break;
		case MYT_DATETIME:
			out->sql = xasprintf("timestamp(%d) without time zone", t->fsp);
			out->form = PGV_DATETIME;
			break;
		case MYT_TIMESTAMP:
			out->sql = xasprintf("timestamp(%d) with time zone", t->fsp);
			out->form = PGV_TIMESTAMPTZ;
			break;
		case MYT_TIME:
			/* TIME spans -838:59:59 to 838:59:59; PostgreSQL's time cannot. */
			sql = "interval";
			break;
		case MYT_CHAR:
			/* PostgreSQL has no character(0); MySQL's CHAR(0) holds only '' or NULL. */
			if (t->length > 0)
				out->sql = xasprintf("character(%d)", t->length);
			else
				sql = "text";
			break;
		case MYT_VARCHAR:
			if (t->length > 0)
				out->sql = xasprintf("character varying(%d)", t->length);
			else
				sql = "text";
			break;
		case MYT_TEXT:
		case MYT_ENUM:
			sql = "text";
			break;
		case MYT_BINARY:
		case MYT_VARBINARY:
		case MYT_BLOB:
		case MYT_GEOMETRY:
			/* Geometry keeps MySQL's internal value (SRID + WKB); post-data converts it with PostGIS. */
			sql = "bytea";
			out->form = PGV_BYTEA_HEX;
			break;
		case MYT_SET:
			sql = "text[]";
			out->form = PGV_SET_ARRAY;
			break;
		case MYT_JSON:
			/* json keeps the text exactly as MySQL returns it; jsonb would normalise it. */
			sql = "json";
			break;
		case MYT_UUID:
			sql = "uuid";
			break;
		case MYT_INET4:
		case MYT_INET6:
			sql = "inet";
			break;
		case MYT_UNKNOWN:
			sql = "text";
			break;
	}
	if (sql)
		out->sql = xstrdup(sql);
}

/* "int(11) unsigned" without its display width: "int unsigned". */
static bool
name_matches(const char *key, const my_type *t)
{
	const char *open;
	const char *close;
	size_t klen;
	size_t head;

	if (strcasecmp(key, t->name) == 0)
		return true;
	if (!is_integer_kind(t->kind) && t->kind != MYT_YEAR)
		return false;
	open = strchr(t->name, '(');
	close = open ? strchr(open, ')') : NULL;
	if (close == NULL)
		return false;
	head = (size_t) (open - t->name);
	klen = strlen(key);
	if (klen != head + strlen(close + 1))
		return false;
	return strncasecmp(key, t->name, head) == 0 && strcasecmp(key + head, close + 1) == 0;
}

static bool
table_matches(const type_override *ov, const char *schema, const char *table)
{
	size_t slen = strlen(schema);

	for (int i = 0; i < ov->ntables; i++)
	{
		const char *pat = ov->tables[i];

		if (strcmp(pat, "*") == 0)
			return true;
		if (strncmp(pat, schema, slen) == 0 && pat[slen] == '.' &&
			(strcmp(pat + slen + 1, "*") == 0 || strcmp(pat + slen + 1, table) == 0))
			return true;
	}
	return false;
}

/* override_to lower-cased, with surrounding spaces removed: the caller frees it. */
static char *
target_key(const char *to)
{
	const char *s = skip_spaces(to);
	size_t n = strlen(s);
	char *k;

	while (n > 0 && is_space(s[n - 1]))
		n--;
	k = xstrndup(s, n);
	for (char *p = k; *p; p++)
		*p = lower_ascii(*p);
	return k;
}

/*
 * The value form an override target needs. Booleans and bytea get their own
 * form; a date kind keeps its zero-date handling when the target is still a
 * date or timestamp (a text target keeps zero dates as they are, which is a
 * reason to override); bit and set keep theirs where the text still fits.
 */
static pg_value_form
override_form(const my_type *t, const char *key)
{
	if ((strcmp(key, "boolean") == 0 || strcmp(key, "bool") == 0) &&
		(is_integer_kind(t->kind) || t->kind == MYT_BIT))
		return PGV_BOOLEAN;
	if (strcmp(key, "bytea") == 0)
		return PGV_BYTEA_HEX;
	if (t->kind == MYT_DATE || t->kind == MYT_DATETIME || t->kind == MYT_TIMESTAMP)
	{
		if (strncmp(key, "date", 4) == 0)
			return PGV_DATE;
		if (strcmp(key, "timestamptz") == 0 || strstr(key, "with time zone") != NULL)
			return PGV_TIMESTAMPTZ;
		if (strncmp(key, "timestamp", 9) == 0)
			return PGV_DATETIME;
		return PGV_IDENTITY;
	}
	if (t->kind == MYT_BIT)
		return PGV_BIT_STRING;
	if (t->kind == MYT_SET && strstr(key, "[]") != NULL)
		return PGV_SET_ARRAY;
	return PGV_IDENTITY;
}

static bool
is_identity_type(const char *key)
{
	static const char *const ints[] = { "smallint", "integer", "int", "bigint", "int2", "int4", "int8" };

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (strcmp(key, ints[i]) == 0)
			return true;
	return false;
}

void
typemap_resolve(const my_type *t, const char *schema, const char *table,
				const type_override *overrides, int noverrides, pg_type *out)
{
	memset(out, 0, sizeof(*out));
	resolve_default(t, out);
	for (int i = 0; i < noverrides; i++)
	{
		const type_override *ov = &overrides[i];
		char *key;

		if (ov->source_type == NULL || ov->override_to == NULL)
			continue;
		if (!name_matches(ov->source_type, t) || !table_matches(ov, schema, table))
			continue;
		key = target_key(ov->override_to);
		out->form = override_form(t, key);
		free(out->sql);
		out->sql = xstrdup(ov->override_to);
		out->overridden = true;
		out->identity_ok = is_identity_type(key);
		out->may_hold_zero_dates = out->form == PGV_DATE || out->form == PGV_DATETIME ||
								   out->form == PGV_TIMESTAMPTZ;
		free(key);
		return;
	}
	out->identity_ok = strcmp(out->sql, "smallint") == 0 || strcmp(out->sql, "integer") == 0 ||
					   strcmp(out->sql, "bigint") == 0;
	out->may_hold_zero_dates = out->form == PGV_DATE || out->form == PGV_DATETIME ||
							   out->form == PGV_TIMESTAMPTZ;
}

void
pg_type_release(pg_type *t)
{
	free(t->sql);
	memset(t, 0, sizeof(*t));
}

/*
 * Whether a "YYYY-MM-DD..." value is a date PostgreSQL can hold: MySQL keeps
 * zero dates, dates with month or day 0 (NO_ZERO_IN_DATE off) and, under
 * ALLOW_INVALID_DATES, days past the month's end such as 2023-02-30.
 * Anything not shaped like a date is passed on for PostgreSQL to judge.
 */
static inline bool
date_is_valid(const char *v, size_t len)
{
	static const unsigned char days[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned month;
	unsigned day;

	if (len < 10 || v[4] != '-' || v[7] != '-')
		return true;
	month = (unsigned) (v[5] - '0') * 10 + (unsigned) (v[6] - '0');
	day = (unsigned) (v[8] - '0') * 10 + (unsigned) (v[9] - '0');
	if (month == 0 || day == 0 || month > 12)
		return false;
	if (day > days[month])
		return false;
	if (month == 2 && day == 29)
	{
		unsigned year = (unsigned) (v[0] - '0') * 1000 + (unsigned) (v[1] - '0') * 100 +
						(unsigned) (v[2] - '0') * 10 + (unsigned) (v[3] - '0');

		/* Proleptic Gregorian, as both servers use; year 0 is a leap year. */
		if (year % 4 != 0 || (year % 100 == 0 && year % 400 != 0))
			return false;
	}
	return true;
}

/*
 * Date and datetime values: year 0000 is astronomical year 0, which
 * PostgreSQL writes as 1 BC; the suffix goes after the time (and after the
 * zone for timestamptz), where PostgreSQL accepts it.
 */
static bool
encode_date(const char *v, size_t len, bool with_zone, sbuf *out)
{
	bool bc;
	char *d;

	if (!date_is_valid(v, len))
		return false;
	bc = len >= 10 && v[0] == '0' && v[1] == '0' && v[2] == '0' && v[3] == '0';
	sbuf_grow(out, len + 6);
	d = out->data + out->len;
	memcpy(d, v, len);
	if (bc)
		d[3] = '1';
	d += len;
	if (with_zone)
	{
		*d++ = '+';
		*d++ = '0';
		*d++ = '0';
	}
	if (bc)
	{
		memcpy(d, " BC", 3);
		d += 3;
	}
	sbuf_setlen(out, (size_t) (d - out->data));
	return true;
}

static void
encode_bytea(const char *v, size_t len, sbuf *out)
{
	const unsigned char *s = (const unsigned char *) v;
	char *d;

	sbuf_grow(out, 2 + 2 * len);
	d = out->data + out->len;
	*d++ = '\\';
	*d++ = 'x';
	for (size_t i = 0; i < len; i++)
	{
		*d++ = hex_digits[s[i] >> 4];
		*d++ = hex_digits[s[i] & 0x0f];
	}
	sbuf_setlen(out, (size_t) (d - out->data));
}

/* The text protocol sends BIT(n) as ceil(n/8) bytes, most significant first. */
static void
encode_bits(const my_type *t, const char *v, size_t len, sbuf *out)
{
	const unsigned char *s = (const unsigned char *) v;
	size_t nbits = t->length > 0 ? (size_t) t->length : len * 8;
	char *d;

	sbuf_grow(out, nbits);
	d = out->data + out->len;
	for (size_t k = nbits; k-- > 0;)
	{
		size_t byte_from_end = k >> 3;

		if (byte_from_end < len)
			*d++ = (char) ('0' + ((s[len - 1 - byte_from_end] >> (k & 7)) & 1));
		else
			*d++ = '0';
	}
	sbuf_setlen(out, (size_t) (d - out->data));
}

/* "a,b" to {"a","b"}: every element quoted, so "NULL" stays a string and braces or spaces need nothing more. */
static void
encode_set(const char *v, size_t len, sbuf *out)
{
	char *d;

	/* Worst case: 2 braces, 3 chars per element of one char, each char escaped. */
	sbuf_grow(out, 3 * len + 4);
	d = out->data + out->len;
	*d++ = '{';
	if (len > 0)
	{
		*d++ = '"';
		for (size_t i = 0; i < len; i++)
		{
			char c = v[i];

			if (c == ',')
			{
				*d++ = '"';
				*d++ = ',';
				*d++ = '"';
				continue;
			}
			if (c == '"' || c == '\\')
				*d++ = '\\';
			*d++ = c;
		}
		*d++ = '"';
	}
	*d++ = '}';
	sbuf_setlen(out, (size_t) (d - out->data));
}

static void
encode_boolean(const my_type *t, const char *v, size_t len, sbuf *out)
{
	bool truth = false;

	if (t->kind == MYT_BIT)
	{
		for (size_t i = 0; i < len; i++)
			if (v[i] != 0)
				truth = true;
	}
	else
	{
		/* An integer (or decimal) in text: true unless every digit is 0. */
		for (size_t i = 0; i < len; i++)
			if (v[i] >= '1' && v[i] <= '9')
				truth = true;
	}
	sbuf_addch(out, truth ? 't' : 'f');
}

bool
typemap_encode(const my_type *t, pg_value_form form, const char *val, size_t len, sbuf *out)
{
	switch (form)
	{
		case PGV_IDENTITY:
			sbuf_add(out, val, len);
			return true;
		case PGV_BYTEA_HEX:
			encode_bytea(val, len, out);
			return true;
		case PGV_BIT_STRING:
			encode_bits(t, val, len, out);
			return true;
		case PGV_DATE:
		case PGV_DATETIME:
			return encode_date(val, len, false, out);
		case PGV_TIMESTAMPTZ:
			return encode_date(val, len, true, out);
		case PGV_SET_ARRAY:
			encode_set(val, len, out);
			return true;
		case PGV_BOOLEAN:
			encode_boolean(t, val, len, out);
			return true;
	}
	sbuf_add(out, val, len);
	return true;
}
