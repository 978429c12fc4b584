/* test_config.c: the YAML config loader, pg_chameleon compatibility, selection helpers and error messages. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "logging.h"
#include "capture.h"
#include "tap.h"

/* The fixtures sit beside this file; tests run from the top of the tree (make unit). */
static char data_dir[512];

static void
find_data_dir(void)
{
	const char *slash = strrchr(__FILE__, '/');
	int len = slash ? (int) (slash - __FILE__ + 1) : 0;

	snprintf(data_dir, sizeof(data_dir), "%.*sdata/", len, __FILE__);
}

static char *
fixture(const char *name)
{
	static char path[600];

	snprintf(path, sizeof(path), "%s%s", data_dir, name);
	return path;
}

static bool
load_captured(const char *path, cham_config *c)
{
	bool r;

	capture_begin();
	r = config_load(path, c);
	capture_end();
	return r;
}

static char temp_path[64];

/* Writes text to a new temporary file whose name is in temp_path. */
static void
write_temp(const char *text)
{
	int fd;
	FILE *f;

	strcpy(temp_path, "/tmp/cham-test-config-XXXXXX");
	fd = mkstemp(temp_path);
	if (fd < 0)
	{
		perror("mkstemp");
		exit(2);
	}
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

/* Loads text as a config file; the log of the load is in logged. */
static bool
load_text(const char *text, cham_config *c)
{
	bool r;

	write_temp(text);
	r = load_captured(temp_path, c);
	unlink(temp_path);
	return r;
}

static bool
has(const char *needle)
{
	return strstr(logged, needle) != NULL;
}

static void
test_pg_chameleon_example(void)
{
	cham_config c;
	const cham_source *s;
	const cham_source *pg;
	bool r = load_captured(fixture("pg_chameleon-config-example.yml"), &c);

	ok(r, "pg_chameleon's config-example.yml loads unchanged");
	is_str(logged, "", "and draws no warning at all");
	is_int(c.nsources, 2, "two sources");
	s = &c.sources[0];
	pg = &c.sources[1];
	is_str(s->name, "mysql", "first source is mysql");
	is_str(pg->name, "pgsql", "second source is pgsql");

	is_str(s->conn.host, "localhost", "db_conn.host");
	is_int(s->conn.port, 3306, "db_conn.port given as a string");
	is_str(s->conn.user, "usr_replica", "db_conn.user");
	is_str(s->conn.password, "never_commit_passwords", "db_conn.password");
	is_str(s->conn.charset, "utf8", "db_conn.charset");
	is_int(s->conn.connect_timeout, 10, "db_conn.connect_timeout given as an integer");
	ok(s->conn.database == NULL, "no database for the mysql source");

	is_int(s->nmappings, 1, "one schema mapping");
	is_str(s->mappings[0].from, "delphis_mediterranea", "mapping from");
	is_str(s->mappings[0].to, "loxodonta_africana", "mapping to");
	is_int(s->nlimit_tables, 1, "one limit_tables entry");
	is_str(s->limit_tables[0], "delphis_mediterranea.foo", "limit_tables[0]");
	is_int(s->nskip_tables, 1, "one skip_tables entry");
	is_str(s->skip_tables[0], "delphis_mediterranea.bar", "skip_tables[0]");
	is_int(s->server_id, 100, "my_server_id");
	is_int(s->batch_size, 10000, "replica_batch_size");
	ok(s->copy_max_memory == 300ULL * 1024 * 1024, "copy_max_memory 300M is 300 MiB");
	ok(!s->gtid_enable, "gtid_enable false");
	is_str(s->type, "mysql", "type mysql");
	is_int(s->nskip_insert, 1, "skip_events.insert has one entry");
	is_str(s->skip_insert[0], "delphis_mediterranea.foo", "skip_events.insert[0] (the comment is not part of it)");
	is_int(s->nskip_delete, 1, "skip_events.delete has one entry");
	is_str(s->skip_delete[0], "delphis_mediterranea", "skip_events.delete[0] is a schema");
	is_int(s->nskip_update, 0, "skip_events.update is empty (null)");

	is_str(c.target_conninfo, "host=localhost port=5432 user=usr_replica dbname=db_replica",
		   "pg_conn becomes a conninfo without the password");
	is_str(c.target_password, "never_commit_password", "pg_conn.password is kept apart");
	is_str(s->target_conninfo, c.target_conninfo, "the source inherits the target");
	is_str(s->target_password, "never_commit_password", "and its password");

	is_int(c.noverrides, 1, "one type_override");
	is_str(c.overrides[0].source_type, "tinyint(1)", "override source type");
	is_str(c.overrides[0].override_to, "boolean", "override_to");
	is_int(c.overrides[0].ntables, 1, "override_tables has one entry");
	is_str(c.overrides[0].tables[0], "*", "override_tables[0] is *");

	ok(c.has_log_level && c.log_level == LOG_LEVEL_INFO, "log_level info");
	ok(!c.has_log_format, "no log_format");
	is_int(c.jobs, 0, "jobs unset");

	is_str(pg->type, "pgsql", "the pgsql source keeps its type");
	is_str(pg->conn.database, "db_replica", "the pgsql source's database");
	is_int(pg->conn.port, 5432, "the pgsql source's port");
	is_int(pg->nmappings, 0, "keys under its db_conn are not taken as source keys");

	capture_begin();
	ok(config_find_source(&c, NULL) == NULL, "no --source-name with two sources is an error");
	capture_end();
	ok(has("\"mysql\"") && has("\"pgsql\"") && has("--source-name"), "the message lists the sources");
	ok(!has("never_commit"), "and shows no password");

	ok(config_find_source(&c, "mysql") == s, "source found by name");

	capture_begin();
	ok(config_find_source(&c, "pgsql") == NULL, "a pgsql source is refused");
	capture_end();
	ok(has("type \"pgsql\""), "because of its type");

	capture_begin();
	ok(config_find_source(&c, "nosuch") == NULL, "an unknown source name is an error");
	capture_end();
	ok(has("source \"nosuch\"") && has("\"mysql\", \"pgsql\""), "naming it and listing the sources");

	ok(config_table_selected(s, "delphis_mediterranea", "foo"), "example: the limited table is selected");
	ok(!config_table_selected(s, "delphis_mediterranea", "bar"), "example: another table is not");
	ok(!config_table_selected(s, "other", "foo"), "example: an unmapped schema is not");
	is_str(config_map_schema(s, "delphis_mediterranea"), "loxodonta_africana", "example: schema mapped");
	ok(config_event_skipped(s, "insert", "delphis_mediterranea", "foo"), "example: inserts on foo skipped");
	ok(!config_event_skipped(s, "insert", "delphis_mediterranea", "bar"), "example: inserts on bar kept");
	ok(config_event_skipped(s, "delete", "delphis_mediterranea", "bar"), "example: deletes skipped schema-wide");
	ok(!config_event_skipped(s, "update", "delphis_mediterranea", "foo"), "example: updates kept");
	config_release(&c);
	ok(c.sources == NULL && c.nsources == 0, "config_release leaves the struct empty");
}

static void
test_own_keys(void)
{
	cham_config c;
	const cham_source *d;
	const cham_source *r2;
	bool r = load_captured(fixture("cham-own-keys.yml"), &c);

	ok(r, "our own keys load");
	is_str(logged, "", "without warnings (x- keys hold anchors)");
	is_str(c.target_conninfo, "host=pg.example.com port=5433 dbname=shop user=loader", "top-level target");
	ok(c.target_password == NULL, "no target password");
	is_int(c.jobs, 8, "top-level jobs");
	is_int(c.chunk_rows, 50000, "top-level chunk_rows");
	ok(c.has_log_format && c.log_format == LOG_FORMAT_JSON, "log_format json");
	ok(c.has_log_level && c.log_level == LOG_LEVEL_DEBUG, "log_level debug");

	is_int(c.noverrides, 2, "two type overrides");
	is_str(c.overrides[0].source_type, "tinyint(1)", "override type in lower case");
	is_int(c.overrides[0].ntables, 1, "no override_tables: one entry");
	is_str(c.overrides[0].tables[0], "*", "which is *");
	is_str(c.overrides[1].source_type, "int(10) unsigned", "second override type");
	is_str(c.overrides[1].override_to, "bigint", "second override_to");
	is_int(c.overrides[1].ntables, 2, "second override's tables");
	is_str(c.overrides[1].tables[1], "crm.*", "second override's second table");

	is_int(c.nsources, 2, "two sources");
	d = config_find_source(&c, NULL);
	ok(d == &c.sources[0], "no --source-name picks the source called default");
	r2 = config_find_source(&c, "replica2");
	ok(r2 == &c.sources[1], "replica2 found");
	if (d == NULL || r2 == NULL)
	{
		config_release(&c);
		return;
	}

	is_str(d->conn.user, "migrator", "default: user from the top-level source URI");
	is_str(d->conn.host, "db.example.com", "default: host from the URI");
	is_int(d->conn.port, 3307, "default: port from the URI");
	is_str(d->conn.database, "shop", "default: database from the URI");
	is_str(d->conn.ssl_mode, "VERIFY_CA", "default: ssl-mode normalized");
	is_str(d->conn.ssl_ca, "/etc/ssl/ca.pem", "default: ssl-ca");
	is_int(d->batch_size, 500, "default: replica_batch_size from a merge key");
	ok(d->copy_max_memory == 65536, "default: copy_max_memory 64k");
	ok(d->gtid_enable, "default: gtid_enable Yes");
	is_int(d->jobs, 8, "default: jobs inherited");
	is_int(d->chunk_rows, 50000, "default: chunk_rows inherited");
	ok(d->has_log_level && d->log_level == LOG_LEVEL_DEBUG, "default: log_level inherited");
	ok(d->has_log_format && d->log_format == LOG_FORMAT_JSON, "default: log_format inherited");
	is_str(d->zero_dates, "null", "default: zero_dates is the string null");
	is_str(d->on_unknown_ddl, "stop", "default: on_unknown_ddl inherited");
	is_str(d->on_discard, "continue", "default: on_discard inherited");
	is_str(d->target_conninfo, c.target_conninfo, "default: target inherited");
	is_str(d->type, "mysql", "default: type defaults to mysql");

	is_str(r2->conn.user, "other", "replica2: the source URI wins over db_conn");
	is_str(r2->conn.host, "::1", "replica2: IPv6 host");
	is_int(r2->conn.port, 3308, "replica2: port");
	is_str(r2->conn.database, "inv", "replica2: database");
	is_int(r2->conn.connect_timeout, 7, "replica2: connect_timeout option");
	is_str(r2->conn.password, "from-db-conn", "replica2: db_conn fills what the URI leaves unset");
	is_str(r2->conn.socket, "/run/mysqld/mysqld.sock", "replica2: socket from db_conn");
	is_str(r2->conn.ssl_mode, "VERIFY_CA", "replica2: top-level source fills the rest");
	ok(!r2->gtid_enable, "replica2: own gtid_enable overrides the merged one");
	is_int(r2->batch_size, 500, "replica2: merged replica_batch_size");
	ok(r2->copy_max_memory == 1024ULL * 1024 * 1024, "replica2: copy_max_memory 1G");
	is_int(r2->server_id, 4294967295U, "replica2: the largest server id");
	is_int(r2->jobs, 2, "replica2: own jobs");
	ok(r2->has_log_level && r2->log_level == LOG_LEVEL_ERROR, "replica2: critical is error");
	is_str(r2->on_unknown_ddl, "skip", "replica2: own on_unknown_ddl");
	is_str(r2->target_conninfo, "postgresql://pg2.example.com/inv", "replica2: own target");
	ok(r2->target_password == NULL, "replica2: no password inherited for another target");

	/* selection: mappings restrict the schemas, then limit_tables, then skip_tables */
	ok(!config_table_selected(d, "other", "t"), "an unmapped schema is not selected");
	ok(config_table_selected(d, "shop", "orders"), "a schema listed in limit_tables: any table");
	ok(!config_table_selected(d, "shop", "audit_log"), "unless skip_tables names it");
	ok(config_table_selected(d, "crm", "customers"), "a table listed in limit_tables");
	ok(!config_table_selected(d, "crm", "leads"), "a table not listed");
	ok(!config_table_selected(d, "crm", "notes"), "skip_tables wins over limit_tables");
	ok(config_table_selected(d, "crm", NULL), "table NULL: the schema has selected tables");
	ok(!config_table_selected(d, "other", NULL), "table NULL: an unmapped schema has none");
	is_str(config_map_schema(d, "crm"), "crm_pg", "crm maps to crm_pg");
	is_str(config_map_schema(d, "other"), "other", "an unmapped schema keeps its name");
	ok(config_event_skipped(d, "update", "shop", "orders"), "updates on shop.orders skipped");
	ok(!config_event_skipped(d, "update", "shop", "items"), "updates on shop.items kept");
	ok(config_event_skipped(d, "delete", "crm", "customers"), "deletes on schema crm skipped");
	ok(!config_event_skipped(d, "insert", "crm", "customers"), "inserts kept");
	ok(!config_event_skipped(d, "truncate", "crm", "customers"), "an unknown kind is never skipped");

	/* no mappings, no limit: everything but skip_tables */
	ok(config_table_selected(r2, "anything", "at_all"), "no mappings and no limit: all selected");
	config_release(&c);
}

static void
test_selection_rules(void)
{
	cham_config c;
	const cham_source *s;

	ok(load_text("sources:\n"
				 "  s:\n"
				 "    skip_tables: [logs, app.tmp, big.*]\n"
				 "    limit_tables: [app, logs.x, big.y]\n",
				 &c),
	   "selection config loads");
	s = &c.sources[0];
	ok(config_table_selected(s, "app", "users"), "whole schema in limit_tables");
	ok(!config_table_selected(s, "app", "tmp"), "schema.table in skip_tables");
	ok(!config_table_selected(s, "logs", "x"), "whole schema in skip_tables beats limit_tables");
	ok(!config_table_selected(s, "big", "y"), "schema.* in skip_tables");
	ok(!config_table_selected(s, "logs", NULL), "table NULL: a skipped schema");
	ok(config_table_selected(s, "app", NULL), "table NULL: a limited schema");
	ok(!config_table_selected(s, "app.x", "y"), "a schema named like a prefix does not match");
	ok(!config_table_selected(s, "ap", "users"), "a shorter schema name does not match");
	is_str(s->name, "s", "source name");
	config_release(&c);

	ok(load_text("jobs: 3\n", &c), "a config with no sources");
	is_int(c.nsources, 1, "has one implicit source");
	is_str(c.sources[0].name, "default", "called default");
	is_int(c.sources[0].jobs, 3, "with the top-level values");
	ok(config_find_source(&c, NULL) == &c.sources[0], "found without a name");
	ok(config_table_selected(&c.sources[0], "x", "y"), "selecting everything");
	config_release(&c);
}

static void
test_sizes(void)
{
	static const struct
	{
		const char *text;
		bool good;
		uint64_t bytes;
	} cases[] = {
		{ "1024", true, 1024 },
		{ "64k", true, 65536 },
		{ "64K", true, 65536 },
		{ "300M", true, 300ULL << 20 },
		{ "1G", true, 1ULL << 30 },
		{ "2T", true, 2ULL << 40 },
		{ "10MB", true, 10ULL << 20 },
		{ "10MiB", true, 10ULL << 20 },
		{ "512 k", true, 512ULL << 10 },
		{ "0", true, 0 },
		{ "18446744073709551615", true, UINT64_MAX },
		{ "18446744073709551616", false, 0 },
		{ "17179869184G", false, 0 },
		{ "12Q", false, 0 },
		{ "", false, 0 },
		{ "M", false, 0 },
		{ "-1", false, 0 },
		{ "1.5G", false, 0 },
		{ "10 MB extra", false, 0 },
		{ " 10", false, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		uint64_t b = 0;
		bool r = config_parse_size(cases[i].text, &b);

		if (cases[i].good)
			ok(r && b == cases[i].bytes, "size \"%s\" is %llu bytes", cases[i].text,
			   (unsigned long long) cases[i].bytes);
		else
			ok(!r, "size \"%s\" is refused", cases[i].text);
	}
}

/* One malformed file: the load fails and the log names the place and the key. */
typedef struct bad_case
{
	const char *name;
	const char *text;
	const char *where; /* ":LINE:COLUMN:" */
	const char *must1;
	const char *must2;
} bad_case;

static void
test_malformed(void)
{
	static const bad_case cases[] = {
		{ "YAML syntax error", "pg_conn:\n  host: a\n port: 5\n", ":3:", "invalid YAML", NULL },
		{ "unclosed quote", "log_level: \"info\n", ":2:", "invalid YAML", "scanning a quoted scalar" },
		{ "tab indentation", "pg_conn:\n\thost: a\n", ":2:1:", "invalid YAML", "indented with a tab" },
		{ "invalid UTF-8", "a: b\nc: \xc3\x28\n", ":2:5:", "invalid YAML", "UTF-8" },
		{ "list where a mapping is expected", "sources:\n  - mysql\n  - pgsql\n", ":2:3:",
		  "\"sources\"", "expected a mapping of keys, found a list" },
		{ "a source that is a list", "sources:\n  s: [1, 2]\n", ":2:6:", "\"sources.s\"", "found a list" },
		{ "abc for a port", "sources:\n  mysql:\n    db_conn:\n      port: abc\n", ":4:13:",
		  "\"sources.mysql.db_conn.port\"", "\"abc\" is not a whole number" },
		{ "port out of range", "sources:\n  m:\n    db_conn:\n      port: 70000\n", ":4:13:",
		  "\"sources.m.db_conn.port\"", "70000 is out of range (1 to 65535)" },
		{ "pg_conn port", "pg_conn:\n  port: \"54x32\"\n", ":2:9:", "\"pg_conn.port\"", "not a whole number" },
		{ "negative batch size", "sources:\n  mysql:\n    replica_batch_size: -5\n", ":3:25:",
		  "\"sources.mysql.replica_batch_size\"", "-5 is out of range" },
		{ "bad size", "sources:\n  mysql:\n    copy_max_memory: 12Q\n", ":3:22:",
		  "\"sources.mysql.copy_max_memory\"", "\"12Q\" is not a size" },
		{ "zero size", "sources:\n  mysql:\n    copy_max_memory: 0\n", ":3:22:", "copy_max_memory", "too small" },
		{ "bad boolean", "sources:\n  s1:\n    gtid_enable: maybe\n", ":3:18:",
		  "\"sources.s1.gtid_enable\"", "not a boolean" },
		{ "server id zero", "sources:\n  s1:\n    my_server_id: 0\n", ":3:19:", "my_server_id", "out of range" },
		{ "server id too big", "sources:\n  s1:\n    my_server_id: 4294967296\n", ":3:19:", "my_server_id",
		  "out of range" },
		{ "jobs zero", "jobs: 0\n", ":1:7:", "\"jobs\"", "out of range" },
		{ "a source type we do not know", "sources:\n  s:\n    type: oracle\n", ":3:11:", "\"sources.s.type\"",
		  "not one of mysql/pgsql" },
		{ "bad log_level", "log_level: loud\n", ":1:12:", "\"log_level\"", "not one of debug" },
		{ "bad log_format", "log_format: xml\n", ":1:13:", "\"log_format\"", "text/json" },
		{ "bad on_discard", "on_discard: maybe\n", ":1:13:", "\"on_discard\"", "continue/stop" },
		{ "bad on_unknown_ddl", "sources:\n  s:\n    on_unknown_ddl: ignore\n", ":3:21:", "on_unknown_ddl", "skip/stop" },
		{ "bad zero_dates", "zero_dates: zero\n", ":1:13:", "\"zero_dates\"", "not one of null" },
		{ "bad ssl_mode", "sources:\n  s:\n    db_conn:\n      ssl_mode: sometimes\n", ":4:17:", "ssl_mode",
		  "VERIFY_IDENTITY" },
		{ "limit_tables not a list", "sources:\n  s:\n    limit_tables: shop.foo\n", ":3:19:",
		  "\"sources.s.limit_tables\"", "expected a list" },
		{ "a list item that is a mapping", "sources:\n  s:\n    skip_tables:\n      - a.b\n      - {x: 1}\n",
		  ":5:9:", "\"sources.s.skip_tables[1]\"", "expected a single value" },
		{ "skip_events not a mapping", "sources:\n  s:\n    skip_events: [insert]\n", ":3:18:",
		  "\"sources.s.skip_events\"", "expected a mapping" },
		{ "skip_events.insert not a list", "sources:\n  s:\n    skip_events:\n      insert: a.b\n", ":4:15:",
		  "\"sources.s.skip_events.insert\"", "expected a list" },
		{ "schema mapping without a target", "sources:\n  s:\n    schema_mappings:\n      a:\n      b: c\n",
		  ":4:", "\"sources.s.schema_mappings.a\"", "schema is missing" },
		{ "schema_mappings a list", "sources:\n  s:\n    schema_mappings:\n      - a\n", ":4:7:",
		  "\"sources.s.schema_mappings\"", "expected a mapping" },
		{ "type_override without override_to", "type_override:\n  \"tinyint(1)\":\n    override_tables: [\"*\"]\n",
		  ":3:5:", "\"type_override.tinyint(1)\"", "\"override_to\" is missing" },
		{ "type_override a list", "type_override:\n  - tinyint\n", ":2:3:", "\"type_override\"", "expected a mapping" },
		{ "db_conn a single value", "sources:\n  s:\n    db_conn: localhost\n", ":3:14:", "\"sources.s.db_conn\"",
		  "expected a mapping" },
		{ "top level a list", "- a\n- b\n", ":1:1:", "must be a mapping", NULL },
		{ "top level a single value", "just text\n", ":1:1:", "must be a mapping", NULL },
		{ "a key that is a list", "? [a, b]\n: c\n", ":1:3:", "must be a single value", NULL },
		{ "a bad source URI", "sources:\n  s:\n    source: \"postgres://h/db\"\n", ":3:13:", "\"sources.s.source\"",
		  "mysql:// or mariadb://" },
		{ "an undefined alias", "sources:\n  s: *nothing\n", ":2:", "invalid YAML", "undefined alias" },
		{ "a merge key on a single value", "sources:\n  s:\n    <<: 5\n", ":3:9:", "\"sources.s\"", "merge key" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		cham_config c;
		bool r = load_text(cases[i].text, &c);

		ok(!r, "%s: the load fails", cases[i].name);
		ok(has(temp_path) && has(cases[i].where) && has(cases[i].must1) &&
			   (cases[i].must2 == NULL || has(cases[i].must2)),
		   "%s: the message names file%s and says %s", cases[i].name, cases[i].where, cases[i].must1);
		if (!(has(temp_path) && has(cases[i].where)))
			printf("# log: %s\n", logged);
		config_release(&c);
	}
}

static void
test_files(void)
{
	cham_config c;
	char msg[700];

	ok(!load_captured("/nonexistent/cham.yml", &c), "a missing file fails");
	ok(has("could not open file \"/nonexistent/cham.yml\": No such file or directory"),
	   "with the path and the system's reason");
	config_release(&c);

	ok(!load_text("", &c), "an empty file fails");
	snprintf(msg, sizeof(msg), "config file \"%s\" is empty", temp_path);
	ok(has(msg), "saying it is empty");
	config_release(&c);

	ok(!load_text("# only a comment\n---\n", &c), "a file with only comments fails");
	ok(has("is empty"), "saying it is empty");
	config_release(&c);

	ok(!load_captured("/tmp", &c), "a directory fails");
	ok(has("could not read file \"/tmp\": Is a directory"), "saying it is a directory");
	config_release(&c);
}

static void
test_warnings(void)
{
	cham_config c;

	ok(load_text("sources:\n  s:\n    lmit_tables: [a]\n", &c), "an unknown key is not an error");
	ok(has(":3:5:") && has("unknown key \"sources.s.lmit_tables\" ignored"), "but a warning naming file:line");
	ok(has("did you mean \"limit_tables\"?"), "with a suggestion");
	config_release(&c);

	ok(load_text("colour: blue\n", &c), "an unknown top-level key");
	ok(has(":1:1:") && has("unknown key \"colour\"") && !has("did you mean"), "warned, no suggestion");
	config_release(&c);

	ok(load_text("sources:\n  s:\n    db_conn:\n      limit_tables: [a.b]\n", &c), "a source key under db_conn");
	ok(has(":4:21:") && has("\"sources.s.db_conn.limit_tables\" ignored: it belongs beside db_conn"),
	   "is warned about for a mysql source");
	is_int(c.sources[0].nlimit_tables, 0, "and not used");
	config_release(&c);

	ok(load_text("jobs: 2\njobs: 3\n", &c), "a key given twice");
	ok(has(":2:1:") && has("key \"jobs\" given again") && has("line 1"), "is warned about");
	is_int(c.jobs, 3, "and the last one wins");
	config_release(&c);

	ok(load_text("alert_email: x\ndump_json: yes\nfillfactor: {}\nx-anchors: {a: 1}\n", &c),
	   "pg_chameleon's other keys and x- keys");
	is_str(logged, "", "are accepted quietly");
	config_release(&c);

	ok(load_text("sources:\n  s:\n    Port: 5\n", &c), "keys compare exactly: Port");
	ok(has("unknown key \"sources.s.Port\""), "is unknown");
	config_release(&c);

	ok(load_text("sources:\n  s:\n    db_conn:\n      ssl-mode: required\n      connect-timeout: 3\n", &c),
	   "hyphenated spellings of our keys");
	is_str(c.sources[0].conn.ssl_mode, "REQUIRED", "ssl-mode read");
	is_int(c.sources[0].conn.connect_timeout, 3, "connect-timeout read");
	is_str(logged, "", "quietly");
	config_release(&c);
}

static void
test_yaml_forms(void)
{
	cham_config c;

	ok(load_text("sources:\n"
				 "  a: &base\n"
				 "    replica_batch_size: 10\n"
				 "    gtid_enable: TRUE\n"
				 "  b:\n"
				 "    <<: [*base, {replica_batch_size: 99, my_server_id: 7}]\n"
				 "    copy_max_memory: 2048\n"
				 "  c: ~\n",
				 &c),
	   "anchors, lists of merge keys, null source");
	is_int(c.nsources, 3, "three sources");
	is_int(c.sources[1].batch_size, 10, "the first merged mapping wins");
	is_int(c.sources[1].server_id, 7, "later merged mappings fill the rest");
	ok(c.sources[1].gtid_enable, "TRUE is a boolean");
	ok(c.sources[1].copy_max_memory == 2048, "a size without suffix");
	is_str(c.sources[2].name, "c", "an empty source is a source");
	config_release(&c);

	ok(load_text("{sources: {s: {db_conn: {port: 3306, host: h}, limit_tables: [x.y]}}}\n", &c), "flow style");
	is_int(c.sources[0].conn.port, 3306, "flow style port");
	is_str(c.sources[0].limit_tables[0], "x.y", "flow style list");
	config_release(&c);

	ok(!load_text("sources:\n  s: &s\n    <<: *s\n", &c), "a merge key that includes its own mapping");
	ok(has(":2:6:") && has("nested too deep"), "is refused instead of looping");
	config_release(&c);

	ok(load_text("sources:\n  s:\n    gtid_enable: on\n  t:\n    gtid_enable: \"no\"\n", &c), "on and \"no\"");
	ok(c.sources[0].gtid_enable && !c.sources[1].gtid_enable, "read as booleans");
	config_release(&c);

	ok(load_text("pg_conn:\n  host: \"my host\"\n  user: \"o'brien\"\n  port: 5433\n  sslmode: verify-full\n"
				 "  password: pw\n",
				 &c),
	   "pg_conn with odd values");
	is_str(c.target_conninfo, "host='my host' port=5433 user='o\\'brien' sslmode=verify-full",
		   "values are quoted for libpq");
	config_release(&c);

	ok(load_text("pg_conn:\n  password: only\n", &c), "pg_conn with only a password");
	ok(c.target_conninfo == NULL && c.target_password == NULL, "gives no target");
	config_release(&c);
}

static void
test_no_password_in_messages(void)
{
	cham_config c;
	const char *text =
		"pg_conn:\n"
		"  password: s3cr3t-pg\n"
		"  port: bad\n"
		"sources:\n"
		"  m:\n"
		"    source: \"mysql://u:s3cr3t-uri@h:notaport/db\"\n"
		"    db_conn:\n"
		"      password:\n"
		"        - s3cr3t-list\n"
		"      port: nope\n"
		"    source_typo: \"mysql://u:s3cr3t-typo@h/db\"\n"
		"  n:\n"
		"    source: \"mysql://u:s3cr3t-bad@h/db?nosuchoption=1\"\n"
		"    password: s3cr3t-misplaced\n";

	ok(!load_text(text, &c), "a config with passwords and errors fails");
	ok(has(":3:9:") && has(":6:13:") && has(":9:9:") && has(":10:13:") && has(":13:13:"),
	   "every error is reported, each with its line");
	ok(has("invalid port \"notaport\""), "the URI's problem is told");
	ok(has("unknown option \"nosuchoption\""), "an unknown URI option is told");
	ok(has("unknown key \"sources.m.source_typo\""), "the typo is warned about");
	ok(!has("s3cr3t"), "no password appears in any message");
	if (has("s3cr3t"))
		printf("# log: %s\n", logged);
	config_release(&c);
}

int
main(void)
{
	log_init("test_config");
	find_data_dir();
	test_pg_chameleon_example();
	test_own_keys();
	test_selection_rules();
	test_sizes();
	test_malformed();
	test_files();
	test_warnings();
	test_yaml_forms();
	test_no_password_in_messages();
	return tap_done();
}
