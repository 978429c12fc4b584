/* dumpread.h: reading and checking a dump directory written by cham-dump. */
#ifndef CHAM_DUMPREAD_H
#define CHAM_DUMPREAD_H

#include <stdbool.h>
#include <stdint.h>

/* One chunk as the manifest lists it. Owns its strings. */
typedef struct dump_file
{
	char *file; /* relative to the dump directory */
	char *path; /* the dump directory joined with file */
	uint64_t rows;
	uint64_t bytes;
	char *checksum;
} dump_file;

typedef struct dump_table
{
	char *schema; /* MySQL */
	char *name;
	char *pg_schema;
	char *pg_name;
	uint64_t rows;
	uint64_t bytes;
	dump_file *files;
	int nfiles;
	char **columns; /* MySQL column names in file order, from catalog.json */
	int ncolumns;
} dump_table;

/* A dump directory's manifest, coordinates and column lists. Owns everything. */
typedef struct dump_dir
{
	char *dir;
	dump_table *tables;
	int ntables;
	char *binlog_file; /* NULL when the dump has no coordinates */
	uint64_t binlog_pos;
	char *gtid;
	char *flavor;
	char *source; /* the source's address, without a password */
	uint64_t server_id;
	char *taken_at;
	char *dump_id; /* identifies this dump: taken_at and coordinates */
} dump_dir;

/*
 * Reads manifest.json, coordinates.json and catalog.json of dir. Refuses a
 * directory without a manifest (an incomplete dump) or with malformed files,
 * naming the file and what is wrong. Logs and returns false.
 */
bool dumpread_open(const char *dir, dump_dir *out);

/*
 * Checks every listed file against the manifest: present, the right size,
 * and (with checksums) the right xxh3, reading them with `jobs` threads.
 * Logs every mismatch and returns false when there is one.
 */
bool dumpread_verify(const dump_dir *d, int jobs, bool checksums);

/* The table by PostgreSQL schema and name, or NULL. */
const dump_table *dumpread_find_pg_table(const dump_dir *d, const char *pg_schema, const char *pg_name);

void dumpread_release(dump_dir *d);

#endif
