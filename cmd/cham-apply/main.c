/* cham-apply: the event stream of cham-stream applied to PostgreSQL, each source transaction once. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "cli.h"
#include "config.h"
#include "exitcode.h"
#include "logging.h"
#include "version.h"

#define DEFAULT_BATCH 1000

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
			"cham-apply applies the event stream of cham-stream (JSON Lines, from stdin or a\n"
			"file) to PostgreSQL: whole source transactions, several in one PostgreSQL\n"
			"transaction with the position they reach, so that after any stop the target is\n"
			"exactly at the stored position and nothing is applied twice.\n"
			"\n"
			"Usage:\n"
			"  cham-stream ... | cham-apply [OPTION]... --target CONNINFO\n"
			"\n"
			"Options:\n"
			"  -c, --config=FILE        YAML configuration (pg_chameleon v2 files too)\n"
			"      --source-name=NAME   the source in sch_chameleon (default \"default\")\n"
			"  -t, --target=CONNINFO    the PostgreSQL database (no password: PGPASSWORD, ~/.pgpass or the config)\n"
			"  -i, --input=FILE         read the stream from FILE instead of stdin\n"
			"      --batch-size=N       source transactions per PostgreSQL transaction (default\n"
			"                           replica_batch_size, else %d)\n"
			"      --stop-on-ddl        stop at a DDL statement (on_unknown_ddl: stop)\n"
			"  -v, --verbose            more messages; -q, --quiet fewer\n"
			"      --log-format=FORMAT  text (default) or json\n"
			"  -V, --version            print the version and exit\n"
			"  -h, --help               print this help and exit\n"
			"\n"
			"Exit status: 0 end of input, 1 runtime failure, 2 bad usage or a malformed line\n"
			"(its transaction not applied), 3 done but rows went to sch_chameleon.discarded_rows.\n",
			DEFAULT_BATCH);
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source-name", required_argument, NULL, 'N' },
		{ "target", required_argument, NULL, 't' },
		{ "input", required_argument, NULL, 'i' },
		{ "batch-size", required_argument, NULL, 'B' },
		{ "stop-on-ddl", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	apply_options opt = { 0 };
	cham_config cfg = { 0 };
	cli_common cli = { 0 };
	bool bad;
	const cham_source *src = NULL;
	int c, rc = EXIT_CHAM_BAD_INPUT;
	long batch = 0;
	struct sigaction sa;

	log_init(argv[0]);
	while ((c = getopt_long(argc, argv, "c:t:i:vqVh", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 't':
				opt.target = optarg;
				break;
			case 'i':
				opt.input = optarg;
				break;
			case 'B':
			{
				char *end;

				batch = strtol(optarg, &end, 10);
				if (*optarg == '\0' || *end != '\0' || batch < 1 || batch > 1000000)
				{
					log_error("invalid value \"%s\" for option --batch-size: expected a whole number from 1 to 1000000", optarg);
					return EXIT_CHAM_BAD_INPUT;
				}
			}
			break;
			case 'D':
				opt.stop_on_unknown_ddl = true;
				break;
			case 'V':
				printf("cham-apply " CHAM_VERSION "\n");
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
				fprintf(stderr, "Try \"cham-apply --help\" for more information.\n");
				return EXIT_CHAM_BAD_INPUT;
		}
	}
	if (optind < argc)
	{
		log_error("unexpected argument \"%s\"", argv[optind]);
		return EXIT_CHAM_BAD_INPUT;
	}
	if (!cli_common_setup(&cli, &cfg, &src))
		goto out;
	if (src)
	{
		if (!opt.target)
		{
			opt.target = src->target_conninfo;
			opt.target_password = src->target_password;
		}
		if (!batch && src->batch_size)
			batch = src->batch_size;
		if (src->on_unknown_ddl && strcmp(src->on_unknown_ddl, "stop") == 0)
			opt.stop_on_unknown_ddl = true;
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
	opt.batch_size = batch ? (int) batch : DEFAULT_BATCH;
	opt.interrupted = &interrupted;
	/* Without SA_RESTART: a read waiting on a quiet stream returns, and the batch is committed. */
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	switch (apply_run(&opt))
	{
		case APPLY_OK:
			rc = EXIT_CHAM_OK;
			break;
		case APPLY_DISCARDED:
			rc = EXIT_CHAM_DISCARDED;
			break;
		case APPLY_BAD_INPUT:
			rc = EXIT_CHAM_BAD_INPUT;
			break;
		case APPLY_FAILED:
			rc = EXIT_CHAM_RUNTIME;
			break;
	}
out:
	config_release(&cfg);
	return rc;
}
