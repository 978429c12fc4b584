/* dumpread.c: reading and checking a dump directory written by cham-dump. */
#include "dumpread.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "datafile.h"
#include "logging.h"
#include "xalloc.h"

/* Parses a whole JSON file; logs with the file name on failure. The caller puts the object. */
static json_object *
read_json(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	json_object *obj;
	struct stat sb;

	if (stat(path, &sb) != 0)
	{
		if (errno == ENOENT && strcmp(name, "manifest.json") == 0)
			log_error("\"%s\" is not a complete dump: it has no manifest.json", dir);
		else
			log_error("could not open file \"%s\": %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	obj = json_object_from_file(path);
	if (obj == NULL || !json_object_is_type(obj, json_type_object))
	{
		log_error("file \"%s\" is not a valid JSON object: %s", path, json_util_get_last_err() ? json_util_get_last_err() : "not an object");
		json_object_put(obj);
		obj = NULL;
	}
	free(path);
	return obj;
}

static const char *
get_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool
get_uint(json_object *o, const char *key, uint64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

static char *
dup_opt(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static bool
bad(const char *dir, const char *file, const char *what)
{
	log_error("file \"%s/%s\" is malformed: %s", dir, file, what);
	return false;
}

/* A chunk file name must stay inside the dump directory. */
static bool
safe_relative_path(const char *p)
{
	return p[0] != '/' && strstr(p, "..") == NULL;
}

static bool
read_manifest(const char *dir, json_object *m, dump_dir *d)
{
	json_object *tables;
	size_t n;

	if (!json_object_object_get_ex(m, "tables", &tables) || !json_object_is_type(tables, json_type_array))
		return bad(dir, "manifest.json", "no \"tables\" array");
	n = json_object_array_length(tables);
	d->tables = xcalloc(n ? n : 1, sizeof(dump_table));
	for (size_t i = 0; i < n; i++)
	{
		json_object *t = json_object_array_get_idx(tables, i);
		json_object *chunks;
		dump_table *dt = &d->tables[d->ntables];
		const char *schema = get_string(t, "schema"),
				   *name = get_string(t, "table"),
				   *pg_schema = get_string(t, "pg_schema"),
				   *pg_name = get_string(t, "pg_table");
		size_t nc;

		if (!schema || !name || !pg_schema || !pg_name)
			return bad(dir, "manifest.json", "a table without schema, table, pg_schema or pg_table");
		d->ntables++;
		dt->schema = xstrdup(schema);
		dt->name = xstrdup(name);
		dt->pg_schema = xstrdup(pg_schema);
		dt->pg_name = xstrdup(pg_name);
		get_uint(t, "rows", &dt->rows);
		get_uint(t, "bytes", &dt->bytes);
		if (!json_object_object_get_ex(t, "chunks", &chunks) || !json_object_is_type(chunks, json_type_array))
			return bad(dir, "manifest.json", "a table without a \"chunks\" array");
		nc = json_object_array_length(chunks);
		dt->files = xcalloc(nc ? nc : 1, sizeof(dump_file));
		for (size_t j = 0; j < nc; j++)
		{
			json_object *c = json_object_array_get_idx(chunks, j);
			dump_file *f = &dt->files[dt->nfiles];
			const char *file = get_string(c, "file");
			const char *sum = get_string(c, "checksum");

			if (!file || !sum || !get_uint(c, "rows", &f->rows) || !get_uint(c, "bytes", &f->bytes))
				return bad(dir, "manifest.json", "a chunk without file, rows, bytes or checksum");
			if (!safe_relative_path(file))
				return bad(dir, "manifest.json", "a chunk file outside the dump directory");
			dt->nfiles++;
			f->file = xstrdup(file);
			f->path = xasprintf("%s/%s", dir, file);
			f->checksum = xstrdup(sum);
		}
	}
	return true;
}

static bool
read_coordinates(const char *dir, json_object *c, dump_dir *d)
{
	const char *taken = get_string(c, "taken_at");

	d->binlog_file = dup_opt(get_string(c, "file"));
	get_uint(c, "pos", &d->binlog_pos);
	d->gtid = dup_opt(get_string(c, "gtid"));
	d->flavor = dup_opt(get_string(c, "flavor"));
	d->source = dup_opt(get_string(c, "source"));
	get_uint(c, "server_id", &d->server_id);
	if (taken == NULL)
		return bad(dir, "coordinates.json", "no \"taken_at\"");
	d->taken_at = xstrdup(taken);
	d->dump_id = xasprintf("%s %s:%llu", taken, d->binlog_file ? d->binlog_file : "-",
						   (unsigned long long) d->binlog_pos);
	return true;
}

static bool
read_columns(const char *dir, json_object *cat, dump_dir *d)
{
	json_object *tables;
	size_t n;

	if (!json_object_object_get_ex(cat, "tables", &tables) || !json_object_is_type(tables, json_type_array))
		return bad(dir, "catalog.json", "no \"tables\" array");
	n = json_object_array_length(tables);
	for (size_t i = 0; i < n; i++)
	{
		json_object *t = json_object_array_get_idx(tables, i);
		json_object *cols;
		const char *schema = get_string(t, "schema");
		const char *name = get_string(t, "name");

		if (!schema || !name || !json_object_object_get_ex(t, "columns", &cols) ||
			!json_object_is_type(cols, json_type_array))
			return bad(dir, "catalog.json", "a table without schema, name or columns");
		for (int k = 0; k < d->ntables; k++)
		{
			dump_table *dt = &d->tables[k];
			size_t nc = json_object_array_length(cols);

			if (strcmp(dt->schema, schema) != 0 || strcmp(dt->name, name) != 0)
				continue;
			dt->columns = xcalloc(nc ? nc : 1, sizeof(char *));
			for (size_t c = 0; c < nc; c++)
			{
				const char *cn = get_string(json_object_array_get_idx(cols, c), "name");

				if (cn == NULL)
					return bad(dir, "catalog.json", "a column without a name");
				dt->columns[dt->ncolumns++] = xstrdup(cn);
			}
		}
	}
	for (int k = 0; k < d->ntables; k++)
		if (d->tables[k].columns == NULL)
		{
			log_error("file \"%s/catalog.json\" does not describe table \"%s.%s\" of the manifest",
					  dir, d->tables[k].schema, d->tables[k].name);
			return false;
		}
	return true;
}

bool
dumpread_open(const char *dir, dump_dir *out)
{
	json_object *manifest,
		*coords = NULL,
		*cat = NULL;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->dir = xstrdup(dir);
	manifest = read_json(dir, "manifest.json");
	ok = manifest != NULL;
	if (ok)
		ok = (coords = read_json(dir, "coordinates.json")) != NULL;
	if (ok)
		ok = (cat = read_json(dir, "catalog.json")) != NULL;
	ok = ok && read_manifest(dir, manifest, out) && read_coordinates(dir, coords, out) &&
		 read_columns(dir, cat, out);
	json_object_put(manifest);
	json_object_put(coords);
	json_object_put(cat);
	if (!ok)
		dumpread_release(out);
	return ok;
}

typedef struct verify_state
{
	const dump_dir *d;
	bool checksums;
	atomic_int next; /* index into a flat list of (table, file) */
	int total;
	int *table_of;
	int *file_of;
	atomic_bool failed;
} verify_state;

static void *
verify_worker(void *p)
{
	verify_state *st = p;
	int i;

	while ((i = atomic_fetch_add(&st->next, 1)) < st->total)
	{
		const dump_file *f = &st->d->tables[st->table_of[i]].files[st->file_of[i]];
		struct stat sb;
		char sum[32];
		uint64_t bytes;

		if (stat(f->path, &sb) != 0)
		{
			log_error("file \"%s\" listed in the manifest is missing: %s", f->path, strerror(errno));
			atomic_store(&st->failed, true);
			continue;
		}
		if ((uint64_t) sb.st_size != f->bytes)
		{
			log_error("file \"%s\" has %lld bytes, the manifest says %llu", f->path,
					  (long long) sb.st_size, (unsigned long long) f->bytes);
			atomic_store(&st->failed, true);
			continue;
		}
		if (!st->checksums)
			continue;
		if (!datafile_checksum_file(f->path, sum, sizeof(sum), &bytes))
		{
			atomic_store(&st->failed, true);
			continue;
		}
		if (strcmp(sum, f->checksum) != 0)
		{
			log_error("file \"%s\" does not match its checksum in the manifest (%s, expected %s)",
					  f->path, sum, f->checksum);
			atomic_store(&st->failed, true);
		}
	}
	return NULL;
}

bool
dumpread_verify(const dump_dir *d, int jobs, bool checksums)
{
	verify_state st = { .d = d, .checksums = checksums };
	pthread_t *threads;
	int k = 0;
	int started = 0;

	for (int t = 0; t < d->ntables; t++)
		st.total += d->tables[t].nfiles;
	st.table_of = xcalloc((size_t) st.total + 1, sizeof(int));
	st.file_of = xcalloc((size_t) st.total + 1, sizeof(int));
	for (int t = 0; t < d->ntables; t++)
		for (int f = 0; f < d->tables[t].nfiles; f++, k++)
			st.table_of[k] = t, st.file_of[k] = f;
	if (jobs < 1)
		jobs = 1;
	threads = xcalloc((size_t) jobs, sizeof(pthread_t));
	for (int i = 0; i < jobs; i++)
		if (pthread_create(&threads[i], NULL, verify_worker, &st) == 0)
			started++;
	if (started == 0)
		verify_worker(&st);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(st.table_of);
	free(st.file_of);
	return !atomic_load(&st.failed);
}

const dump_table *
dumpread_find_pg_table(const dump_dir *d, const char *pg_schema, const char *pg_name)
{
	for (int i = 0; i < d->ntables; i++)
		if (strcmp(d->tables[i].pg_schema, pg_schema) == 0 && strcmp(d->tables[i].pg_name, pg_name) == 0)
			return &d->tables[i];
	return NULL;
}

void
dumpread_release(dump_dir *d)
{
	for (int i = 0; i < d->ntables; i++)
	{
		dump_table *t = &d->tables[i];

		free(t->schema);
		free(t->name);
		free(t->pg_schema);
		free(t->pg_name);
		for (int f = 0; f < t->nfiles; f++)
		{
			free(t->files[f].file);
			free(t->files[f].path);
			free(t->files[f].checksum);
		}
		free(t->files);
		for (int c = 0; c < t->ncolumns; c++)
			free(t->columns[c]);
		free(t->columns);
	}
	free(d->tables);
	free(d->dir);
	free(d->binlog_file);
	free(d->gtid);
	free(d->flavor);
	free(d->source);
	free(d->taken_at);
	free(d->dump_id);
	memset(d, 0, sizeof(*d));
}
