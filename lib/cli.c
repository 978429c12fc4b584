/* cli.c: the options every program shares: config file, source name, verbosity, log format. */
#include "cli.h"

#include <stddef.h>

bool
cli_common_option(cli_common *c, int opt, const char *arg, bool *bad)
{
	*bad = false;
	switch (opt)
	{
		case CLI_OPT_CONFIG:
			c->config_path = arg;
			return true;
		case CLI_OPT_SOURCE_NAME:
			c->source_name = arg;
			return true;
		case CLI_OPT_VERBOSE:
			c->verbosity++;
			return true;
		case CLI_OPT_QUIET:
			c->verbosity--;
			return true;
		case CLI_OPT_LOG_FORMAT:
			if (!log_parse_format(arg, &c->format))
			{
				log_error("invalid value \"%s\" for option --log-format: expected text or json", arg);
				*bad = true;
			}
			c->has_log_format = true;
			return true;
		default:
			return false;
	}
}

bool
cli_common_setup(cli_common *c, cham_config *cfg, const cham_source **src)
{
	log_format format = c->has_log_format ? c->format : LOG_FORMAT_TEXT;

	*src = NULL;
	if (c->config_path)
	{
		if (!config_load(c->config_path, cfg) || (*src = config_find_source(cfg, c->source_name)) == NULL)
			return false;
		if ((*src)->has_log_format && !c->has_log_format)
			format = (*src)->log_format;
		if ((*src)->has_log_level && c->verbosity == 0)
			log_set_level((*src)->log_level);
	}
	log_set_format(format);
	if (c->verbosity > 0)
		log_set_level(LOG_LEVEL_DEBUG);
	else if (c->verbosity < 0)
		log_set_level(LOG_LEVEL_WARNING);
	return true;
}
