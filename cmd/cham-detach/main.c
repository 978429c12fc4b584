/* cham-detach: the PostgreSQL target made to work alone once replication from a source ends. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "detach.h"
#include "exitcode.h"
#include "logging.h"
#include "version.h"

static void
usage(FILE *out)
{
	fprintf(out,
			"cham-detach makes the PostgreSQL target of a source work on its own after the\n"
			"cut-over: every identity or serial sequence of the source's schemas is set past\n"
			"the largest value in its table, every NOT VALID foreign key is validated (one\n"
			"that fails is reported and stays NOT VALID), and the source is marked detached\n"
			"in sch_chameleon, or its state deleted. Stop cham-stream and cham-apply first.\n"
			"\n"
			"Usage:\n"
			"  cham-detach [OPTION]... --target CONNINFO\n"
			"\n"
			"Options:\n"
			"  -c, --config=FILE        YAML configuration (pg_chameleon v2 files too)\n"
			"      --source-name=NAME   the source in sch_chameleon (default \"default\")\n"
			"  -t, --target=CONNINFO    the PostgreSQL database (no password: PGPASSWORD, ~/.pgpass or the config)\n"
			"      --drop-state         delete the source's rows of sch_chameleon (and the schema\n"
			"                           when no source is left) instead of marking it detached\n"
			"  -v, --verbose            more messages; -q, --quiet fewer\n"
			"      --log-format=FORMAT  text (default) or json\n"
			"  -V, --version            print the version and exit\n"
			"  -h, --help               print this help and exit\n"
			"\n"
			"Exit status: 0 detached, 1 runtime failure or a foreign key or sequence that\n"
			"failed (the rest is still done), 2 bad usage or config, no sch_chameleon or an\n"
			"unknown source (nothing changed).\n");
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source-name", required_argument, NULL, 'N' },
		{ "target", required_argument, NULL, 't' },
		{ "drop-state", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	detach_options opt = { 0 };
	cham_config cfg = { 0 };
	cli_common cli = { 0 };
	bool bad;
	const cham_source *src = NULL;
	int c, rc = EXIT_CHAM_BAD_INPUT;

	log_init(argv[0]);
	while ((c = getopt_long(argc, argv, "c:t:vqVh", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 't':
				opt.target = optarg;
				break;
			case 'D':
				opt.drop_state = true;
				break;
			case 'V':
				printf("cham-detach " CHAM_VERSION "\n");
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
				fprintf(stderr, "Try \"cham-detach --help\" for more information.\n");
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

	switch (detach_run(&opt))
	{
		case DETACH_OK:
			rc = EXIT_CHAM_OK;
			break;
		case DETACH_BAD_INPUT:
			rc = EXIT_CHAM_BAD_INPUT;
			break;
		case DETACH_INCOMPLETE:
		case DETACH_FAILED:
			rc = EXIT_CHAM_RUNTIME;
			break;
	}
out:
	config_release(&cfg);
	return rc;
}
