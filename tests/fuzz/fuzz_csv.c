/* fuzz_csv.c: libFuzzer target for the CSV reader of the careful load path (libcsv, COPY's CSV). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "csvwrite.h"
#include "logging.h"
#include "sbuf.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_csv");
	return 0;
}

/* Records as text: a field's length, then its bytes; NULL as "N". Comparable whatever the bytes. */
typedef struct collected
{
	sbuf text;
	uint64_t records;
	uint64_t stop_at; /* the callback refuses this record (1-based); 0: never */
} collected;

static bool
collect(void *p, const csv_record *rec)
{
	collected *c = p;

	if (rec->number != c->records + 1)
		abort();
	c->records++;
	sbuf_addf(&c->text, "%d:", rec->nfields);
	for (int i = 0; i < rec->nfields; i++)
	{
		if (rec->values[i] == NULL)
			sbuf_addstr(&c->text, "N,");
		else
		{
			sbuf_addf(&c->text, "%zu=", rec->lengths[i]);
			sbuf_add(&c->text, rec->values[i], rec->lengths[i]);
			sbuf_addch(&c->text, ',');
		}
	}
	sbuf_addch(&c->text, '\n');
	return c->stop_at == 0 || c->records < c->stop_at;
}

/* Reads in pieces of piece bytes; returns whether the whole input was well formed. */
static bool
read_all(const uint8_t *data, size_t size, size_t piece, collected *c)
{
	csvread r;
	bool ok = true, malformed = false;

	csvread_init(&r, collect, c);
	for (size_t off = 0; ok && off < size; off += piece)
	{
		size_t n = size - off < piece ? size - off : piece;
		/* Each piece in a buffer of its own size: a read past it is seen. */
		char *buf = malloc(n);

		memcpy(buf, data + off, n);
		ok = csvread_feed(&r, buf, n);
		free(buf);
	}
	if (ok)
		ok = csvread_finish(&r, &malformed);
	csvread_release(&r);
	return ok;
}

/*
 * The first byte gives the piece size (how the input is cut between feeds)
 * and when the callback stops the reader; the rest is the CSV. The records
 * must not depend on where the input was cut. Then the fields read are
 * written back with csvwrite and read again: the same fields must come back.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	collected whole = { SBUF_INIT, 0, 0 }, cut = { SBUF_INIT, 0, 0 };
	size_t piece;
	bool ok_whole, ok_cut;

	if (size < 1)
		return 0;
	piece = (size_t) (data[0] & 0x3f) + 1;
	cut.stop_at = data[0] & 0x40 ? (uint64_t) (data[0] & 0x7) + 1 : 0;
	data++, size--;

	ok_whole = read_all(data, size, size ? size : 1, &whole);
	ok_cut = read_all(data, size, piece, &cut);
	if (cut.stop_at == 0)
	{
		if (ok_whole != ok_cut || whole.records != cut.records || whole.text.len != cut.text.len ||
			memcmp(whole.text.data, cut.text.data, whole.text.len) != 0)
			abort();
	}
	else if (cut.records > cut.stop_at)
		abort();

	/* Round trip of what was read: one record a line, NULL as nothing, as COPY writes it. */
	if (ok_whole && whole.records > 0)
	{
		sbuf csv = SBUF_INIT;
		collected again = { SBUF_INIT, 0, 0 };
		const char *p = whole.text.data;

		while (*p)
		{
			int nfields = (int) strtol(p, (char **) &p, 10);

			p++; /* ':' */
			for (int i = 0; i < nfields; i++)
			{
				if (i)
					sbuf_addch(&csv, ',');
				if (*p == 'N')
					p += 2;
				else
				{
					size_t len = (size_t) strtoull(p, (char **) &p, 10);

					p++; /* '=' */
					csvwrite_field(&csv, p, len);
					p += len + 1;
				}
			}
			sbuf_addch(&csv, '\n');
			p++;
		}
		/*
		 * A record of one NULL field is an empty line, which COPY reads as
		 * such but libcsv skips: such inputs are not compared.
		 */
		if (read_all((const uint8_t *) csv.data, csv.len, csv.len ? csv.len : 1, &again) &&
			again.records == whole.records &&
			(again.text.len != whole.text.len || memcmp(again.text.data, whole.text.data, whole.text.len) != 0))
			abort();
		sbuf_release(&csv);
		sbuf_release(&again.text);
	}
	sbuf_release(&whole.text);
	sbuf_release(&cut.text);
	return 0;
}
