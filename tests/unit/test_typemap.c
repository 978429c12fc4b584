/* test_typemap.c: unit tests of MySQL type parsing, mapping to PostgreSQL, and value encoding. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "tap.h"
#include "typemap.h"

static char mapped[256];
static char encoded[4096];

/* The PostgreSQL type for a COLUMN_TYPE without overrides, or "(parse failed)". */
static const char *
map_type(const char *column_type)
{
	my_type t;
	pg_type p;
	sbuf err = SBUF_INIT;

	if (!typemap_parse(column_type, false, &t, &err))
	{
		sbuf_release(&err);
		return "(parse failed)";
	}
	typemap_resolve(&t, "s", "t", NULL, 0, &p);
	snprintf(mapped, sizeof(mapped), "%s", p.sql);
	pg_type_release(&p);
	typemap_release(&t);
	sbuf_release(&err);
	return mapped;
}

/* The encoded value of val (len bytes) for a COLUMN_TYPE with the default mapping; NULL when it became NULL. */
static const char *
encode_len(const char *column_type, const char *val, size_t len)
{
	my_type t;
	pg_type p;
	sbuf err = SBUF_INIT;
	sbuf out = SBUF_INIT;
	const char *result = encoded;

	if (!typemap_parse(column_type, false, &t, &err))
	{
		sbuf_release(&err);
		return "(parse failed)";
	}
	typemap_resolve(&t, "s", "t", NULL, 0, &p);
	sbuf_addstr(&out, "junk"); /* encode appends: what was there stays */
	if (typemap_encode(&t, p.form, val, len, &out))
	{
		if (strncmp(out.data, "junk", 4) != 0)
			result = "(prefix lost)";
		else
			snprintf(encoded, sizeof(encoded), "%s", out.data + 4);
	}
	else
		result = out.len == 4 ? NULL : "(appended on NULL)";
	sbuf_release(&out);
	pg_type_release(&p);
	typemap_release(&t);
	sbuf_release(&err);
	return result;
}

static const char *
encode(const char *column_type, const char *val)
{
	return encode_len(column_type, val, strlen(val));
}

static void
test_parse(void)
{
	my_type t;
	sbuf err = SBUF_INIT;

	ok(typemap_parse("tinyint(4)", false, &t, &err), "tinyint(4) parses");
	is_int(t.kind, MYT_TINYINT, "tinyint(4) kind");
	is_int(t.length, 4, "tinyint(4) display width");
	ok(!t.is_unsigned, "tinyint(4) signed");
	is_str(t.name, "tinyint(4)", "tinyint(4) name");
	typemap_release(&t);

	ok(typemap_parse("TINYINT(1)", false, &t, &err), "TINYINT(1) parses (upper case)");
	is_int(t.kind, MYT_TINYINT, "TINYINT(1) kind");
	is_int(t.length, 1, "TINYINT(1) width");
	is_str(t.name, "tinyint(1)", "name is lower-cased");
	typemap_release(&t);

	ok(typemap_parse("int(10) unsigned", false, &t, &err), "int(10) unsigned parses");
	is_int(t.kind, MYT_INT, "int kind");
	ok(t.is_unsigned, "unsigned seen");
	ok(!t.zerofill, "no zerofill");
	is_int(t.length, 10, "width 10");
	typemap_release(&t);

	ok(typemap_parse("bigint(20) unsigned zerofill", false, &t, &err), "bigint zerofill parses");
	is_int(t.kind, MYT_BIGINT, "bigint kind");
	ok(t.is_unsigned && t.zerofill, "unsigned and zerofill");
	typemap_release(&t);

	ok(typemap_parse("int unsigned", false, &t, &err), "MySQL 8 int unsigned parses");
	is_int(t.length, 0, "no display width");
	ok(t.is_unsigned, "unsigned");
	typemap_release(&t);

	ok(typemap_parse("smallint(6)", false, &t, &err) && t.kind == MYT_SMALLINT, "smallint(6)");
	typemap_release(&t);
	ok(typemap_parse("mediumint(8) unsigned", false, &t, &err) && t.kind == MYT_MEDIUMINT && t.is_unsigned,
	   "mediumint(8) unsigned");
	typemap_release(&t);

	ok(typemap_parse("decimal(65,30)", false, &t, &err), "decimal(65,30) parses");
	is_int(t.kind, MYT_DECIMAL, "decimal kind");
	is_int(t.precision, 65, "precision 65");
	is_int(t.scale, 30, "scale 30");
	typemap_release(&t);

	ok(typemap_parse("decimal(10)", false, &t, &err) && t.precision == 10 && t.scale == 0, "decimal(10) is (10,0)");
	typemap_release(&t);
	ok(typemap_parse("decimal(10,2) unsigned", false, &t, &err) && t.is_unsigned, "decimal unsigned");
	typemap_release(&t);

	ok(typemap_parse("float", false, &t, &err) && t.kind == MYT_FLOAT, "float");
	typemap_release(&t);
	ok(typemap_parse("float(7,4)", false, &t, &err), "float(7,4) parses");
	is_int(t.kind, MYT_FLOAT, "float(7,4) kind");
	is_int(t.precision, 7, "float(7,4) precision");
	is_int(t.scale, 4, "float(7,4) scale");
	typemap_release(&t);
	ok(typemap_parse("double", false, &t, &err) && t.kind == MYT_DOUBLE, "double");
	typemap_release(&t);
	ok(typemap_parse("double(10,2)", false, &t, &err) && t.kind == MYT_DOUBLE && t.scale == 2, "double(10,2)");
	typemap_release(&t);
	ok(typemap_parse("float unsigned", false, &t, &err) && t.kind == MYT_FLOAT && t.is_unsigned, "float unsigned");
	typemap_release(&t);

	ok(typemap_parse("bit(1)", false, &t, &err) && t.kind == MYT_BIT && t.length == 1, "bit(1)");
	typemap_release(&t);
	ok(typemap_parse("bit(64)", false, &t, &err) && t.length == 64, "bit(64)");
	typemap_release(&t);
	ok(!typemap_parse("bit(65)", false, &t, &err), "bit(65) refused");

	ok(typemap_parse("year(4)", false, &t, &err) && t.kind == MYT_YEAR && t.length == 4, "year(4)");
	typemap_release(&t);
	ok(typemap_parse("year", false, &t, &err) && t.kind == MYT_YEAR, "year (MySQL 8)");
	typemap_release(&t);
	ok(typemap_parse("date", false, &t, &err) && t.kind == MYT_DATE, "date");
	typemap_release(&t);
	ok(typemap_parse("datetime", false, &t, &err) && t.kind == MYT_DATETIME && t.fsp == 0, "datetime");
	typemap_release(&t);
	ok(typemap_parse("datetime(6)", false, &t, &err) && t.kind == MYT_DATETIME && t.fsp == 6, "datetime(6)");
	typemap_release(&t);
	ok(typemap_parse("timestamp(3)", false, &t, &err) && t.kind == MYT_TIMESTAMP && t.fsp == 3, "timestamp(3)");
	typemap_release(&t);
	ok(typemap_parse("time(6)", false, &t, &err) && t.kind == MYT_TIME && t.fsp == 6, "time(6)");
	typemap_release(&t);
	ok(!typemap_parse("time(7)", false, &t, &err), "time(7) refused");
	ok(typemap_parse("datetime /* mariadb-5.3 */", false, &t, &err) && t.kind == MYT_DATETIME,
	   "old-format temporal with MariaDB's comment");
	is_str(t.name, "datetime", "comment left out of the name");
	typemap_release(&t);

	ok(typemap_parse("char(10)", false, &t, &err) && t.kind == MYT_CHAR && t.length == 10, "char(10)");
	typemap_release(&t);
	ok(typemap_parse("varchar(255)", false, &t, &err) && t.kind == MYT_VARCHAR && t.length == 255, "varchar(255)");
	typemap_release(&t);
	ok(!typemap_parse("varchar", false, &t, &err), "varchar without length refused");

	{
		static const char *const texts[] = { "tinytext", "text", "mediumtext", "longtext" };
		static const char *const blobs[] = { "tinyblob", "blob", "mediumblob", "longblob" };

		for (int i = 0; i < 4; i++)
		{
			ok(typemap_parse(texts[i], false, &t, &err) && t.kind == MYT_TEXT, "%s is text", texts[i]);
			typemap_release(&t);
			ok(typemap_parse(blobs[i], false, &t, &err) && t.kind == MYT_BLOB, "%s is blob", blobs[i]);
			typemap_release(&t);
		}
	}
	ok(typemap_parse("longtext", true, &t, &err) && t.kind == MYT_JSON, "MariaDB JSON (longtext + is_json)");
	is_str(t.name, "longtext", "MariaDB JSON keeps its COLUMN_TYPE as name");
	typemap_release(&t);
	ok(typemap_parse("json", false, &t, &err) && t.kind == MYT_JSON, "MySQL json");
	typemap_release(&t);

	ok(typemap_parse("binary(16)", false, &t, &err) && t.kind == MYT_BINARY && t.length == 16, "binary(16)");
	typemap_release(&t);
	ok(typemap_parse("varbinary(255)", false, &t, &err) && t.kind == MYT_VARBINARY && t.length == 255,
	   "varbinary(255)");
	typemap_release(&t);

	{
		static const char *const geo[] = { "geometry", "point", "linestring", "polygon", "multipoint",
										   "multilinestring", "multipolygon", "geometrycollection", "geomcollection" };

		for (size_t i = 0; i < sizeof(geo) / sizeof(geo[0]); i++)
		{
			ok(typemap_parse(geo[i], false, &t, &err) && t.kind == MYT_GEOMETRY, "%s is geometry", geo[i]);
			typemap_release(&t);
		}
	}
	ok(typemap_parse("uuid", false, &t, &err) && t.kind == MYT_UUID, "uuid");
	typemap_release(&t);
	ok(typemap_parse("inet4", false, &t, &err) && t.kind == MYT_INET4, "inet4");
	typemap_release(&t);
	ok(typemap_parse("INET6", false, &t, &err) && t.kind == MYT_INET6, "INET6");
	typemap_release(&t);

	/* Labels as MariaDB 10.11 shows them: '' for a quote, \\ for a backslash, \n \r \0 escaped, tab raw. */
	ok(typemap_parse("enum('a','b''c','d\\\\e','x,y','q\"q','NULL','','T\tab','n\\nl','Éé😀')", false, &t, &err),
	   "enum with escapes parses");
	is_int(t.kind, MYT_ENUM, "enum kind");
	is_int(t.nlabels, 10, "ten labels");
	if (t.nlabels == 10)
	{
		is_str(t.labels[0], "a", "label a");
		is_str(t.labels[1], "b'c", "doubled quote unescaped");
		is_str(t.labels[2], "d\\e", "doubled backslash unescaped");
		is_str(t.labels[3], "x,y", "comma inside an enum label");
		is_str(t.labels[4], "q\"q", "double quote kept");
		is_str(t.labels[5], "NULL", "NULL is just a label");
		is_str(t.labels[6], "", "empty label");
		is_str(t.labels[7], "T\tab", "raw tab kept");
		is_str(t.labels[8], "n\nl", "\\n unescaped");
		is_str(t.labels[9], "Éé😀", "case and UTF-8 of labels kept");
	}
	typemap_release(&t);
	ok(!typemap_parse("enum('a\\0b')", false, &t, &err), "label with NUL refused");
	ok(strstr(err.data, "NUL") != NULL, "message says NUL: %s", err.data);
	ok(!typemap_parse("enum('a", false, &t, &err), "unterminated label refused");

	ok(typemap_parse("set('read','write','x''y')", false, &t, &err), "set parses");
	is_int(t.kind, MYT_SET, "set kind");
	is_int(t.nlabels, 3, "three set labels");
	if (t.nlabels == 3)
		is_str(t.labels[2], "x'y", "set label unescaped");
	is_str(t.name, "set('read','write','x''y')", "set name");
	typemap_release(&t);

	ok(!typemap_parse("vector(3)", false, &t, &err), "unknown type refused");
	ok(strstr(err.data, "\"vector(3)\"") != NULL, "message names the type: %s", err.data);
	ok(!typemap_parse("int(11) frobnicated", false, &t, &err), "unknown attribute refused");
	ok(strstr(err.data, "frobnicated") != NULL, "message names the attribute: %s", err.data);
	ok(!typemap_parse("", false, &t, &err), "empty type refused");
	sbuf_release(&err);
}

static void
test_resolve(void)
{
	is_str(map_type("tinyint(4)"), "smallint", "tinyint -> smallint");
	is_str(map_type("tinyint(1)"), "smallint", "tinyint(1) -> smallint (boolean only by override)");
	is_str(map_type("tinyint(3) unsigned"), "smallint", "tinyint unsigned -> smallint");
	is_str(map_type("smallint(6)"), "smallint", "smallint -> smallint");
	is_str(map_type("smallint(5) unsigned"), "integer", "smallint unsigned -> integer");
	is_str(map_type("mediumint(9)"), "integer", "mediumint -> integer");
	is_str(map_type("mediumint(8) unsigned"), "integer", "mediumint unsigned -> integer");
	is_str(map_type("int(11)"), "integer", "int -> integer");
	is_str(map_type("int"), "integer", "MySQL 8 int -> integer");
	is_str(map_type("int(10) unsigned"), "bigint", "int unsigned -> bigint");
	is_str(map_type("bigint(20)"), "bigint", "bigint -> bigint");
	is_str(map_type("bigint(20) unsigned"), "numeric(20,0)", "bigint unsigned -> numeric(20,0)");
	is_str(map_type("bigint(20) unsigned zerofill"), "numeric(20,0)", "zerofill changes nothing");
	is_str(map_type("decimal(65,30)"), "numeric(65,30)", "decimal(65,30)");
	is_str(map_type("decimal(10,2)"), "numeric(10,2)", "decimal(10,2)");
	is_str(map_type("decimal"), "numeric(10,0)", "bare decimal");
	is_str(map_type("float"), "real", "float -> real");
	is_str(map_type("float(7,4)"), "real", "float(7,4) -> real");
	is_str(map_type("double"), "double precision", "double");
	is_str(map_type("double(10,2)"), "double precision", "double(10,2)");
	is_str(map_type("bit(1)"), "bit(1)", "bit(1)");
	is_str(map_type("bit(64)"), "bit(64)", "bit(64)");
	is_str(map_type("year(4)"), "smallint", "year -> smallint");
	is_str(map_type("date"), "date", "date");
	is_str(map_type("datetime"), "timestamp(0) without time zone", "datetime");
	is_str(map_type("datetime(6)"), "timestamp(6) without time zone", "datetime(6)");
	is_str(map_type("timestamp"), "timestamp(0) with time zone", "timestamp");
	is_str(map_type("timestamp(3)"), "timestamp(3) with time zone", "timestamp(3)");
	is_str(map_type("time"), "interval", "time -> interval");
	is_str(map_type("time(6)"), "interval", "time(6) -> interval");
	is_str(map_type("char(10)"), "character(10)", "char(10)");
	is_str(map_type("char(0)"), "text", "char(0) -> text (no character(0) in PostgreSQL)");
	is_str(map_type("varchar(255)"), "character varying(255)", "varchar(255)");
	is_str(map_type("tinytext"), "text", "tinytext");
	is_str(map_type("longtext"), "text", "longtext");
	is_str(map_type("binary(16)"), "bytea", "binary");
	is_str(map_type("varbinary(255)"), "bytea", "varbinary");
	is_str(map_type("longblob"), "bytea", "longblob");
	is_str(map_type("enum('a','b')"), "text", "enum -> text");
	is_str(map_type("set('a','b')"), "text[]", "set -> text[]");
	is_str(map_type("json"), "json", "json");
	is_str(map_type("geometry"), "bytea", "geometry -> bytea");
	is_str(map_type("point"), "bytea", "point -> bytea");
	is_str(map_type("uuid"), "uuid", "uuid");
	is_str(map_type("inet4"), "inet", "inet4");
	is_str(map_type("inet6"), "inet", "inet6");

	{
		my_type t;
		pg_type p;
		sbuf err = SBUF_INIT;

		typemap_parse("longtext", true, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		is_str(p.sql, "json", "MariaDB JSON -> json");
		is_int(p.form, PGV_IDENTITY, "json text copied");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("int(11)", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(p.identity_ok && !p.may_hold_zero_dates && !p.overridden, "integer: identity ok, no zero dates");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("bigint(20) unsigned", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(!p.identity_ok, "numeric(20,0) cannot be an identity");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("tinyint(3) unsigned", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(p.identity_ok, "smallint can be an identity");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("datetime(3)", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(p.may_hold_zero_dates && p.form == PGV_DATETIME && !p.identity_ok, "datetime: zero dates, DATETIME form");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("date", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(p.may_hold_zero_dates && p.form == PGV_DATE, "date: zero dates, DATE form");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("timestamp", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		ok(p.may_hold_zero_dates && p.form == PGV_TIMESTAMPTZ, "timestamp: zero dates, TIMESTAMPTZ form");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("blob", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		is_int(p.form, PGV_BYTEA_HEX, "blob: hex form");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("bit(3)", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		is_int(p.form, PGV_BIT_STRING, "bit: bit string form");
		pg_type_release(&p);
		typemap_release(&t);

		typemap_parse("set('a')", false, &t, &err);
		typemap_resolve(&t, "s", "t", NULL, 0, &p);
		is_int(p.form, PGV_SET_ARRAY, "set: array form");
		pg_type_release(&p);
		typemap_release(&t);
		sbuf_release(&err);
	}
}

/* Resolves column_type on schema.table through the overrides; fills p. */
static void
resolve_with(const char *column_type, const char *schema, const char *table,
			 const type_override *ov, int nov, pg_type *p, my_type *t)
{
	sbuf err = SBUF_INIT;

	if (!typemap_parse(column_type, false, t, &err))
		memset(t, 0, sizeof(*t));
	typemap_resolve(t, schema, table, ov, nov, p);
	sbuf_release(&err);
}

static void
test_overrides(void)
{
	char *all[] = { "*" };
	char *shop[] = { "shop.*" };
	char *one[] = { "other.flags", "crm.users" };
	char *none[] = { "crm.usersx", "crmx.*" };
	type_override ov[] = {
		{ "tinyint(1)", "boolean", all, 1 },
		{ "int", "bigint", shop, 1 },
		{ "DATETIME", "text", one, 2 },
		{ "longtext", "bytea", all, 1 },
		{ "bit(1)", "bool", all, 1 },
		{ "json", "jsonb", all, 1 },
		{ "year", "integer", none, 2 },
		{ "datetime(6)", "timestamp(6) with time zone", all, 1 },
		{ "set('a','b')", "text", all, 1 },
	};
	int nov = (int) (sizeof(ov) / sizeof(ov[0]));
	pg_type p;
	my_type t;
	sbuf out = SBUF_INIT;

	resolve_with("tinyint(1)", "any", "thing", ov, nov, &p, &t);
	is_str(p.sql, "boolean", "tinyint(1) -> boolean by override");
	is_int(p.form, PGV_BOOLEAN, "boolean form");
	ok(p.overridden && !p.identity_ok, "overridden, no identity");
	typemap_encode(&t, p.form, "0", 1, &out);
	typemap_encode(&t, p.form, "1", 1, &out);
	typemap_encode(&t, p.form, "-1", 2, &out);
	typemap_encode(&t, p.form, "127", 3, &out);
	typemap_encode(&t, p.form, "-128", 4, &out);
	typemap_encode(&t, p.form, "10", 2, &out);
	is_str(out.data, "fttttt", "0 -> f, any other integer -> t");
	sbuf_reset(&out);
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("TINYINT(1)", "any", "thing", ov, nov, &p, &t);
	is_str(p.sql, "boolean", "source_type matched case-insensitively");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("tinyint(4)", "any", "thing", ov, nov, &p, &t);
	is_str(p.sql, "smallint", "tinyint(4) does not match tinyint(1)");
	ok(!p.overridden, "not overridden");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("int(11)", "shop", "orders", ov, nov, &p, &t);
	is_str(p.sql, "bigint", "\"int\" matches int(11) in shop.*");
	ok(p.identity_ok && p.form == PGV_IDENTITY, "bigint override can be identity");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("int", "shop", "orders", ov, nov, &p, &t);
	is_str(p.sql, "bigint", "\"int\" matches MySQL 8 int");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("int(10) unsigned", "shop", "orders", ov, nov, &p, &t);
	is_str(p.sql, "bigint", "int unsigned keeps its mapping (\"int\" does not match it)");
	ok(!p.overridden, "int unsigned not overridden");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("int(11)", "shopping", "orders", ov, nov, &p, &t);
	is_str(p.sql, "integer", "shop.* does not match schema shopping");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("datetime", "crm", "users", ov, nov, &p, &t);
	is_str(p.sql, "text", "schema.table pattern matches");
	is_int(p.form, PGV_IDENTITY, "text target keeps zero dates as text");
	ok(!p.may_hold_zero_dates, "no zero-date NULLs for a text target");
	ok(typemap_encode(&t, p.form, "0000-00-00 00:00:00", 19, &out), "zero date kept as text");
	is_str(out.data, "0000-00-00 00:00:00", "zero date text unchanged");
	sbuf_reset(&out);
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("datetime", "crm", "customers", ov, nov, &p, &t);
	is_str(p.sql, "timestamp(0) without time zone", "other table not matched");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("longtext", "a", "b", ov, nov, &p, &t);
	is_str(p.sql, "bytea", "longtext -> bytea");
	is_int(p.form, PGV_BYTEA_HEX, "bytea target gets hex form");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("bit(1)", "a", "b", ov, nov, &p, &t);
	is_int(p.form, PGV_BOOLEAN, "bit(1) -> bool gets boolean form");
	typemap_encode(&t, p.form, "\x01", 1, &out);
	typemap_encode(&t, p.form, "\x00", 1, &out);
	is_str(out.data, "tf", "bit bytes to t/f");
	sbuf_reset(&out);
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("json", "a", "b", ov, nov, &p, &t);
	is_str(p.sql, "jsonb", "json -> jsonb by override");
	is_int(p.form, PGV_IDENTITY, "jsonb text copied");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("year(4)", "crm", "users", ov, nov, &p, &t);
	is_str(p.sql, "smallint", "near-miss table patterns do not match");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("datetime(6)", "a", "b", ov, nov, &p, &t);
	is_int(p.form, PGV_TIMESTAMPTZ, "timestamptz target keeps zero-date handling and adds the zone");
	ok(p.may_hold_zero_dates, "may hold zero dates");
	ok(!typemap_encode(&t, p.form, "0000-00-00 00:00:00.000000", 26, &out), "zero datetime -> NULL");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("set('a','b')", "a", "b", ov, nov, &p, &t);
	is_int(p.form, PGV_IDENTITY, "set -> text keeps MySQL's text");
	pg_type_release(&p);
	typemap_release(&t);

	resolve_with("tinyint(1)", "any", "thing", NULL, 0, &p, &t);
	is_str(p.sql, "smallint", "no overrides: smallint");
	pg_type_release(&p);
	typemap_release(&t);
	sbuf_release(&out);
}

static void
test_encode_numbers(void)
{
	static const struct
	{
		const char *type;
		const char *val;
	} cases[] = {
		{ "tinyint(4)", "-128" },
		{ "tinyint(4)", "127" },
		{ "tinyint(3) unsigned", "0" },
		{ "tinyint(3) unsigned", "255" },
		{ "smallint(6)", "-32768" },
		{ "smallint(6)", "32767" },
		{ "smallint(5) unsigned", "65535" },
		{ "mediumint(9)", "-8388608" },
		{ "mediumint(9)", "8388607" },
		{ "mediumint(8) unsigned", "16777215" },
		{ "int(11)", "-2147483648" },
		{ "int(11)", "2147483647" },
		{ "int(10) unsigned", "4294967295" },
		{ "bigint(20)", "-9223372036854775808" },
		{ "bigint(20)", "9223372036854775807" },
		{ "bigint(20) unsigned", "18446744073709551615" },
		{ "bigint(20) unsigned zerofill", "00000000000000000042" },
		{ "decimal(65,30)", "-99999999999999999999999999999999999.999999999999999999999999999999" },
		{ "decimal(10,2)", "0.00" },
		{ "float", "3.40282e38" },
		{ "float", "-1.17549e-38" },
		{ "double", "1.7976931348623157e308" },
		{ "double", "5e-324" },
		{ "double", "-0" },
		{ "year(4)", "2024" },
		{ "year(4)", "0000" },
		{ "year(4)", "1901" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(encode(cases[i].type, cases[i].val), cases[i].val, "%s %s passes through", cases[i].type,
			   cases[i].val);
}

static void
test_encode_bits_bytes(void)
{
	char all[256];
	char expect[2 + 512 + 1];

	is_str(encode_len("bit(1)", "\x01", 1), "1", "bit(1) 1");
	is_str(encode_len("bit(1)", "\x00", 1), "0", "bit(1) 0");
	is_str(encode_len("bit(10)", "\x02\x01", 2), "1000000001", "bit(10) big-endian");
	is_str(encode_len("bit(10)", "\x03\xff", 2), "1111111111", "bit(10) all ones");
	is_str(encode_len("bit(3)", "\x05", 1), "101", "bit(3) low bits");
	is_str(encode_len("bit(8)", "\xa5", 1), "10100101", "bit(8)");
	is_str(encode_len("bit(9)", "\x01\x00", 2), "100000000", "bit(9) high bit in the first byte");
	is_str(encode_len("bit(64)", "\x80\x00\x00\x00\x00\x00\x00\x01", 8),
		   "1000000000000000000000000000000000000000000000000000000000000001", "bit(64)");
	is_str(encode_len("bit(64)", "\xff\xff\xff\xff\xff\xff\xff\xff", 8),
		   "1111111111111111111111111111111111111111111111111111111111111111", "bit(64) all ones");
	is_str(encode_len("bit(16)", "\x01", 1), "0000000000000001", "short value padded with zeros");

	for (int i = 0; i < 256; i++)
		all[i] = (char) i;
	strcpy(expect, "\\x");
	for (int i = 0; i < 256; i++)
		snprintf(expect + 2 + 2 * i, 3, "%02x", i);
	is_str(encode_len("longblob", all, 256), expect, "bytes 0x00..0xff to lower-case hex");
	is_str(encode_len("varbinary(10)", "", 0), "\\x", "empty bytea");
	is_str(encode_len("binary(3)", "ab\0", 3), "\\x616200", "binary with NUL padding");
	is_str(encode_len("geometry", "\xe6\x10\x00\x00\x01", 5), "\\xe610000001", "geometry as hex");
}

static void
test_encode_dates(void)
{
	is_str(encode("date", "2024-02-29"), "2024-02-29", "date copied");
	is_str(encode("date", "1000-01-01"), "1000-01-01", "MySQL's minimum date");
	is_str(encode("date", "9999-12-31"), "9999-12-31", "MySQL's maximum date");
	is_str(encode("date", "0099-01-01"), "0099-01-01", "year 99 AD copied");
	ok(encode("date", "0000-00-00") == NULL, "zero date -> NULL");
	ok(encode("date", "2024-00-10") == NULL, "month 0 -> NULL");
	ok(encode("date", "2024-05-00") == NULL, "day 0 -> NULL");
	ok(encode("date", "2023-02-29") == NULL, "Feb 29 of a common year (ALLOW_INVALID_DATES) -> NULL");
	ok(encode("date", "2024-04-31") == NULL, "April 31 -> NULL");
	ok(encode("date", "1900-02-29") == NULL, "1900 is not a leap year");
	is_str(encode("date", "2000-02-29"), "2000-02-29", "2000 is a leap year");
	is_str(encode("date", "0000-01-01"), "0001-01-01 BC", "year 0 is 1 BC");
	is_str(encode("date", "0000-02-29"), "0001-02-29 BC", "year 0 is a leap year");
	is_str(encode("datetime", "2024-01-02 03:04:05"), "2024-01-02 03:04:05", "datetime copied");
	is_str(encode("datetime(6)", "2024-01-02 03:04:05.123456"), "2024-01-02 03:04:05.123456",
		   "fractional seconds copied");
	is_str(encode("datetime(3)", "9999-12-31 23:59:59.999"), "9999-12-31 23:59:59.999", "max datetime(3)");
	ok(encode("datetime", "0000-00-00 00:00:00") == NULL, "zero datetime -> NULL");
	ok(encode("datetime(6)", "0000-00-00 00:00:00.000000") == NULL, "zero datetime(6) -> NULL");
	ok(encode("datetime", "2024-00-00 10:00:00") == NULL, "datetime with zero month/day -> NULL");
	is_str(encode("datetime", "0000-01-01 10:00:00"), "0001-01-01 10:00:00 BC", "datetime year 0 -> BC");
	is_str(encode("datetime(6)", "0000-12-31 23:59:59.500000"), "0001-12-31 23:59:59.500000 BC",
		   "datetime(6) year 0 -> BC after the fraction");
	is_str(encode("timestamp", "2038-01-19 03:14:07"), "2038-01-19 03:14:07+00", "timestamp gets +00");
	is_str(encode("timestamp(3)", "1970-01-01 00:00:01.000"), "1970-01-01 00:00:01.000+00",
		   "timestamp(3) fraction then +00");
	ok(encode("timestamp", "0000-00-00 00:00:00") == NULL, "zero timestamp -> NULL");
	is_str(encode("time", "838:59:59"), "838:59:59", "time max");
	is_str(encode("time(6)", "-838:59:59.000000"), "-838:59:59.000000", "negative time copied (interval)");
	is_str(encode("time", "-00:00:01"), "-00:00:01", "small negative time");
	is_str(encode("year(4)", "0000"), "0000", "year 0000 is a number, not a date");
}

static void
test_encode_text(void)
{
	is_str(encode("varchar(20)", "héllo 😀 wörld"), "héllo 😀 wörld", "emoji and accents untouched");
	is_str(encode("text", "a,b\"c\\d\n{}"), "a,b\"c\\d\n{}", "text bytes untouched");
	is_str(encode("enum('a','b')", "b"), "b", "enum label copied");
	is_str(encode("json", "{\"a\": [1, 2.50]}"), "{\"a\": [1, 2.50]}", "json text kept exactly");
	is_str(encode("uuid", "550e8400-e29b-41d4-a716-446655440000"), "550e8400-e29b-41d4-a716-446655440000", "uuid");
	is_str(encode("inet6", "::ffff:1.2.3.4"), "::ffff:1.2.3.4", "inet6");
	is_str(encode("inet4", "10.0.0.1"), "10.0.0.1", "inet4");
	is_str(encode_len("varchar(5)", "a\0b", 3), "a", "identity is binary-safe (NUL copied)");

	is_str(encode("set('a','b')", ""), "{}", "empty set -> {}");
	is_str(encode("set('a','b')", "a"), "{\"a\"}", "one member");
	is_str(encode("set('a','b')", "a,b"), "{\"a\",\"b\"}", "two members");
	is_str(encode("set('NULL','x')", "NULL"), "{\"NULL\"}", "NULL member stays a quoted string");
	is_str(encode("set('q\"q','b\\\\s')", "q\"q,b\\s"), "{\"q\\\"q\",\"b\\\\s\"}", "quote and backslash escaped");
	is_str(encode("set('{x}',' sp')", "{x}, sp"), "{\"{x}\",\" sp\"}", "braces and spaces kept inside quotes");
	is_str(encode("set('é😀')", "é😀"), "{\"é😀\"}", "UTF-8 member");
}

int
main(void)
{
	test_parse();
	test_resolve();
	test_overrides();
	test_encode_numbers();
	test_encode_bits_bytes();
	test_encode_dates();
	test_encode_text();
	return tap_done();
}
