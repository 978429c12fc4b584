/* fuzz_binlog.c: libFuzzer target for the binlog event decoder, the row decoder and binary JSON. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <zlib.h>

#include "binlog.h"
#include "binlogjson.h"
#include "binlogrow.h"
#include "logging.h"
#include "sbuf.h"
#include "typemap.h"
#include "fuzz.h"

/*
 * The input's first byte chooses what the rest is:
 *   mode 0, 1: a binlog file's events after its magic (mode 1: the
 *              replication protocol's start, where the server said it
 *              uses CRC32 before any FORMAT_DESCRIPTION);
 *   mode 2:    a binary JSON document;
 *   mode 3:    a binary JSON document and partial-update diffs, split at
 *              the offset in the next byte.
 * Bit 2 keeps the CRC32s as they are: without it every checksum is
 * recomputed before the event is parsed, or nearly every mutation would
 * stop at the checksum. Bit 3 completes the table maps with catalog hints
 * that may contradict the binlog, as after an ALTER TABLE.
 */
#define OPT_KEEP_CRC 0x04
#define OPT_HINTS	 0x08

#define MAX_MAPS 8

/* Column types the catalog may claim, whatever the binlog says. */
static const char *const hint_types[] = {
	"int(5) unsigned zerofill",
	"tinyint(3) unsigned",
	"bigint(20) unsigned",
	"double(10,3)",
	"decimal(10,2)",
	"enum('a','b','c')",
	"set('x','y')",
	"binary(16)",
	"binary(4)",
	"uuid",
	"inet6",
	"inet4",
	"char(4)",
	"bit(10)",
	"year(4)",
	"datetime(6)",
};
static const char *const hint_charsets[] = { NULL, "latin1", "cp1251", "ucs2", "utf8mb4", "binary" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_binlog");
	return 0;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) v;
	p[1] = (uint8_t) (v >> 8);
	p[2] = (uint8_t) (v >> 16);
	p[3] = (uint8_t) (v >> 24);
}

/* Writes the CRC32 the parser expects into the last 4 bytes of the event at buf. */
static void
fix_crc(uint8_t *buf, uint32_t size, const binlog_format *fmt)
{
	uLong crc;

	if (size < BINLOG_HEADER_LEN + 4)
		return;
	if (buf[4] == BINLOG_FORMAT_DESCRIPTION)
	{
		/* Computed with the "in use" flag clear, as binlog.c checks it. */
		uint8_t flags_lo = (uint8_t) (buf[17] & ~BINLOG_FLAG_IN_USE);

		crc = crc32(0L, buf, 17);
		crc = crc32(crc, &flags_lo, 1);
		crc = crc32(crc, buf + 18, size - 4 - 18);
	}
	else if (fmt->checksum_alg == BINLOG_CHECKSUM_CRC32)
		crc = crc32(0L, buf, size - 4);
	else
		return;
	put_le32(buf + size - 4, (uint32_t) crc);
}

/* Every value's text ends with a NUL, which typemap_encode() and the JSON writer rely on. */
static void
check_row(const binlog_row *r, const binlog_table_map *tm)
{
	for (uint32_t i = 0; i < r->n; i++)
	{
		const binlog_value *v = &r->values[i];

		if (v->col >= tm->ncols)
			abort();
		if (!v->is_null && v->data[v->len] != '\0')
			abort();
	}
}

static void
add_hints(binlog_table_map *tm, uint8_t seed)
{
	for (uint32_t i = 0; i < tm->ncols; i++)
	{
		size_t k = (size_t) (seed + i * 7u);
		my_type t;
		sbuf err = SBUF_INIT;

		if (typemap_parse(hint_types[k % (sizeof(hint_types) / sizeof(hint_types[0]))], false, &t, &err))
		{
			binlogrow_column_hint(&tm->cols[i], &t,
								  hint_charsets[(k / 3) % (sizeof(hint_charsets) / sizeof(hint_charsets[0]))]);
			typemap_release(&t);
		}
		sbuf_release(&err);
	}
}

typedef struct decoder
{
	binlog_table_map maps[MAX_MAPS];
	int nmaps;
	bool keep_crc;
	bool hints;
	uint8_t seed;
} decoder;

static void decode_events(decoder *d, uint8_t *buf, size_t len, binlog_format *fmt, int depth);

static void
decode_rows(decoder *d, const binlog_event *ev, const binlog_format *fmt)
{
	const binlog_table_map *tm = NULL;
	binlog_rows_iter it;
	binlog_row b, a;
	bool failed = false;

	for (int i = d->nmaps - 1; i >= 0 && tm == NULL; i--)
		if (d->maps[i].table_id == ev->u.rows.table_id)
			tm = &d->maps[i];
	if (tm == NULL)
		return;
	binlogrow_row_init(&b);
	binlogrow_row_init(&a);
	if (binlogrow_rows_init(&it, ev, fmt, tm))
		while (binlogrow_rows_next(&it, &b, &a, &failed))
		{
			check_row(&b, tm);
			check_row(&a, tm);
			for (uint32_t c = 0; c < tm->ncols; c++)
				(void) binlogrow_row_find(&a, c);
		}
	binlogrow_rows_release(&it);
	binlogrow_row_release(&b);
	binlogrow_row_release(&a);
}

static void
decode_event(decoder *d, const binlog_event *ev, const binlog_format *fmt, int depth)
{
	sbuf s = SBUF_INIT;

	(void) binlog_event_type_name(ev->header.type);
	(void) binlog_event_start(&ev->header);
	switch (ev->header.type)
	{
		case BINLOG_TABLE_MAP:
		{
			binlog_table_map tm;

			if (!binlogrow_table_map_parse(ev, fmt, &tm))
			{
				binlogrow_table_map_release(&tm);
				break;
			}
			if (d->hints)
				add_hints(&tm, d->seed);
			if (d->nmaps == MAX_MAPS)
			{
				binlogrow_table_map_release(&d->maps[0]);
				memmove(&d->maps[0], &d->maps[1], (MAX_MAPS - 1) * sizeof(d->maps[0]));
				d->nmaps--;
			}
			d->maps[d->nmaps++] = tm;
			break;
		}
		case BINLOG_TRANSACTION_PAYLOAD:
			/* Payloads do not nest in a real binlog; one level is what the stream reads. */
			if (depth == 0 && binlog_payload_decompress(ev, fmt, &s))
			{
				binlog_format inner;

				binlog_format_inner(fmt, &inner);
				decode_events(d, (uint8_t *) s.data, s.len, &inner, depth + 1);
			}
			break;
		case BINLOG_MARIA_GTID_LIST:
			binlog_gtid_list_format(ev, &s);
			break;
		case BINLOG_PREVIOUS_GTIDS:
			(void) binlog_previous_gtids_format(ev, &s);
			break;
		default:
			if (binlog_type_is_rows(ev->header.type))
				decode_rows(d, ev, fmt);
			break;
	}
	sbuf_release(&s);
}

/* Walks the events in buf as cham-stream does; buf is the caller's copy, its checksums rewritten. */
static void
decode_events(decoder *d, uint8_t *buf, size_t len, binlog_format *fmt, int depth)
{
	binlog_event ev;
	size_t off = 0;

	binlog_event_init(&ev);
	while (off < len)
	{
		uint32_t size;

		if (!binlog_event_size(buf + off, len - off, fmt, &size) || size > len - off)
			break;
		if (!d->keep_crc)
			fix_crc(buf + off, size, fmt);
		if (!binlog_event_parse(buf + off, size, fmt, &ev))
			break;
		decode_event(d, &ev, fmt, depth);
		if (size == 0)
			break;
		off += size;
	}
	binlog_event_release(&ev);
}

/*
 * Binary JSON becomes the text of a JSON column: PostgreSQL must be able to
 * read it, so it is one whole JSON value with no raw NUL.
 */
static void
check_json_text(const sbuf *s)
{
	json_tokener *tok;
	json_object *o;

	if (strlen(s->data) != s->len)
		abort();
	/* The terminating NUL is passed too: it ends a number or literal at the very end. */
	tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH * 8);
	o = json_tokener_parse_ex(tok, s->data, (int) s->len + 1);
	if (json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) < s->len)
		abort();
	json_object_put(o);
	json_tokener_free(tok);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt;
	uint8_t *copy;
	sbuf s = SBUF_INIT;
	const char *err = NULL;

	if (size < 1)
		return 0;
	opt = data[0];
	data++, size--;
	switch (opt & 3)
	{
		case 0:
		case 1:
		{
			decoder d;
			binlog_format fmt;

			memset(&d, 0, sizeof(d));
			d.keep_crc = (opt & OPT_KEEP_CRC) != 0;
			d.hints = (opt & OPT_HINTS) != 0;
			d.seed = (uint8_t) (opt >> 4);
			binlog_format_init(&fmt, (opt & 3) == 1 ? BINLOG_CHECKSUM_CRC32 : BINLOG_CHECKSUM_OFF, "mysql-bin.000001");
			/* A copy of the exact size, so that ASan sees any read past the input. */
			copy = malloc(size ? size : 1);
			memcpy(copy, data, size);
			decode_events(&d, copy, size, &fmt, 0);
			for (int i = 0; i < d.nmaps; i++)
				binlogrow_table_map_release(&d.maps[i]);
			free(copy);
			break;
		}
		case 2:
			if (binlogjson_to_text(data, size, &s, &err))
				check_json_text(&s);
			break;
		case 3:
		{
			size_t split = size ? data[0] : 0;

			if (size)
				data++, size--;
			if (split > size)
				split = size;
			if (binlogjson_apply_diffs(data, split, data + split, size - split, &s, &err))
				check_json_text(&s);
			sbuf_reset(&s);
			if (binlogjson_diffs_to_text(data + split, size - split, &s, &err))
				check_json_text(&s);
			break;
		}
	}
	sbuf_release(&s);
	return 0;
}
