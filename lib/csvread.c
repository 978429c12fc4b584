/* csvread.c: reading COPY-style CSV record by record (libcsv). */
#include "csvread.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* COPY keeps spaces: nothing is trimmed. */
static int
never_space(unsigned char c)
{
	(void) c;
	return 0;
}

/* Records end at LF, as cham-dump and COPY TO write them (a CR in data is quoted). */
static int
is_term(unsigned char c)
{
	return c == '\n';
}

static void
on_field(void *field, size_t len, void *p)
{
	csvread *r = p;

	if (r->nfields == r->cap)
	{
		r->cap = r->cap ? r->cap * 2 : 16;
		r->offsets = xrealloc(r->offsets, sizeof(size_t) * (size_t) r->cap);
		r->lengths = xrealloc(r->lengths, sizeof(size_t) * (size_t) r->cap);
		r->nulls = xrealloc(r->nulls, sizeof(bool) * (size_t) r->cap);
	}
	r->offsets[r->nfields] = r->data.len;
	r->lengths[r->nfields] = field ? len : 0;
	r->nulls[r->nfields] = field == NULL;
	if (field)
		sbuf_add(&r->data, field, len);
	r->nfields++;
}

static void
on_record(int c, void *p)
{
	csvread *r = p;
	csv_record rec;

	(void) c;
	/*
	 * An empty line is a record of one NULL field to COPY (a one-column table);
	 * CSV_REPALL_NL makes libcsv report it instead of skipping it.
	 */
	if (r->nfields == 0)
		on_field(NULL, 0, r);
	r->records++;
	if (!r->stopped)
	{
		r->values = xrealloc(r->values, sizeof(char *) * (size_t) (r->cap ? r->cap : 1));
		for (int i = 0; i < r->nfields; i++)
			r->values[i] = r->nulls[i] ? NULL : r->data.data + r->offsets[i];
		rec.nfields = r->nfields;
		rec.values = r->values;
		rec.lengths = r->lengths;
		rec.number = r->records;
		if (!r->fn(r->ctx, &rec))
			r->stopped = true;
	}
	r->nfields = 0;
	sbuf_reset(&r->data);
}

void
csvread_init(csvread *r, csvread_record_fn fn, void *ctx)
{
	memset(r, 0, sizeof(*r));
	csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL | CSV_REPALL_NL);
	csv_set_space_func(&r->parser, never_space);
	csv_set_term_func(&r->parser, is_term);
	/* libcsv grows a field's buffer by this much at a time: a 64 MB value must not take 500,000 steps. */
	csv_set_blk_size(&r->parser, 1 << 20);
	r->fn = fn;
	r->ctx = ctx;
}

bool
csvread_feed(csvread *r, const char *data, size_t len)
{
	if (csv_parse(&r->parser, data, len, on_field, on_record, r) != len)
		return false;
	return !r->stopped;
}

bool
csvread_finish(csvread *r, bool *malformed)
{
	*malformed = csv_fini(&r->parser, on_field, on_record, r) != 0;
	return !*malformed && !r->stopped;
}

void
csvread_release(csvread *r)
{
	csv_free(&r->parser);
	sbuf_release(&r->data);
	free(r->offsets);
	free(r->lengths);
	free(r->nulls);
	free(r->values);
	memset(r, 0, sizeof(*r));
}
