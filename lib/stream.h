/* stream.h: cham-stream's work: the source's binlog as the event stream of JSON Lines. */
#ifndef CHAM_STREAM_H
#define CHAM_STREAM_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "myconf.h"
#include "tablefilter.h"
#include "typemap.h"

typedef struct stream_options
{
	const myconf *source;
	unsigned server_id;		/* ours as a replica */
	const char *start_file; /* with start_pos; or start_gtid */
	uint64_t start_pos;
	const char *start_gtid; /* MariaDB GTID position */
	const char *output;		/* a file appended to, or NULL for stdout */
	const char *stop_file;	/* with stop_pos: stop after the last transaction ending there or before */
	uint64_t stop_pos;
	bool stop_when_idle; /* stop once caught up with the binlog's end */
	int heartbeat_seconds;
	const tablefilter *filter;
	const cham_source *config; /* skip_events; may be NULL */
	const type_override *overrides;
	int noverrides;
	const volatile sig_atomic_t *interrupted;
} stream_options;

typedef enum stream_status
{
	STREAM_OK = 0,
	STREAM_BAD_INPUT,
	STREAM_FAILED,
} stream_status;

stream_status stream_run(const stream_options *opt);

/* Orders binlog positions: by the file's sequence number, then the offset. */
int stream_position_compare(const char *file_a, uint64_t pos_a, const char *file_b, uint64_t pos_b);

#endif
