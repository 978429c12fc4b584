/* binlog.h: MySQL/MariaDB binary log events: framing, checksums, headers and event bodies. */
#ifndef CHAM_BINLOG_H
#define CHAM_BINLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/* A binlog file starts with these 4 bytes; the first event follows at offset 4. */
#define BINLOG_MAGIC "\xfe" \
					 "bin"
#define BINLOG_MAGIC_LEN 4

/* The v4 common header: timestamp 4, type 1, server_id 4, event_size 4, log_pos 4, flags 2. */
#define BINLOG_HEADER_LEN 19

/* Event types, MySQL's and MariaDB's (160 and up). */
enum binlog_event_type
{
	BINLOG_UNKNOWN = 0,
	BINLOG_START_V3 = 1,
	BINLOG_QUERY = 2,
	BINLOG_STOP = 3,
	BINLOG_ROTATE = 4,
	BINLOG_INTVAR = 5,
	BINLOG_SLAVE = 7,
	BINLOG_APPEND_BLOCK = 9,
	BINLOG_DELETE_FILE = 11,
	BINLOG_RAND = 13,
	BINLOG_USER_VAR = 14,
	BINLOG_FORMAT_DESCRIPTION = 15,
	BINLOG_XID = 16,
	BINLOG_BEGIN_LOAD_QUERY = 17,
	BINLOG_EXECUTE_LOAD_QUERY = 18,
	BINLOG_TABLE_MAP = 19,
	BINLOG_WRITE_ROWS_V1 = 23,
	BINLOG_UPDATE_ROWS_V1 = 24,
	BINLOG_DELETE_ROWS_V1 = 25,
	BINLOG_INCIDENT = 26,
	BINLOG_HEARTBEAT = 27,
	BINLOG_IGNORABLE = 28,
	BINLOG_ROWS_QUERY = 29,
	BINLOG_WRITE_ROWS = 30,
	BINLOG_UPDATE_ROWS = 31,
	BINLOG_DELETE_ROWS = 32,
	BINLOG_GTID = 33,
	BINLOG_ANONYMOUS_GTID = 34,
	BINLOG_PREVIOUS_GTIDS = 35,
	BINLOG_TRANSACTION_CONTEXT = 36,
	BINLOG_VIEW_CHANGE = 37,
	BINLOG_XA_PREPARE = 38,
	BINLOG_PARTIAL_UPDATE_ROWS = 39,
	BINLOG_TRANSACTION_PAYLOAD = 40,
	BINLOG_HEARTBEAT_V2 = 41,
	BINLOG_GTID_TAGGED = 42,
	BINLOG_MARIA_ANNOTATE_ROWS = 160,
	BINLOG_MARIA_BINLOG_CHECKPOINT = 161,
	BINLOG_MARIA_GTID = 162,
	BINLOG_MARIA_GTID_LIST = 163,
	BINLOG_MARIA_START_ENCRYPTION = 164,
	BINLOG_MARIA_QUERY_COMPRESSED = 165,
	BINLOG_MARIA_WRITE_ROWS_COMPRESSED_V1 = 166,
	BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_V1 = 167,
	BINLOG_MARIA_DELETE_ROWS_COMPRESSED_V1 = 168,
	BINLOG_MARIA_WRITE_ROWS_COMPRESSED = 169,
	BINLOG_MARIA_UPDATE_ROWS_COMPRESSED = 170,
	BINLOG_MARIA_DELETE_ROWS_COMPRESSED = 171,
};

/* Header flags. */
#define BINLOG_FLAG_IN_USE	   0x0001 /* the file was not closed properly */
#define BINLOG_FLAG_ARTIFICIAL 0x0020 /* made up by the server (the first ROTATE of a stream) */

/* The checksum algorithm: FORMAT_DESCRIPTION's last byte, or what the server says it uses. */
#define BINLOG_CHECKSUM_OFF	  0
#define BINLOG_CHECKSUM_CRC32 1

/* The largest decompressed event or payload accepted (MySQL's max_allowed_packet limit). */
#define BINLOG_MAX_UNCOMPRESSED (1024u * 1024u * 1024u)

/*
 * What a reader must know to split events: the last FORMAT_DESCRIPTION seen
 * (header and post-header lengths, checksums) and where the events come from.
 * A plain value: copy it freely.
 */
typedef struct binlog_format
{
	uint16_t binlog_version;
	char server_version[51]; /* NUL-terminated */
	int version[3];			 /* major, minor, patch parsed from server_version */
	bool mariadb;			 /* server_version names MariaDB */
	uint32_t created;		 /* FORMAT_DESCRIPTION's create timestamp */
	uint8_t common_header_len;
	uint8_t post_header_len[256]; /* by event type; from the FORMAT_DESCRIPTION, else defaults */
	int checksum_alg;			  /* BINLOG_CHECKSUM_OFF or BINLOG_CHECKSUM_CRC32 */
	char log_name[256];			  /* the file the events come from, for messages; the caller sets it (ROTATE) */
} binlog_format;

/*
 * Defaults for a v4 binlog before its FORMAT_DESCRIPTION arrives: a reader of
 * the replication protocol passes the checksum the server uses
 * (@@global.binlog_checksum), because the first, artificial ROTATE carries one.
 * log_name may be NULL.
 */
void binlog_format_init(binlog_format *fmt, int checksum_alg, const char *log_name);

/* The format of the events inside a TRANSACTION_PAYLOAD: the same, without checksums. */
void binlog_format_inner(const binlog_format *outer, binlog_format *inner);

typedef struct binlog_header
{
	uint32_t timestamp; /* seconds since the epoch when the statement began */
	uint8_t type;		/* enum binlog_event_type */
	uint32_t server_id;
	uint32_t event_size; /* the whole event, header and checksum included */
	uint32_t log_pos;	 /* the position after this event in its file; 0 when not known */
	uint16_t flags;
} binlog_header;

/* QUERY and MariaDB's QUERY_COMPRESSED. */
typedef struct binlog_query
{
	uint32_t thread_id;
	uint32_t exec_time;
	uint16_t error_code;
	const uint8_t *status_vars; /* the raw status variables */
	size_t status_vars_len;
	const char *schema; /* the default schema, not NUL-terminated; length 0 when none */
	size_t schema_len;
	const char *sql; /* the statement, not NUL-terminated (may be in the event's scratch) */
	size_t sql_len;
	/* Status variables decoded (has_* says which were present). */
	bool has_flags2;
	uint32_t flags2;
	bool has_sql_mode;
	uint64_t sql_mode;
	bool has_charset;
	uint16_t charset_client; /* collation ids */
	uint16_t collation_connection;
	uint16_t collation_server;
	const char *time_zone; /* not NUL-terminated; NULL when absent */
	size_t time_zone_len;
	bool has_xid; /* MariaDB: a DDL logged with its xid */
	uint64_t xid;
} binlog_query;

/* GTID, ANONYMOUS_GTID, GTID_TAGGED (MySQL) and MariaDB's GTID. */
typedef struct binlog_gtid
{
	bool mariadb;
	/* MySQL */
	bool anonymous;
	uint8_t flags;	 /* 1: may contain statement-based events */
	uint8_t sid[16]; /* the source UUID */
	char tag[33];	 /* MySQL 8.4 tagged GTIDs; empty when none */
	uint64_t gno;
	uint64_t last_committed;
	uint64_t sequence_number;
	uint64_t immediate_commit_us; /* microseconds since the epoch; 0 when absent */
	uint64_t original_commit_us;
	uint64_t transaction_length;
	/* MariaDB */
	uint32_t domain_id;
	uint32_t server_id;
	uint64_t seq_no;
	uint8_t flags2;		/* BINLOG_MARIA_GTID_* */
	uint64_t commit_id; /* group commit id when flags2 has GROUP_COMMIT_ID */
	/* "uuid:gno", "uuid:tag:gno" or "domain-server-seq"; empty for an anonymous GTID */
	char text[96];
} binlog_gtid;

/* MariaDB GTID flags2. */
#define BINLOG_MARIA_GTID_STANDALONE	  0x01 /* no COMMIT/XID follows: a DDL or non-transactional statement */
#define BINLOG_MARIA_GTID_GROUP_COMMIT_ID 0x02
#define BINLOG_MARIA_GTID_TRANSACTIONAL	  0x04
#define BINLOG_MARIA_GTID_ALLOW_PARALLEL  0x08
#define BINLOG_MARIA_GTID_WAITED		  0x10
#define BINLOG_MARIA_GTID_DDL			  0x20
#define BINLOG_MARIA_GTID_PREPARED_XA	  0x40
#define BINLOG_MARIA_GTID_COMPLETED_XA	  0x80

/* Rows events: v1 and v2, MariaDB's compressed ones, MySQL's PARTIAL_UPDATE_ROWS. */
enum binlog_rows_kind
{
	BINLOG_ROWS_WRITE = 1,
	BINLOG_ROWS_UPDATE,
	BINLOG_ROWS_DELETE,
};

#define BINLOG_ROWS_FLAG_STMT_END 0x0001 /* the last rows event of a statement */

typedef struct binlog_rows
{
	enum binlog_rows_kind kind;
	int version;		  /* 1 (types 23-25, 166-168) or 2 */
	bool partial;		  /* PARTIAL_UPDATE_ROWS: JSON columns of the after image may be diffs */
	bool compressed;	  /* a MariaDB compressed event (rows is the inflated copy) */
	uint64_t table_id;	  /* the TABLE_MAP this event refers to */
	uint16_t flags;		  /* BINLOG_ROWS_FLAG_* */
	const uint8_t *extra; /* v2 extra data (without its 2 length bytes); NULL when none */
	size_t extra_len;
	uint32_t ncols;				/* columns of the table */
	const uint8_t *cols_before; /* columns in the before image (delete, update): (ncols+7)/8 bytes */
	const uint8_t *cols_after;	/* columns in the after image (write, update); for write and delete both point to the one bitmap */
	const uint8_t *rows;		/* the row images */
	size_t rows_len;
} binlog_rows;

typedef struct binlog_fde
{
	uint16_t binlog_version;
	const char *server_version; /* the format's copy */
	int checksum_alg;
} binlog_fde;

/* One parsed event. Pointers point into the buffer given to binlog_event_parse()
 * or into scratch; they are valid until either changes. */
typedef struct binlog_event
{
	binlog_header header;
	const uint8_t *body; /* after the common header and without the checksum */
	size_t body_len;
	uint8_t post_header_len; /* of this event type in its format */
	union
	{
		binlog_fde fde;
		struct
		{
			uint64_t position;
			const char *name; /* not NUL-terminated */
			size_t name_len;
		} rotate;
		binlog_query query;
		uint64_t xid;
		binlog_gtid gtid;
		struct
		{
			uint32_t count;
			const uint8_t *entries; /* count * (domain 4, server 4, seq 8) */
		} gtid_list;				/* MariaDB */
		struct
		{
			const char *name;
			size_t name_len;
		} checkpoint; /* MariaDB BINLOG_CHECKPOINT */
		struct
		{
			const char *sql; /* ANNOTATE_ROWS (MariaDB), ROWS_QUERY (MySQL) */
			size_t sql_len;
		} rows_query;
		struct
		{
			const char *name; /* HEARTBEAT: the current file name */
			size_t name_len;
		} heartbeat;
		struct
		{
			uint64_t payload_size;
			int compression; /* 0 zstd, 255 none */
			uint64_t uncompressed_size;
			const uint8_t *payload;
		} payload; /* TRANSACTION_PAYLOAD */
		struct
		{
			uint16_t type;
			const char *message;
			size_t message_len;
		} incident;
		binlog_rows rows;
	} u;
	sbuf scratch; /* owned: inflated MariaDB compressed events */
} binlog_event;

void binlog_event_init(binlog_event *ev);
void binlog_event_release(binlog_event *ev);

/*
 * Reads the size of the event at buf from its header. Returns false (and
 * logs) when fewer than BINLOG_HEADER_LEN bytes are given or the size is
 * impossible; the event may be longer than len (read more, then parse).
 */
bool binlog_event_size(const uint8_t *buf, size_t len, const binlog_format *fmt, uint32_t *size);

/*
 * Parses one whole event: buf holds exactly header.event_size bytes or more
 * (the rest is ignored). Verifies the CRC32 when the format has checksums,
 * decodes the header and the body of the types above (other types keep only
 * body/body_len), inflates MariaDB compressed events into ev->scratch. A
 * FORMAT_DESCRIPTION updates fmt. Returns false on a truncated, corrupt or
 * unsupported event, after logging what and where (the event's position).
 * Nothing is read outside buf[0..len).
 */
bool binlog_event_parse(const uint8_t *buf, size_t len, binlog_format *fmt, binlog_event *ev);

/* The name of an event type ("WRITE_ROWS_V2", "MARIA_GTID", ...); "UNKNOWN" for others. */
const char *binlog_event_type_name(uint8_t type);

/* True for the types binlog_event_parse() gives u.rows for. */
bool binlog_type_is_rows(uint8_t type);

/*
 * Inflates a TRANSACTION_PAYLOAD's events into out (replacing its content).
 * The inner events follow one another with no checksums: parse them with
 * binlog_format_inner(). Returns false (logged) on a corrupt payload.
 */
bool binlog_payload_decompress(const binlog_event *ev, const binlog_format *fmt, sbuf *out);

/* Appends a MariaDB GTID_LIST as "d-s-n,d-s-n" (empty for an empty list). */
void binlog_gtid_list_format(const binlog_event *ev, sbuf *out);

/*
 * Appends MySQL's PREVIOUS_GTIDS as a GTID set ("uuid:1-13,uuid:tag:1-2"
 * with intervals end-inclusive, MySQL's text form). Returns false (logged)
 * when the event is malformed.
 */
bool binlog_previous_gtids_format(const binlog_event *ev, sbuf *out);

/* Appends a 16-byte UUID as 8-4-4-4-12 lower-case hex. */
void binlog_uuid_format(const uint8_t uuid[16], sbuf *out);

/* Where an event starts in its file, for messages: log_pos - event_size, or 0 when unknown. */
uint64_t binlog_event_start(const binlog_header *h);

/* The MySQL/MariaDB packed integer at *p (1, 3, 4 or 9 bytes); false when it runs past end. */
bool binlog_read_packed(const uint8_t **p, const uint8_t *end, uint64_t *v);

#endif
