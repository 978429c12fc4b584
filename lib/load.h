/* load.h: cham-load's work: a dump directory (or one table's CSV on stdin) into PostgreSQL. */
#ifndef CHAM_LOAD_H
#define CHAM_LOAD_H

#include <signal.h>
#include <stdbool.h>

typedef struct load_options
{
	const char *target;			 /* libpq conninfo */
	const char *target_password; /* from the config, or NULL */
	const char *dump_dir;		 /* NULL with pipe_table */
	const char *pipe_table;		 /* "schema.table" in PostgreSQL: its CSV comes on stdin */
	bool truncate;				 /* with pipe_table: empty the table first */
	int jobs;
	bool schema_only; /* pre-data and post-data, no rows */
	bool data_only;	  /* rows only: the tables exist */
	bool resync;	  /* rows only, while cham-apply runs: each table from the dump's position on */
	bool verify_checksums;
	const char *source_name;
	const volatile sig_atomic_t *interrupted;
} load_options;

typedef enum load_status
{
	LOAD_OK = 0,
	LOAD_DISCARDED, /* done, but rows went to sch_chameleon.discarded_rows */
	LOAD_BAD_INPUT, /* reported before anything was changed */
	LOAD_FAILED,
	LOAD_INTERRUPTED,
} load_status;

/* Runs the load; logs every problem once and prints the summary on stderr. */
load_status load_run(const load_options *opt);

#endif
