/* apply.h: cham-apply's work: the event stream applied to PostgreSQL, each source transaction once. */
#ifndef CHAM_APPLY_H
#define CHAM_APPLY_H

#include <signal.h>
#include <stdbool.h>

typedef struct apply_options
{
	const char *target;			 /* libpq conninfo */
	const char *target_password; /* from the config, or NULL */
	const char *input;			 /* a file, or NULL for stdin */
	const char *source_name;
	int batch_size;			  /* source transactions per PostgreSQL transaction */
	bool stop_on_unknown_ddl; /* on_unknown_ddl: stop */
	const volatile sig_atomic_t *interrupted;
} apply_options;

typedef enum apply_status
{
	APPLY_OK = 0,
	APPLY_DISCARDED, /* done, with rows in sch_chameleon.discarded_rows */
	APPLY_BAD_INPUT, /* a malformed line: nothing of its transaction applied */
	APPLY_FAILED,
} apply_status;

apply_status apply_run(const apply_options *opt);

#endif
