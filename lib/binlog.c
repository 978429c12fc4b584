/* binlog.c: MySQL/MariaDB binary log events: framing, checksums, headers and event bodies. */
#include "binlog.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "logging.h"

/* ------------------------------------------------------------------ reading */

static inline uint16_t
le16(const uint8_t *p)
{
	return (uint16_t) (p[0] | (p[1] << 8));
}

static inline uint32_t
le32(const uint8_t *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline uint64_t
le_n(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

bool
binlog_read_packed(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	int n;

	if (p >= end)
		return false;
	if (*p < 251)
	{
		*v = *p;
		*pp = p + 1;
		return true;
	}
	switch (*p)
	{
		case 252:
			n = 2;
			break;
		case 253:
			n = 3;
			break;
		case 254:
			n = 8;
			break;
		default:
			/* 251 is SQL NULL in the client protocol and 255 an error: neither is a length here. */
			return false;
	}
	if ((size_t) (end - p - 1) < (size_t) n)
		return false;
	*v = le_n(p + 1, n);
	*pp = p + 1 + n;
	return true;
}

/*
 * MySQL's serialization library (tagged GTIDs): the count of trailing 1 bits
 * of the first byte, plus one, is the length; the value is the little-endian
 * number shifted right by that length. 0xFF: 8 raw bytes follow.
 */
static bool
read_varlen(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	int ones = 0;

	if (p >= end)
		return false;
	while (ones < 8 && (p[0] >> ones) & 1)
		ones++;
	if (ones == 8)
	{
		if (end - p < 9)
			return false;
		*v = le_n(p + 1, 8);
		*pp = p + 9;
		return true;
	}
	if (end - p < ones + 1)
		return false;
	*v = le_n(p, ones + 1) >> (ones + 1);
	*pp = p + ones + 1;
	return true;
}

static bool
read_varlen_signed(const uint8_t **pp, const uint8_t *end, int64_t *v)
{
	uint64_t u;

	if (!read_varlen(pp, end, &u))
		return false;
	*v = (u & 1) ? -(int64_t) (u >> 1) - 1 : (int64_t) (u >> 1);
	return true;
}

/* ------------------------------------------------------------------ names */

const char *
binlog_event_type_name(uint8_t type)
{
	switch (type)
	{
		case BINLOG_START_V3:
			return "START_V3";
		case BINLOG_QUERY:
			return "QUERY";
		case BINLOG_STOP:
			return "STOP";
		case BINLOG_ROTATE:
			return "ROTATE";
		case BINLOG_INTVAR:
			return "INTVAR";
		case BINLOG_SLAVE:
			return "SLAVE";
		case BINLOG_APPEND_BLOCK:
			return "APPEND_BLOCK";
		case BINLOG_DELETE_FILE:
			return "DELETE_FILE";
		case BINLOG_RAND:
			return "RAND";
		case BINLOG_USER_VAR:
			return "USER_VAR";
		case BINLOG_FORMAT_DESCRIPTION:
			return "FORMAT_DESCRIPTION";
		case BINLOG_XID:
			return "XID";
		case BINLOG_BEGIN_LOAD_QUERY:
			return "BEGIN_LOAD_QUERY";
		case BINLOG_EXECUTE_LOAD_QUERY:
			return "EXECUTE_LOAD_QUERY";
		case BINLOG_TABLE_MAP:
			return "TABLE_MAP";
		case BINLOG_WRITE_ROWS_V1:
			return "WRITE_ROWS_V1";
		case BINLOG_UPDATE_ROWS_V1:
			return "UPDATE_ROWS_V1";
		case BINLOG_DELETE_ROWS_V1:
			return "DELETE_ROWS_V1";
		case BINLOG_INCIDENT:
			return "INCIDENT";
		case BINLOG_HEARTBEAT:
			return "HEARTBEAT";
		case BINLOG_IGNORABLE:
			return "IGNORABLE";
		case BINLOG_ROWS_QUERY:
			return "ROWS_QUERY";
		case BINLOG_WRITE_ROWS:
			return "WRITE_ROWS_V2";
		case BINLOG_UPDATE_ROWS:
			return "UPDATE_ROWS_V2";
		case BINLOG_DELETE_ROWS:
			return "DELETE_ROWS_V2";
		case BINLOG_GTID:
			return "GTID";
		case BINLOG_ANONYMOUS_GTID:
			return "ANONYMOUS_GTID";
		case BINLOG_PREVIOUS_GTIDS:
			return "PREVIOUS_GTIDS";
		case BINLOG_TRANSACTION_CONTEXT:
			return "TRANSACTION_CONTEXT";
		case BINLOG_VIEW_CHANGE:
			return "VIEW_CHANGE";
		case BINLOG_XA_PREPARE:
			return "XA_PREPARE";
		case BINLOG_PARTIAL_UPDATE_ROWS:
			return "PARTIAL_UPDATE_ROWS";
		case BINLOG_TRANSACTION_PAYLOAD:
			return "TRANSACTION_PAYLOAD";
		case BINLOG_HEARTBEAT_V2:
			return "HEARTBEAT_V2";
		case BINLOG_GTID_TAGGED:
			return "GTID_TAGGED";
		case BINLOG_MARIA_ANNOTATE_ROWS:
			return "MARIA_ANNOTATE_ROWS";
		case BINLOG_MARIA_BINLOG_CHECKPOINT:
			return "MARIA_BINLOG_CHECKPOINT";
		case BINLOG_MARIA_GTID:
			return "MARIA_GTID";
		case BINLOG_MARIA_GTID_LIST:
			return "MARIA_GTID_LIST";
		case BINLOG_MARIA_START_ENCRYPTION:
			return "MARIA_START_ENCRYPTION";
		case BINLOG_MARIA_QUERY_COMPRESSED:
			return "MARIA_QUERY_COMPRESSED";
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1:
			return "MARIA_WRITE_ROWS_COMPRESSED_V1";
		case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1:
			return "MARIA_UPDATE_ROWS_COMPRESSED_V1";
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1:
			return "MARIA_DELETE_ROWS_COMPRESSED_V1";
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED:
			return "MARIA_WRITE_ROWS_COMPRESSED";
		case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED:
			return "MARIA_UPDATE_ROWS_COMPRESSED";
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED:
			return "MARIA_DELETE_ROWS_COMPRESSED";
		default:
			return "UNKNOWN";
	}
}

bool
binlog_type_is_rows(uint8_t type)
{
	switch (type)
	{
		case BINLOG_WRITE_ROWS_V1:
		case BINLOG_UPDATE_ROWS_V1:
		case BINLOG_DELETE_ROWS_V1:
		case BINLOG_WRITE_ROWS:
		case BINLOG_UPDATE_ROWS:
		case BINLOG_DELETE_ROWS:
		case BINLOG_PARTIAL_UPDATE_ROWS:
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1:
		case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1:
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1:
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED:
		case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED:
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED:
			return true;
		default:
			return false;
	}
}

/* ------------------------------------------------------------------ format */

void
binlog_format_init(binlog_format *fmt, int checksum_alg, const char *log_name)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->binlog_version = 4;
	fmt->common_header_len = BINLOG_HEADER_LEN;
	fmt->checksum_alg = checksum_alg;
	if (log_name)
		snprintf(fmt->log_name, sizeof(fmt->log_name), "%s", log_name);

	/* MySQL 8.0's and MariaDB 10.x's lengths, until a FORMAT_DESCRIPTION says otherwise. */
	fmt->post_header_len[BINLOG_QUERY] = 13;
	fmt->post_header_len[BINLOG_ROTATE] = 8;
	fmt->post_header_len[BINLOG_APPEND_BLOCK] = 4;
	fmt->post_header_len[BINLOG_DELETE_FILE] = 4;
	fmt->post_header_len[BINLOG_FORMAT_DESCRIPTION] = 84;
	fmt->post_header_len[BINLOG_BEGIN_LOAD_QUERY] = 4;
	fmt->post_header_len[BINLOG_EXECUTE_LOAD_QUERY] = 26;
	fmt->post_header_len[BINLOG_TABLE_MAP] = 8;
	fmt->post_header_len[BINLOG_WRITE_ROWS_V1] = 8;
	fmt->post_header_len[BINLOG_UPDATE_ROWS_V1] = 8;
	fmt->post_header_len[BINLOG_DELETE_ROWS_V1] = 8;
	fmt->post_header_len[BINLOG_INCIDENT] = 2;
	fmt->post_header_len[BINLOG_WRITE_ROWS] = 10;
	fmt->post_header_len[BINLOG_UPDATE_ROWS] = 10;
	fmt->post_header_len[BINLOG_DELETE_ROWS] = 10;
	fmt->post_header_len[BINLOG_GTID] = 42;
	fmt->post_header_len[BINLOG_ANONYMOUS_GTID] = 42;
	fmt->post_header_len[BINLOG_TRANSACTION_CONTEXT] = 18;
	fmt->post_header_len[BINLOG_VIEW_CHANGE] = 52;
	fmt->post_header_len[BINLOG_PARTIAL_UPDATE_ROWS] = 10;
	fmt->post_header_len[BINLOG_MARIA_BINLOG_CHECKPOINT] = 4;
	fmt->post_header_len[BINLOG_MARIA_GTID] = 19;
	fmt->post_header_len[BINLOG_MARIA_GTID_LIST] = 4;
	fmt->post_header_len[BINLOG_MARIA_QUERY_COMPRESSED] = 13;
	fmt->post_header_len[BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1] = 8;
	fmt->post_header_len[BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1] = 8;
	fmt->post_header_len[BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1] = 8;
	fmt->post_header_len[BINLOG_MARIA_WRITE_ROWS_COMPRESSED] = 10;
	fmt->post_header_len[BINLOG_MARIA_UPDATE_ROWS_COMPRESSED] = 10;
	fmt->post_header_len[BINLOG_MARIA_DELETE_ROWS_COMPRESSED] = 10;
}

void
binlog_format_inner(const binlog_format *outer, binlog_format *inner)
{
	*inner = *outer;
	inner->checksum_alg = BINLOG_CHECKSUM_OFF;
}

/* ------------------------------------------------------------------ events */

void
binlog_event_init(binlog_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	sbuf_init(&ev->scratch, 0);
}

void
binlog_event_release(binlog_event *ev)
{
	sbuf_release(&ev->scratch);
}

uint64_t
binlog_event_start(const binlog_header *h)
{
	if (h->log_pos >= h->event_size && h->log_pos != 0)
		return (uint64_t) h->log_pos - h->event_size;
	return 0;
}

/* Logs one error about the event h, naming its type and position. */
static void
event_error(const binlog_format *fmt, const binlog_header *h, const char *fmtstr, ...)
	__attribute__((format(printf, 3, 4)));

static void
event_error(const binlog_format *fmt, const binlog_header *h, const char *fmtstr, ...)
{
	char msg[512];
	char where[400];
	va_list ap;
	uint64_t start = binlog_event_start(h);

	va_start(ap, fmtstr);
	vsnprintf(msg, sizeof(msg), fmtstr, ap);
	va_end(ap);
	if (start > 0 || h->log_pos > 0)
		snprintf(where, sizeof(where), " at position %" PRIu64, start);
	else
		snprintf(where, sizeof(where), " (position unknown)");
	if (fmt->log_name[0])
	{
		size_t n = strlen(where);

		snprintf(where + n, sizeof(where) - n, " of \"%s\"", fmt->log_name);
	}
	log_error("could not decode binlog event %s%s: %s", binlog_event_type_name(h->type), where, msg);
}

bool
binlog_event_size(const uint8_t *buf, size_t len, const binlog_format *fmt, uint32_t *size)
{
	uint32_t sz;

	if (len < BINLOG_HEADER_LEN)
	{
		log_error("could not read binlog event header%s%s%s: %zu bytes, %d needed",
				  fmt->log_name[0] ? " in \"" : "", fmt->log_name, fmt->log_name[0] ? "\"" : "",
				  len, BINLOG_HEADER_LEN);
		return false;
	}
	sz = le32(buf + 9);
	if (sz < fmt->common_header_len || sz < BINLOG_HEADER_LEN)
	{
		/* The size is wrong, so where the event starts is unknown: name where it ends. */
		log_error("could not decode binlog event %s ending at position %" PRIu32 "%s%s%s: impossible event size %" PRIu32,
				  binlog_event_type_name(buf[4]), le32(buf + 13), fmt->log_name[0] ? " of \"" : "", fmt->log_name,
				  fmt->log_name[0] ? "\"" : "", sz);
		return false;
	}
	*size = sz;
	return true;
}

/* Parses "10.5.15-MariaDB..." into its three numbers. */
static void
parse_version(const char *s, int v[3])
{
	v[0] = v[1] = v[2] = 0;
	for (int i = 0; i < 3; i++)
	{
		int n = 0;

		if (*s < '0' || *s > '9')
			break;
		while (*s >= '0' && *s <= '9' && n < 100000)
			n = n * 10 + (*s++ - '0');
		v[i] = n;
		if (*s != '.')
			break;
		s++;
	}
}

/* Whether a FORMAT_DESCRIPTION of this server ends with the checksum algorithm byte. */
static bool
version_has_checksum_alg(const int v[3], bool mariadb)
{
	/* MySQL added checksums in 5.6.1, MariaDB in 5.3. */
	long n = (long) v[0] * 10000 + v[1] * 100 + v[2];

	return mariadb ? n >= 50300 : n >= 50601;
}

/* MariaDB's compressed record: a header byte (0x80 | algorithm << 4 | length bytes),
 * the original length big-endian, then a zlib stream. */
static const char *
maria_uncompress(const uint8_t *src, size_t len, sbuf *out)
{
	uint32_t lenlen;
	uint32_t orig = 0;
	uLongf outlen;
	int rc;

	if (len < 1 || (src[0] & 0x80) == 0)
		return "compressed record without its header";
	if ((src[0] & 0x70) != 0)
		return "unknown compression algorithm";
	lenlen = src[0] & 0x07;
	if (lenlen < 1 || lenlen > 4 || len < 1 + lenlen)
		return "bad compressed record header";
	for (uint32_t i = 0; i < lenlen; i++)
		orig = (orig << 8) | src[1 + i];
	if (orig > BINLOG_MAX_UNCOMPRESSED)
		return "compressed record too large";
	sbuf_reset(out);
	sbuf_grow(out, (size_t) orig + 1);
	outlen = orig;
	rc = uncompress((Bytef *) out->data, &outlen, src + 1 + lenlen, (uLong) (len - 1 - lenlen));
	if (rc != Z_OK || outlen != orig)
		return "corrupt compressed record";
	sbuf_setlen(out, outlen);
	return NULL;
}

static const char *
parse_fde(const uint8_t *buf, uint32_t size, binlog_format *fmt, binlog_event *ev, bool *has_crc)
{
	const uint8_t *b = buf + BINLOG_HEADER_LEN;
	size_t fixed = 2 + 50 + 4 + 1;
	binlog_format nf;
	size_t npost;
	bool has_alg;
	int alg = BINLOG_CHECKSUM_OFF;

	if (size < BINLOG_HEADER_LEN + fixed)
		return "event truncated";
	nf = *fmt;
	nf.binlog_version = le16(b);
	if (nf.binlog_version != 4)
		return "only binlog format version 4 is supported";
	memcpy(nf.server_version, b + 2, 50);
	nf.server_version[50] = '\0';
	parse_version(nf.server_version, nf.version);
	nf.mariadb = strstr(nf.server_version, "MariaDB") != NULL;
	nf.created = le32(b + 52);
	nf.common_header_len = b[56];
	if (nf.common_header_len < BINLOG_HEADER_LEN)
		return "common header shorter than 19 bytes";
	has_alg = version_has_checksum_alg(nf.version, nf.mariadb);
	npost = size - BINLOG_HEADER_LEN - fixed;
	if (has_alg)
	{
		/* The algorithm byte, then a 4-byte checksum slot, present even when checksums are off. */
		if (npost < 5)
			return "event truncated before its checksum algorithm";
		npost -= 5;
		alg = buf[size - 5];
		if (alg != BINLOG_CHECKSUM_OFF && alg != BINLOG_CHECKSUM_CRC32)
		{
			/* 255 is "undefined": written by servers that do not compute checksums. */
			if (alg != 255)
				return "unknown checksum algorithm";
			alg = BINLOG_CHECKSUM_OFF;
		}
	}
	memset(nf.post_header_len, 0, sizeof(nf.post_header_len));
	for (size_t i = 0; i < npost && i < 255; i++)
		nf.post_header_len[i + 1] = b[fixed + i];
	nf.checksum_alg = alg;
	*has_crc = alg == BINLOG_CHECKSUM_CRC32;
	*fmt = nf;
	ev->body_len = fixed + npost;
	ev->u.fde.binlog_version = nf.binlog_version;
	ev->u.fde.server_version = fmt->server_version;
	ev->u.fde.checksum_alg = alg;
	return NULL;
}

/* Status variables of a QUERY: decodes the ones we know, stops at one we do not
 * (their sizes are unknown; the block's total length is known anyway). */
static void
parse_status_vars(const uint8_t *p, const uint8_t *end, binlog_query *q)
{
	while (p < end)
	{
		uint8_t code = *p++;
		size_t left = (size_t) (end - p);
		size_t n;

		switch (code)
		{
			case 0: /* flags2 */
				if (left < 4)
					return;
				q->has_flags2 = true;
				q->flags2 = le32(p);
				n = 4;
				break;
			case 1: /* sql_mode */
				if (left < 8)
					return;
				q->has_sql_mode = true;
				q->sql_mode = le_n(p, 8);
				n = 8;
				break;
			case 2: /* catalog, old: length, bytes, NUL */
				if (left < 1 || left < (size_t) p[0] + 2)
					return;
				n = (size_t) p[0] + 2;
				break;
			case 3: /* auto_increment increment and offset */
				n = 4;
				break;
			case 4: /* character_set_client, collation_connection, collation_server */
				if (left < 6)
					return;
				q->has_charset = true;
				q->charset_client = le16(p);
				q->collation_connection = le16(p + 2);
				q->collation_server = le16(p + 4);
				n = 6;
				break;
			case 5: /* time_zone */
				if (left < 1 || left < (size_t) p[0] + 1)
					return;
				q->time_zone = (const char *) p + 1;
				q->time_zone_len = p[0];
				n = (size_t) p[0] + 1;
				break;
			case 6: /* catalog */
				if (left < 1)
					return;
				n = (size_t) p[0] + 1;
				break;
			case 7:	 /* lc_time_names */
			case 8:	 /* collation_database */
			case 18: /* default_collation_for_utf8mb4 */
				n = 2;
				break;
			case 9: /* table_map_for_update */
				n = 8;
				break;
			case 10: /* master_data_written */
				n = 4;
				break;
			case 11: /* invoker: user and host, each with a length byte */
				if (left < 1 || left < (size_t) p[0] + 2 || left < (size_t) p[0] + 2 + p[p[0] + 1])
					return;
				n = (size_t) p[0] + 2 + p[p[0] + 1];
				break;
			case 12: /* updated_db_names: a count, then NUL-terminated names (254: too many) */
			{
				const uint8_t *s;
				int count;

				if (left < 1)
					return;
				count = p[0];
				s = p + 1;
				if (count != 254)
				{
					for (int i = 0; i < count; i++)
					{
						const uint8_t *z = memchr(s, '\0', (size_t) (end - s));

						if (z == NULL)
							return;
						s = z + 1;
					}
				}
				n = (size_t) (s - p);
				break;
			}
			case 13:  /* microseconds */
			case 128: /* MariaDB hrnow */
				n = 3;
				break;
			case 16:  /* explicit_defaults_for_timestamp */
			case 19:  /* sql_require_primary_key */
			case 20:  /* default_table_encryption */
			case 130: /* MariaDB gtid_flags3 */
				n = 1;
				break;
			case 17:  /* ddl_logged_with_xid */
			case 129: /* MariaDB xid */
				if (left < 8)
					return;
				q->has_xid = true;
				q->xid = le_n(p, 8);
				n = 8;
				break;
			case 131: /* MariaDB character_set_collations: a count, then pairs of 2-byte ids */
				if (left < 1)
					return;
				n = 1 + (size_t) p[0] * 4;
				break;
			default:
				return;
		}
		if (n > left)
			return;
		p += n;
	}
}

static const char *
parse_query(const uint8_t *b, size_t len, uint8_t phl, bool compressed, binlog_event *ev)
{
	binlog_query *q = &ev->u.query;
	size_t svlen = 0;
	size_t off;
	size_t dblen;

	if (phl < 11 || len < phl)
		return "event truncated";
	q->thread_id = le32(b);
	q->exec_time = le32(b + 4);
	dblen = b[8];
	q->error_code = le16(b + 9);
	if (phl >= 13)
		svlen = le16(b + 11);
	off = phl;
	if (len - off < svlen)
		return "status variables run past the event";
	q->status_vars = b + off;
	q->status_vars_len = svlen;
	parse_status_vars(b + off, b + off + svlen, q);
	off += svlen;
	/* The default schema, then a NUL, then the statement to the end. */
	if (len - off < dblen + 1)
		return "schema name runs past the event";
	q->schema = (const char *) b + off;
	q->schema_len = dblen;
	off += dblen + 1;
	if (compressed)
	{
		const char *err = maria_uncompress(b + off, len - off, &ev->scratch);

		if (err)
			return err;
		q->sql = ev->scratch.data;
		q->sql_len = ev->scratch.len;
	}
	else
	{
		q->sql = (const char *) b + off;
		q->sql_len = len - off;
	}
	return NULL;
}

static void
format_uuid(const uint8_t *u, char *out)
{
	static const char hex[] = "0123456789abcdef";
	int j = 0;

	for (int i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[u[i] >> 4];
		out[j++] = hex[u[i] & 15];
	}
	out[j] = '\0';
}

void
binlog_uuid_format(const uint8_t uuid[16], sbuf *out)
{
	char buf[40];

	format_uuid(uuid, buf);
	sbuf_addstr(out, buf);
}

static void
gtid_text(binlog_gtid *g)
{
	char uuid[40];

	if (g->mariadb)
	{
		snprintf(g->text, sizeof(g->text), "%" PRIu32 "-%" PRIu32 "-%" PRIu64, g->domain_id, g->server_id, g->seq_no);
		return;
	}
	if (g->anonymous)
	{
		g->text[0] = '\0';
		return;
	}
	format_uuid(g->sid, uuid);
	if (g->tag[0])
		snprintf(g->text, sizeof(g->text), "%s:%s:%" PRIu64, uuid, g->tag, g->gno);
	else
		snprintf(g->text, sizeof(g->text), "%s:%" PRIu64, uuid, g->gno);
}

static const char *
parse_mysql_gtid(const uint8_t *b, size_t len, bool anonymous, binlog_gtid *g)
{
	const uint8_t *p = b + 25;
	const uint8_t *end = b + len;

	if (len < 25)
		return "event truncated";
	g->anonymous = anonymous;
	g->flags = b[0];
	memcpy(g->sid, b + 1, 16);
	g->gno = le_n(b + 17, 8);
	/* Logical clock (5.7.6+): typecode 2, last_committed, sequence_number. */
	if (end - p >= 17 && p[0] == 2)
	{
		g->last_committed = le_n(p + 1, 8);
		g->sequence_number = le_n(p + 9, 8);
		p += 17;
		/* Commit timestamps (8.0.1+): 7 bytes; the top bit says the original one follows. */
		if (end - p >= 7)
		{
			uint64_t ts = le_n(p, 7);

			p += 7;
			if (ts & ((uint64_t) 1 << 55))
			{
				ts &= ~((uint64_t) 1 << 55);
				if (end - p < 7)
					return "event truncated in the original commit timestamp";
				g->original_commit_us = le_n(p, 7);
				p += 7;
			}
			else
				g->original_commit_us = ts;
			g->immediate_commit_us = ts;
			if (p < end && !binlog_read_packed(&p, end, &g->transaction_length))
				return "bad transaction length";
		}
	}
	return NULL;
}

/* GTID_TAGGED (MySQL 8.4): a version byte, then a serialization-library message. */
static const char *
parse_tagged_gtid(const uint8_t *b, size_t len, binlog_gtid *g)
{
	const uint8_t *p = b;
	const uint8_t *end = b + len;
	const uint8_t *fields_end;
	uint64_t size;
	uint64_t last_non_ignorable;

	if (len < 1)
		return "event truncated";
	if (b[0] != 2)
		return "unsupported tagged GTID serialization version";
	p++;
	if (!read_varlen(&p, end, &size) || !read_varlen(&p, end, &last_non_ignorable))
		return "event truncated in the message header";
	/* size counts the whole message, the version byte and the header included. */
	if (size < (uint64_t) (p - b) || size > len)
		return "bad message size";
	fields_end = b + size;
	while (p < fields_end)
	{
		uint64_t id;
		uint64_t u;
		int64_t s;

		if (!read_varlen(&p, fields_end, &id))
			return "truncated field id";
		switch (id)
		{
			case 0: /* flags */
				if (!read_varlen(&p, fields_end, &u))
					return "truncated flags";
				g->flags = (uint8_t) u;
				break;
			case 1: /* sid: 16 varlen bytes */
				for (int i = 0; i < 16; i++)
				{
					if (!read_varlen(&p, fields_end, &u) || u > 255)
						return "bad source uuid";
					g->sid[i] = (uint8_t) u;
				}
				break;
			case 2: /* gno, signed */
				if (!read_varlen_signed(&p, fields_end, &s) || s < 0)
					return "bad gno";
				g->gno = (uint64_t) s;
				break;
			case 3: /* tag: length, bytes */
				if (!read_varlen(&p, fields_end, &u) || u > (uint64_t) (fields_end - p) || u >= sizeof(g->tag))
					return "bad tag";
				memcpy(g->tag, p, (size_t) u);
				g->tag[u] = '\0';
				p += u;
				break;
			case 4: /* last_committed, signed */
				if (!read_varlen_signed(&p, fields_end, &s))
					return "bad last_committed";
				g->last_committed = (uint64_t) s;
				break;
			case 5: /* sequence_number, signed */
				if (!read_varlen_signed(&p, fields_end, &s))
					return "bad sequence_number";
				g->sequence_number = (uint64_t) s;
				break;
			case 6:
				if (!read_varlen(&p, fields_end, &g->immediate_commit_us))
					return "bad commit timestamp";
				if (g->original_commit_us == 0)
					g->original_commit_us = g->immediate_commit_us;
				break;
			case 7:
				if (!read_varlen(&p, fields_end, &g->original_commit_us))
					return "bad commit timestamp";
				break;
			case 8:
				if (!read_varlen(&p, fields_end, &g->transaction_length))
					return "bad transaction length";
				break;
			case 9:	 /* immediate_server_version */
			case 10: /* original_server_version */
			case 11: /* commit_group_ticket */
				if (!read_varlen(&p, fields_end, &u))
					return "truncated field";
				break;
			default:
				/* A field we do not know: its size is unknown, so stop, unless it matters. */
				if (id <= last_non_ignorable)
					return "unknown non-ignorable field";
				p = fields_end;
				break;
		}
	}
	if (g->tag[0] == '\0')
		return "tagged GTID without a tag";
	return NULL;
}

static const char *
parse_maria_gtid(const uint8_t *b, size_t len, uint32_t server_id, binlog_gtid *g)
{
	if (len < 13)
		return "event truncated";
	g->mariadb = true;
	g->seq_no = le_n(b, 8);
	g->domain_id = le32(b + 8);
	g->flags2 = b[12];
	g->server_id = server_id;
	if (g->flags2 & BINLOG_MARIA_GTID_GROUP_COMMIT_ID)
	{
		if (len < 21)
			return "event truncated in the commit id";
		g->commit_id = le_n(b + 13, 8);
	}
	return NULL;
}

static const char *
parse_rows(const uint8_t *b, size_t len, uint8_t type, uint8_t phl, binlog_event *ev)
{
	binlog_rows *r = &ev->u.rows;
	const uint8_t *p;
	const uint8_t *end = b + len;
	uint64_t width;
	size_t bmlen;

	switch (type)
	{
		case BINLOG_WRITE_ROWS_V1:
		case BINLOG_WRITE_ROWS:
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1:
		case BINLOG_MARIA_WRITE_ROWS_COMPRESSED:
			r->kind = BINLOG_ROWS_WRITE;
			break;
		case BINLOG_DELETE_ROWS_V1:
		case BINLOG_DELETE_ROWS:
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1:
		case BINLOG_MARIA_DELETE_ROWS_COMPRESSED:
			r->kind = BINLOG_ROWS_DELETE;
			break;
		default:
			r->kind = BINLOG_ROWS_UPDATE;
			break;
	}
	r->version = (type == BINLOG_WRITE_ROWS_V1 || type == BINLOG_UPDATE_ROWS_V1 || type == BINLOG_DELETE_ROWS_V1 ||
				  type == BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1 || type == BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1 ||
				  type == BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1)
					 ? 1
					 : 2;
	r->partial = type == BINLOG_PARTIAL_UPDATE_ROWS;
	r->compressed = type >= BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1 && type <= BINLOG_MARIA_DELETE_ROWS_COMPRESSED;

	/* Post-header: table id (4 bytes for 5.1.0-5.1.15 servers, else 6), flags, and for v2 the extra data length. */
	if (phl == 6)
	{
		if (len < 6)
			return "event truncated";
		r->table_id = le32(b);
		r->flags = le16(b + 4);
		p = b + 6;
	}
	else
	{
		if (phl < 8 || len < phl)
			return "event truncated";
		r->table_id = le_n(b, 6);
		r->flags = le16(b + 6);
		p = b + 8;
		if (r->version == 2)
		{
			uint16_t elen;

			if (phl < 10)
				return "v2 rows event without extra data length";
			elen = le16(b + 8);
			p = b + phl;
			/* The length counts its own 2 bytes. */
			if (elen < 2 || (size_t) (end - p) < (size_t) elen - 2)
				return "extra data runs past the event";
			if (elen > 2)
			{
				r->extra = p;
				r->extra_len = elen - 2;
			}
			p += elen - 2;
		}
		else
			p = b + phl;
	}
	if (!binlog_read_packed(&p, end, &width))
		return "event truncated in the column count";
	/* MySQL and MariaDB tables have at most 4096 columns. */
	if (width == 0 || width > 4096)
		return "impossible column count";
	r->ncols = (uint32_t) width;
	bmlen = (size_t) (width + 7) / 8;
	if ((size_t) (end - p) < bmlen)
		return "event truncated in the column bitmap";
	r->cols_before = r->cols_after = p;
	p += bmlen;
	if (r->kind == BINLOG_ROWS_UPDATE)
	{
		if ((size_t) (end - p) < bmlen)
			return "event truncated in the after-image column bitmap";
		r->cols_after = p;
		p += bmlen;
	}
	if (r->compressed)
	{
		const char *err = maria_uncompress(p, (size_t) (end - p), &ev->scratch);

		if (err)
			return err;
		r->rows = (const uint8_t *) ev->scratch.data;
		r->rows_len = ev->scratch.len;
	}
	else
	{
		r->rows = p;
		r->rows_len = (size_t) (end - p);
	}
	return NULL;
}

static const char *
parse_payload(const uint8_t *b, size_t len, binlog_event *ev)
{
	const uint8_t *p = b;
	const uint8_t *end = b + len;
	bool have_size = false;

	ev->u.payload.compression = 255;
	for (;;)
	{
		uint64_t type;
		uint64_t flen;
		const uint8_t *v;
		uint64_t val;

		if (!binlog_read_packed(&p, end, &type))
			return "payload header truncated";
		if (type == 0)
			break;
		if (!binlog_read_packed(&p, end, &flen) || flen > (uint64_t) (end - p))
			return "payload header field truncated";
		v = p;
		p += flen;
		if (type > 3)
			continue; /* a field added later: skip it */
		if (!binlog_read_packed(&v, p, &val))
			return "bad payload header field";
		if (type == 1)
		{
			ev->u.payload.payload_size = val;
			have_size = true;
		}
		else if (type == 2)
			ev->u.payload.compression = (int) val;
		else
			ev->u.payload.uncompressed_size = val;
	}
	if (!have_size || ev->u.payload.payload_size > (uint64_t) (end - p))
		return "payload size missing or past the event";
	ev->u.payload.payload = p;
	return NULL;
}

bool
binlog_event_parse(const uint8_t *buf, size_t len, binlog_format *fmt, binlog_event *ev)
{
	binlog_header *h = &ev->header;
	uint32_t size;
	bool has_crc;
	const char *err = NULL;
	const uint8_t *b;
	size_t blen;
	uint8_t phl;

	sbuf_reset(&ev->scratch);
	memset(h, 0, sizeof(*h));
	memset(&ev->u, 0, sizeof(ev->u));
	ev->body = NULL;
	ev->body_len = 0;
	if (!binlog_event_size(buf, len, fmt, &size))
		return false;
	h->timestamp = le32(buf);
	h->type = buf[4];
	h->server_id = le32(buf + 5);
	h->event_size = size;
	h->log_pos = le32(buf + 13);
	h->flags = le16(buf + 17);
	if (size > len)
	{
		event_error(fmt, h, "event truncated: %zu of its %" PRIu32 " bytes", len, size);
		return false;
	}

	has_crc = fmt->checksum_alg == BINLOG_CHECKSUM_CRC32;
	if (h->type == BINLOG_FORMAT_DESCRIPTION)
	{
		/* Its own last bytes say whether it, and what follows, has checksums. */
		binlog_format nf = *fmt;

		ev->body = buf + BINLOG_HEADER_LEN;
		err = parse_fde(buf, size, &nf, ev, &has_crc);
		if (err)
		{
			event_error(fmt, h, "%s", err);
			return false;
		}
		if (has_crc)
		{
			uint32_t stored = le32(buf + size - 4);
			/* The server computes it before setting the "in use" flag of an open binlog. */
			uint8_t flags_lo = (uint8_t) (buf[17] & ~BINLOG_FLAG_IN_USE);
			uLong crc = crc32(0L, buf, 17);
			uint32_t computed;

			crc = crc32(crc, &flags_lo, 1);
			crc = crc32(crc, buf + 18, size - 4 - 18);
			computed = (uint32_t) crc;
			if (stored != computed)
			{
				event_error(fmt, h, "checksum mismatch: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32, stored, computed);
				return false;
			}
		}
		/* Keep the caller's file name: a FORMAT_DESCRIPTION does not carry one. */
		*fmt = nf;
		ev->u.fde.server_version = fmt->server_version;
		ev->post_header_len = fmt->post_header_len[BINLOG_FORMAT_DESCRIPTION];
		return true;
	}

	if (size < (uint32_t) fmt->common_header_len + (has_crc ? 4 : 0))
	{
		event_error(fmt, h, "event shorter than its header");
		return false;
	}
	if (has_crc)
	{
		uint32_t stored = le32(buf + size - 4);
		uint32_t computed = (uint32_t) crc32(0L, buf, size - 4);

		if (stored != computed)
		{
			event_error(fmt, h, "checksum mismatch: stored 0x%08" PRIx32 ", computed 0x%08" PRIx32, stored, computed);
			return false;
		}
	}
	b = buf + fmt->common_header_len;
	blen = size - fmt->common_header_len - (has_crc ? 4 : 0);
	ev->body = b;
	ev->body_len = blen;
	phl = fmt->post_header_len[h->type];
	ev->post_header_len = phl;

	switch (h->type)
	{
		case BINLOG_ROTATE:
			if (blen < 8)
			{
				err = "event truncated";
				break;
			}
			ev->u.rotate.position = le_n(b, 8);
			ev->u.rotate.name = (const char *) b + 8;
			ev->u.rotate.name_len = blen - 8;
			break;
		case BINLOG_QUERY:
			err = parse_query(b, blen, phl, false, ev);
			break;
		case BINLOG_MARIA_QUERY_COMPRESSED:
			err = parse_query(b, blen, phl, true, ev);
			break;
		case BINLOG_XID:
			if (blen < 8)
				err = "event truncated";
			else
				ev->u.xid = le_n(b, 8);
			break;
		case BINLOG_GTID:
		case BINLOG_ANONYMOUS_GTID:
			err = parse_mysql_gtid(b, blen, h->type == BINLOG_ANONYMOUS_GTID, &ev->u.gtid);
			if (!err)
				gtid_text(&ev->u.gtid);
			break;
		case BINLOG_GTID_TAGGED:
			err = parse_tagged_gtid(b, blen, &ev->u.gtid);
			if (!err)
				gtid_text(&ev->u.gtid);
			break;
		case BINLOG_MARIA_GTID:
			err = parse_maria_gtid(b, blen, h->server_id, &ev->u.gtid);
			if (!err)
				gtid_text(&ev->u.gtid);
			break;
		case BINLOG_MARIA_GTID_LIST:
			if (blen < 4)
			{
				err = "event truncated";
				break;
			}
			/* The top 4 bits of the count are flags. */
			ev->u.gtid_list.count = le32(b) & 0x0fffffff;
			if ((blen - 4) / 16 < ev->u.gtid_list.count)
			{
				err = "GTID list runs past the event";
				break;
			}
			ev->u.gtid_list.entries = b + 4;
			break;
		case BINLOG_MARIA_BINLOG_CHECKPOINT:
			if (blen < 4 || blen - 4 < le32(b))
			{
				err = "event truncated";
				break;
			}
			ev->u.checkpoint.name = (const char *) b + 4;
			ev->u.checkpoint.name_len = le32(b);
			break;
		case BINLOG_MARIA_ANNOTATE_ROWS:
			ev->u.rows_query.sql = (const char *) b;
			ev->u.rows_query.sql_len = blen;
			break;
		case BINLOG_ROWS_QUERY:
			/* A length byte (truncated to 255, so ignored), then the text to the end. */
			if (blen < 1)
			{
				err = "event truncated";
				break;
			}
			ev->u.rows_query.sql = (const char *) b + 1;
			ev->u.rows_query.sql_len = blen - 1;
			break;
		case BINLOG_HEARTBEAT:
			ev->u.heartbeat.name = (const char *) b;
			ev->u.heartbeat.name_len = blen;
			break;
		case BINLOG_INCIDENT:
			if (blen < 3 || blen - 3 < b[2])
			{
				err = "event truncated";
				break;
			}
			ev->u.incident.type = le16(b);
			ev->u.incident.message = (const char *) b + 3;
			ev->u.incident.message_len = b[2];
			break;
		case BINLOG_TRANSACTION_PAYLOAD:
			err = parse_payload(b, blen, ev);
			break;
		default:
			if (binlog_type_is_rows(h->type))
				err = parse_rows(b, blen, h->type, phl, ev);
			break;
	}
	if (err)
	{
		event_error(fmt, h, "%s", err);
		return false;
	}
	return true;
}

bool
binlog_payload_decompress(const binlog_event *ev, const binlog_format *fmt, sbuf *out)
{
	const uint8_t *src = ev->u.payload.payload;
	size_t srclen = (size_t) ev->u.payload.payload_size;
	uint64_t want = ev->u.payload.uncompressed_size;
	ZSTD_DStream *zs;
	ZSTD_inBuffer in;
	size_t rc = 0;
	bool ok = true;

	sbuf_reset(out);
	if (ev->header.type != BINLOG_TRANSACTION_PAYLOAD)
	{
		event_error(fmt, &ev->header, "not a transaction payload");
		return false;
	}
	if (ev->u.payload.compression == 255)
	{
		sbuf_add(out, src, srclen);
		return true;
	}
	if (ev->u.payload.compression != 0)
	{
		event_error(fmt, &ev->header, "unknown payload compression %d", ev->u.payload.compression);
		return false;
	}
	if (want > BINLOG_MAX_UNCOMPRESSED)
	{
		event_error(fmt, &ev->header, "uncompressed payload too large: %" PRIu64 " bytes", want);
		return false;
	}
	zs = ZSTD_createDStream();
	if (zs == NULL)
	{
		event_error(fmt, &ev->header, "could not create a zstd stream");
		return false;
	}
	ZSTD_initDStream(zs);
	in.src = src;
	in.size = srclen;
	in.pos = 0;
	sbuf_grow(out, want ? (size_t) want + 1 : srclen * 4 + 1);
	/* A stream may hold several frames; the output grows up to a bound. */
	for (;;)
	{
		ZSTD_outBuffer o;

		if (out->cap - out->len <= 1)
		{
			if (out->len >= BINLOG_MAX_UNCOMPRESSED)
			{
				event_error(fmt, &ev->header, "uncompressed payload too large");
				ok = false;
				break;
			}
			sbuf_grow(out, out->len + 1);
		}
		o.dst = out->data + out->len;
		o.size = out->cap - out->len - 1;
		o.pos = 0;
		rc = ZSTD_decompressStream(zs, &o, &in);
		if (ZSTD_isError(rc))
		{
			event_error(fmt, &ev->header, "corrupt zstd payload: %s", ZSTD_getErrorName(rc));
			ok = false;
			break;
		}
		sbuf_setlen(out, out->len + o.pos);
		/* Done when the input is used up and the output was not cut short by its room. */
		if (in.pos == in.size && o.pos < o.size)
			break;
	}
	ZSTD_freeDStream(zs);
	if (ok && rc != 0)
	{
		event_error(fmt, &ev->header, "zstd payload ends inside a frame");
		ok = false;
	}
	if (ok && want && out->len != want)
	{
		event_error(fmt, &ev->header, "payload inflates to %zu bytes, the header says %" PRIu64, out->len, want);
		ok = false;
	}
	return ok;
}

void
binlog_gtid_list_format(const binlog_event *ev, sbuf *out)
{
	for (uint32_t i = 0; i < ev->u.gtid_list.count; i++)
	{
		const uint8_t *e = ev->u.gtid_list.entries + (size_t) i * 16;

		if (i)
			sbuf_addch(out, ',');
		sbuf_addf(out, "%" PRIu32 "-%" PRIu32 "-%" PRIu64, le32(e), le32(e + 4), le_n(e + 8, 8));
	}
}

bool
binlog_previous_gtids_format(const binlog_event *ev, sbuf *out)
{
	const uint8_t *p = ev->body;
	const uint8_t *end = ev->body + ev->body_len;
	uint64_t head;
	uint64_t nsids;
	bool tagged;
	binlog_format dummy;

	binlog_format_init(&dummy, BINLOG_CHECKSUM_OFF, NULL);
	if (end - p < 8)
		goto bad;
	head = le_n(p, 8);
	p += 8;
	/* The top byte is the format: 1 is MySQL 8.4's tagged form, where n_sids is bits 8-55. */
	tagged = (head >> 56) != 0;
	nsids = tagged ? (head >> 8) & (((uint64_t) 1 << 48) - 1) : head & (((uint64_t) 1 << 56) - 1);
	for (uint64_t i = 0; i < nsids; i++)
	{
		char uuid[40];
		const char *tag = NULL;
		uint64_t taglen = 0;
		uint64_t nint;

		if (end - p < 16)
			goto bad;
		format_uuid(p, uuid);
		p += 16;
		if (tagged)
		{
			if (!read_varlen(&p, end, &taglen) || taglen > (uint64_t) (end - p))
				goto bad;
			tag = (const char *) p;
			p += taglen;
		}
		if (end - p < 8)
			goto bad;
		nint = le_n(p, 8);
		p += 8;
		if (nint > (uint64_t) (end - p) / 16)
			goto bad;
		if (i)
			sbuf_addch(out, ',');
		sbuf_addstr(out, uuid);
		if (taglen)
		{
			sbuf_addch(out, ':');
			sbuf_add(out, tag, (size_t) taglen);
		}
		for (uint64_t k = 0; k < nint; k++)
		{
			uint64_t start = le_n(p, 8);
			uint64_t stop = le_n(p + 8, 8); /* exclusive */

			p += 16;
			if (stop <= start)
				goto bad;
			if (stop - 1 == start)
				sbuf_addf(out, ":%" PRIu64, start);
			else
				sbuf_addf(out, ":%" PRIu64 "-%" PRIu64, start, stop - 1);
		}
	}
	return true;

bad:
	event_error(&dummy, &ev->header, "malformed GTID set");
	return false;
}
