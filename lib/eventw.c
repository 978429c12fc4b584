/* eventw.c: the event stream's JSON Lines, one writer for every kind. */
#include "eventw.h"

#include <inttypes.h>
#include <string.h>

#include "jsonw.h"

static void
add_string(sbuf *out, const char *s)
{
	jsonw_string(out, s, strlen(s));
}

static void
add_position(sbuf *out, const char *key, const char *file, uint64_t pos)
{
	sbuf text = SBUF_INIT;

	sbuf_addf(&text, "%s:%" PRIu64, file, pos);
	jsonw_key(out, false, key);
	jsonw_string(out, text.data, text.len);
	sbuf_release(&text);
}

static void
add_gtid_ts(sbuf *out, const char *gtid, time_t ts)
{
	if (gtid)
	{
		jsonw_key(out, false, "gtid");
		add_string(out, gtid);
	}
	sbuf_addf(out, ",\"ts\":%lld", (long long) ts);
}

void
eventw_hello(sbuf *out, const char *flavor, const char *version, unsigned long server_id,
			 const char *start_file, uint64_t start_pos)
{
	sbuf_addstr(out, "{\"k\":\"hello\",\"v\":1");
	jsonw_key(out, false, "flavor");
	add_string(out, flavor);
	jsonw_key(out, false, "version");
	add_string(out, version);
	sbuf_addf(out, ",\"server_id\":%lu", server_id);
	add_position(out, "start", start_file, start_pos);
	sbuf_addstr(out, "}\n");
}

void
eventw_begin(sbuf *out, const char *file, uint64_t pos, const char *gtid, time_t ts)
{
	sbuf_addstr(out, "{\"k\":\"begin\"");
	add_position(out, "pos", file, pos);
	add_gtid_ts(out, gtid, ts);
	sbuf_addstr(out, "}\n");
}

void
eventw_commit(sbuf *out, const char *file, uint64_t pos, const char *gtid, uint64_t xid, time_t ts)
{
	sbuf_addstr(out, "{\"k\":\"commit\"");
	add_position(out, "pos", file, pos);
	if (gtid)
	{
		jsonw_key(out, false, "gtid");
		add_string(out, gtid);
	}
	if (xid)
		sbuf_addf(out, ",\"xid\":%" PRIu64, xid);
	sbuf_addf(out, ",\"ts\":%lld}\n", (long long) ts);
}

void
eventw_ddl(sbuf *out, const char *schema, const char *sql, size_t sql_len, const char *file, uint64_t pos,
		   const char *gtid, time_t ts)
{
	sbuf_addstr(out, "{\"k\":\"ddl\"");
	jsonw_key(out, false, "s");
	if (schema && *schema)
		add_string(out, schema);
	else
		jsonw_null(out);
	jsonw_key(out, false, "sql");
	jsonw_string(out, sql, sql_len);
	add_position(out, "pos", file, pos);
	add_gtid_ts(out, gtid, ts);
	sbuf_addstr(out, "}\n");
}

void
eventw_heartbeat(sbuf *out, const char *file, uint64_t pos, time_t ts)
{
	sbuf_addstr(out, "{\"k\":\"heartbeat\"");
	add_position(out, "pos", file, pos);
	sbuf_addf(out, ",\"ts\":%lld}\n", (long long) ts);
}

void
eventw_row_start(sbuf *out, const char *kind, const char *schema, const char *table)
{
	sbuf_addstr(out, "{\"k\":\"");
	sbuf_addstr(out, kind);
	sbuf_addstr(out, "\",\"s\":");
	add_string(out, schema);
	sbuf_addstr(out, ",\"t\":");
	add_string(out, table);
}

void
eventw_image_start(sbuf *out, const char *name)
{
	sbuf_addf(out, ",\"%s\":{", name);
}

void
eventw_value(sbuf *out, bool first, const char *column, const char *value, size_t len, bool is_null)
{
	jsonw_key(out, first, column);
	if (is_null)
		jsonw_null(out);
	else
		jsonw_string(out, value, len);
}

void
eventw_value_keyed(sbuf *out, bool first, const sbuf *key, const char *value, size_t len, bool is_null)
{
	if (!first)
		sbuf_addch(out, ',');
	sbuf_add(out, key->data, key->len);
	if (is_null)
		jsonw_null(out);
	else
		jsonw_string(out, value, len);
}

void
eventw_image_end(sbuf *out)
{
	sbuf_addch(out, '}');
}

void
eventw_key(sbuf *out, char *const *names, int n)
{
	sbuf_addstr(out, ",\"key\":[");
	for (int i = 0; i < n; i++)
	{
		if (i)
			sbuf_addch(out, ',');
		add_string(out, names[i]);
	}
	sbuf_addch(out, ']');
}

void
eventw_row_end(sbuf *out)
{
	sbuf_addstr(out, "}\n");
}
