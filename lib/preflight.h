/* preflight.h: checks of a source's settings and privileges before any work. */
#ifndef CHAM_PREFLIGHT_H
#define CHAM_PREFLIGHT_H

#include <stdbool.h>

#include "myconn.h"

typedef enum preflight_need
{
	PREFLIGHT_SNAPSHOT = 1 << 0, /* FLUSH TABLES WITH READ LOCK: RELOAD */
	PREFLIGHT_BINLOG = 1 << 1,	 /* binlog on, ROW format, SHOW MASTER STATUS */
	PREFLIGHT_REPLICA = 1 << 2,	 /* reading the binlog as a replica: REPLICATION SLAVE */
} preflight_need;

/*
 * Checks what the work in `needs` requires and logs every problem found, each
 * naming the setting or privilege and how to fix it; warns about settings
 * that work but lose information (binlog_row_image other than FULL).
 * Returns false when anything required is missing; *failed then holds the
 * needs that were not met.
 */
bool preflight_check(myconn *c, unsigned needs, unsigned *failed);

#endif
