/* dump.h: cham-dump's work: a consistent, parallel, chunked snapshot to a dump directory. */
#ifndef CHAM_DUMP_H
#define CHAM_DUMP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "catalog.h"
#include "config.h"
#include "myconf.h"
#include "tablefilter.h"
#include "typemap.h"

#define DUMP_DEFAULT_CHUNK_ROWS 500000

typedef struct dump_options
{
	const myconf *source;
	const char *output_dir;		  /* the dump directory, or NULL with stdout_table */
	const char *stdout_table;	  /* "schema.table": its CSV to stdout */
	const char *coordinates_file; /* with stdout_table: where to write coordinates.json, or NULL */
	int jobs;					  /* worker sessions */
	uint64_t chunk_rows;		  /* split tables larger than this into key ranges */
	bool force;					  /* write into a non-empty directory */
	bool no_binlog;				  /* a dump without binlog coordinates is fine */
	const tablefilter *filter;
	const schema_mapping *mappings;
	int nmappings;
	const type_override *overrides;
	int noverrides;
	const volatile sig_atomic_t *interrupted; /* set by a signal handler */
} dump_options;

typedef enum dump_status
{
	DUMP_OK = 0,
	DUMP_BAD_INPUT, /* reported before anything was written */
	DUMP_FAILED,
	DUMP_INTERRUPTED,
} dump_status;

/* Runs the dump; logs every problem once. No manifest.json unless DUMP_OK. */
dump_status dump_run(const dump_options *opt);

/* The relative file name of a chunk: data/SCHEMA.TABLE.NNNN.csv, unsafe bytes %-encoded. Caller frees. */
char *dump_chunk_file_name(const char *schema, const char *table, int number);

#endif
