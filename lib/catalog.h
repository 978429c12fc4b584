/* catalog.h: the source schema as read from MySQL's information_schema. */
#ifndef CHAM_CATALOG_H
#define CHAM_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "typemap.h"

/* Every char * in these structs is owned by the struct holding it. */
typedef struct cat_column
{
	char *name;
	char *pg_name;	   /* name in PostgreSQL (at most 63 bytes) */
	char *column_type; /* COLUMN_TYPE as the server shows it */
	my_type type;
	pg_type pgtype;
	bool nullable;
	char *default_value;		 /* COLUMN_DEFAULT as shown (MariaDB quotes literals), NULL when none */
	bool default_is_null;		 /* DEFAULT NULL written explicitly */
	char *extra;				 /* EXTRA: auto_increment, on update ..., VIRTUAL/STORED GENERATED */
	char *generation_expression; /* NULL unless generated */
	char *charset;				 /* NULL for non-character columns */
	char *collation;
	char *comment; /* NULL when empty */
	bool auto_increment;
	bool is_json;
	uint64_t zero_dates_seen; /* set by the dump: values turned to NULL */
} cat_column;

typedef struct cat_index
{
	char *name;
	char *pg_name;
	bool primary;
	bool unique;
	char *index_type; /* BTREE, HASH, FULLTEXT, SPATIAL */
	int ncols;
	char **columns;
	int *sub_part; /* prefix length per column, 0 for the whole column */
	char *comment;
} cat_index;

typedef struct cat_fk
{
	char *name;
	char *pg_name;
	int ncols;
	char **columns;
	char *ref_schema;
	char *ref_table;
	char **ref_columns;
	char *on_update; /* CASCADE, SET NULL, RESTRICT, NO ACTION, SET DEFAULT */
	char *on_delete;
} cat_fk;

typedef struct cat_table
{
	char *schema;
	char *name;
	char *pg_schema; /* after schema_mappings */
	char *pg_name;
	char *engine;
	char *comment;
	uint64_t auto_increment; /* next value, 0 when none */
	uint64_t row_estimate;
	uint64_t data_length;
	int ncols;
	cat_column *cols;
	int nindexes;
	cat_index *indexes; /* the primary key, when there is one, is first */
	int nfks;
	cat_fk *fks;
	char **checks; /* CHECK clauses other than MariaDB's json_valid, as the server shows them */
	int nchecks;
} cat_table;

/* Something the migration does not carry over, listed so the user knows. */
typedef struct cat_object
{
	char *schema;
	char *name;
	char *kind; /* VIEW, TRIGGER, PROCEDURE, FUNCTION, EVENT */
} cat_object;

typedef struct catalog
{
	int ntables;
	cat_table *tables;
	int nobjects;
	cat_object *objects;
} catalog;

void catalog_release(catalog *c);
void catalog_table_release(cat_table *t);

/* A table by MySQL schema and name, or NULL. */
cat_table *catalog_find_table(const catalog *c, const char *schema, const char *name);

/* The table's primary key, or NULL. */
const cat_index *catalog_primary_key(const cat_table *t);

/* A column by MySQL name, or NULL. */
const cat_column *catalog_find_column(const cat_table *t, const char *name);

#endif
