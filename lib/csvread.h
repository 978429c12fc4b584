/* csvread.h: reading COPY-style CSV record by record (libcsv), for the careful load path. */
#ifndef CHAM_CSVREAD_H
#define CHAM_CSVREAD_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/* One record: fields point into the reader's buffer, valid during the callback. */
typedef struct csv_record
{
	int nfields;
	const char **values; /* NULL for SQL NULL (an unquoted empty field) */
	const size_t *lengths;
	uint64_t number; /* 1-based record number in the input */
} csv_record;

typedef bool (*csvread_record_fn)(void *ctx, const csv_record *rec);

typedef struct csvread
{
	struct csv_parser parser;
	sbuf data;			 /* field bytes of the record in hand */
	size_t *offsets;	 /* owned; per field, into data */
	size_t *lengths;	 /* owned */
	bool *nulls;		 /* owned */
	const char **values; /* owned; rebuilt per record */
	int nfields;
	int cap;
	uint64_t records;
	csvread_record_fn fn;
	void *ctx;
	bool stopped; /* the callback returned false */
} csvread;

void csvread_init(csvread *r, csvread_record_fn fn, void *ctx);

/*
 * Parses more input; calls fn for each complete record. False when fn
 * stopped it (r->stopped) or the input is malformed (a stray quote).
 */
bool csvread_feed(csvread *r, const char *data, size_t len);

/*
 * Ends the input: a last record without a newline is delivered; input that
 * ends inside a quoted field is malformed (false, with *malformed set).
 */
bool csvread_finish(csvread *r, bool *malformed);

void csvread_release(csvread *r);

#endif
