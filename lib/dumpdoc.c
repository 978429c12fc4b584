/* dumpdoc.c: the JSON documents of a dump directory (coordinates, catalog, manifest). */
#include "dumpdoc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonw.h"
#include "version.h"
#include "xalloc.h"

static void
key_str(sbuf *b, bool first, const char *key, const char *value)
{
	jsonw_key(b, first, key);
	if (value)
		jsonw_string(b, value, strlen(value));
	else
		jsonw_null(b);
}

static void
key_uint(sbuf *b, bool first, const char *key, uint64_t value)
{
	jsonw_key(b, first, key);
	jsonw_uint(b, value);
}

static void
key_bool(sbuf *b, bool first, const char *key, bool value)
{
	jsonw_key(b, first, key);
	jsonw_bool(b, value);
}

static void
string_array(sbuf *b, char *const *v, int n)
{
	sbuf_addch(b, '[');
	for (int i = 0; i < n; i++)
	{
		if (i)
			sbuf_addch(b, ',');
		jsonw_string(b, v[i], strlen(v[i]));
	}
	sbuf_addch(b, ']');
}

void
dumpdoc_coordinates(const binlog_coordinates *c, sbuf *out)
{
	sbuf_addch(out, '{');
	key_str(out, true, "file", c->file);
	jsonw_key(out, false, "pos");
	if (c->file)
		jsonw_uint(out, c->pos);
	else
		jsonw_null(out);
	key_str(out, false, "gtid", c->gtid_set);
	key_uint(out, false, "server_id", c->server_id);
	key_str(out, false, "server_uuid", c->server_uuid);
	key_str(out, false, "flavor", c->flavor);
	key_str(out, false, "version", c->version);
	key_str(out, false, "source", c->source);
	key_str(out, false, "taken_at", c->taken_at);
	jsonw_key(out, false, "lock_ms");
	sbuf_addf(out, "%.3f", c->lock_ms);
	sbuf_addstr(out, "}\n");
}

static void
column_json(sbuf *b, const cat_column *col)
{
	sbuf_addch(b, '{');
	key_str(b, true, "name", col->name);
	key_str(b, false, "pg_name", col->pg_name);
	key_str(b, false, "type", col->column_type);
	key_str(b, false, "pg_type", col->pgtype.sql);
	key_bool(b, false, "nullable", col->nullable);
	key_str(b, false, "default", col->default_value);
	if (col->default_is_null)
		key_bool(b, false, "default_null", true);
	key_str(b, false, "extra", col->extra && *col->extra ? col->extra : NULL);
	key_str(b, false, "generated", col->generation_expression);
	key_str(b, false, "charset", col->charset);
	key_str(b, false, "collation", col->collation);
	key_str(b, false, "comment", col->comment);
	key_bool(b, false, "auto_increment", col->auto_increment);
	if (col->type.nlabels)
	{
		jsonw_key(b, false, col->type.kind == MYT_SET ? "set" : "enum");
		string_array(b, col->type.labels, col->type.nlabels);
	}
	if (col->zero_dates_seen)
		key_uint(b, false, "zero_dates", col->zero_dates_seen);
	sbuf_addch(b, '}');
}

static void
index_json(sbuf *b, const cat_index *ix)
{
	sbuf_addch(b, '{');
	key_str(b, true, "name", ix->name);
	key_str(b, false, "pg_name", ix->pg_name);
	key_bool(b, false, "primary", ix->primary);
	key_bool(b, false, "unique", ix->unique);
	key_str(b, false, "type", ix->index_type);
	jsonw_key(b, false, "columns");
	string_array(b, ix->columns, ix->ncols);
	jsonw_key(b, false, "prefix");
	sbuf_addch(b, '[');
	for (int i = 0; i < ix->ncols; i++)
		sbuf_addf(b, "%s%d", i ? "," : "", ix->sub_part[i]);
	sbuf_addch(b, ']');
	sbuf_addch(b, '}');
}

static void
fk_json(sbuf *b, const cat_fk *fk)
{
	sbuf_addch(b, '{');
	key_str(b, true, "name", fk->name);
	key_str(b, false, "pg_name", fk->pg_name);
	jsonw_key(b, false, "columns");
	string_array(b, fk->columns, fk->ncols);
	key_str(b, false, "ref_schema", fk->ref_schema);
	key_str(b, false, "ref_table", fk->ref_table);
	jsonw_key(b, false, "ref_columns");
	string_array(b, fk->ref_columns, fk->ncols);
	key_str(b, false, "on_update", fk->on_update);
	key_str(b, false, "on_delete", fk->on_delete);
	sbuf_addch(b, '}');
}

void
dumpdoc_catalog(const catalog *cat, sbuf *out)
{
	sbuf_addstr(out, "{\"format\":1,\"tables\":[");
	for (int i = 0; i < cat->ntables; i++)
	{
		const cat_table *t = &cat->tables[i];

		sbuf_addstr(out, i ? ",\n{" : "\n{");
		key_str(out, true, "schema", t->schema);
		key_str(out, false, "name", t->name);
		key_str(out, false, "pg_schema", t->pg_schema);
		key_str(out, false, "pg_name", t->pg_name);
		key_str(out, false, "engine", t->engine);
		key_str(out, false, "comment", t->comment);
		key_uint(out, false, "auto_increment", t->auto_increment);
		key_uint(out, false, "row_estimate", t->row_estimate);
		key_uint(out, false, "data_length", t->data_length);
		jsonw_key(out, false, "columns");
		sbuf_addch(out, '[');
		for (int c = 0; c < t->ncols; c++)
		{
			if (c)
				sbuf_addch(out, ',');
			column_json(out, &t->cols[c]);
		}
		sbuf_addch(out, ']');
		jsonw_key(out, false, "indexes");
		sbuf_addch(out, '[');
		for (int x = 0; x < t->nindexes; x++)
		{
			if (x)
				sbuf_addch(out, ',');
			index_json(out, &t->indexes[x]);
		}
		sbuf_addch(out, ']');
		jsonw_key(out, false, "foreign_keys");
		sbuf_addch(out, '[');
		for (int f = 0; f < t->nfks; f++)
		{
			if (f)
				sbuf_addch(out, ',');
			fk_json(out, &t->fks[f]);
		}
		sbuf_addch(out, ']');
		jsonw_key(out, false, "checks_not_migrated");
		string_array(out, t->checks, t->nchecks);
		sbuf_addch(out, '}');
	}
	sbuf_addstr(out, "],\n\"not_migrated\":[");
	for (int i = 0; i < cat->nobjects; i++)
	{
		sbuf_addstr(out, i ? ",\n{" : "\n{");
		key_str(out, true, "schema", cat->objects[i].schema);
		key_str(out, false, "name", cat->objects[i].name);
		key_str(out, false, "kind", cat->objects[i].kind);
		sbuf_addch(out, '}');
	}
	sbuf_addstr(out, "]}\n");
}

static int
compare_chunk_order(const void *a, const void *b)
{
	const dump_chunk *x = *(const dump_chunk *const *) a;
	const dump_chunk *y = *(const dump_chunk *const *) b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	return x->number - y->number;
}

void
dumpdoc_manifest(const catalog *cat, const dump_chunk *chunks, int nchunks,
				 const binlog_coordinates *coords, double elapsed, sbuf *out)
{
	const dump_chunk **order = xcalloc((size_t) (nchunks ? nchunks : 1), sizeof(dump_chunk *));
	uint64_t total_rows = 0,
			 total_bytes = 0;
	int k = 0;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Tables are contiguous in cat->tables, so pointer order is catalog order. */
	for (int i = 0; i < nchunks; i++)
		order[i] = &chunks[i];
	qsort(order, (size_t) nchunks, sizeof(dump_chunk *), compare_chunk_order);

	sbuf_addf(out, "{\"format\":%d", DUMP_FORMAT_VERSION);
	key_str(out, false, "tool", "cham-dump " CHAM_VERSION);
	key_str(out, false, "created_at", stamp);
	key_str(out, false, "binlog_file", coords->file);
	key_uint(out, false, "binlog_pos", coords->pos);
	key_str(out, false, "gtid", coords->gtid_set);
	jsonw_key(out, false, "seconds");
	sbuf_addf(out, "%.3f", elapsed);
	sbuf_addstr(out, ",\"tables\":[");
	for (int i = 0; i < cat->ntables; i++)
	{
		const cat_table *t = &cat->tables[i];
		uint64_t rows = 0,
				 bytes = 0;
		int first = k;

		while (k < nchunks && order[k]->table == t)
		{
			rows += order[k]->rows;
			bytes += order[k]->bytes;
			k++;
		}
		sbuf_addstr(out, i ? ",\n{" : "\n{");
		key_str(out, true, "schema", t->schema);
		key_str(out, false, "table", t->name);
		key_str(out, false, "pg_schema", t->pg_schema);
		key_str(out, false, "pg_table", t->pg_name);
		key_uint(out, false, "rows", rows);
		key_uint(out, false, "bytes", bytes);
		sbuf_addstr(out, ",\"chunks\":[");
		for (int j = first; j < k; j++)
		{
			const dump_chunk *ch = order[j];

			sbuf_addstr(out, j > first ? ",{" : "{");
			key_str(out, true, "file", ch->file);
			key_uint(out, false, "rows", ch->rows);
			key_uint(out, false, "bytes", ch->bytes);
			key_str(out, false, "checksum", ch->checksum);
			key_str(out, false, "where", ch->where);
			sbuf_addch(out, '}');
		}
		sbuf_addstr(out, "]}");
		total_rows += rows;
		total_bytes += bytes;
	}
	sbuf_addstr(out, "]");
	key_uint(out, false, "total_rows", total_rows);
	key_uint(out, false, "total_bytes", total_bytes);
	sbuf_addstr(out, "}\n");
	free(order);
}
