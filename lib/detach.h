/* detach.h: cham-detach's work: the target stops being a replica and works standalone. */
#ifndef CHAM_DETACH_H
#define CHAM_DETACH_H

#include <stdbool.h>

typedef struct detach_options
{
	const char *target;			 /* libpq conninfo */
	const char *target_password; /* from the config, or NULL */
	const char *source_name;
	bool drop_state; /* delete the source's state instead of marking it detached */
} detach_options;

typedef enum detach_status
{
	DETACH_OK = 0,
	DETACH_INCOMPLETE, /* done, but a foreign key or a sequence failed (each one reported) */
	DETACH_BAD_INPUT,  /* no such source, or no state at all: nothing changed */
	DETACH_FAILED,
} detach_status;

/*
 * Moves every sequence of the source's destination schemas past the largest
 * value of its column, validates every NOT VALID foreign key there (each on
 * its own, so one that fails stops no other), then marks the source detached
 * or, with drop_state, deletes its state (and sch_chameleon once no source is
 * left). Logs every problem once and the summary on stderr.
 */
detach_status detach_run(const detach_options *opt);

#endif
