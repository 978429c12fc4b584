/* config.h: the YAML configuration file (a pg_chameleon v2 file as it is, plus our keys). */
#ifndef CHAM_CONFIG_H
#define CHAM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "logging.h"
#include "myconf.h"
#include "typemap.h"

/* One schema_mappings entry: MySQL schema from is created as PostgreSQL schema to. */
typedef struct schema_mapping
{
	char *from; /* owned */
	char *to;	/* owned */
} schema_mapping;

/*
 * One source of sources: (or the implicit source "default" when the file has
 * no sources:). Every pointer is owned by the struct. Values the file sets at
 * the top level (source, target, jobs, chunk_rows, log_level, log_format,
 * zero_dates, on_unknown_ddl, on_discard) are already merged into each
 * source where the source does not set them, so a program reads the source
 * alone. Unset numbers are 0 and unset strings NULL: the command line may
 * still supply them, and the program applies its default last.
 */
typedef struct cham_source
{
	char *name;
	myconf conn; /* source: URI over db_conn over the top-level source: */

	schema_mapping *mappings; /* schema_mappings, in file order */
	int nmappings;
	char **limit_tables; /* "schema" or "schema.table"; none: every table */
	int nlimit_tables;
	char **skip_tables;
	int nskip_tables;
	char **skip_insert; /* skip_events.insert: "schema" or "schema.table" */
	int nskip_insert;
	char **skip_update;
	int nskip_update;
	char **skip_delete;
	int nskip_delete;

	unsigned server_id;		  /* my_server_id; 0: unset */
	int batch_size;			  /* replica_batch_size; 0: unset */
	uint64_t copy_max_memory; /* bytes; 0: unset */
	bool gtid_enable;
	char *type; /* "mysql" (the default) or "pgsql" */

	char *target_conninfo; /* target:, or built from pg_conn; never holds pg_conn.password */
	char *target_password; /* pg_conn.password, for libpq apart from the conninfo */
	int jobs;			   /* 0: unset */
	int chunk_rows;		   /* 0: unset */
	char *zero_dates;	   /* "null" */
	char *on_unknown_ddl;  /* "skip" or "stop" */
	char *on_discard;	   /* "continue" or "stop" */
	log_level log_level;
	bool has_log_level;
	log_format log_format;
	bool has_log_format;
} cham_source;

/* A loaded file. Every pointer is owned; config_release() frees them all. */
typedef struct cham_config
{
	char *path;				  /* the file, as given */
	char *target_conninfo;	  /* top-level target:, or built from pg_conn (no password) */
	char *target_password;	  /* pg_conn.password: never put in a conninfo that may be logged */
	type_override *overrides; /* type_override, in file order */
	int noverrides;
	cham_source *sources; /* at least one after a successful load */
	int nsources;
	log_level log_level;
	bool has_log_level;
	log_format log_format;
	bool has_log_format;
	int jobs;		/* top-level jobs; 0: unset */
	int chunk_rows; /* top-level chunk_rows; 0: unset */
} cham_config;

/*
 * Loads the YAML file at path into *out (overwritten; release it with
 * config_release() whatever the result). A malformed file, a value of the
 * wrong type or out of range is logged as PATH:LINE:COLUMN with the key
 * (every error in the file, not only the first), and false is returned:
 * the program then exits 2 before changing anything. A key neither
 * pg_chameleon nor we know draws a warning (a typo, likely), not an error.
 * A source without connection settings is not an error here: the command
 * line may give them. No message ever holds a password.
 */
bool config_load(const char *path, cham_config *out);
void config_release(cham_config *c);

/*
 * The source named name, or with name NULL the source called "default", else
 * the only source. Logs an error listing the sources and returns NULL when
 * the name is unknown, the choice is ambiguous, or the source's type is not
 * mysql (the only type these programs read).
 */
const cham_source *config_find_source(const cham_config *c, const char *name);

/*
 * "1024", "64k", "300M", "1G", "2T" (k, M, G, T in either case, powers of
 * 1024 as pg_chameleon reads them; a trailing B or iB is allowed) into bytes.
 * Returns false, without logging, for anything else or an overflow: the
 * caller names the option or key in its message.
 */
bool config_parse_size(const char *text, uint64_t *bytes);

/*
 * Whether schema.table is to be migrated: its schema is one of the
 * schema_mappings (when there are any, as pg_chameleon replicates only the
 * mapped schemas), it matches limit_tables (when there are any), and it does
 * not match skip_tables. An entry matches as "schema", "schema.*" or
 * "schema.table"; names compare exactly.
 */
bool config_table_selected(const cham_source *s, const char *schema, const char *table);

/* The PostgreSQL schema for a MySQL schema: its mapping, or the same name. */
const char *config_map_schema(const cham_source *s, const char *schema);

/*
 * Whether skip_events drops a row event of kind ("insert", "update" or
 * "delete", the stream's k) on schema.table.
 */
bool config_event_skipped(const cham_source *s, const char *kind, const char *schema, const char *table);

#endif
