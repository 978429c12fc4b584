/* load.c: cham-load's work: a dump directory (or one table's CSV on stdin) into PostgreSQL. */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dumpread.h"
#include "logging.h"
#include "pgconn.h"
#include "quote.h"
#include "sbuf.h"
#include "sqlscript.h"
#include "statedb.h"
#include "tablecopy.h"
#include "xalloc.h"

/* Settings for every loading session: the load is redone from the dump after a crash. */
#define SESSION_SETTINGS "SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; " \
						 "SET max_parallel_maintenance_workers = 2"

/* One table's load and its figures for the summary. */
typedef struct table_job
{
	const dump_table *t;
	uint64_t rows;
	uint64_t bytes;
	uint64_t discarded;
	double seconds;
	bool skipped; /* already loaded from this dump */
	bool done;
} table_job;

typedef struct load_state
{
	const load_options *opt;
	dump_dir dump;
	const char *source;
	table_job *jobs;
	int njobs;
	atomic_int next;
	atomic_bool failed;
	atomic_bool malformed; /* a data file is not CSV: bad input */
	atomic_int tables_done;
	/* post-data */
	const sql_section *section;
	atomic_int next_statement;
} load_state;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static bool
stop_requested(load_state *st)
{
	return atomic_load(&st->failed) || (st->opt->interrupted && *st->opt->interrupted);
}

static bool
open_session(load_state *st, pgconn *c)
{
	return pgconn_open(c, st->opt->target, st->opt->target_password, 3) && pgconn_exec(c, SESSION_SETTINGS);
}

static void
init_tablecopy(load_state *st, tablecopy *tc, pgconn *c, const dump_table *t)
{
	memset(tc, 0, sizeof(*tc));
	tc->conn = c;
	tc->source = st->source;
	tc->schema = t->schema;
	tc->table = t->name;
	tc->pg_schema = t->pg_schema;
	tc->pg_table = t->pg_name;
	tc->columns = t->columns;
	tc->ncolumns = t->ncolumns;
	tc->binlog_file = st->dump.binlog_file;
	tc->binlog_pos = st->dump.binlog_pos;
	tc->interrupted = st->opt->interrupted;
}

/*
 * Empties the table inside the caller's transaction. TRUNCATE is refused
 * for a table that foreign keys reference (post-data ran before, as with
 * --schema-only then --data-only): then DELETE, and *truncated is false
 * (COPY FREEZE needs a TRUNCATE in the same transaction).
 */
static bool
empty_table(pgconn *c, const dump_table *t, bool *truncated)
{
	sbuf sql = SBUF_INIT;
	bool ok;

	sbuf_addstr(&sql, "SAVEPOINT cham_truncate; TRUNCATE ONLY ");
	quote_pg_qualified(&sql, t->pg_schema, t->pg_name);
	*truncated = pgconn_try_exec(c, sql.data);
	if (*truncated)
		ok = pgconn_exec(c, "RELEASE SAVEPOINT cham_truncate");
	else if (strcmp(c->sqlstate, "0A000") == 0)
	{
		sbuf_reset(&sql);
		sbuf_addstr(&sql, "ROLLBACK TO SAVEPOINT cham_truncate; DELETE FROM ONLY ");
		quote_pg_qualified(&sql, t->pg_schema, t->pg_name);
		ok = pgconn_exec(c, sql.data);
	}
	else
	{
		log_error("could not empty table \"%s.%s\": %s", t->pg_schema, t->pg_name, pgconn_error(c));
		ok = false;
	}
	sbuf_release(&sql);
	return ok;
}

/*
 * A table's transaction, emptied first. A re-copy waits for the batch
 * cham-apply has in hand, and holds the next one back until its commit.
 */
static bool
begin_table(load_state *st, pgconn *c, const dump_table *t, bool *truncated)
{
	return pgconn_exec(c, "BEGIN") && (!st->opt->resync || statedb_lock_resync(c, st->source)) &&
		   empty_table(c, t, truncated);
}

/*
 * The careful path for a whole table, in a fresh transaction: every chunk
 * record by record, refused rows to discarded_rows.
 */
static bool
load_table_carefully(load_state *st, pgconn *c, table_job *job, tablecopy *tc)
{
	const dump_table *t = job->t;

	bool truncated;

	init_tablecopy(st, tc, c, t);
	if (!begin_table(st, c, t, &truncated))
		return false;
	for (int f = 0; f < t->nfiles; f++)
	{
		int fd = open(t->files[f].path, O_RDONLY | O_CLOEXEC);
		tablecopy_result r;
		char *what;

		if (fd < 0)
		{
			log_error("could not open file \"%s\": %s", t->files[f].path, strerror(errno));
			return false;
		}
		what = xasprintf("file \"%s\"", t->files[f].path);
		r = tablecopy_careful_fd(tc, fd, what);
		free(what);
		close(fd);
		if (r == TABLECOPY_MALFORMED)
			atomic_store(&st->malformed, true);
		if (r != TABLECOPY_OK)
			return false;
	}
	return true;
}

/*
 * Loads one table in one transaction: TRUNCATE then COPY FREEZE of every
 * chunk, recorded in sch_chameleon.tables before the commit, so the table is
 * either loaded and recorded or untouched. A refused COPY redoes the table
 * on the careful path.
 */
static bool
load_table(load_state *st, pgconn *c, table_job *job)
{
	const dump_table *t = job->t;
	tablecopy tc;
	bool loaded;
	double start = now_seconds();
	bool refused = false;
	bool truncated;

	if (!statedb_table_loaded(c, st->source, t->schema, t->name, st->dump.dump_id, &loaded, &job->rows))
		return false;
	if (loaded)
	{
		job->skipped = true;
		job->done = true;
		log_info("table \"%s.%s\" is already loaded from this dump", t->pg_schema, t->pg_name);
		return true;
	}
	init_tablecopy(st, &tc, c, t);
	if (!begin_table(st, c, t, &truncated))
		return false;
	for (int f = 0; f < t->nfiles && !refused; f++)
	{
		tablecopy_result r = tablecopy_fast_file(&tc, t->files[f].path, truncated);

		if (r == TABLECOPY_FAILED)
			return false;
		if (r == TABLECOPY_REFUSED)
		{
			log_warning("COPY into \"%s.%s\" refused file \"%s\": %s", t->pg_schema, t->pg_name,
						t->files[f].file, pgconn_error(c));
			log_detail(LOG_LEVEL_WARNING, "loading the table row by row to set the refused rows aside");
			refused = true;
		}
		else
			tc.rows += t->files[f].rows;
	}
	if (refused)
	{
		if (!pgconn_exec(c, "ROLLBACK") || !load_table_carefully(st, c, job, &tc))
			return false;
	}
	if (!statedb_table_done(c, st->source, t->schema, t->name, t->pg_schema, t->pg_name, st->dump.dump_id,
							st->dump.binlog_file, st->dump.binlog_pos, st->dump.gtid, tc.rows) ||
		!pgconn_exec(c, "COMMIT"))
		return false;
	job->rows = tc.rows;
	job->bytes = tc.bytes;
	job->discarded = tc.discarded;
	job->seconds = now_seconds() - start;
	job->done = true;
	log_info("loaded \"%s.%s\": %" PRIu64 " rows in %.2f s%s", t->pg_schema, t->pg_name, job->rows,
			 job->seconds, job->discarded ? " (with discarded rows)" : "");
	return true;
}

static void *
table_worker(void *p)
{
	load_state *st = p;
	pgconn c;
	int i;

	if (!open_session(st, &c))
	{
		atomic_store(&st->failed, true);
		pgconn_close(&c);
		return NULL;
	}
	while (!stop_requested(st) && (i = atomic_fetch_add(&st->next, 1)) < st->njobs)
	{
		if (!load_table(st, &c, &st->jobs[i]))
		{
			if (!stop_requested(st))
				log_error("could not load table \"%s.%s\"", st->jobs[i].t->pg_schema, st->jobs[i].t->pg_name);
			atomic_store(&st->failed, true);
			pgconn_try_exec(&c, "ROLLBACK");
			break;
		}
		atomic_fetch_add(&st->tables_done, 1);
	}
	pgconn_close(&c);
	return NULL;
}

/* "Already there" is success on a re-run: the statement did its work before. */
static bool
already_done(const char *sqlstate)
{
	return strcmp(sqlstate, "42P07") == 0 || /* duplicate_table: index exists */
		   strcmp(sqlstate, "42710") == 0 || /* duplicate_object: constraint exists */
		   strcmp(sqlstate, "42P16") == 0;	 /* invalid_table_definition: a second primary key */
}

static void *
statement_worker(void *p)
{
	load_state *st = p;
	pgconn c;
	int i;

	if (!open_session(st, &c))
	{
		atomic_store(&st->failed, true);
		pgconn_close(&c);
		return NULL;
	}
	while (!stop_requested(st) && (i = atomic_fetch_add(&st->next_statement, 1)) < st->section->nstatements)
	{
		const char *sql = st->section->statements[i];
		bool done = false;

		/*
		 * Foreign keys between two tables both ways (store and staff) lock
		 * both tables: run in parallel they may deadlock; one is then retried.
		 */
		for (int attempt = 0; attempt < 5 && !done; attempt++)
		{
			done = pgconn_try_exec(&c, sql);
			if (!done && strcmp(c.sqlstate, "40P01") != 0)
				break;
		}
		if (done)
			continue;
		if (already_done(c.sqlstate))
		{
			log_debug("already done: %s", pgconn_error(&c));
			continue;
		}
		log_error("post-data statement failed: %s", pgconn_error(&c));
		log_detail(LOG_LEVEL_ERROR, "the statement was: %.500s", sql);
		atomic_store(&st->failed, true);
	}
	pgconn_close(&c);
	return NULL;
}

/* Runs fn on min(jobs, work) threads and waits for them. */
static void
run_workers(load_state *st, void *(*fn)(void *), int work)
{
	int n = st->opt->jobs < work ? st->opt->jobs : work;
	pthread_t *threads;
	int started = 0;

	if (n < 1)
		n = 1;
	threads = xcalloc((size_t) n, sizeof(pthread_t));
	for (int i = 0; i < n; i++)
		if (pthread_create(&threads[i], NULL, fn, st) == 0)
			started++;
	if (started == 0)
		fn(st);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	sbuf b = SBUF_INIT;
	char buf[65536];
	size_t n;

	if (f == NULL)
	{
		log_error("could not open file \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&b, buf, n);
	if (ferror(f))
	{
		log_error("could not read file \"%s\": %s", path, strerror(errno));
		fclose(f);
		sbuf_release(&b);
		return NULL;
	}
	fclose(f);
	return sbuf_detach(&b, NULL);
}

/* pre-data.sql in one transaction with its step mark: all of it or nothing. */
static bool
run_pre_data(load_state *st, pgconn *c)
{
	char *path = xasprintf("%s/schema/pre-data.sql", st->dump.dir);
	char *sql = read_file(path);
	bool ok;

	free(path);
	if (sql == NULL)
		return false;
	ok = pgconn_exec(c, "BEGIN");
	if (ok && !pgconn_try_exec(c, sql))
	{
		log_error("schema/pre-data.sql failed: %s", pgconn_error(c));
		if (strcmp(c->sqlstate, "42P07") == 0)
			log_detail(LOG_LEVEL_ERROR, "the target holds tables of another load: drop them (or the schema) first");
		ok = false;
	}
	ok = ok && statedb_mark_step(c, st->source, "pre_data") && pgconn_exec(c, "COMMIT");
	if (!ok)
		pgconn_try_exec(c, "ROLLBACK");
	free(sql);
	if (ok)
		log_info("created the tables (schema/pre-data.sql)");
	return ok;
}

static bool
run_post_data(load_state *st, pgconn *c)
{
	char *path = xasprintf("%s/schema/post-data.sql", st->dump.dir);
	char *text = read_file(path);
	sql_script script;
	double start;

	free(path);
	if (text == NULL)
		return false;
	sqlscript_parse(text, &script);
	free(text);
	for (int s = 0; s < script.nsections && !stop_requested(st); s++)
	{
		if (script.sections[s].nstatements == 0)
			continue;
		start = now_seconds();
		st->section = &script.sections[s];
		atomic_store(&st->next_statement, 0);
		run_workers(st, statement_worker, st->section->nstatements);
		if (!stop_requested(st))
			log_info("post-data %s: %d statements in %.2f s", st->section->name,
					 st->section->nstatements, now_seconds() - start);
	}
	sqlscript_release(&script);
	if (stop_requested(st))
		return false;
	return statedb_mark_step(c, st->source, "post_data");
}

static char *
dest_schemas_literal(const dump_dir *d)
{
	sbuf b = SBUF_INIT;
	int n = 0;

	sbuf_addch(&b, '{');
	for (int i = 0; i < d->ntables; i++)
	{
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(d->tables[j].pg_schema, d->tables[i].pg_schema) == 0;
		if (seen)
			continue;
		if (n++)
			sbuf_addch(&b, ',');
		sbuf_addch(&b, '"');
		for (const char *p = d->tables[i].pg_schema; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				sbuf_addch(&b, '\\');
			sbuf_addch(&b, *p);
		}
		sbuf_addch(&b, '"');
	}
	sbuf_addch(&b, '}');
	return sbuf_detach(&b, NULL);
}

static int
compare_bytes_desc(const void *a, const void *b)
{
	const table_job *x = a;
	const table_job *y = b;

	return x->t->bytes < y->t->bytes ? 1 : x->t->bytes > y->t->bytes ? -1
																	 : 0;
}

static void
print_summary(load_state *st, double total_seconds)
{
	uint64_t rows = 0,
			 bytes = 0,
			 discarded = 0;

	log_progress_done();
	if (log_get_level() > LOG_LEVEL_INFO)
		return;
	fprintf(stderr, "\n%-40s %12s %12s %9s %12s %10s\n", "table", "rows", "bytes", "seconds", "rows/s", "discarded");
	for (int i = 0; i < st->njobs; i++)
	{
		table_job *j = &st->jobs[i];
		char name[256];

		snprintf(name, sizeof(name), "%s.%s", j->t->pg_schema, j->t->pg_name);
		if (j->skipped)
			fprintf(stderr, "%-40s %12" PRIu64 " %12s %9s %12s %10s\n", name, j->rows, "-", "-", "-", "(earlier)");
		else
			fprintf(stderr, "%-40s %12" PRIu64 " %12" PRIu64 " %9.2f %12.0f %10" PRIu64 "\n", name, j->rows, j->bytes,
					j->seconds, j->seconds > 0 ? (double) j->rows / j->seconds : 0.0, j->discarded);
		rows += j->rows;
		bytes += j->bytes;
		discarded += j->discarded;
	}
	fprintf(stderr, "%-40s %12" PRIu64 " %12" PRIu64 " %9.2f %12.0f %10" PRIu64 "\n\n", "total", rows, bytes,
			total_seconds, total_seconds > 0 ? (double) rows / total_seconds : 0.0, discarded);
}

/* One table's CSV from stdin, on the careful path, in one transaction. */
static load_status
load_pipe(const load_options *opt)
{
	pgconn c;
	char *schema,
		*table;
	const char *dot = strchr(opt->pipe_table, '.');
	sbuf sql = SBUF_INIT;
	PGresult *res = NULL;
	tablecopy tc;
	tablecopy_result r;
	load_status status = LOAD_FAILED;
	char **columns = NULL;
	int ncolumns = 0;
	const char *params[2];

	schema = xstrndup(opt->pipe_table, (size_t) (dot - opt->pipe_table));
	table = xstrdup(dot + 1);
	if (!pgconn_open(&c, opt->target, opt->target_password, 3) || !statedb_ensure(&c))
	{
		status = pgconn_failure_is_users(&c) ? LOAD_BAD_INPUT : LOAD_FAILED;
		goto out;
	}
	params[0] = schema, params[1] = table;
	if (!pgconn_query(&c, "SELECT a.attname FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid "
						  "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = $1 AND r.relname = $2 "
						  "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
					  2, params, &res))
		goto out;
	ncolumns = PQntuples(res);
	if (ncolumns == 0)
	{
		log_error("no table \"%s\" in the target", opt->pipe_table);
		status = LOAD_BAD_INPUT;
		goto out;
	}
	columns = xcalloc((size_t) ncolumns, sizeof(char *));
	for (int i = 0; i < ncolumns; i++)
		columns[i] = xstrdup(PQgetvalue(res, i, 0));
	memset(&tc, 0, sizeof(tc));
	tc.conn = &c;
	tc.source = opt->source_name;
	tc.schema = schema;
	tc.table = table;
	tc.pg_schema = schema;
	tc.pg_table = table;
	tc.columns = columns;
	tc.ncolumns = ncolumns;
	tc.interrupted = opt->interrupted;
	if (!pgconn_exec(&c, SESSION_SETTINGS) || !pgconn_exec(&c, "BEGIN"))
		goto out;
	if (opt->truncate)
	{
		sbuf_addstr(&sql, "TRUNCATE ONLY ");
		quote_pg_qualified(&sql, schema, table);
		if (!pgconn_exec(&c, sql.data))
			goto out;
	}
	r = tablecopy_careful_fd(&tc, STDIN_FILENO, "standard input");
	if (r == TABLECOPY_MALFORMED)
	{
		status = LOAD_BAD_INPUT;
		goto out;
	}
	if (r != TABLECOPY_OK || !pgconn_exec(&c, "COMMIT"))
		goto out;
	log_info("loaded \"%s\" from standard input: %" PRIu64 " rows, %" PRIu64 " bytes, %" PRIu64 " discarded",
			 opt->pipe_table, tc.rows, tc.bytes, tc.discarded);
	status = tc.discarded ? LOAD_DISCARDED : LOAD_OK;
out:
	if (status != LOAD_OK && status != LOAD_DISCARDED && c.conn)
		pgconn_try_exec(&c, "ROLLBACK");
	if (opt->interrupted && *opt->interrupted && status == LOAD_FAILED)
		status = LOAD_INTERRUPTED;
	for (int i = 0; i < ncolumns; i++)
		free(columns[i]);
	free(columns);
	if (res)
		PQclear(res);
	sbuf_release(&sql);
	pgconn_close(&c);
	free(schema);
	free(table);
	return status;
}

static void run_table_jobs(load_state *st);

/*
 * --resync: tables of a loaded source copied again from a newer dump, while
 * cham-apply goes on. Each table's rows and its new position are committed
 * together; apply skips the table's changes up to that position. The
 * source's own position and the schema are left alone.
 */
static load_status
resync_tables(load_state *st, pgconn *c, double start)
{
	const char *params[1] = { st->source };
	PGresult *res;
	bool known;
	uint64_t discarded = 0;

	if (st->dump.binlog_file == NULL)
	{
		log_error("the dump in \"%s\" has no binlog coordinates: a re-copy needs the position its data is consistent at",
				  st->opt->dump_dir);
		return LOAD_BAD_INPUT;
	}
	if (!pgconn_query(c, "SELECT 1 FROM sch_chameleon.positions WHERE source_name = $1 AND binlog_file IS NOT NULL", 1,
					  params, &res))
		return LOAD_FAILED;
	known = PQntuples(res) == 1;
	PQclear(res);
	if (!known)
	{
		log_error("source \"%s\" has not been loaded into the target: --resync copies again tables of a loaded source",
				  st->source);
		return LOAD_BAD_INPUT;
	}
	run_table_jobs(st);
	if (atomic_load(&st->malformed))
		return LOAD_BAD_INPUT;
	if (stop_requested(st))
		return LOAD_FAILED;
	for (int i = 0; i < st->njobs; i++)
		discarded += st->jobs[i].discarded;
	print_summary(st, now_seconds() - start);
	log_info("re-copied %d tables, consistent from %s:%" PRIu64 "; cham-apply skips their changes up to there",
			 st->njobs, st->dump.binlog_file, st->dump.binlog_pos);
	return discarded ? LOAD_DISCARDED : LOAD_OK;
}

static void
run_table_jobs(load_state *st)
{
	st->njobs = st->dump.ntables;
	st->jobs = xcalloc((size_t) (st->njobs ? st->njobs : 1), sizeof(table_job));
	for (int i = 0; i < st->njobs; i++)
		st->jobs[i].t = &st->dump.tables[i];
	/* The biggest tables first, so the last to finish is a small one. */
	qsort(st->jobs, (size_t) st->njobs, sizeof(table_job), compare_bytes_desc);
	run_workers(st, table_worker, st->njobs);
}

load_status
load_run(const load_options *opt)
{
	load_state st;
	pgconn c = { 0 };
	load_status status = LOAD_FAILED;
	double start = now_seconds();
	bool pre_done,
		post_done;
	char *schemas = NULL;
	uint64_t discarded = 0;

	if (opt->pipe_table)
		return load_pipe(opt);

	memset(&st, 0, sizeof(st));
	st.opt = opt;
	st.source = opt->source_name;
	if (!dumpread_open(opt->dump_dir, &st.dump))
		return LOAD_BAD_INPUT;
	/* Every file checked before the target is touched: a bad dump changes nothing. */
	if (!opt->schema_only && !dumpread_verify(&st.dump, opt->jobs, opt->verify_checksums))
	{
		log_error("the dump in \"%s\" does not match its manifest: nothing was loaded", opt->dump_dir);
		status = LOAD_BAD_INPUT;
		goto out;
	}
	log_info("dump \"%s\": %d tables, taken at %s%s%s", opt->dump_dir, st.dump.ntables, st.dump.taken_at,
			 st.dump.binlog_file ? " at " : "", st.dump.binlog_file ? st.dump.binlog_file : "");

	if (!pgconn_open(&c, opt->target, opt->target_password, 3) || !statedb_ensure(&c))
	{
		if (pgconn_failure_is_users(&c))
			status = LOAD_BAD_INPUT;
		goto out;
	}
	if (opt->resync)
	{
		status = resync_tables(&st, &c, start);
		goto out;
	}
	schemas = dest_schemas_literal(&st.dump);
	if (!statedb_source_loading(&c, st.source, st.dump.source, st.dump.server_id, schemas, st.dump.dump_id) ||
		!statedb_load_progress(&c, st.source, st.dump.dump_id, &pre_done, &post_done))
		goto out;

	if (!opt->data_only && !pre_done && !run_pre_data(&st, &c))
	{
		if (pgconn_failure_is_users(&c))
			status = LOAD_BAD_INPUT;
		goto out;
	}

	if (!opt->schema_only)
	{
		run_table_jobs(&st);
		if (atomic_load(&st.malformed))
			status = LOAD_BAD_INPUT;
		if (stop_requested(&st))
			goto out;
	}

	if (!opt->data_only && !post_done && !run_post_data(&st, &c))
		goto out;

	if (!statedb_source_loaded(&c, st.source, st.dump.binlog_file, st.dump.binlog_pos, st.dump.gtid,
							   st.dump.taken_at))
		goto out;
	for (int i = 0; i < st.njobs; i++)
		discarded += st.jobs[i].discarded;
	print_summary(&st, now_seconds() - start);
	if (discarded)
		log_warning("%" PRIu64 " rows were refused by PostgreSQL and put in %s.discarded_rows", discarded, STATEDB_SCHEMA);
	status = discarded ? LOAD_DISCARDED : LOAD_OK;

out:
	if (status == LOAD_FAILED && opt->interrupted && *opt->interrupted)
	{
		status = LOAD_INTERRUPTED;
		log_error("interrupted: tables loaded so far are kept; run the same load again to finish it");
	}
	free(schemas);
	free(st.jobs);
	dumpread_release(&st.dump);
	pgconn_close(&c);
	return status;
}
