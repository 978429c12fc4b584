/* cham-load: a cham-dump directory into PostgreSQL: schema, COPY in parallel, then keys and indexes. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "load.h"
#include "logging.h"
#include "version.h"

#define DEFAULT_JOBS 4

static volatile sig_atomic_t interrupted;

static void
on_signal(int signo)
{
	(void) signo;
	interrupted = 1;
}

static void
usage(FILE *out)
{
	fprintf(out,
			"cham-load loads a cham-dump directory into PostgreSQL: the tables of\n"
			"schema/pre-data.sql, every data file with COPY in parallel, then the keys,\n"
			"indexes and foreign keys of schema/post-data.sql; and records the dump's\n"
			"binlog coordinates in sch_chameleon for the online phase.\n"
			"\n"
			"Usage:\n"
			"  cham-load [OPTION]... --target CONNINFO DUMPDIR\n"
			"  cham-dump --table S.T --stdout | cham-load [OPTION]... --target CONNINFO --table PGSCHEMA.PGTABLE -\n"
			"\n"
			"Options:\n"
			"  -c, --config=FILE        YAML configuration (pg_chameleon v2 files too)\n"
			"      --source-name=NAME   the source's name in sch_chameleon (default \"default\")\n"
			"  -t, --target=CONNINFO    the PostgreSQL database (URI or key=value; no password:\n"
			"                           PGPASSWORD, ~/.pgpass or the config)\n"
			"  -j, --jobs=N             parallel sessions (default %d)\n"
			"      --schema-only        create tables, keys and indexes; load no rows\n"
			"      --data-only          load rows only; the tables exist\n"
			"      --resync             copy again the dump's tables of a loaded source while\n"
			"                           cham-apply runs: each table's rows and its new position\n"
			"                           together; apply skips its changes up to that position\n"
			"      --no-checksums       check file sizes only, not their xxh3 checksums\n"
			"      --table=SCHEMA.TABLE with DUMPDIR \"-\": load CSV from standard input into it\n"
			"      --truncate           with --table: empty the table first\n"
			"  -v, --verbose            more messages; -q, --quiet fewer\n"
			"      --log-format=FORMAT  text (default) or json\n"
			"  -V, --version            print the version and exit\n"
			"  -h, --help               print this help and exit\n"
			"\n"
			"Exit status: 0 done, 1 runtime failure, 2 bad usage, config or input (nothing\n"
			"changed), 3 done but rows were put in sch_chameleon.discarded_rows.\n",
			DEFAULT_JOBS);
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source-name", required_argument, NULL, 'N' },
		{ "target", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "schema-only", no_argument, NULL, 'S' },
		{ "data-only", no_argument, NULL, 'D' },
		{ "resync", no_argument, NULL, 'R' },
		{ "no-checksums", no_argument, NULL, 'K' },
		{ "table", required_argument, NULL, 'T' },
		{ "truncate", no_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	load_options opt = { 0 };
	cham_config cfg = { 0 };
	cli_common cli = { 0 };
	bool bad;
	const cham_source *src = NULL;
	long jobs = 0;
	int c;
	int rc = EXIT_CHAM_BAD_INPUT;

	log_init(argv[0]);
	opt.verify_checksums = true;
	while ((c = getopt_long(argc, argv, "c:t:j:vqVh", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 't':
				opt.target = optarg;
				break;
			case 'j':
			{
				char *end;

				jobs = strtol(optarg, &end, 10);
				if (*optarg == '\0' || *end != '\0' || jobs < 1 || jobs > 256)
				{
					log_error("invalid value \"%s\" for option --jobs: expected a whole number from 1 to 256", optarg);
					return EXIT_CHAM_BAD_INPUT;
				}
			}
			break;
			case 'S':
				opt.schema_only = true;
				break;
			case 'D':
				opt.data_only = true;
				break;
			case 'R':
				opt.resync = true;
				break;
			case 'K':
				opt.verify_checksums = false;
				break;
			case 'T':
				opt.pipe_table = optarg;
				break;
			case 'U':
				opt.truncate = true;
				break;
			case 'V':
				printf("cham-load " CHAM_VERSION "\n");
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
				fprintf(stderr, "Try \"cham-load --help\" for more information.\n");
				return EXIT_CHAM_BAD_INPUT;
		}
	}
	if (argc - optind != 1)
	{
		log_error(argc - optind == 0 ? "no dump directory given" : "too many arguments");
		fprintf(stderr, "Try \"cham-load --help\" for more information.\n");
		return EXIT_CHAM_BAD_INPUT;
	}
	opt.dump_dir = argv[optind];

	if (!cli_common_setup(&cli, &cfg, &src))
		goto out;
	if (src)
	{
		if (!opt.target)
		{
			opt.target = src->target_conninfo;
			opt.target_password = src->target_password;
		}
		if (!jobs && src->jobs)
			jobs = src->jobs;
		opt.source_name = src->name;
	}
	if (cli.source_name)
		opt.source_name = cli.source_name;
	if (!opt.source_name)
		opt.source_name = "default";
	if (!opt.target)
	{
		log_error("no target given: use --target CONNINFO or a config with pg_conn");
		goto out;
	}
	if (opt.resync && (opt.schema_only || opt.data_only))
	{
		log_error("--resync loads rows only: it goes without --schema-only and --data-only");
		goto out;
	}
	if (opt.schema_only && opt.data_only)
	{
		log_error("--schema-only and --data-only exclude each other");
		goto out;
	}
	if (opt.pipe_table)
	{
		if (strcmp(opt.dump_dir, "-") != 0)
		{
			log_error("--table loads standard input: give \"-\" instead of a dump directory");
			goto out;
		}
		if (strchr(opt.pipe_table, '.') == NULL)
		{
			log_error("invalid table \"%s\" for --table: expected SCHEMA.TABLE", opt.pipe_table);
			goto out;
		}
		opt.dump_dir = NULL;
	}
	else if (opt.truncate)
	{
		log_error("--truncate goes with --table");
		goto out;
	}
	else if (strcmp(opt.dump_dir, "-") == 0)
	{
		log_error("standard input needs --table SCHEMA.TABLE");
		goto out;
	}
	opt.jobs = jobs ? (int) jobs : DEFAULT_JOBS;
	opt.interrupted = &interrupted;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	switch (load_run(&opt))
	{
		case LOAD_OK:
			rc = EXIT_CHAM_OK;
			break;
		case LOAD_DISCARDED:
			rc = EXIT_CHAM_DISCARDED;
			break;
		case LOAD_BAD_INPUT:
			rc = EXIT_CHAM_BAD_INPUT;
			break;
		case LOAD_FAILED:
		case LOAD_INTERRUPTED:
			rc = EXIT_CHAM_RUNTIME;
			break;
	}
out:
	config_release(&cfg);
	return rc;
}
