/* dump.c: cham-dump's work: a consistent, parallel, chunked snapshot to a dump directory. */
#include "dump.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvwrite.h"
#include "datafile.h"
#include "dumpdoc.h"
#include "floatfmt.h"
#include "logging.h"
#include "myconn.h"
#include "myschema.h"
#include "namehash.h"
#include "pgschema.h"
#include "preflight.h"
#include "quote.h"
#include "sbuf.h"
#include "snapshot.h"
#include "xalloc.h"

/* Rows are written to the file in blocks of about this size. */
#define WRITE_BLOCK (1 << 20)
/* How many rows a worker copies between looks at the stop flags. */
#define ROWS_BETWEEN_CHECKS 4096

typedef struct dump_state
{
	const dump_options *opt;
	catalog cat;
	dump_chunk *chunks; /* owned */
	int nchunks;
	int next; /* next chunk to hand out, under lock */
	pthread_mutex_t lock;
	myconn *workers; /* owned, opt->jobs of them */
	int nworkers;
	atomic_bool failed;
	atomic_uint_fast64_t rows_done;
	atomic_uint_fast64_t bytes_done;
	atomic_int chunks_done;
	atomic_int workers_running;
} dump_state;

typedef struct worker_arg
{
	dump_state *st;
	myconn *conn;
} worker_arg;

static bool
stop_requested(dump_state *st)
{
	return atomic_load(&st->failed) || (st->opt->interrupted && *st->opt->interrupted);
}

static double
seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) (now.tv_sec - start->tv_sec) + (double) (now.tv_nsec - start->tv_nsec) / 1e9;
}

/*
 * Each name part is kept to this many bytes once encoded, so a file name
 * stays far below the 255 bytes a directory entry may have even when every
 * character of a 64-character name needs %XX for each of its 4 bytes.
 */
#define FILE_NAME_PART_MAX 100

static void
add_file_name_part(sbuf *b, const char *part)
{
	size_t start = b->len;

	for (const unsigned char *p = (const unsigned char *) part; *p; p++)
	{
		/* Keep names readable; anything that could confuse a path or the dots goes %XX. */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			*p == '_' || *p == '-' || *p == '$')
			sbuf_addch(b, (char) *p);
		else
			sbuf_addf(b, "%%%02X", *p);
		if (b->len - start > FILE_NAME_PART_MAX - 12)
		{
			/* Cut, and tell apart names that share the beginning by a hash of the whole. */
			sbuf_addf(b, "~%08x", namehash_fnv1a(part, strlen(part)));
			break;
		}
	}
}

char *
dump_chunk_file_name(const char *schema, const char *table, int number)
{
	sbuf b = SBUF_INIT;

	sbuf_addstr(&b, "data/");
	add_file_name_part(&b, schema);
	sbuf_addch(&b, '.');
	add_file_name_part(&b, table);
	sbuf_addf(&b, ".%04d.csv", number);
	return sbuf_detach(&b, NULL);
}

static void
add_select_list(sbuf *sql, const cat_table *t)
{
	sbuf_addstr(sql, "SELECT ");
	for (int i = 0; i < t->ncols; i++)
	{
		if (i)
			sbuf_addstr(sql, ", ");
		/* FLOAT's text has 6 digits and loses bits; as DOUBLE it is exact. */
		if (t->cols[i].type.kind == MYT_FLOAT)
		{
			sbuf_addstr(sql, "CAST(");
			quote_my_ident(sql, t->cols[i].name);
			sbuf_addstr(sql, " AS DOUBLE)");
		}
		else
			quote_my_ident(sql, t->cols[i].name);
	}
	sbuf_addstr(sql, " FROM ");
	quote_my_qualified(sql, t->schema, t->name);
}

/*
 * Appends one row as a CSV line. scratch is the caller's buffer for values
 * whose form changes; zero_dates counts per column the values that became NULL.
 */
static void
encode_row(const cat_table *t, char **row, const unsigned long *len, sbuf *out, sbuf *scratch,
		   uint64_t *zero_dates)
{
	for (int i = 0; i < t->ncols; i++)
	{
		const cat_column *col = &t->cols[i];

		if (i)
			sbuf_addch(out, ',');
		if (row[i] == NULL)
			continue;
		if (col->pgtype.form == PGV_IDENTITY)
		{
			if (col->type.kind == MYT_FLOAT &&
				floatfmt_float_from_double_text(row[i], len[i], out))
				continue;
			/* Numbers never need CSV quoting: their text goes to the file as it is. */
			if (typemap_kind_is_numeric(col->type.kind))
				sbuf_add(out, row[i], len[i]);
			else
				csvwrite_field(out, row[i], len[i]);
			continue;
		}
		sbuf_reset(scratch);
		if (!typemap_encode(&col->type, col->pgtype.form, row[i], len[i], scratch))
		{
			zero_dates[i]++;
			continue;
		}
		csvwrite_field(out, scratch->data, scratch->len);
	}
	sbuf_addch(out, '\n');
}

/*
 * Copies one chunk's rows from conn (already in the snapshot) to path.
 * Fills rows, bytes and checksum. Logs and returns false on failure.
 */
static bool
copy_chunk(dump_state *st, myconn *conn, dump_chunk *ch, const char *path)
{
	const cat_table *t = ch->table;
	sbuf sql = SBUF_INIT;
	sbuf out = SBUF_INIT;
	sbuf scratch = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed = false;
	bool ok = true;
	datafile f;
	uint64_t since_check = 0;

	add_select_list(&sql, t);
	if (ch->where)
		sbuf_addf(&sql, " WHERE %s", ch->where);
	if (!datafile_open(&f, path))
	{
		sbuf_release(&sql);
		return false;
	}
	if (!myconn_stream(conn, sql.data, &r))
	{
		datafile_abandon(&f);
		sbuf_release(&sql);
		return false;
	}
	sbuf_grow(&out, WRITE_BLOCK + 4096);
	while (myresult_next(&r, &row, &len, &failed))
	{
		encode_row(t, row, len, &out, &scratch, ch->zero_dates);
		ch->rows++;
		if (out.len >= WRITE_BLOCK)
		{
			if (!datafile_write(&f, out.data, out.len))
			{
				ok = false;
				break;
			}
			atomic_fetch_add(&st->bytes_done, out.len);
			sbuf_reset(&out);
		}
		if (++since_check == ROWS_BETWEEN_CHECKS)
		{
			atomic_fetch_add(&st->rows_done, since_check);
			since_check = 0;
			if (stop_requested(st))
			{
				ok = false;
				break;
			}
		}
	}
	atomic_fetch_add(&st->rows_done, since_check);
	if (failed)
		ok = false;
	if (ok && out.len > 0)
	{
		ok = datafile_write(&f, out.data, out.len);
		atomic_fetch_add(&st->bytes_done, out.len);
	}
	if (ok)
	{
		ch->bytes = f.bytes;
		ok = datafile_close(&f, ch->checksum, sizeof(ch->checksum));
	}
	else
		datafile_abandon(&f);
	/* After a failure the session is killed by the main thread: no draining. */
	if (ok)
		myresult_free(&r);
	else
		myresult_abandon(&r);
	sbuf_release(&sql);
	sbuf_release(&out);
	sbuf_release(&scratch);
	return ok;
}

static void *
worker_main(void *p)
{
	worker_arg *arg = p;
	dump_state *st = arg->st;

	for (;;)
	{
		dump_chunk *ch;
		char *path;
		bool ok;

		if (stop_requested(st))
			break;
		pthread_mutex_lock(&st->lock);
		ch = st->next < st->nchunks ? &st->chunks[st->next++] : NULL;
		pthread_mutex_unlock(&st->lock);
		if (ch == NULL)
			break;
		path = xasprintf("%s/%s", st->opt->output_dir, ch->file);
		ok = copy_chunk(st, arg->conn, ch, path);
		free(path);
		if (!ok)
		{
			if (!stop_requested(st))
				log_error("could not dump chunk %d of table \"%s.%s\"", ch->number, ch->table->schema, ch->table->name);
			atomic_store(&st->failed, true);
			break;
		}
		ch->done = true;
		atomic_fetch_add(&st->chunks_done, 1);
	}
	atomic_fetch_sub(&st->workers_running, 1);
	return NULL;
}

/* The single integer primary key column a table can be split on, or NULL. */
static const cat_column *
chunk_key(const cat_table *t)
{
	const cat_index *pk = catalog_primary_key(t);
	const cat_column *col;

	if (pk == NULL || pk->ncols != 1 || pk->sub_part[0] != 0)
		return NULL;
	col = catalog_find_column(t, pk->columns[0]);
	if (col == NULL)
		return NULL;
	switch (col->type.kind)
	{
		case MYT_TINYINT:
		case MYT_SMALLINT:
		case MYT_MEDIUMINT:
		case MYT_INT:
		case MYT_BIGINT:
			return col;
		default:
			return NULL;
	}
}

static void
add_chunk(dump_state *st, cat_table *t, int number, char *where, uint64_t weight)
{
	dump_chunk *ch;

	st->chunks = xrealloc(st->chunks, sizeof(dump_chunk) * (size_t) (st->nchunks + 1));
	ch = &st->chunks[st->nchunks++];
	memset(ch, 0, sizeof(*ch));
	ch->table = t;
	ch->number = number;
	ch->where = where;
	ch->weight = weight;
	ch->file = dump_chunk_file_name(t->schema, t->name, number);
	ch->zero_dates = xcalloc((size_t) (t->ncols ? t->ncols : 1), sizeof(uint64_t));
}

static void
format_key(sbuf *b, uint64_t v, bool is_unsigned)
{
	if (is_unsigned)
		sbuf_addf(b, "%" PRIu64, v);
	else
		sbuf_addf(b, "%" PRId64, (int64_t) v);
}

/*
 * Splits a table into key ranges of about chunk_rows rows, reading the key's
 * bounds inside the snapshot so that every range is taken from the same data.
 */
static bool
plan_table(dump_state *st, myconn *conn, cat_table *t)
{
	const cat_column *key = chunk_key(t);
	uint64_t chunk_rows = st->opt->chunk_rows ? st->opt->chunk_rows : DUMP_DEFAULT_CHUNK_ROWS;
	sbuf sql = SBUF_INIT;
	myresult r;
	char **row;
	unsigned long *len;
	bool failed;
	uint64_t lo = 0,
			 hi = 0;
	bool empty = true;
	uint64_t nchunks,
		step,
		span;

	/* Chunks start largest first by their share of the table's bytes (rows of wide tables weigh more). */
	uint64_t table_weight = t->data_length ? t->data_length : t->row_estimate;

	if (key == NULL || t->row_estimate <= chunk_rows)
	{
		add_chunk(st, t, 0, NULL, table_weight);
		return true;
	}
	sbuf_addstr(&sql, "SELECT MIN(");
	quote_my_ident(&sql, key->name);
	sbuf_addstr(&sql, "), MAX(");
	quote_my_ident(&sql, key->name);
	sbuf_addstr(&sql, ") FROM ");
	quote_my_qualified(&sql, t->schema, t->name);
	if (!myconn_query(conn, sql.data, &r))
	{
		sbuf_release(&sql);
		return false;
	}
	if (myresult_next(&r, &row, &len, &failed) && row[0] && row[1])
	{
		empty = false;
		if (key->type.is_unsigned)
		{
			lo = strtoull(row[0], NULL, 10);
			hi = strtoull(row[1], NULL, 10);
		}
		else
		{
			lo = (uint64_t) strtoll(row[0], NULL, 10);
			hi = (uint64_t) strtoll(row[1], NULL, 10);
		}
	}
	myresult_free(&r);
	sbuf_release(&sql);
	if (failed)
		return false;
	span = hi - lo; /* modular: right for signed keys too */
	nchunks = (t->row_estimate + chunk_rows - 1) / chunk_rows;
	if (empty || span < nchunks * 2)
	{
		add_chunk(st, t, 0, NULL, table_weight);
		return true;
	}
	step = span / nchunks + 1;
	for (uint64_t i = 0; i < nchunks; i++)
	{
		sbuf where = SBUF_INIT;
		uint64_t from = lo + i * step;
		uint64_t to = from + step;

		/* The first range is open below and the last open above: no row is missed. */
		if (i > 0)
		{
			quote_my_ident(&where, key->name);
			sbuf_addstr(&where, " >= ");
			format_key(&where, from, key->type.is_unsigned);
		}
		if (i + 1 < nchunks)
		{
			if (i > 0)
				sbuf_addstr(&where, " AND ");
			quote_my_ident(&where, key->name);
			sbuf_addstr(&where, " < ");
			format_key(&where, to, key->type.is_unsigned);
		}
		add_chunk(st, t, (int) i, sbuf_detach(&where, NULL), table_weight / nchunks);
	}
	return true;
}

static int
compare_weight(const void *a, const void *b)
{
	const dump_chunk *x = a;
	const dump_chunk *y = b;

	return x->weight < y->weight ? 1 : x->weight > y->weight ? -1
															 : 0;
}

static bool
apply_schema_mappings(const dump_options *opt, catalog *cat)
{
	for (int i = 0; i < cat->ntables; i++)
	{
		cat_table *t = &cat->tables[i];
		const char *to = t->schema;

		for (int m = 0; m < opt->nmappings; m++)
			if (strcmp(opt->mappings[m].from, t->schema) == 0)
				to = opt->mappings[m].to;
		t->pg_schema = xstrdup(to);
	}
	pgschema_resolve_types(cat, opt->overrides, opt->noverrides);
	pgschema_assign_names(cat);
	return true;
}

/* Every exact --tables entry must name a table that exists (and that the user can see). */
static bool
check_named_tables(const dump_options *opt, const catalog *cat)
{
	bool ok = true;

	for (int i = 0; opt->filter && i < opt->filter->ninclude; i++)
	{
		const char *pattern = opt->filter->include[i];
		bool found = false;

		for (int t = 0; !found && t < cat->ntables; t++)
			found = tablefilter_pattern_match(pattern, cat->tables[t].schema, cat->tables[t].name);
		if (!found)
		{
			log_error("no table matches \"%s\"", pattern);
			log_detail(LOG_LEVEL_ERROR, "the table does not exist, or the user has no SELECT privilege on it");
			ok = false;
		}
	}
	if (ok && cat->ntables == 0)
	{
		log_error("no tables to dump");
		log_detail(LOG_LEVEL_ERROR, "check the database in the source URI, --tables/--exclude and the SELECT privileges of the user");
		ok = false;
	}
	return ok;
}

/*
 * The output directory must be new, empty, or (with --force) a directory we
 * may overwrite; checked before connecting so that nothing is changed on error.
 */
static bool
check_output_dir(const dump_options *opt, bool *exists)
{
	struct stat sb;
	char *probe;

	*exists = stat(opt->output_dir, &sb) == 0;
	if (*exists)
	{
		if (!S_ISDIR(sb.st_mode))
		{
			log_error("output \"%s\" exists and is not a directory", opt->output_dir);
			return false;
		}
		if (access(opt->output_dir, W_OK | X_OK) != 0)
		{
			log_error("output directory \"%s\" is not writable: %s", opt->output_dir, strerror(errno));
			return false;
		}
		probe = xasprintf("%s/manifest.json", opt->output_dir);
		if (!opt->force && access(probe, F_OK) == 0)
		{
			log_error("output directory \"%s\" already holds a dump", opt->output_dir);
			log_detail(LOG_LEVEL_ERROR, "remove it, choose another directory, or pass --force to overwrite it");
			free(probe);
			return false;
		}
		free(probe);
		return true;
	}
	/*
	 * Only creating it tells for sure (access() says yes to root on a
	 * read-only file system); it is removed again until the dump starts.
	 */
	if (mkdir(opt->output_dir, 0755) != 0)
	{
		log_error("could not create output directory \"%s\": %s", opt->output_dir, strerror(errno));
		return false;
	}
	rmdir(opt->output_dir);
	return true;
}

static bool
make_dirs(const char *dir)
{
	char *data = xasprintf("%s/data", dir);
	char *schema = xasprintf("%s/schema", dir);
	char *manifest = xasprintf("%s/manifest.json", dir);
	bool ok = true;

	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
		(mkdir(data, 0755) != 0 && errno != EEXIST) ||
		(mkdir(schema, 0755) != 0 && errno != EEXIST))
	{
		log_error("could not create directory in \"%s\": %s", dir, strerror(errno));
		ok = false;
	}
	/* An overwritten dump is incomplete until the new manifest is written. */
	if (ok && unlink(manifest) != 0 && errno != ENOENT)
	{
		log_error("could not remove file \"%s\": %s", manifest, strerror(errno));
		ok = false;
	}
	free(data);
	free(schema);
	free(manifest);
	return ok;
}

static bool
write_doc(const char *dir, const char *name, const sbuf *content)
{
	char *path = xasprintf("%s/%s", dir, name);
	bool ok = datafile_write_atomic(path, content->data, content->len);

	free(path);
	return ok;
}

/* Stops workers stuck in a long read: KILL QUERY on each, from the main session. */
static void
kill_worker_queries(dump_state *st, myconn *main_conn)
{
	for (int i = 0; i < st->nworkers; i++)
	{
		char sql[64];

		if (st->workers[i].mysql == NULL)
			continue;
		snprintf(sql, sizeof(sql), "KILL QUERY %lu", myconn_thread_id(&st->workers[i]));
		(void) myconn_exec_quiet(main_conn, sql);
	}
}

static void
report_progress(dump_state *st, const struct timespec *start, bool force)
{
	double secs = seconds_since(start);
	uint64_t rows = atomic_load(&st->rows_done);
	uint64_t bytes = atomic_load(&st->bytes_done);

	log_progress(force, "%d/%d chunks, %" PRIu64 " rows, %.1f MB, %.1f MB/s",
				 atomic_load(&st->chunks_done), st->nchunks, rows, (double) bytes / 1e6,
				 secs > 0 ? (double) bytes / 1e6 / secs : 0.0);
}

static void
warn_zero_dates(dump_state *st)
{
	for (int i = 0; i < st->nchunks; i++)
	{
		dump_chunk *ch = &st->chunks[i];

		for (int c = 0; c < ch->table->ncols; c++)
			ch->table->cols[c].zero_dates_seen += ch->zero_dates[c];
	}
	for (int i = 0; i < st->cat.ntables; i++)
	{
		cat_table *t = &st->cat.tables[i];

		for (int c = 0; c < t->ncols; c++)
			if (t->cols[c].zero_dates_seen)
				log_warning("column \"%s\" of table \"%s.%s\": %" PRIu64 " zero dates became NULL%s",
							t->cols[c].name, t->schema, t->name, t->cols[c].zero_dates_seen,
							t->cols[c].nullable ? "" : "; the column is nullable in PostgreSQL");
	}
}

static bool
write_documents(dump_state *st, const binlog_coordinates *coords, double elapsed)
{
	sbuf doc = SBUF_INIT;
	const char *dir = st->opt->output_dir;
	bool ok;

	dumpdoc_coordinates(coords, &doc);
	ok = write_doc(dir, "coordinates.json", &doc);
	sbuf_reset(&doc);
	if (ok)
	{
		dumpdoc_catalog(&st->cat, &doc);
		ok = write_doc(dir, "catalog.json", &doc);
		sbuf_reset(&doc);
	}
	if (ok)
	{
		pgschema_write_pre_data(&st->cat, &doc);
		ok = write_doc(dir, "schema/pre-data.sql", &doc);
		sbuf_reset(&doc);
	}
	if (ok)
	{
		pgschema_write_post_data(&st->cat, &doc);
		ok = write_doc(dir, "schema/post-data.sql", &doc);
		sbuf_reset(&doc);
	}
	/* Last, once every file is on disk: a dump directory without manifest.json is incomplete. */
	if (ok)
		ok = datafile_sync_dir(dir);
	if (ok)
	{
		dumpdoc_manifest(&st->cat, st->chunks, st->nchunks, coords, elapsed, &doc);
		ok = write_doc(dir, "manifest.json", &doc);
	}
	sbuf_release(&doc);
	return ok;
}

static void
state_release(dump_state *st)
{
	for (int i = 0; i < st->nchunks; i++)
	{
		free(st->chunks[i].where);
		free(st->chunks[i].file);
		free(st->chunks[i].zero_dates);
	}
	free(st->chunks);
	for (int i = 0; i < st->nworkers; i++)
		myconn_close(&st->workers[i]);
	free(st->workers);
	catalog_release(&st->cat);
	pthread_mutex_destroy(&st->lock);
}

static void
log_summary(dump_state *st, double elapsed)
{
	uint64_t rows = atomic_load(&st->rows_done);
	uint64_t bytes = atomic_load(&st->bytes_done);

	log_info("dumped %d tables in %d chunks: %" PRIu64 " rows, %.1f MB in %.2f s (%.0f rows/s)",
			 st->cat.ntables, st->nchunks, rows, (double) bytes / 1e6, elapsed,
			 elapsed > 0 ? (double) rows / elapsed : 0.0);
}

static dump_status
dump_to_stdout(const dump_options *opt, myconn *conn, dump_state *st)
{
	binlog_coordinates coords;
	dump_chunk *ch;
	bool ok;
	sbuf doc = SBUF_INIT;

	if (st->cat.ntables != 1)
	{
		log_error("no table \"%s\" on the source", opt->stdout_table);
		log_detail(LOG_LEVEL_ERROR, "the table does not exist, or the user has no SELECT privilege on it");
		return DUMP_BAD_INPUT;
	}
	if (!snapshot_take_single(conn, &coords))
		return DUMP_FAILED;
	add_chunk(st, &st->cat.tables[0], 0, NULL, 0);
	ch = &st->chunks[0];
	ok = copy_chunk(st, conn, ch, "-");
	if (ok && opt->coordinates_file)
	{
		dumpdoc_coordinates(&coords, &doc);
		ok = datafile_write_atomic(opt->coordinates_file, doc.data, doc.len);
	}
	if (ok)
		log_info("wrote %" PRIu64 " rows of \"%s\" (%" PRIu64 " bytes, %s)",
				 ch->rows, opt->stdout_table, ch->bytes, ch->checksum);
	sbuf_release(&doc);
	binlog_coordinates_release(&coords);
	if (!ok)
		return opt->interrupted && *opt->interrupted ? DUMP_INTERRUPTED : DUMP_FAILED;
	return DUMP_OK;
}

static dump_status
status_of_failure(const dump_options *opt, const myconn *c)
{
	if (opt->interrupted && *opt->interrupted)
		return DUMP_INTERRUPTED;
	switch (c->failure)
	{
		case MYCONN_FAIL_DENIED:
		case MYCONN_FAIL_PRIVILEGE:
		case MYCONN_FAIL_NO_SUCH_OBJECT:
			return DUMP_BAD_INPUT;
		default:
			return DUMP_FAILED;
	}
}

dump_status
dump_run(const dump_options *opt)
{
	dump_state st;
	myconn main_conn;
	tablefilter single = { 0 };
	const tablefilter *filter = opt->filter;
	binlog_coordinates coords = { 0 };
	struct timespec start;
	pthread_t *threads = NULL;
	worker_arg *args = NULL;
	dump_status status = DUMP_FAILED;
	bool dir_exists = false;
	int started = 0;
	char *stdout_schema = NULL;

	memset(&st, 0, sizeof(st));
	st.opt = opt;
	pthread_mutex_init(&st.lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &start);

	if (opt->output_dir && !check_output_dir(opt, &dir_exists))
	{
		pthread_mutex_destroy(&st.lock);
		return DUMP_BAD_INPUT;
	}
	if (!myconn_open(&main_conn, opt->source, 3))
	{
		pthread_mutex_destroy(&st.lock);
		return main_conn.failure == MYCONN_FAIL_UNREACHABLE ? DUMP_FAILED : DUMP_BAD_INPUT;
	}
	log_info("connected to \"%s\" (%s)", main_conn.description, main_conn.version_text);

	if (opt->stdout_table)
	{
		char *pattern = xstrdup(opt->stdout_table);

		tablefilter_add(&single, true, pattern);
		free(pattern);
		filter = &single;
	}
	{
		unsigned needs = opt->stdout_table ? 0 : PREFLIGHT_SNAPSHOT;

		if (!opt->no_binlog)
			needs |= PREFLIGHT_BINLOG;
		unsigned failed;

		if (!preflight_check(&main_conn, needs, &failed))
		{
			if (failed & PREFLIGHT_BINLOG)
				log_detail(LOG_LEVEL_ERROR, "pass --no-binlog for a dump without binlog coordinates");
			status = DUMP_BAD_INPUT;
			goto done;
		}
	}
	if (opt->stdout_table)
	{
		const char *dot = strchr(opt->stdout_table, '.');

		stdout_schema = dot ? xstrndup(opt->stdout_table, (size_t) (dot - opt->stdout_table)) : NULL;
	}
	if (!myschema_read(&main_conn, opt->stdout_table ? stdout_schema : opt->source->database, filter,
					   opt->stdout_table == NULL, &st.cat))
	{
		status = status_of_failure(opt, &main_conn);
		if (status == DUMP_FAILED && main_conn.failure == MYCONN_FAIL_OTHER)
			status = DUMP_BAD_INPUT; /* an unknown column type */
		goto done;
	}
	if (!opt->stdout_table && !check_named_tables(opt, &st.cat))
	{
		status = DUMP_BAD_INPUT;
		goto done;
	}
	apply_schema_mappings(opt, &st.cat);

	if (opt->stdout_table)
	{
		status = dump_to_stdout(opt, &main_conn, &st);
		goto done;
	}

	/* From here on the output directory is written. */
	if (!make_dirs(opt->output_dir))
		goto done;
	st.nworkers = opt->jobs > 0 ? opt->jobs : 1;
	st.workers = xcalloc((size_t) st.nworkers, sizeof(myconn));
	for (int i = 0; i < st.nworkers; i++)
		if (!myconn_open(&st.workers[i], opt->source, 3))
			goto done;
	if (!snapshot_take(&main_conn, st.workers, st.nworkers, &coords))
		goto done;
	if (coords.lock_ms > 1000.0)
		log_warning("writes on the source were blocked for %.0f ms while the snapshot was taken", coords.lock_ms);
	for (int i = 0; i < st.cat.ntables; i++)
		if (!plan_table(&st, &st.workers[0], &st.cat.tables[i]))
			goto done;
	qsort(st.chunks, (size_t) st.nchunks, sizeof(dump_chunk), compare_weight);
	log_info("dumping %d tables in %d chunks with %d sessions", st.cat.ntables, st.nchunks, st.nworkers);

	threads = xcalloc((size_t) st.nworkers, sizeof(pthread_t));
	args = xcalloc((size_t) st.nworkers, sizeof(worker_arg));
	atomic_store(&st.workers_running, st.nworkers);
	for (int i = 0; i < st.nworkers; i++)
	{
		args[i].st = &st;
		args[i].conn = &st.workers[i];
		if (pthread_create(&threads[i], NULL, worker_main, &args[i]) != 0)
		{
			log_error("could not start a worker thread: %s", strerror(errno));
			atomic_store(&st.failed, true);
			atomic_fetch_sub(&st.workers_running, st.nworkers - i);
			break;
		}
		started++;
	}
	while (atomic_load(&st.workers_running) > 0)
	{
		struct timespec pause = { 0, 100 * 1000 * 1000 };

		if (stop_requested(&st))
		{
			kill_worker_queries(&st, &main_conn);
			break;
		}
		report_progress(&st, &start, false);
		nanosleep(&pause, NULL);
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	log_progress_done();
	if (stop_requested(&st))
	{
		status = opt->interrupted && *opt->interrupted ? DUMP_INTERRUPTED : DUMP_FAILED;
		if (status == DUMP_INTERRUPTED)
			log_error("interrupted: the dump in \"%s\" is incomplete (no manifest.json)", opt->output_dir);
		goto done;
	}
	warn_zero_dates(&st);
	if (!write_documents(&st, &coords, seconds_since(&start)))
		goto done;
	log_summary(&st, seconds_since(&start));
	status = DUMP_OK;

done:
	free(threads);
	free(args);
	binlog_coordinates_release(&coords);
	state_release(&st);
	tablefilter_release(&single);
	free(stdout_schema);
	myconn_close(&main_conn);
	return status;
}
