/* test_pgschema.c: unit tests of PostgreSQL naming and pre/post-data DDL on a hand-built catalog. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "pgschema.h"
#include "sbuf.h"
#include "tap.h"
#include "typemap.h"
#include "xalloc.h"

/* ---- catalog builders: every string is owned by the catalog, as catalog_release() expects ---- */

static cat_table *
add_table(catalog *c, const char *schema, const char *name)
{
	cat_table *t;

	c->tables = xrealloc(c->tables, sizeof(cat_table) * (size_t) (c->ntables + 1));
	t = &c->tables[c->ntables++];
	memset(t, 0, sizeof(*t));
	t->schema = xstrdup(schema);
	t->name = xstrdup(name);
	t->engine = xstrdup("InnoDB");
	return t;
}

static cat_column *
add_col(cat_table *t, const char *name, const char *type, bool nullable, const char *dflt, const char *extra)
{
	cat_column *col;
	sbuf err = SBUF_INIT;

	t->cols = xrealloc(t->cols, sizeof(cat_column) * (size_t) (t->ncols + 1));
	col = &t->cols[t->ncols++];
	memset(col, 0, sizeof(*col));
	col->name = xstrdup(name);
	col->column_type = xstrdup(type);
	col->nullable = nullable;
	col->default_value = dflt ? xstrdup(dflt) : NULL;
	col->extra = xstrdup(extra ? extra : "");
	col->auto_increment = extra && strstr(extra, "auto_increment") != NULL;
	if (!typemap_parse(type, false, &col->type, &err))
		printf("# could not parse %s: %s\n", type, err.data);
	sbuf_release(&err);
	return col;
}

/* An index over n columns given as name, prefix pairs. */
static cat_index *
add_index(cat_table *t, const char *name, bool unique, const char *type, int n, ...)
{
	cat_index *ix;
	va_list ap;

	t->indexes = xrealloc(t->indexes, sizeof(cat_index) * (size_t) (t->nindexes + 1));
	ix = &t->indexes[t->nindexes++];
	memset(ix, 0, sizeof(*ix));
	ix->name = xstrdup(name);
	ix->primary = strcmp(name, "PRIMARY") == 0;
	ix->unique = unique || ix->primary;
	ix->index_type = xstrdup(type);
	ix->ncols = n;
	ix->columns = xcalloc((size_t) n, sizeof(char *));
	ix->sub_part = xcalloc((size_t) n, sizeof(int));
	va_start(ap, n);
	for (int i = 0; i < n; i++)
	{
		ix->columns[i] = xstrdup(va_arg(ap, const char *));
		ix->sub_part[i] = va_arg(ap, int);
	}
	va_end(ap);
	return ix;
}

static cat_fk *
add_fk(cat_table *t, const char *name, const char *col, const char *ref_schema, const char *ref_table,
	   const char *ref_col, const char *on_delete, const char *on_update)
{
	cat_fk *fk;

	t->fks = xrealloc(t->fks, sizeof(cat_fk) * (size_t) (t->nfks + 1));
	fk = &t->fks[t->nfks++];
	memset(fk, 0, sizeof(*fk));
	fk->name = xstrdup(name);
	fk->ncols = 1;
	fk->columns = xcalloc(1, sizeof(char *));
	fk->columns[0] = xstrdup(col);
	fk->ref_schema = xstrdup(ref_schema);
	fk->ref_table = xstrdup(ref_table);
	fk->ref_columns = xcalloc(1, sizeof(char *));
	fk->ref_columns[0] = xstrdup(ref_col);
	fk->on_delete = xstrdup(on_delete);
	fk->on_update = xstrdup(on_update);
	return fk;
}

static void
add_object(catalog *c, const char *kind, const char *schema, const char *name)
{
	cat_object *o;

	c->objects = xrealloc(c->objects, sizeof(cat_object) * (size_t) (c->nobjects + 1));
	o = &c->objects[c->nobjects++];
	o->kind = xstrdup(kind);
	o->schema = xstrdup(schema);
	o->name = xstrdup(name);
}

/* ---- the catalog under test ---- */

#define NAME64	"a_table_name_that_is_exactly_sixty_four_characters_long_00000001"
#define NAME64B "a_table_name_that_is_exactly_sixty_four_characters_long_00000002"
#define WEIRD	"na\"me sp é"

static void
build_catalog(catalog *c)
{
	cat_table *t;
	cat_column *col;
	sbuf utf = SBUF_INIT;

	memset(c, 0, sizeof(*c));

	t = add_table(c, "shop", "customers");
	t->comment = xstrdup("people who buy; it's them");
	t->auto_increment = 1001;
	add_col(t, "id", "int(10) unsigned", false, NULL, "auto_increment");
	add_col(t, "email", "varchar(255)", false, NULL, NULL);
	col = add_col(t, WEIRD, "varchar(100)", true, "'it''s \\\\ here'", NULL);
	col->comment = xstrdup("odd \"name\"");
	add_col(t, "status", "enum('new','it''s','back\\\\slash')", false, "'new'", NULL);
	add_col(t, "tags", "set('a','b','NULL')", true, "'a,b'", NULL);
	add_col(t, "flag", "tinyint(1)", false, "1", NULL);
	col = add_col(t, "created", "datetime", false, "current_timestamp()", "on update current_timestamp()");
	col->zero_dates_seen = 3;
	add_col(t, "born", "date", true, "'0000-00-00'", NULL);
	add_col(t, "bio", "text", true, NULL, NULL);
	add_col(t, "title", "varchar(200)", true, NULL, NULL);
	add_col(t, "bits", "bit(3)", true, "b'1'", NULL);
	col = add_col(t, "doubled", "bigint(20)", true, NULL, "VIRTUAL GENERATED");
	col->generation_expression = xstrdup("`id` * 2");
	add_col(t, "odd", "int(11)", true, "(`id` + 1)", NULL);
	add_col(t, "ts", "timestamp(6)", false, "current_timestamp(6)", NULL);
	add_col(t, "big", "bigint(20) unsigned", true, "18446744073709551615", NULL);
	add_col(t, "amount", "decimal(10,2)", true, "-1.50", NULL);
	add_col(t, "raw", "varbinary(64)", true, "'ab\\0'", NULL);
	add_col(t, "uid", "char(36)", true, "uuid()", NULL);
	add_col(t, "d0", "date", true, "curdate()", NULL);
	add_col(t, "span", "time", true, "'-838:59:59'", NULL);
	add_col(t, "y", "year(4)", true, "2024", NULL);
	add_col(t, "old", "date", true, "'0000-01-01'", NULL);
	add_index(t, "PRIMARY", true, "BTREE", 1, "id", 0);
	add_index(t, "email_uq", true, "BTREE", 1, "email", 0);
	add_index(t, "title_prefix", false, "BTREE", 1, "title", 10);
	add_index(t, "bio_uq", true, "BTREE", 2, "bio", 20, WEIRD, 0);
	add_index(t, "raw_prefix", false, "BTREE", 1, "raw", 8);
	add_index(t, "ft", false, "FULLTEXT", 2, "title", 0, "bio", 0)->comment = xstrdup("search");
	add_index(t, "tags_status", false, "HASH", 2, "tags", 0, "status", 0);

	t = add_table(c, "shop", "orders");
	t->auto_increment = 42;
	add_col(t, "id", "bigint(20) unsigned", false, NULL, "auto_increment");
	add_col(t, "customer_id", "int(10) unsigned", false, NULL, NULL);
	add_col(t, "email", "varchar(255)", true, NULL, NULL);
	add_col(t, "title", "varchar(200)", true, NULL, NULL);
	add_col(t, "where", "point", false, NULL, NULL);
	add_col(t, "area", "geometry", true, NULL, NULL);
	add_index(t, "PRIMARY", true, "BTREE", 1, "id", 0);
	add_index(t, "sp", false, "SPATIAL", 1, "where", 0);
	add_fk(t, "orders_customer", "customer_id", "shop", "customers", "id", "CASCADE", "RESTRICT");
	add_fk(t, "orders_email", "email", "shop", "customers", "email", "SET NULL", "NO ACTION");
	add_fk(t, "orders_gone", "customer_id", "shop", "gone", "id", "CASCADE", "CASCADE");
	add_fk(t, "orders_title", "title", "shop", "customers", "title", "RESTRICT", "RESTRICT");

	t = add_table(c, "shop", NAME64);
	add_col(t, NAME64, "int(11)", false, NULL, NULL);
	add_index(t, "PRIMARY", true, "BTREE", 1, NAME64, 0);
	t = add_table(c, "shop", NAME64B);
	add_col(t, "x", "int(11)", true, NULL, NULL);

	/* 64 two-byte characters: 128 bytes. */
	for (int i = 0; i < 64; i++)
		sbuf_addstr(&utf, "é");
	t = add_table(c, "shop", utf.data);
	add_col(t, "x", "int(11)", true, NULL, NULL);
	sbuf_release(&utf);

	/* An index name "t_x" that a table already has. */
	t = add_table(c, "shop", "t");
	add_col(t, "x", "int(11)", true, NULL, NULL);
	add_index(t, "x", false, "BTREE", 1, "x", 0);
	t = add_table(c, "shop", "t_x");
	add_col(t, "x", "int(11)", true, NULL, NULL);

	/* Two MySQL schemas mapped to one PostgreSQL schema. */
	t = add_table(c, "crm", "t");
	t->pg_schema = xstrdup("shop");
	add_col(t, "x", "int(11)", true, NULL, NULL);
	t = add_table(c, "select", "from");
	add_col(t, "order", "int(11)", true, NULL, NULL);
	t->checks = xcalloc(1, sizeof(char *));
	t->checks[0] = xstrdup("`order` > 0");
	t->nchecks = 1;

	add_object(c, "VIEW", "shop", "v_customers");
	add_object(c, "TRIGGER", "shop", "trg_orders");
	add_object(c, "PROCEDURE", "shop", "p");
}

/* Shows generated SQL as TAP diagnostics, so a failure can be read next to it. */
static void
print_as_diagnostics(const char *text)
{
	fputs("# ", stdout);
	for (const char *p = text; *p; p++)
	{
		putchar(*p);
		if (*p == '\n' && p[1])
			fputs("# ", stdout);
	}
	putchar('\n');
}

static bool
has(const sbuf *b, const char *fragment)
{
	return strstr(b->data, fragment) != NULL;
}

static int
count(const sbuf *b, const char *fragment)
{
	int n = 0;

	for (const char *p = b->data; (p = strstr(p, fragment)) != NULL; p += strlen(fragment))
		n++;
	return n;
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p)
	{
		int n = (*p < 0x80) ? 0 : (*p >> 5) == 6 ? 1
							  : (*p >> 4) == 14	 ? 2
							  : (*p >> 3) == 30	 ? 3
												 : -1;

		if (n < 0)
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static void
test_names(catalog *c)
{
	cat_table *cust = &c->tables[0];
	cat_table *t64 = &c->tables[2];
	cat_table *t64b = &c->tables[3];
	cat_table *tutf = &c->tables[4];

	is_str(cust->pg_schema, "shop", "NULL pg_schema becomes the MySQL schema");
	is_str(cust->pg_name, "customers", "short table name kept");
	is_str(cust->cols[2].pg_name, WEIRD, "odd column name kept as is (quoting happens on output)");
	is_str(cust->indexes[0].pg_name, "customers_pkey", "primary key name");
	is_str(cust->indexes[1].pg_name, "customers_email_uq", "index name is table_index");
	is_str(c->tables[1].fks[0].pg_name, "orders_customer", "foreign key name kept");

	ok(strlen(t64->pg_name) <= 63, "64-char table name shortened to %zu bytes", strlen(t64->pg_name));
	ok(strlen(t64b->pg_name) <= 63, "second 64-char name shortened");
	ok(strcmp(t64->pg_name, t64b->pg_name) != 0, "two long names with a common start differ: %s / %s",
	   t64->pg_name, t64b->pg_name);
	ok(strncmp(t64->pg_name, NAME64, 54) == 0, "shortened name keeps the start");
	ok(strlen(t64->cols[0].pg_name) <= 63, "64-char column name shortened");
	is_str(t64->cols[0].pg_name, t64->pg_name, "same long name gives the same shortened name (stable)");
	ok(strlen(t64->indexes[0].pg_name) <= 63, "index name of a long table shortened: %s", t64->indexes[0].pg_name);
	ok(strlen(tutf->pg_name) <= 63, "128-byte UTF-8 name shortened to %zu bytes", strlen(tutf->pg_name));
	ok(valid_utf8(tutf->pg_name), "cut at a character boundary");
	ok(strncmp(tutf->pg_name, "éé", 4) == 0, "UTF-8 name keeps its start");

	is_str(c->tables[5].indexes[0].pg_name, "t_x_2", "index name taken by a table gets _2");
	is_str(c->tables[6].pg_name, "t_x", "the table keeps its name");
	is_str(c->tables[7].pg_schema, "shop", "mapped schema kept");
	is_str(c->tables[7].pg_name, "t_2", "crm.t mapped onto shop, where t exists, becomes t_2");
	is_str(c->tables[8].pg_schema, "select", "reserved-word schema name kept");
}

static void
test_pre_data(const catalog *c)
{
	sbuf out = SBUF_INIT;

	pgschema_write_pre_data(c, &out);
	printf("# ---- pre-data.sql ----\n");
	print_as_diagnostics(out.data);

	ok(strncmp(out.data, "-- pre-data.sql", 15) == 0, "starts with a header comment");
	ok(has(&out, "edit"), "header says it can be edited");
	is_int(count(&out, "CREATE SCHEMA IF NOT EXISTS \"shop\";\n\n"), 1, "schema shop created once");
	ok(has(&out, "CREATE SCHEMA IF NOT EXISTS \"select\";"), "reserved word schema quoted");
	ok(has(&out, "CREATE TABLE \"shop\".\"customers\" (\n"), "table created, qualified and quoted");
	ok(has(&out, "\t\"id\" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,"), "int unsigned auto_increment is a bigint identity");
	ok(has(&out, "\t\"email\" character varying(255) NOT NULL,"), "varchar NOT NULL");
	ok(has(&out, "\t\"na\"\"me sp é\" character varying(100) DEFAULT 'it''s \\ here'::character varying(100),"),
	   "odd name quoted; literal default unescaped from MySQL, quoted and cast");
	ok(has(&out, "\"status\" text NOT NULL DEFAULT 'new'::text CHECK (\"status\" IN ('new', 'it''s', 'back\\slash', ''))"),
	   "enum: text with a CHECK on its labels (and MySQL's '')");
	ok(has(&out, "\"tags\" text[] DEFAULT '{\"a\",\"b\"}'::text[] CHECK (\"tags\" <@ ARRAY['a', 'b', 'NULL']::text[])"),
	   "set: text[] with array default and a containment CHECK");
	ok(has(&out, "\"flag\" boolean NOT NULL DEFAULT 't'::boolean"), "tinyint(1) override: boolean default");
	ok(has(&out, "\"created\" timestamp(0) without time zone DEFAULT CURRENT_TIMESTAMP, -- NOT NULL dropped: 3 zero dates became NULL"),
	   "NOT NULL datetime with zero dates made nullable, with a comment");
	ok(has(&out, "ON UPDATE current_timestamp() (not emulated)") || has(&out, "on update current_timestamp() (not emulated)"),
	   "ON UPDATE noted");
	ok(has(&out, "\"born\" date, -- zero-date default '0000-00-00' dropped"), "zero-date default dropped with a comment");
	ok(has(&out, "\"bits\" bit(3) DEFAULT B'001'"), "bit default b'1' -> B'001'");
	ok(has(&out, "\"doubled\" bigint, -- generated in MySQL (VIRTUAL)"), "generated column is a plain column");
	ok(has(&out, "COMMENT ON COLUMN \"shop\".\"customers\".\"doubled\" IS '[MySQL: GENERATED ALWAYS AS (`id` * 2) VIRTUAL; the values were copied]';"),
	   "generated expression recorded in a comment");
	ok(has(&out, "\"odd\" integer, -- default (`id` + 1) not translated: dropped"), "untranslatable default dropped, named");
	ok(has(&out, "\"ts\" timestamp(6) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,"), "current_timestamp(6)");
	ok(has(&out, "\"big\" numeric(20,0) DEFAULT 18446744073709551615,"), "bare number default");
	ok(has(&out, "\"amount\" numeric(10,2) DEFAULT -1.50,"), "negative decimal default");
	ok(has(&out, "\"raw\" bytea DEFAULT '\\x616200'::bytea,"), "binary default with NUL as bytea hex");
	ok(has(&out, "\"uid\" character(36) DEFAULT CAST(gen_random_uuid() AS character(36)),"), "uuid() default");
	ok(has(&out, "\"d0\" date DEFAULT CURRENT_DATE,"), "curdate()");
	ok(has(&out, "\"span\" interval DEFAULT '-838:59:59'::interval,"), "time default as interval");
	ok(has(&out, "\"y\" smallint DEFAULT 2024,"), "year default");
	ok(has(&out, "\"old\" date DEFAULT '0001-01-01 BC'::date\n"), "year-0 default -> BC, last column without comma");
	ok(has(&out, "COMMENT ON TABLE \"shop\".\"customers\" IS 'people who buy; it''s them';"), "table comment");
	ok(has(&out, "COMMENT ON COLUMN \"shop\".\"customers\".\"na\"\"me sp é\" IS 'odd \"name\"';"), "column comment");
	ok(!has(&out, "PRIMARY KEY") && !has(&out, "CREATE INDEX") && !has(&out, "FOREIGN KEY"),
	   "no keys or indexes in pre-data");

	ok(has(&out, "CREATE SEQUENCE \"shop\".\"orders_id_seq\";"), "bigint unsigned auto_increment gets a sequence");
	ok(has(&out, "\"id\" numeric(20,0) DEFAULT nextval('\"shop\".\"orders_id_seq\"'::regclass) NOT NULL,"),
	   "numeric(20,0) column defaults to nextval");
	ok(has(&out, "ALTER SEQUENCE \"shop\".\"orders_id_seq\" OWNED BY \"shop\".\"orders\".\"id\";"), "sequence owned by the column");
	ok(strstr(out.data, "CREATE SEQUENCE \"shop\".\"orders_id_seq\"") < strstr(out.data, "CREATE TABLE \"shop\".\"orders\""),
	   "sequence before its table");
	ok(has(&out, "\"where\" bytea NOT NULL,"), "point is bytea in pre-data");

	ok(has(&out, "CREATE TABLE \"shop\".\"t_2\""), "renamed crm.t");
	ok(has(&out, "CREATE TABLE \"select\".\"from\" (\n\t\"order\" integer\n);"), "reserved words quoted");
	ok(has(&out, "-- not migrated: CHECK `order` > 0"), "MySQL check listed as not migrated");
	ok(has(&out, "--   VIEW shop.v_customers\n"), "view listed as not migrated");
	ok(has(&out, "--   TRIGGER shop.trg_orders\n"), "trigger listed");
	ok(has(&out, "--   PROCEDURE shop.p\n"), "procedure listed");
	ok(out.data[out.len - 1] == '\n', "ends with a newline");
	sbuf_release(&out);
}

static void
test_post_data(const catalog *c)
{
	sbuf out = SBUF_INIT;
	const char *fk;
	const char *pk;

	pgschema_write_post_data(c, &out);
	printf("# ---- post-data.sql ----\n");
	print_as_diagnostics(out.data);

	ok(strncmp(out.data, "-- post-data.sql", 16) == 0, "starts with a header comment");
	ok(has(&out, "ALTER TABLE \"shop\".\"customers\" ADD CONSTRAINT \"customers_pkey\" PRIMARY KEY (\"id\");\n\n"),
	   "primary key");
	ok(has(&out, "CREATE UNIQUE INDEX \"customers_email_uq\" ON \"shop\".\"customers\" (\"email\");\n\n"), "unique index");
	ok(has(&out, "CREATE INDEX \"customers_title_prefix\" ON \"shop\".\"customers\" ((left(\"title\", 10)));"),
	   "prefix index on text uses left()");
	ok(has(&out, "CREATE UNIQUE INDEX \"customers_bio_uq\" ON \"shop\".\"customers\" ((left(\"bio\", 20)), \"na\"\"me sp é\");"),
	   "unique prefix index keeps the prefix semantics");
	ok(has(&out, "CREATE INDEX \"customers_raw_prefix\" ON \"shop\".\"customers\" ((substring(\"raw\" from 1 for 8)));"),
	   "prefix index on bytea uses substring()");
	ok(has(&out, "same\n-- prefix") || has(&out, "index the same"), "comment explains prefix semantics");
	ok(has(&out, "CREATE INDEX \"customers_ft\" ON \"shop\".\"customers\" USING gin ((to_tsvector('simple'::regconfig, "
				 "coalesce(\"title\"::text, '') || ' ' || coalesce(\"bio\"::text, ''))));"),
	   "fulltext as GIN on to_tsvector");
	ok(has(&out, "CREATE INDEX \"customers_tags_status\" ON \"shop\".\"customers\" (\"tags\", \"status\");"),
	   "hash index becomes a plain btree");
	ok(has(&out, "COMMENT ON INDEX \"shop\".\"customers_ft\" IS 'search';"), "index comment");
	ok(has(&out, "ALTER TABLE \"shop\".\"orders\" ADD CONSTRAINT \"orders_customer\" FOREIGN KEY (\"customer_id\") "
				 "REFERENCES \"shop\".\"customers\" (\"id\") ON DELETE CASCADE ON UPDATE RESTRICT NOT VALID;"),
	   "foreign key with rules, NOT VALID");
	ok(has(&out, "FOREIGN KEY (\"email\") REFERENCES \"shop\".\"customers\" (\"email\") ON DELETE SET NULL ON UPDATE NO ACTION NOT VALID;"),
	   "foreign key to a unique index");
	ok(has(&out, "-- foreign key \"orders_gone\" of MySQL shop.orders not created: the table it references is not migrated"),
	   "foreign key to a missing table skipped with a comment");
	ok(has(&out, "-- foreign key \"orders_title\" of MySQL shop.orders not created: PostgreSQL needs a primary key or unique index"),
	   "foreign key to non-unique columns skipped with a comment");
	ok(has(&out, "ALTER TABLE \"shop\".\"customers\" ALTER COLUMN \"id\" RESTART WITH 1001;"), "identity restarted");
	ok(has(&out, "ALTER SEQUENCE \"shop\".\"orders_id_seq\" RESTART WITH 42;"), "sequence restarted");

	ok(has(&out, "DO $chameleon$\nBEGIN\n\tIF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis') THEN\n"),
	   "geometry DO block checks for PostGIS");
	ok(has(&out, "ALTER TABLE \"shop\".\"orders\"\n\t\t\tALTER COLUMN \"where\" TYPE geometry USING ST_SetSRID(ST_GeomFromWKB(substring(\"where\" from 5)), "
				 "get_byte(\"where\", 0) | (get_byte(\"where\", 1) << 8) | (get_byte(\"where\", 2) << 16) | (get_byte(\"where\", 3) << 24)),\n"
				 "\t\t\tALTER COLUMN \"area\" TYPE geometry"),
	   "geometry columns converted in one ALTER TABLE");
	ok(has(&out, "CREATE INDEX \"orders_sp\" ON \"shop\".\"orders\" USING gist (\"where\");"), "spatial index as GiST");
	ok(has(&out, "RAISE NOTICE 'PostGIS is not installed: 2 geometry columns stay bytea"), "notice without PostGIS");
	ok(has(&out, "END IF;\nEND\n$chameleon$;\n\n"), "DO block is one statement");
	is_int(count(&out, "$chameleon$"), 2, "one DO block");

	pk = strstr(out.data, "-- section: primary-keys");
	fk = strstr(out.data, "-- section: foreign-keys");
	ok(pk && fk && pk < strstr(out.data, "-- section: indexes") && strstr(out.data, "-- section: indexes") < strstr(out.data, "-- section: geometry") &&
		   strstr(out.data, "-- section: geometry") < fk && fk < strstr(out.data, "-- section: finish"),
	   "sections in order");
	ok(strstr(out.data, "FOREIGN KEY") > fk, "foreign keys after the indexes");
	ok(!has(&out, ";\n-") && !has(&out, ";\nA") && !has(&out, ";\nC"), "each statement followed by a blank line");
	ok(out.len >= 3 && strcmp(out.data + out.len - 3, ";\n\n") == 0, "last statement ends with ;\\n\\n");
	ok(has(&out, "\"t_x_2\" ON \"shop\".\"t\""), "deduplicated index name used");
	sbuf_release(&out);
}

int
main(void)
{
	catalog c;
	char *tables[] = { "*" };
	type_override ov[] = { { "tinyint(1)", "boolean", tables, 1 } };

	build_catalog(&c);
	pgschema_assign_names(&c);
	pgschema_resolve_types(&c, ov, 1);
	test_names(&c);
	test_pre_data(&c);
	test_post_data(&c);

	/* Running both again replaces the names and types without leaking. */
	pgschema_assign_names(&c);
	pgschema_resolve_types(&c, ov, 1);
	is_str(c.tables[0].indexes[0].pg_name, "customers_pkey", "assigning twice gives the same names");
	is_str(c.tables[7].pg_name, "t_2", "and the same renames");
	catalog_release(&c);
	return tap_done();
}
