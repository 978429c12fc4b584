/* cham-dump: a consistent, parallel snapshot of MySQL/MariaDB tables as CSV for PostgreSQL. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "dump.h"
#include "exitcode.h"
#include "logging.h"
#include "myconf.h"
#include "tablefilter.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_JOBS 4

static volatile sig_atomic_t interrupted;

static void
on_signal(int signo)
{
	(void) signo;
	interrupted = 1;
}

static bool
config_accepts_table(const void *ctx, const char *schema, const char *table)
{
	return config_table_selected(ctx, schema, table);
}

static void
usage(FILE *out)
{
	fprintf(out,
			"cham-dump writes a consistent snapshot of MySQL/MariaDB tables as CSV files\n"
			"that PostgreSQL's COPY reads, with the schema translated and the binlog\n"
			"coordinates of the snapshot.\n"
			"\n"
			"Usage:\n"
			"  cham-dump [OPTION]... --source URI --output DUMPDIR\n"
			"  cham-dump [OPTION]... --source URI --table SCHEMA.TABLE --stdout\n"
			"\n"
			"Options:\n"
			"  -c, --config=FILE        YAML configuration (pg_chameleon v2 files too)\n"
			"      --source-name=NAME   the source of the config to use\n"
			"  -s, --source=URI         mysql://USER@HOST:PORT/DB?ssl-mode=... (no password:\n"
			"                           MYSQL_PWD, the [client] option file or the config)\n"
			"  -o, --output=DUMPDIR     the dump directory to write\n"
			"  -j, --jobs=N             parallel sessions (default %d)\n"
			"      --tables=LIST        comma-separated SCHEMA or SCHEMA.TABLE (wildcards allowed)\n"
			"      --exclude=LIST       tables to leave out, same form\n"
			"      --chunk-rows=N       split tables larger than N rows by key ranges (default %d)\n"
			"      --table=SCHEMA.TABLE with --stdout: one table's CSV to standard output\n"
			"      --stdout             write the CSV of --table to standard output\n"
			"      --coordinates=FILE   with --stdout: write the snapshot's coordinates.json here\n"
			"      --force              overwrite a dump already in DUMPDIR\n"
			"      --no-binlog          allow a source without a ROW binlog (no coordinates)\n"
			"  -v, --verbose            more messages; -q, --quiet fewer\n"
			"      --log-format=FORMAT  text (default) or json\n"
			"  -V, --version            print the version and exit\n"
			"  -h, --help               print this help and exit\n"
			"\n"
			"Exit status: 0 done, 1 runtime failure, 2 bad usage, config or input.\n",
			DEFAULT_JOBS, DUMP_DEFAULT_CHUNK_ROWS);
}

static bool
parse_positive(const char *opt, const char *text, long max, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v <= 0 || v > max)
	{
		log_error("invalid value \"%s\" for option --%s: expected a whole number from 1 to %ld", text, opt, max);
		return false;
	}
	*out = v;
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source-name", required_argument, NULL, 'N' },
		{ "source", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "tables", required_argument, NULL, 'T' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "chunk-rows", required_argument, NULL, 'R' },
		{ "table", required_argument, NULL, 't' },
		{ "stdout", no_argument, NULL, 'S' },
		{ "coordinates", required_argument, NULL, 'C' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-binlog", no_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *source_uri = NULL;
	const char *tables = NULL;
	const char *exclude = NULL;
	bool to_stdout = false;
	long jobs = 0;
	long chunk_rows = 0;
	dump_options opt = { 0 };
	cham_config cfg = { 0 };
	cli_common cli = { 0 };
	bool bad;
	const cham_source *src = NULL;
	myconf source = { 0 };
	tablefilter filter = { 0 };
	int c;
	int rc = EXIT_CHAM_BAD_INPUT;
	dump_status status;

	log_init(argv[0]);
	while ((c = getopt_long(argc, argv, "c:s:o:j:vqVh", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 's':
				source_uri = optarg;
				break;
			case 'o':
				opt.output_dir = optarg;
				break;
			case 'j':
				if (!parse_positive("jobs", optarg, 256, &jobs))
					return EXIT_CHAM_BAD_INPUT;
				break;
			case 'T':
				tables = optarg;
				break;
			case 'X':
				exclude = optarg;
				break;
			case 'R':
				if (!parse_positive("chunk-rows", optarg, 2000000000L, &chunk_rows))
					return EXIT_CHAM_BAD_INPUT;
				break;
			case 't':
				opt.stdout_table = optarg;
				break;
			case 'S':
				to_stdout = true;
				break;
			case 'C':
				opt.coordinates_file = optarg;
				break;
			case 'F':
				opt.force = true;
				break;
			case 'B':
				opt.no_binlog = true;
				break;
			case 'V':
				printf("cham-dump " CHAM_VERSION "\n");
				return EXIT_CHAM_OK;
			case 'h':
				usage(stdout);
				return EXIT_CHAM_OK;
			default:
				if (cli_common_option(&cli, c, optarg, &bad))
				{
					if (bad)
						return EXIT_CHAM_BAD_INPUT;
					break;
				}
				fprintf(stderr, "Try \"cham-dump --help\" for more information.\n");
				return EXIT_CHAM_BAD_INPUT;
		}
	}
	if (optind < argc)
	{
		log_error("unexpected argument \"%s\"", argv[optind]);
		fprintf(stderr, "Try \"cham-dump --help\" for more information.\n");
		return EXIT_CHAM_BAD_INPUT;
	}

	if (!cli_common_setup(&cli, &cfg, &src))
		goto out;
	else if (cli.source_name && cli.config_path == NULL)
	{
		log_error("--source-name needs --config");
		goto out;
	}

	if (source_uri && !myconf_parse_uri(source_uri, &source))
		goto out;
	if (src)
		myconf_merge(&source, &src->conn);
	if (!source_uri && !src)
	{
		log_error("no source given: use --source URI or --config FILE");
		goto out;
	}
	myconf_resolve_password(&source);

	if (to_stdout != (opt.stdout_table != NULL))
	{
		log_error("--stdout and --table go together");
		goto out;
	}
	if (opt.stdout_table && (strchr(opt.stdout_table, '.') == NULL || strpbrk(opt.stdout_table, "*?[")))
	{
		log_error("invalid table \"%s\" for --table: expected SCHEMA.TABLE", opt.stdout_table);
		goto out;
	}
	if (!opt.stdout_table && !opt.output_dir)
	{
		log_error("no output given: use --output DUMPDIR, or --table T --stdout");
		goto out;
	}
	if (opt.stdout_table && opt.output_dir)
	{
		log_error("--output and --stdout exclude each other");
		goto out;
	}
	if (opt.coordinates_file && !opt.stdout_table)
	{
		log_error("--coordinates goes with --stdout (a dump directory has its own coordinates.json)");
		goto out;
	}

	/* Table selection: the command line, and the config's selection. */
	if (tables && !tablefilter_add_list(&filter, true, tables))
	{
		log_error("invalid value \"%s\" for option --tables: empty entry", tables);
		goto out;
	}
	if (exclude && !tablefilter_add_list(&filter, false, exclude))
	{
		log_error("invalid value \"%s\" for option --exclude: empty entry", exclude);
		goto out;
	}
	if (src)
	{
		/* schema_mappings, limit_tables and skip_tables, as pg_chameleon reads them. */
		filter.accept = config_accepts_table;
		filter.accept_ctx = src;
		opt.mappings = src->mappings;
		opt.nmappings = src->nmappings;
		if (!jobs && src->jobs)
			jobs = src->jobs;
		if (!chunk_rows && src->chunk_rows)
			chunk_rows = src->chunk_rows;
	}
	opt.overrides = cfg.overrides;
	opt.noverrides = cfg.noverrides;
	opt.source = &source;
	opt.filter = &filter;
	opt.jobs = jobs ? (int) jobs : DEFAULT_JOBS;
	opt.chunk_rows = chunk_rows ? (uint64_t) chunk_rows : DUMP_DEFAULT_CHUNK_ROWS;
	opt.interrupted = &interrupted;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* A reader that goes away is an error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);

	status = dump_run(&opt);
	switch (status)
	{
		case DUMP_OK:
			rc = EXIT_CHAM_OK;
			break;
		case DUMP_BAD_INPUT:
			rc = EXIT_CHAM_BAD_INPUT;
			break;
		case DUMP_FAILED:
		case DUMP_INTERRUPTED:
			rc = EXIT_CHAM_RUNTIME;
			break;
	}
	if (rc == EXIT_CHAM_OK && to_stdout && fflush(stdout) != 0)
		rc = EXIT_CHAM_RUNTIME;

out:
	tablefilter_release(&filter);
	myconf_release(&source);
	config_release(&cfg);
	return rc;
}
