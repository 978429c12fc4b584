/* dumpdoc.h: the JSON documents of a dump directory (coordinates, catalog, manifest). */
#ifndef CHAM_DUMPDOC_H
#define CHAM_DUMPDOC_H

#include <stdint.h>

#include "catalog.h"
#include "sbuf.h"
#include "snapshot.h"

#define DUMP_FORMAT_VERSION 1

/* One data file of a dump: a table, or a key range of one. */
typedef struct dump_chunk
{
	cat_table *table; /* not owned */
	int number;
	char *where; /* owned: the key range on the source, NULL for the whole table */
	char *file;	 /* owned: relative to the dump directory */
	uint64_t rows;
	uint64_t bytes;
	char checksum[32];	  /* "xxh3:" and 16 hex digits */
	uint64_t *zero_dates; /* owned: per column, values that became NULL */
	uint64_t weight;	  /* estimated bytes, to start big chunks first */
	bool done;
} dump_chunk;

void dumpdoc_coordinates(const binlog_coordinates *c, sbuf *out);
void dumpdoc_catalog(const catalog *cat, sbuf *out);

/* Lists tables in catalog order, each with its chunks in key order. */
void dumpdoc_manifest(const catalog *cat, const dump_chunk *chunks, int nchunks,
					  const binlog_coordinates *coords, double elapsed, sbuf *out);

#endif
