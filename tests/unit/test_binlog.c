/* test_binlog.c: binlog event framing, checksums, headers and bodies, against recorded binlogs. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "binlog.h"
#include "binlogrow.h"
#include "logging.h"
#include "sbuf.h"
#include "capture.h"
#include "tap.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ helpers */

static char data_dir[512]; /* CHAM_DATA/binlogs */
static char own_dir[512];  /* tests/unit/data/binlog */
static char expected_dir[600];

static void
find_dirs(void)
{
	const char *env = getenv("CHAM_DATA");
	const char *slash = strrchr(__FILE__, '/');
	int len = slash ? (int) (slash - __FILE__ + 1) : 0;

	snprintf(data_dir, sizeof(data_dir), "%s/binlogs", env && *env ? env : "../shared/data");
	snprintf(own_dir, sizeof(own_dir), "%.*sdata/binlog", len, __FILE__);
	snprintf(expected_dir, sizeof(expected_dir), "%s/expected", data_dir);
}

/* Reads a whole file into memory the caller frees; NULL when it cannot. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	sbuf b = SBUF_INIT;
	char chunk[65536];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sbuf_add(&b, chunk, n);
	fclose(f);
	return (uint8_t *) sbuf_detach(&b, len);
}

static char *
path_of(const char *dir, const char *name)
{
	static char p[2][1024];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) v;
	p[1] = (uint8_t) (v >> 8);
	p[2] = (uint8_t) (v >> 16);
	p[3] = (uint8_t) (v >> 24);
}

/* One event seen while walking a file (or a payload inside it). */
typedef struct seen
{
	uint8_t type;
	uint32_t log_pos;
	uint32_t size;
	int depth; /* 1 inside a TRANSACTION_PAYLOAD */
	char text[256];
} seen;

typedef struct walk
{
	seen *ev;
	int n;
	int cap;
	int counts[256];	   /* top-level events by type */
	int inner_counts[256]; /* events inside payloads */
	bool ok;
	sbuf inner_bytes; /* inner events back to back, as the payloads inflate */
} walk;

static void
walk_add(walk *w, const binlog_event *ev, int depth)
{
	seen *s;

	if (w->n == w->cap)
	{
		w->cap = w->cap ? w->cap * 2 : 64;
		w->ev = xrealloc(w->ev, (size_t) w->cap * sizeof(*w->ev));
	}
	s = &w->ev[w->n++];
	memset(s, 0, sizeof(*s));
	s->type = ev->header.type;
	s->log_pos = ev->header.log_pos;
	s->size = ev->header.event_size;
	s->depth = depth;
	switch (ev->header.type)
	{
		case BINLOG_GTID:
		case BINLOG_GTID_TAGGED:
		case BINLOG_MARIA_GTID:
			snprintf(s->text, sizeof(s->text), "%s", ev->u.gtid.text);
			break;
		case BINLOG_QUERY:
		case BINLOG_MARIA_QUERY_COMPRESSED:
			snprintf(s->text, sizeof(s->text), "%.*s", (int) ev->u.query.sql_len, ev->u.query.sql);
			break;
		case BINLOG_ROWS_QUERY:
		case BINLOG_MARIA_ANNOTATE_ROWS:
			snprintf(s->text, sizeof(s->text), "%.*s", (int) ev->u.rows_query.sql_len, ev->u.rows_query.sql);
			break;
		case BINLOG_XID:
			snprintf(s->text, sizeof(s->text), "%" PRIu64, ev->u.xid);
			break;
		case BINLOG_ROTATE:
			snprintf(s->text, sizeof(s->text), "%.*s:%" PRIu64, (int) ev->u.rotate.name_len, ev->u.rotate.name,
					 ev->u.rotate.position);
			break;
		case BINLOG_TABLE_MAP:
		{
			binlog_table_map tm;

			if (binlogrow_table_map_parse(ev, NULL, &tm))
				snprintf(s->text, sizeof(s->text), "`%s`.`%s` mapped to number %" PRIu64, tm.schema, tm.table,
						 tm.table_id);
			binlogrow_table_map_release(&tm);
			break;
		}
		default:
			break;
	}
}

/* Walks events in buf; inflates TRANSACTION_PAYLOAD events and walks their events too. */
static bool
walk_events(walk *w, const uint8_t *buf, size_t len, binlog_format *fmt, int depth)
{
	size_t off = 0;
	binlog_event ev;
	bool ok = true;

	binlog_event_init(&ev);
	while (off < len)
	{
		uint32_t size;

		if (!binlog_event_size(buf + off, len - off, fmt, &size) || size > len - off ||
			!binlog_event_parse(buf + off, size, fmt, &ev))
		{
			ok = false;
			break;
		}
		walk_add(w, &ev, depth);
		if (depth == 0)
			w->counts[ev.header.type]++;
		else
		{
			w->inner_counts[ev.header.type]++;
			sbuf_add(&w->inner_bytes, buf + off, size);
		}
		if (ev.header.type == BINLOG_TRANSACTION_PAYLOAD)
		{
			sbuf inner = SBUF_INIT;
			binlog_format ifmt;

			binlog_format_inner(fmt, &ifmt);
			if (!binlog_payload_decompress(&ev, fmt, &inner) ||
				!walk_events(w, (const uint8_t *) inner.data, inner.len, &ifmt, depth + 1))
				ok = false;
			sbuf_release(&inner);
			if (!ok)
				break;
		}
		off += size;
	}
	binlog_event_release(&ev);
	return ok;
}

static void
walk_release(walk *w)
{
	free(w->ev);
	sbuf_release(&w->inner_bytes);
	memset(w, 0, sizeof(*w));
}

/* Walks a whole binlog file (magic, then events). */
static bool
walk_file(const char *path, walk *w, binlog_format *fmt)
{
	size_t len;
	uint8_t *buf = slurp(path, &len);
	bool ok;

	memset(w, 0, sizeof(*w));
	sbuf_init(&w->inner_bytes, 0);
	binlog_format_init(fmt, BINLOG_CHECKSUM_OFF, path);
	if (buf == NULL || len < 4 || memcmp(buf, BINLOG_MAGIC, BINLOG_MAGIC_LEN) != 0)
	{
		free(buf);
		return false;
	}
	ok = walk_events(w, buf + 4, len - 4, fmt, 0);
	free(buf);
	w->ok = ok;
	return ok;
}

/* The "end_log_pos N" numbers of a mariadb-binlog listing, in order. */
static int
expected_positions(const char *path, uint32_t *pos, int max)
{
	size_t len;
	char *text = (char *) slurp(path, &len);
	int n = 0;
	char *p;

	if (text == NULL)
		return -1;
	for (p = text; (p = strstr(p, "end_log_pos ")) != NULL && n < max; p += 12)
		pos[n++] = (uint32_t) strtoul(p + 12, NULL, 10);
	free(text);
	return n;
}

/* ------------------------------------------------------------------ the recorded files */

typedef struct file_case
{
	const char *file;	 /* under CHAM_DATA/binlogs */
	const char *listing; /* under expected/: the listing that has every event */
	int events;			 /* top-level events, -1: do not check */
	int payloads;
	int inner_events;
	bool listing_stops; /* mariadb-binlog gives up before the end */
} file_case;

static const file_case files[] = {
	{ "rust_mysql_common/json.binlog.000001", "rust_mysql_common__json.binlog.000001.mariadb-binlog-noverbose.txt", -1, 0, 0, true },
	{ "rust_mysql_common/json-opaque.binlog", "rust_mysql_common__json-opaque.binlog.mariadb-binlog-noverbose.txt", -1, 0, 0 },
	{ "rust_mysql_common/transaction_compression.000001", NULL, -1, 1, 4 },
	{ "rust_mysql_common/binlog-invisible-columns.000001", "rust_mysql_common__binlog-invisible-columns.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/mysql-enum-string-set.000001", "rust_mysql_common__mysql-enum-string-set.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/mysql_type_bit.000001", "rust_mysql_common__mysql_type_bit.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/minimal_row_metadata.000001", "rust_mysql_common__minimal_row_metadata.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/time_issue.000001", "rust_mysql_common__time_issue.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", NULL, -1, 0, 0 },
	{ "rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001", "rust_mysql_common__binlog_transaction_previous_GTID_no_tag.000001.mariadb-binlog.txt", 3, 0, 0 },
	{ "rust_mysql_common/vector.binlog", "rust_mysql_common__vector.binlog.mariadb-binlog-noverbose.txt", -1, 0, 0 },
	{ "rust_mysql_common/rpl_unfiltered_hidden_gcol.000001", "rust_mysql_common__rpl_unfiltered_hidden_gcol.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "rust_mysql_common/mariadb-bin.000001", "rust_mysql_common__mariadb-bin.000001.mariadb-binlog.txt", -1, 0, 0 },
	{ "mysql-binlog-connector-java/mysql-bin.compressed", NULL, 5, 1, 4 },
	{ "mysql-binlog-connector-java/mysql-bin.checksum-crc32", "mysql-binlog-connector-java__mysql-bin.checksum-crc32.mariadb-binlog.txt", 303, 0, 0 },
	{ "mysql-binlog-connector-rust/mysql-bin.000057", NULL, 8, 2, 13 },
	{ "derived/rust_mysql_common__transaction_compression.000001.decompressed", "derived__rust_mysql_common__transaction_compression.000001.decompressed.mariadb-binlog.txt", -1, 0, 0 },
	{ "derived/mysql-binlog-connector-java__mysql-bin.compressed.decompressed", "derived__mysql-binlog-connector-java__mysql-bin.compressed.decompressed.mariadb-binlog.txt", -1, 0, 0 },
	{ "derived/mysql-binlog-connector-rust__mysql-bin.000057.decompressed", "derived__mysql-binlog-connector-rust__mysql-bin.000057.decompressed.mariadb-binlog-noverbose.txt", -1, 0, 0 },
};

/* Every file parses event by event; positions agree with mariadb-binlog's listing. */
static void
test_files(void)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
	{
		const file_case *fc = &files[i];
		walk w;
		binlog_format fmt;
		int top = 0;
		int payloads = 0;

		ok(walk_file(path_of(data_dir, fc->file), &w, &fmt), "%s: every event parses", fc->file);
		for (int t = 0; t < 256; t++)
			top += w.counts[t];
		payloads = w.counts[BINLOG_TRANSACTION_PAYLOAD];
		if (fc->events >= 0)
			is_int(top, fc->events, "%s: %d top-level events", fc->file, fc->events);
		is_int(payloads, fc->payloads, "%s: %d TRANSACTION_PAYLOAD events", fc->file, fc->payloads);
		if (fc->payloads)
		{
			int inner = 0;

			for (int t = 0; t < 256; t++)
				inner += w.inner_counts[t];
			is_int(inner, fc->inner_events, "%s: %d events inside the payloads", fc->file, fc->inner_events);
		}
		if (fc->listing)
		{
			uint32_t expected[2048];
			int ne = expected_positions(path_of(expected_dir, fc->listing), expected, 2048);
			int mismatch = -1;
			int nours = 0;

			for (int k = 0; k < w.n; k++)
			{
				if (w.ev[k].depth != 0)
					continue;
				if (nours >= ne || expected[nours] != w.ev[k].log_pos)
				{
					if (mismatch < 0)
						mismatch = nours;
				}
				nours++;
			}
			/* A listing may stop at an event mariadb-binlog cannot read (then it says ERROR). */
			if (fc->listing_stops && ne < nours && mismatch == ne)
				mismatch = -1;
			ok((ne == nours || fc->listing_stops) && mismatch < 0,
			   "%s: the %d event end positions match mariadb-binlog's (%d listed, first mismatch %d)",
			   fc->file, nours, ne, mismatch);
		}
		walk_release(&w);
	}
}

/* The 5.7 file of a real application: the counts its upstream test asserts. */
static void
test_crc32_file_counts(void)
{
	walk w;
	binlog_format fmt;

	walk_file(path_of(data_dir, "mysql-binlog-connector-java/mysql-bin.checksum-crc32"), &w, &fmt);
	is_int(w.counts[BINLOG_WRITE_ROWS], 34, "5.7 file: 34 WRITE_ROWS_V2");
	is_int(w.counts[BINLOG_UPDATE_ROWS], 20, "5.7 file: 20 UPDATE_ROWS_V2");
	is_int(w.counts[BINLOG_DELETE_ROWS], 6, "5.7 file: 6 DELETE_ROWS_V2");
	is_int(w.counts[BINLOG_XID], 60, "5.7 file: 60 transactions");
	is_int(w.counts[BINLOG_ANONYMOUS_GTID], 60, "5.7 file: 60 ANONYMOUS_GTID");
	is_int(fmt.checksum_alg, BINLOG_CHECKSUM_CRC32, "5.7 file: CRC32 checksums");
	is_str(fmt.server_version, "5.7.21-log", "5.7 file: server version");
	ok(!fmt.mariadb && fmt.version[0] == 5 && fmt.version[1] == 7 && fmt.version[2] == 21, "5.7 file: version numbers");
	/* Each table map and query the listing shows, in order. */
	{
		size_t len;
		char *text = (char *) slurp(path_of(expected_dir, "mysql-binlog-connector-java__mysql-bin.checksum-crc32.mariadb-binlog.txt"), &len);
		int k = 0;
		int maps = 0;
		int bad = 0;

		for (char *p = text; p && (p = strstr(p, "Table_map: ")) != NULL; p += 11)
		{
			char *eol = strchr(p, '\n');
			char want[256];

			snprintf(want, sizeof(want), "%.*s", (int) (eol - p - 11), p + 11);
			while (k < w.n && w.ev[k].type != BINLOG_TABLE_MAP)
				k++;
			if (k >= w.n || strcmp(w.ev[k].text, want) != 0)
				bad++;
			maps++;
			k++;
		}
		ok(maps == 60 && bad == 0, "5.7 file: the %d TABLE_MAP schema, table and id match the listing (%d wrong)", maps, bad);
		free(text);
	}
	walk_release(&w);
}

/* MySQL GTIDs, tagged GTIDs and PREVIOUS_GTIDS (README facts). */
static void
test_gtids(void)
{
	size_t len;
	uint8_t *buf = slurp(path_of(data_dir, "rust_mysql_common/binlog_transaction_with_GTID_TAG.000001"), &len);
	binlog_format fmt;
	binlog_event ev;
	size_t off = 4;
	bool saw_tagged = false;
	bool saw_prev = false;

	binlog_event_init(&ev);
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
	while (buf && off < len)
	{
		uint32_t size = rd32(buf + off + 9);

		if (!binlog_event_parse(buf + off, len - off, &fmt, &ev))
			break;
		if (ev.header.type == BINLOG_PREVIOUS_GTIDS)
		{
			sbuf s = SBUF_INIT;

			ok(binlog_previous_gtids_format(&ev, &s), "tagged PREVIOUS_GTIDS parses");
			is_str(s.data, "55778904-0299-11f1-b1b8-4ef0c4956feb:1-13,55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:1-2",
				   "tagged PREVIOUS_GTIDS: untagged [1,14) and mytag [1,3)");
			sbuf_release(&s);
			saw_prev = true;
		}
		if (ev.header.type == BINLOG_GTID_TAGGED)
		{
			is_str(ev.u.gtid.text, "55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3", "GTID_TAGGED text");
			is_str(ev.u.gtid.tag, "mytag", "GTID_TAGGED tag");
			is_int(ev.u.gtid.gno, 3, "GTID_TAGGED gno");
			ok(ev.u.gtid.immediate_commit_us > 1700000000000000ULL, "GTID_TAGGED has a commit timestamp");
			saw_tagged = true;
		}
		off += size;
	}
	ok(saw_tagged && saw_prev, "the 8.4 file has a GTID_TAGGED and a PREVIOUS_GTIDS");
	free(buf);

	buf = slurp(path_of(data_dir, "rust_mysql_common/binlog_transaction_previous_GTID_no_tag.000001"), &len);
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
	for (off = 4; buf && off < len; off += rd32(buf + off + 9))
	{
		if (!binlog_event_parse(buf + off, len - off, &fmt, &ev))
			break;
		if (ev.header.type == BINLOG_PREVIOUS_GTIDS)
		{
			sbuf s = SBUF_INIT;

			ok(binlog_previous_gtids_format(&ev, &s), "untagged PREVIOUS_GTIDS parses");
			is_str(s.data, "b9b88c66-0755-11f1-9899-4a9da94c4d71:1-2", "untagged PREVIOUS_GTIDS: [1,3)");
			sbuf_release(&s);
		}
		if (ev.header.type == BINLOG_ROTATE)
		{
			is_int(ev.u.rotate.position, 4, "ROTATE position");
			ok(ev.u.rotate.name_len == 13 && memcmp(ev.u.rotate.name, "binlog.000008", 13) == 0, "ROTATE file name");
		}
	}
	free(buf);

	/* MySQL 8.0 GTID events of the enum/set file. */
	{
		walk w;
		int gtids = 0;
		int good = 0;

		walk_file(path_of(data_dir, "rust_mysql_common/mysql-enum-string-set.000001"), &w, &fmt);
		for (int k = 0; k < w.n; k++)
			if (w.ev[k].type == BINLOG_GTID)
			{
				gtids++;
				/* uuid:gno with increasing gno */
				if (strlen(w.ev[k].text) > 37 && w.ev[k].text[36] == ':' && atoi(w.ev[k].text + 37) == gtids + 0)
					good++;
			}
		ok(gtids == 5, "8.0 file: 5 GTID events (%d)", gtids);
		ok(good >= 4, "8.0 file: GTIDs read uuid:N (%d of %d consecutive)", good, gtids);
		walk_release(&w);
	}
	binlog_event_release(&ev);
}

/* The events inside each TRANSACTION_PAYLOAD are those of the derived file built with the zstd tool. */
static void
test_payload_against_derived(void)
{
	static const char *pairs[][2] = {
		{ "rust_mysql_common/transaction_compression.000001", "derived/rust_mysql_common__transaction_compression.000001.decompressed" },
		{ "mysql-binlog-connector-java/mysql-bin.compressed", "derived/mysql-binlog-connector-java__mysql-bin.compressed.decompressed" },
		{ "mysql-binlog-connector-rust/mysql-bin.000057", "derived/mysql-binlog-connector-rust__mysql-bin.000057.decompressed" },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
	{
		walk a;
		walk d;
		binlog_format fa;
		binlog_format fd;
		size_t dlen;
		uint8_t *dbuf;
		int same = 0;
		int total = 0;
		const uint8_t *ip;
		size_t ioff = 0;

		walk_file(path_of(data_dir, pairs[i][0]), &a, &fa);
		walk_file(path_of(data_dir, pairs[i][1]), &d, &fd);
		dbuf = slurp(path_of(data_dir, pairs[i][1]), &dlen);
		ip = (const uint8_t *) a.inner_bytes.data;
		/* Find each inner event in the derived file: same bytes but log_pos. */
		for (size_t off = 4; dbuf && off + 19 <= dlen && ioff < a.inner_bytes.len;)
		{
			uint32_t size = rd32(dbuf + off + 9);
			uint32_t isize = rd32(ip + ioff + 9);

			if (dbuf[off + 4] == ip[ioff + 4] && size == isize)
			{
				total++;
				if (memcmp(dbuf + off, ip + ioff, 13) == 0 && memcmp(dbuf + off + 17, ip + ioff + 17, size - 17) == 0)
					same++;
				ioff += isize;
			}
			off += size;
		}
		ok(total > 0 && same == total && ioff == a.inner_bytes.len,
		   "%s: the %d inflated events are those of the derived file (%d equal)", pairs[i][0], total, same);
		/* And the type sequence agrees: payload replaced by its events. */
		{
			int k2 = 0;
			bool order = true;

			for (int k = 0; k < a.n; k++)
			{
				if (a.ev[k].type == BINLOG_TRANSACTION_PAYLOAD)
					continue;
				if (k2 >= d.n || d.ev[k2].type != a.ev[k].type)
					order = false;
				k2++;
			}
			ok(order && k2 == d.n, "%s: events in the same order as the derived file", pairs[i][0]);
		}
		free(dbuf);
		walk_release(&a);
		walk_release(&d);
	}

	/* The inner events of the first file: QUERY BEGIN, TABLE_MAP, WRITE_ROWS, XID 462. */
	{
		walk w;
		binlog_format f;
		int k = 0;
		uint8_t want[] = { BINLOG_QUERY, BINLOG_TABLE_MAP, BINLOG_WRITE_ROWS, BINLOG_XID };
		bool good = true;

		walk_file(path_of(data_dir, "rust_mysql_common/transaction_compression.000001"), &w, &f);
		for (int j = 0; j < w.n; j++)
			if (w.ev[j].depth == 1)
			{
				if (k >= 4 || w.ev[j].type != want[k])
					good = false;
				if (w.ev[j].type == BINLOG_XID && strcmp(w.ev[j].text, "462") != 0)
					good = false;
				if (w.ev[j].type == BINLOG_QUERY && strcmp(w.ev[j].text, "BEGIN") != 0)
					good = false;
				k++;
			}
		ok(good && k == 4, "transaction_compression: QUERY BEGIN, TABLE_MAP, WRITE_ROWS, XID 462 inside");
		walk_release(&w);
	}
}

/* QUERY and ROWS_QUERY texts. */
static void
test_queries(void)
{
	walk w;
	binlog_format fmt;
	bool create = false;
	size_t len;
	char *rq = NULL;
	int nrq = 0;
	int rq_found = 0;

	walk_file(path_of(data_dir, "mysql-binlog-connector-rust/mysql-bin.000057"), &w, &fmt);
	rq = (char *) slurp(path_of(expected_dir, "mysql-binlog-connector-rust__mysql-bin.000057.rows_query.txt"), &len);
	for (int k = 0; k < w.n; k++)
	{
		if (w.ev[k].type == BINLOG_QUERY && strcmp(w.ev[k].text, "create table b(id int)") == 0)
			create = true;
		if (w.ev[k].type == BINLOG_ROWS_QUERY)
		{
			nrq++;
			if (rq && w.ev[k].text[0] && strstr(rq, w.ev[k].text) != NULL)
				rq_found++;
		}
	}
	ok(create, "000057: the DDL QUERY reads \"create table b(id int)\"");
	ok(nrq == 3 && rq_found == nrq, "000057: the %d ROWS_QUERY statements are those recorded (%d found)", nrq, rq_found);
	free(rq);
	walk_release(&w);

	walk_file(path_of(data_dir, "rust_mysql_common/mysql-enum-string-set.000001"), &w, &fmt);
	create = false;
	for (int k = 0; k < w.n; k++)
		if (w.ev[k].type == BINLOG_QUERY &&
			strcmp(w.ev[k].text, "CREATE TABLE t(f1 CHAR(128), f2 VARCHAR(300), f3 ENUM('var1', 'variant2', 'foo'), "
								 "f4 SET('one', 'two', 'three', 'four'), f5 TEXT)") == 0)
			create = true;
	ok(create, "8.0 file: the CREATE TABLE statement");
	walk_release(&w);

	/* Status variables and the default schema of one QUERY, decoded by hand. */
	{
		uint8_t *buf = slurp(path_of(data_dir, "rust_mysql_common/mysql-enum-string-set.000001"), &len);
		binlog_event ev;
		size_t off;
		bool found = false;

		binlog_event_init(&ev);
		binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
		for (off = 4; buf && off < len; off += rd32(buf + off + 9))
		{
			if (!binlog_event_parse(buf + off, len - off, &fmt, &ev))
				break;
			if (ev.header.type == BINLOG_QUERY && ev.header.log_pos == 791)
			{
				found = true;
				ok(ev.u.query.schema_len == 5 && memcmp(ev.u.query.schema, "mysql", 5) == 0, "QUERY default schema");
				is_int(ev.u.query.thread_id, 9, "QUERY thread id");
				is_int(ev.u.query.error_code, 0, "QUERY error code");
				ok(ev.u.query.has_sql_mode && ev.u.query.sql_mode == 1168113696, "QUERY sql_mode status variable");
				ok(ev.u.query.has_charset && ev.u.query.charset_client == 255, "QUERY character set status variable");
				ok(ev.u.query.time_zone == NULL || ev.u.query.time_zone_len > 0, "QUERY time zone");
			}
		}
		ok(found, "8.0 file: the QUERY at 791");
		binlog_event_release(&ev);
		free(buf);
	}
}

/* MariaDB events, recorded from a 10.11 server (tests/unit/data/binlog). */
static void
test_mariadb_fixture(void)
{
	walk w;
	binlog_format fmt;
	uint32_t expected[1024];
	int ne;
	int nours = 0;
	int mismatch = 0;
	int gtids = 0;
	int gtid_ok = 0;
	bool alter = false;
	bool checkpoint = false;
	size_t len;
	char *listing;

	ok(walk_file(path_of(own_dir, "mariadb-10.11-types.000001"), &w, &fmt), "MariaDB 10.11 fixture: every event parses");
	ok(fmt.mariadb && fmt.version[0] == 10 && fmt.version[1] == 11, "MariaDB 10.11 fixture: the server version (%s)", fmt.server_version);
	ne = expected_positions(path_of(own_dir, "mariadb-10.11-types.mariadb-binlog.txt"), expected, 1024);
	for (int k = 0; k < w.n; k++)
	{
		if (nours >= ne || expected[nours] != w.ev[k].log_pos)
			mismatch++;
		nours++;
	}
	ok(ne == nours && mismatch == 0, "MariaDB fixture: the %d end positions match mariadb-binlog's", nours);
	is_int(w.counts[BINLOG_MARIA_QUERY_COMPRESSED], 1, "MariaDB fixture: one QUERY_COMPRESSED");
	is_int(w.counts[BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1], 1, "MariaDB fixture: one WRITE_ROWS_COMPRESSED_V1");
	is_int(w.counts[BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1], 1, "MariaDB fixture: one UPDATE_ROWS_COMPRESSED_V1");
	is_int(w.counts[BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1], 1, "MariaDB fixture: one DELETE_ROWS_COMPRESSED_V1");
	is_int(w.counts[BINLOG_MARIA_GTID_LIST], 1, "MariaDB fixture: a GTID_LIST");
	listing = (char *) slurp(path_of(own_dir, "mariadb-10.11-types.mariadb-binlog.txt"), &len);
	for (int k = 0; k < w.n; k++)
	{
		char want[300];

		if (w.ev[k].type == BINLOG_MARIA_GTID)
		{
			gtids++;
			snprintf(want, sizeof(want), "GTID %s ", w.ev[k].text);
			if (listing && strstr(listing, want))
				gtid_ok++;
		}
		if (w.ev[k].type == BINLOG_MARIA_QUERY_COMPRESSED &&
			strncmp(w.ev[k].text, "ALTER TABLE t_small ADD COLUMN extra INT", 40) == 0)
			alter = true;
		if (w.ev[k].type == BINLOG_MARIA_BINLOG_CHECKPOINT)
			checkpoint = true;
	}
	ok(gtids > 10 && gtid_ok == gtids, "MariaDB fixture: %d GTIDs read d-s-n as mariadb-binlog shows them (%d)", gtids, gtid_ok);
	ok(alter, "MariaDB fixture: the compressed QUERY inflates to the ALTER TABLE");
	ok(checkpoint, "MariaDB fixture: BINLOG_CHECKPOINT");
	free(listing);
	walk_release(&w);

	/* GTID flags: a DDL is standalone, a DML transaction is not. */
	{
		uint8_t *buf = slurp(path_of(own_dir, "mariadb-10.11-types.000001"), &len);
		binlog_event ev;
		int standalone = 0;
		int trans = 0;
		uint8_t last_flags = 0;
		bool ddl_standalone = true;
		bool list_ok = false;

		binlog_event_init(&ev);
		binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
		for (size_t off = 4; buf && off < len; off += rd32(buf + off + 9))
		{
			if (!binlog_event_parse(buf + off, len - off, &fmt, &ev))
				break;
			if (ev.header.type == BINLOG_MARIA_GTID)
			{
				last_flags = ev.u.gtid.flags2;
				if (last_flags & BINLOG_MARIA_GTID_STANDALONE)
					standalone++;
				else
					trans++;
				ok(ev.u.gtid.domain_id == 0 && ev.u.gtid.server_id == 1 && ev.u.gtid.seq_no >= 1, "MARIA_GTID %s fields", ev.u.gtid.text);
			}
			if (ev.header.type == BINLOG_QUERY && ev.u.query.sql_len > 6 &&
				(strncmp(ev.u.query.sql, "CREATE", 6) == 0 || strncmp(ev.u.query.sql, "DROP", 4) == 0) &&
				!(last_flags & BINLOG_MARIA_GTID_STANDALONE))
				ddl_standalone = false;
			if (ev.header.type == BINLOG_MARIA_GTID_LIST)
			{
				sbuf s = SBUF_INIT;

				binlog_gtid_list_format(&ev, &s);
				list_ok = ev.u.gtid_list.count == 0 && s.len == 0;
				sbuf_release(&s);
			}
		}
		ok(standalone >= 4 && trans >= 10, "MariaDB fixture: %d standalone and %d transactional GTIDs", standalone, trans);
		ok(ddl_standalone, "MariaDB fixture: DDL GTIDs have the standalone flag");
		ok(list_ok, "MariaDB fixture: an empty GTID list after RESET MASTER");
		binlog_event_release(&ev);
		free(buf);
	}
}

/* A changed byte fails the CRC32 check, and the message names the event's position. */
static void
test_checksum_mismatch(void)
{
	size_t len;
	uint8_t *buf = slurp(path_of(data_dir, "mysql-binlog-connector-java/mysql-bin.checksum-crc32"), &len);
	binlog_format fmt;
	binlog_event ev;
	size_t off;
	int n = 0;
	bool failed = false;
	char want[64];

	if (buf == NULL)
	{
		ok(false, "checksum test file readable");
		return;
	}
	binlog_event_init(&ev);
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, "mysql-bin.checksum-crc32");
	/* Walk to the 10th event, flip a byte of its body, parse it. */
	for (off = 4; off < len; off += rd32(buf + off + 9))
	{
		if (++n == 10)
			break;
		if (!binlog_event_parse(buf + off, len - off, &fmt, &ev))
			break;
	}
	buf[off + 25] ^= 0x40;
	capture_begin();
	failed = !binlog_event_parse(buf + off, len - off, &fmt, &ev);
	capture_end();
	ok(failed, "a flipped byte fails the CRC32 check");
	snprintf(want, sizeof(want), "at position %zu of \"mysql-bin.checksum-crc32\"", off);
	ok(strstr(logged, want) != NULL, "the message names the event position (%s)", want);
	ok(strstr(logged, "checksum mismatch") != NULL, "the message says checksum mismatch");
	fprintf(stderr, "# logged: %s\n", logged);

	/* The FORMAT_DESCRIPTION's own checksum, too. */
	buf[off + 25] ^= 0x40;
	buf[4 + 30] ^= 0x01;
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
	capture_begin();
	failed = !binlog_event_parse(buf + 4, len - 4, &fmt, &ev);
	capture_end();
	ok(failed && strstr(logged, "FORMAT_DESCRIPTION at position 4") != NULL, "a corrupt FORMAT_DESCRIPTION is refused");
	buf[4 + 30] ^= 0x01;

	/* With checksums off, the same flip goes unnoticed by the framing. */
	binlog_event_release(&ev);
	free(buf);
}

/* Truncated and impossible events fail with a message, never a crash. */
static void
test_truncated(void)
{
	size_t len;
	uint8_t *buf = slurp(path_of(data_dir, "mysql-binlog-connector-java/mysql-bin.checksum-crc32"), &len);
	binlog_format fmt;
	binlog_event ev;
	uint32_t size;
	uint8_t *cut;
	bool r;

	if (buf == NULL)
	{
		ok(false, "test file readable");
		return;
	}
	binlog_event_init(&ev);
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, "x.000001");
	ok(binlog_event_parse(buf + 4, len - 4, &fmt, &ev), "FORMAT_DESCRIPTION parses");
	size = rd32(buf + 4 + 9);
	/* The next event, given with its last byte missing, in a buffer of exactly that size. */
	{
		uint8_t *e = buf + 4 + size;
		uint32_t esize = rd32(e + 9);

		cut = xmalloc(esize - 1);
		memcpy(cut, e, esize - 1);
		capture_begin();
		r = binlog_event_parse(cut, esize - 1, &fmt, &ev);
		capture_end();
		ok(!r, "an event shorter than its size is refused");
		ok(strstr(logged, "truncated") != NULL, "the message says truncated: %s", logged);
		free(cut);
	}
	/* Fewer bytes than a header. */
	cut = xmalloc(10);
	memcpy(cut, buf + 4, 10);
	capture_begin();
	r = binlog_event_parse(cut, 10, &fmt, &ev);
	capture_end();
	ok(!r && strstr(logged, "19 needed") != NULL, "a partial header is refused: %s", logged);
	free(cut);
	/* A size field below the header length. */
	cut = xmalloc(40);
	memcpy(cut, buf + 4 + size, 40);
	wr32(cut + 9, 7);
	capture_begin();
	r = binlog_event_parse(cut, 40, &fmt, &ev);
	capture_end();
	ok(!r && strstr(logged, "impossible event size 7") != NULL, "an impossible size is refused: %s", logged);
	free(cut);
	binlog_event_release(&ev);
	free(buf);
}

/*
 * Hostile input: every event of several files, cut at every length and with
 * bytes changed, its size field and CRC32 made to agree so the body parsers
 * see it; table maps and rows decoded too. Under ASan this proves the reads
 * stay in bounds.
 */
static int fuzz_parsed;
static int fuzz_refused;

static void
fuzz_one(const uint8_t *ev_bytes, uint32_t size, binlog_format *fmt, binlog_table_map *tm, bool have_tm)
{
	uint8_t *copy = xmalloc(size);
	binlog_format f = *fmt;
	binlog_event ev;

	memcpy(copy, ev_bytes, size);
	wr32(copy + 9, size);
	if (f.checksum_alg == BINLOG_CHECKSUM_CRC32 && size >= 23)
		wr32(copy + size - 4, (uint32_t) crc32(0L, copy, size - 4));
	binlog_event_init(&ev);
	if (binlog_event_parse(copy, size, &f, &ev))
	{
		fuzz_parsed++;
		if (ev.header.type == BINLOG_TABLE_MAP)
		{
			binlog_table_map t;

			binlogrow_table_map_parse(&ev, &f, &t);
			binlogrow_table_map_release(&t);
		}
		else if (binlog_type_is_rows(ev.header.type) && have_tm)
		{
			binlog_rows_iter it;
			binlog_row b;
			binlog_row a;
			bool failed;

			binlogrow_row_init(&b);
			binlogrow_row_init(&a);
			((binlog_table_map *) tm)->table_id = ev.u.rows.table_id;
			if (binlogrow_rows_init(&it, &ev, &f, tm))
				while (binlogrow_rows_next(&it, &b, &a, &failed))
					;
			binlogrow_rows_release(&it);
			binlogrow_row_release(&b);
			binlogrow_row_release(&a);
		}
		else if (ev.header.type == BINLOG_TRANSACTION_PAYLOAD)
		{
			sbuf out = SBUF_INIT;

			binlog_payload_decompress(&ev, &f, &out);
			sbuf_release(&out);
		}
		else if (ev.header.type == BINLOG_PREVIOUS_GTIDS)
		{
			sbuf out = SBUF_INIT;

			binlog_previous_gtids_format(&ev, &out);
			sbuf_release(&out);
		}
	}
	else
		fuzz_refused++;
	binlog_event_release(&ev);
	free(copy);
}

static void
fuzz_file(const char *path, unsigned *seed)
{
	size_t len;
	uint8_t *buf = slurp(path, &len);
	binlog_format fmt;
	binlog_event ev;
	binlog_table_map tm;
	bool have_tm = false;

	if (buf == NULL)
		return;
	memset(&tm, 0, sizeof(tm));
	binlog_event_init(&ev);
	binlog_format_init(&fmt, BINLOG_CHECKSUM_OFF, NULL);
	for (size_t off = 4; off + 19 <= len;)
	{
		uint32_t size = rd32(buf + off + 9);
		uint8_t *mut;

		if (size < 19 || size > len - off)
			break;
		/* Cut at every length (the FORMAT_DESCRIPTION too, which changes the format: on a copy). */
		for (uint32_t cut = 19; cut < size; cut++)
			fuzz_one(buf + off, cut, &fmt, &tm, have_tm);
		/* Random byte changes in the body. */
		mut = xmalloc(size);
		for (int round = 0; round < 64 && size > 19; round++)
		{
			int flips = 1 + (int) (rand_r(seed) % 3);

			memcpy(mut, buf + off, size);
			for (int k = 0; k < flips; k++)
			{
				uint32_t at = 19 + (uint32_t) rand_r(seed) % (size - 19);

				mut[at] = (uint8_t) rand_r(seed);
			}
			fuzz_one(mut, size, &fmt, &tm, have_tm);
		}
		free(mut);
		/* Then the real event, to move on with the right format and table map. */
		if (!binlog_event_parse(buf + off, size, &fmt, &ev))
			break;
		if (ev.header.type == BINLOG_TABLE_MAP)
		{
			binlogrow_table_map_release(&tm);
			have_tm = binlogrow_table_map_parse(&ev, &fmt, &tm);
		}
		off += size;
	}
	binlogrow_table_map_release(&tm);
	binlog_event_release(&ev);
	free(buf);
}

static void
test_hostile(void)
{
	unsigned seed = 20241126;
	const char *names[] = {
		"rust_mysql_common/json.binlog.000001",
		"rust_mysql_common/json-opaque.binlog",
		"rust_mysql_common/mysql-enum-string-set.000001",
		"rust_mysql_common/mariadb-bin.000001",
		"rust_mysql_common/vector.binlog",
		"rust_mysql_common/binlog_transaction_with_GTID_TAG.000001",
		"rust_mysql_common/transaction_compression.000001",
		"rust_mysql_common/time_issue.000001",
		"mysql-binlog-connector-rust/mysql-bin.000057",
	};

	capture_begin();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		fuzz_file(path_of(data_dir, names[i]), &seed);
	fuzz_file(path_of(own_dir, "mariadb-10.11-types.000001"), &seed);
	capture_end();
	ok(fuzz_parsed > 1000 && fuzz_refused > 1000, "hostile input: %d mutated events parsed, %d refused, none crashed",
	   fuzz_parsed, fuzz_refused);
}

/* The helpers: packed integers, UUIDs, type names. */
static void
test_helpers(void)
{
	const uint8_t a[] = { 250 };
	const uint8_t b[] = { 252, 0x34, 0x12 };
	const uint8_t c[] = { 253, 1, 2, 3 };
	const uint8_t d[] = { 254, 1, 0, 0, 0, 0, 0, 0, 0x80 };
	const uint8_t bad[] = { 251 };
	const uint8_t *p;
	uint64_t v;
	uint8_t u[16];
	sbuf s = SBUF_INIT;

	p = a;
	ok(binlog_read_packed(&p, a + 1, &v) && v == 250 && p == a + 1, "packed: one byte");
	p = b;
	ok(binlog_read_packed(&p, b + 3, &v) && v == 0x1234, "packed: 252 and 2 bytes");
	p = c;
	ok(binlog_read_packed(&p, c + 4, &v) && v == 0x030201, "packed: 253 and 3 bytes");
	p = d;
	ok(binlog_read_packed(&p, d + 9, &v) && v == 0x8000000000000001ULL, "packed: 254 and 8 bytes");
	p = d;
	ok(!binlog_read_packed(&p, d + 8, &v), "packed: truncated is refused");
	p = bad;
	ok(!binlog_read_packed(&p, bad + 1, &v), "packed: 251 is refused");
	for (int i = 0; i < 16; i++)
		u[i] = (uint8_t) (i * 17);
	binlog_uuid_format(u, &s);
	is_str(s.data, "00112233-4455-6677-8899-aabbccddeeff", "UUID text");
	sbuf_release(&s);
	is_str(binlog_event_type_name(BINLOG_WRITE_ROWS), "WRITE_ROWS_V2", "type name");
	is_str(binlog_event_type_name(200), "UNKNOWN", "unknown type name");
	ok(binlog_type_is_rows(BINLOG_MARIA_UPDATE_ROWS_COMPRESSED) && !binlog_type_is_rows(BINLOG_TABLE_MAP), "rows types");
}

int
main(void)
{
	struct stat st;

	log_init("test_binlog");
	find_dirs();
	if (stat(data_dir, &st) != 0)
	{
		printf("1..0 # SKIP no binlog test data in %s (set CHAM_DATA)\n", data_dir);
		return 0;
	}
	test_helpers();
	test_files();
	test_crc32_file_counts();
	test_gtids();
	test_payload_against_derived();
	test_queries();
	test_mariadb_fixture();
	test_checksum_mismatch();
	test_truncated();
	test_hostile();
	return tap_done();
}
