/* cham-stream: a MySQL/MariaDB binlog, read as a replica, as JSON Lines of committed changes. */
#include <getopt.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "dumpread.h"
#include "exitcode.h"
#include "logging.h"
#include "myconf.h"
#include "pgconn.h"
#include "stream.h"
#include "tablefilter.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_SERVER_ID 5400
#define DEFAULT_HEARTBEAT 5

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
			"cham-stream reads a MySQL/MariaDB binlog as a replica and writes every committed\n"
			"change as JSON Lines (DESIGN.md, \"The event stream\") to stdout or a file.\n"
			"\n"
			"Usage:\n"
			"  cham-stream [OPTION]... --source URI START\n"
			"\n"
			"START is one of:\n"
			"      --start=FILE:POS     a binlog position\n"
			"      --start-gtid=SET     a MariaDB GTID position (domain-server-seq,...)\n"
			"      --from-dump=DUMPDIR  the coordinates of a cham-dump directory\n"
			"      --from-target=CONNINFO  the position cham-load or cham-apply recorded\n"
			"\n"
			"Options:\n"
			"  -c, --config=FILE        YAML configuration (pg_chameleon v2 files too)\n"
			"      --source-name=NAME   the source of the config (and of sch_chameleon)\n"
			"  -s, --source=URI         mysql://USER@HOST:PORT/DB (no password on the command line)\n"
			"      --server-id=N        our server id as a replica (default my_server_id, else %d)\n"
			"  -o, --output=FILE        append the stream to FILE instead of stdout\n"
			"      --stop-at=FILE:POS   stop after the last transaction ending at or before it\n"
			"      --stop-when-idle     stop once caught up with the end of the binlog\n"
			"      --heartbeat=SECONDS  a heartbeat line when idle this long (default %d)\n"
			"      --tables=LIST        only these SCHEMA or SCHEMA.TABLE (wildcards allowed)\n"
			"      --exclude=LIST       leave these out\n"
			"  -v, --verbose            more messages; -q, --quiet fewer\n"
			"      --log-format=FORMAT  text (default) or json\n"
			"  -V, --version            print the version and exit\n"
			"  -h, --help               print this help and exit\n"
			"\n"
			"SIGINT/SIGTERM end the stream after the transaction in hand. Exit status: 0 done,\n"
			"1 runtime failure (after retries), 2 bad usage, config or source settings.\n",
			DEFAULT_SERVER_ID, DEFAULT_HEARTBEAT);
}

/* "FILE:POS" into its parts; the file is the caller's to free. */
static bool
parse_position(const char *opt, const char *text, char **file, uint64_t *pos)
{
	const char *colon = strrchr(text, ':');
	char *end;

	if (colon == NULL || colon == text || colon[1] < '0' || colon[1] > '9')
		goto bad;
	*pos = strtoull(colon + 1, &end, 10);
	/* Binlog offsets are 32-bit; the first event is at 4. */
	if (*end != '\0' || *pos < 4 || *pos > 4294967295ULL)
		goto bad;
	*file = xstrndup(text, (size_t) (colon - text));
	return true;
bad:
	log_error("invalid value \"%s\" for option --%s: expected FILE:POS, e.g. mysql-bin.000003:4", text, opt);
	return false;
}

/* A MariaDB GTID position: DOMAIN-SERVER-SEQ, comma-separated. */
static bool
valid_mariadb_gtid(const char *text)
{
	const char *p = text;

	for (;;)
	{
		for (int part = 0; part < 3; part++)
		{
			if (*p < '0' || *p > '9')
				return false;
			while (*p >= '0' && *p <= '9')
				p++;
			if (part < 2 && *p++ != '-')
				return false;
		}
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

static bool
parse_number(const char *opt, const char *text, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v == 0 || v > max)
	{
		log_error("invalid value \"%s\" for option --%s: expected a whole number from 1 to %lu", text, opt, max);
		return false;
	}
	*out = v;
	return true;
}

/* The position cham-load or cham-apply recorded for the source. */
static int
position_from_target(const char *conninfo, const char *password, const char *source, char **file, uint64_t *pos)
{
	pgconn c;
	PGresult *res = NULL;
	const char *params[1] = { source };
	int rc = EXIT_CHAM_RUNTIME;

	if (!pgconn_open(&c, conninfo, password, 3))
	{
		rc = pgconn_failure_is_users(&c) ? EXIT_CHAM_BAD_INPUT : EXIT_CHAM_RUNTIME;
		goto out;
	}
	if (!pgconn_try_query(&c, "SELECT binlog_file, binlog_pos FROM sch_chameleon.positions WHERE source_name = $1", 1,
						  params, &res))
	{
		log_error("could not read the position of source \"%s\" in \"%s\": %s", source, c.description, pgconn_error(&c));
		rc = EXIT_CHAM_BAD_INPUT;
		goto out;
	}
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
	{
		log_error("no position for source \"%s\" in \"%s\"", source, c.description);
		log_detail(LOG_LEVEL_ERROR, "cham-load records it; --source-name names the source");
		rc = EXIT_CHAM_BAD_INPUT;
		goto out;
	}
	*file = xstrdup(PQgetvalue(res, 0, 0));
	*pos = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	rc = EXIT_CHAM_OK;
out:
	if (res)
		PQclear(res);
	pgconn_close(&c);
	return rc;
}

static bool
config_accepts_table(const void *ctx, const char *schema, const char *table)
{
	return config_table_selected(ctx, schema, table);
}

int
main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "source-name", required_argument, NULL, 'N' },
		{ "source", required_argument, NULL, 's' },
		{ "server-id", required_argument, NULL, 'I' },
		{ "start", required_argument, NULL, 'P' },
		{ "start-gtid", required_argument, NULL, 'G' },
		{ "from-dump", required_argument, NULL, 'D' },
		{ "from-target", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "stop-at", required_argument, NULL, 'S' },
		{ "stop-when-idle", no_argument, NULL, 'W' },
		{ "heartbeat", required_argument, NULL, 'H' },
		{ "tables", required_argument, NULL, 't' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "log-format", required_argument, NULL, 'L' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *source_uri = NULL;
	const char *start_text = NULL, *from_dump = NULL, *from_target = NULL, *stop_text = NULL;
	const char *tables = NULL, *exclude = NULL;
	char *start_file = NULL, *stop_file = NULL;
	unsigned long server_id = 0, heartbeat = DEFAULT_HEARTBEAT;
	int nstarts = 0, c, rc = EXIT_CHAM_BAD_INPUT;
	stream_options opt = { 0 };
	cham_config cfg = { 0 };
	cli_common cli = { 0 };
	bool bad;
	const cham_source *src = NULL;
	myconf source = { 0 };
	tablefilter filter = { 0 };

	log_init(argv[0]);
	while ((c = getopt_long(argc, argv, "c:s:o:vqVh", long_options, NULL)) != -1)
	{
		switch (c)
		{
			case 's':
				source_uri = optarg;
				break;
			case 'I':
				if (!parse_number("server-id", optarg, 4294967295UL, &server_id))
					return EXIT_CHAM_BAD_INPUT;
				break;
			case 'P':
				start_text = optarg, nstarts++;
				break;
			case 'G':
				opt.start_gtid = optarg, nstarts++;
				break;
			case 'D':
				from_dump = optarg, nstarts++;
				break;
			case 'T':
				from_target = optarg, nstarts++;
				break;
			case 'o':
				opt.output = optarg;
				break;
			case 'S':
				stop_text = optarg;
				break;
			case 'W':
				opt.stop_when_idle = true;
				break;
			case 'H':
				if (!parse_number("heartbeat", optarg, 86400, &heartbeat))
					return EXIT_CHAM_BAD_INPUT;
				break;
			case 't':
				tables = optarg;
				break;
			case 'x':
				exclude = optarg;
				break;
			case 'V':
				printf("cham-stream " CHAM_VERSION "\n");
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
				fprintf(stderr, "Try \"cham-stream --help\" for more information.\n");
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
		if (!server_id && src->server_id)
			server_id = src->server_id;
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
	if (nstarts != 1)
	{
		log_error(nstarts ? "give one start only" : "no start given: use --start, --start-gtid, --from-dump or --from-target");
		goto out;
	}
	if (opt.start_gtid && strchr(opt.start_gtid, ':'))
	{
		log_error("invalid value \"%s\" for option --start-gtid: MySQL GTID sets cannot start a stream here; use --start FILE:POS",
				  opt.start_gtid);
		goto out;
	}
	if (opt.start_gtid && !valid_mariadb_gtid(opt.start_gtid))
	{
		log_error("invalid value \"%s\" for option --start-gtid: expected DOMAIN-SERVER-SEQ[,...], e.g. 0-1-100",
				  opt.start_gtid);
		goto out;
	}
	if (start_text && !parse_position("start", start_text, &start_file, &opt.start_pos))
		goto out;
	if (stop_text && !parse_position("stop-at", stop_text, &stop_file, &opt.stop_pos))
		goto out;
	if (from_dump)
	{
		dump_dir d;

		if (!dumpread_open(from_dump, &d))
			goto out;
		if (d.binlog_file == NULL)
		{
			log_error("the dump in \"%s\" has no binlog coordinates (it was taken with --no-binlog)", from_dump);
			dumpread_release(&d);
			goto out;
		}
		start_file = xstrdup(d.binlog_file);
		opt.start_pos = d.binlog_pos;
		dumpread_release(&d);
	}
	if (from_target && (rc = position_from_target(from_target, src ? src->target_password : NULL,
												  cli.source_name ? cli.source_name : (src ? src->name : "default"),
												  &start_file, &opt.start_pos)) != EXIT_CHAM_OK)
		goto out;
	rc = EXIT_CHAM_BAD_INPUT;
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
	/* As cham-dump: the URI's database is the schema streamed, unless --tables says otherwise. */
	if (!tables && source.database)
		tablefilter_add(&filter, true, source.database);
	if (src)
	{
		filter.accept = config_accepts_table;
		filter.accept_ctx = src;
	}
	opt.source = &source;
	opt.server_id = server_id ? (unsigned) server_id : DEFAULT_SERVER_ID;
	opt.start_file = start_file;
	opt.stop_file = stop_file;
	opt.heartbeat_seconds = (int) heartbeat;
	opt.filter = &filter;
	opt.config = src;
	opt.overrides = cfg.overrides;
	opt.noverrides = cfg.noverrides;
	opt.interrupted = &interrupted;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	switch (stream_run(&opt))
	{
		case STREAM_OK:
			rc = EXIT_CHAM_OK;
			break;
		case STREAM_BAD_INPUT:
			rc = EXIT_CHAM_BAD_INPUT;
			break;
		case STREAM_FAILED:
			rc = EXIT_CHAM_RUNTIME;
			break;
	}
out:
	free(start_file);
	free(stop_file);
	tablefilter_release(&filter);
	myconf_release(&source);
	config_release(&cfg);
	return rc;
}
