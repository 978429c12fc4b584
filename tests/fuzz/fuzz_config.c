/* fuzz_config.c: libFuzzer target for the YAML configuration loader and mysql:// URIs. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "logging.h"
#include "myconf.h"
#include "sbuf.h"
#include "fuzz.h"

static int config_fd = -1;
static char config_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_config");
	/* A file in memory that config_load() opens by name, rewritten for each input. */
	config_fd = memfd_create("fuzz_config.yml", 0);
	if (config_fd < 0)
	{
		perror("memfd_create");
		exit(1);
	}
	snprintf(config_path, sizeof(config_path), "/proc/self/fd/%d", config_fd);
	return 0;
}

/* What a program does with a loaded file: find its source, ask about tables and schemas. */
static void
use_config(const cham_config *c)
{
	const cham_source *s = config_find_source(c, NULL);
	char *text;

	if (c->nsources < 1)
		abort();
	for (int i = 0; i < c->nsources; i++)
	{
		const cham_source *si = &c->sources[i];

		(void) config_table_selected(si, "db", "t");
		(void) config_map_schema(si, "db");
		(void) config_event_skipped(si, "insert", "db", "t");
		for (int k = 0; k < si->nmappings; k++)
			(void) config_table_selected(si, si->mappings[k].from, "t");
		text = myconf_describe(&si->conn);
		if (si->conn.password && *si->conn.password && strstr(text, si->conn.password))
		{
			/* A description may be logged: never with the password (unless another field holds its text). */
			myconf bare = si->conn;
			char *without;

			bare.password = NULL;
			without = myconf_describe(&bare);
			if (strstr(without, si->conn.password) == NULL)
				abort();
			free(without);
		}
		free(text);
	}
	(void) s;
}

/* A URI: parsed, described without its password, and the description read back the same. */
static void
fuzz_uri(const char *uri)
{
	myconf a, b;
	sbuf err = SBUF_INIT;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (myconf_parse_uri_silent(uri, &a, &err))
	{
		char *text = myconf_describe(&a);
		char *again;

		if (!myconf_parse_uri_silent(text, &b, &err))
			abort();
		again = myconf_describe(&b);
		if (strcmp(text, again) != 0)
			abort();
		free(again);
		free(text);
		(void) myconf_normalize_ssl_mode(uri);
	}
	myconf_release(&a);
	myconf_release(&b);
	sbuf_release(&err);
}

/*
 * An input that starts with "mysql:" or "mariadb:" is a URI; anything else
 * is a configuration file (whose source: URIs the loader parses too).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cham_config c;
	uint64_t bytes;
	char *text;

	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (strncmp(text, "mysql:", 6) == 0 || strncmp(text, "mariadb:", 8) == 0)
	{
		fuzz_uri(text);
		(void) config_parse_size(text + 6, &bytes);
		free(text);
		return 0;
	}
	free(text);
	if (ftruncate(config_fd, 0) != 0 || pwrite(config_fd, data, size, 0) != (ssize_t) size)
		abort();
	memset(&c, 0, sizeof(c));
	if (config_load(config_path, &c))
		use_config(&c);
	config_release(&c);
	return 0;
}
