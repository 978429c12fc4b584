/* cli.h: the options every program shares: config file, source name, verbosity, log format. */
#ifndef CHAM_CLI_H
#define CHAM_CLI_H

#include <stdbool.h>

#include "config.h"
#include "logging.h"

/* getopt codes of the shared options; every program's option table uses them. */
#define CLI_OPT_CONFIG		'c'
#define CLI_OPT_SOURCE_NAME 'N'
#define CLI_OPT_VERBOSE		'v'
#define CLI_OPT_QUIET		'q'
#define CLI_OPT_LOG_FORMAT	'L'

typedef struct cli_common
{
	const char *config_path;
	const char *source_name;
	int verbosity;
	bool has_log_format;
	log_format format;
} cli_common;

/*
 * Takes a shared option: true when opt is one (*bad set, after logging,
 * when its value is wrong), false when it is the program's own.
 */
bool cli_common_option(cli_common *c, int opt, const char *arg, bool *bad);

/*
 * Loads the config file when one was given and picks the source, then sets
 * the log level and format, the command line over the config. *src is NULL
 * without a config. Returns false after logging (exit 2).
 */
bool cli_common_setup(cli_common *c, cham_config *cfg, const cham_source **src);

#endif
