/* pgschema.h: PostgreSQL names and DDL (pre-data and post-data) from the source catalog. */
#ifndef CHAM_PGSCHEMA_H
#define CHAM_PGSCHEMA_H

#include <stdbool.h>

#include "catalog.h"
#include "sbuf.h"
#include "typemap.h"

/* PostgreSQL's NAMEDATALEN - 1: the longest identifier it keeps whole. */
#define PGSCHEMA_MAX_IDENT 63

/*
 * The PostgreSQL name of a MySQL identifier: itself up to 63 bytes, else its
 * start and a hash of the whole (the load's names, which cham-apply follows).
 * Caller frees.
 */
char *pgschema_ident_shorten(const char *name);

/*
 * Fills every pg_name of the catalog: tables, columns, indexes and foreign
 * keys, and each table's pg_schema when the caller (schema_mappings) left it
 * NULL (the MySQL schema name then). Names over 63 bytes are cut at a UTF-8
 * character boundary and get "_" and 8 hex digits of a hash of the whole
 * name, so they stay stable from run to run and distinct. Index names are
 * "<table>_<index>" ("<table>_pkey" for the primary key) because PostgreSQL
 * scopes them by schema and MySQL by table; a name that is already taken in
 * its scope (relations per schema, columns per table, constraints per table)
 * gets "_2", "_3", ... Any pg_name already set is replaced. Two source tables
 * that land on one PostgreSQL name (several MySQL schemas mapped to one) are
 * renamed this way with a warning.
 */
void pgschema_assign_names(catalog *c);

/*
 * Fills every cat_column.pgtype from its parsed type with typemap_resolve(),
 * applying the first matching type_override. Replaces any pgtype already set.
 */
void pgschema_resolve_types(catalog *c, const type_override *ov, int nov);

/*
 * Appends schema/pre-data.sql: schemas and tables (columns, types, NOT NULL,
 * defaults, enum/set checks, identity columns, comments), and, as comments,
 * what is not migrated. Needs pgschema_assign_names() and
 * pgschema_resolve_types() first. Every statement ends with ";\n\n".
 */
void pgschema_write_pre_data(const catalog *c, sbuf *out);

/*
 * Appends schema/post-data.sql, run after the data, in this order: primary
 * keys, unique and secondary indexes, the geometry DO block, foreign keys
 * (NOT VALID), identity and sequence restarts and index comments. Every
 * statement (the DO block is one) ends with ";\n\n", which appears nowhere
 * else unless a name or an index comment holds it, so a loader can split on
 * it and run the statements of a section in parallel; a section must wait for
 * the ones before it (foreign keys need the primary keys and unique indexes
 * they reference). Each section starts with a "-- section: NAME" comment line
 * (primary-keys, indexes, geometry, foreign-keys, finish) glued to the
 * statement after it; an empty section leaves a chunk of comments only.
 */
void pgschema_write_post_data(const catalog *c, sbuf *out);

#endif
