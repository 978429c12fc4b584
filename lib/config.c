/* config.c: the YAML configuration file (a pg_chameleon v2 file as it is, plus our keys). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "sbuf.h"
#include "xalloc.h"

/*
 * Aliases may point at an enclosing node (libyaml's loader allows it), and a
 * merge key may then expand forever: past this depth the file is refused.
 */
#define MAX_MERGE_DEPTH 32
/* Aliases that merge the same mapping twice double the work at each level: it is bounded too. */
#define MAX_MERGED 10000

/* pg_conn's keys, gathered before they become a conninfo. */
typedef struct pg_parts
{
	char *host;
	int port;
	char *user;
	char *password; /* kept apart: never enters the conninfo */
	char *dbname;
	char *sslmode;
	char *sslrootcert;
	char *sslcert;
	char *sslkey;
	int connect_timeout;
	char *application_name;
} pg_parts;

/* A key of db_conn that belongs one level up, reported once the source's type is known. */
typedef struct misplaced_key
{
	const yaml_node_t *node;
	char *path; /* owned */
	bool used;	/* read all the same (type) */
} misplaced_key;

typedef struct loader
{
	const char *path; /* the file, for messages */
	yaml_document_t doc;
	bool failed; /* an error was logged: the load fails at the end */
	cham_config *cfg;
	cham_source defaults; /* top-level values that every source inherits */
	pg_parts pg;
	misplaced_key *misplaced; /* of the source being read */
	int nmisplaced;
	char *db_conn_type; /* a type: written under db_conn, owned */
	unsigned merged;	/* mappings merged in by merge keys so far */
} loader;

typedef struct key_spec key_spec;

/*
 * Reads value (never a null: those are skipped, leaving the field unset) for
 * the key at path into target, whose type depends on the table the spec is in.
 */
typedef void (*key_handler)(loader *L, const key_spec *spec, yaml_node_t *value,
							const char *path, void *target);

struct key_spec
{
	const char *name;	 /* ending in '*': any key with that prefix */
	key_handler handler; /* NULL: a pg_chameleon key we accept and do not use */
	size_t off;			 /* the field in target */
	size_t count_off;	 /* a list's count, a log setting's has_ flag */
	long long min;		 /* integers and sizes: the range */
	long long max;
	const char *choices; /* h_choice: the values, separated by '|' */
};

/* One key: value of a mapping, after merge keys (<<) are expanded. */
typedef struct pair_list
{
	yaml_node_t **keys;
	yaml_node_t **values;
	int n;
	int cap;
} pair_list;

static void walk_mapping(loader *L, yaml_node_t *map, const char *path,
						 const key_spec *specs, void *target);

/* ---- nodes and messages ---- */

static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type)
	{
		case YAML_MAPPING_NODE:
			return "a mapping";
		case YAML_SEQUENCE_NODE:
			return "a list";
		default:
			return "a single value";
	}
}

static const char *
node_text(const yaml_node_t *n)
{
	return (const char *) n->data.scalar.value;
}

/* An empty value, ~ or null written plainly; a quoted "" is an empty string. */
static bool
node_is_null(const yaml_node_t *n)
{
	const char *t;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	t = node_text(n);
	return t[0] == '\0' || strcmp(t, "~") == 0 || strcmp(t, "null") == 0 ||
		   strcmp(t, "Null") == 0 || strcmp(t, "NULL") == 0;
}

static char *
key_path(const char *parent, const char *key)
{
	return parent[0] ? xasprintf("%s.%s", parent, key) : xstrdup(key);
}

/* Logs "FILE:LINE:COLUMN: invalid value for "key": why" at node n and fails the load. */
static void
fail_at(loader *L, const yaml_node_t *n, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
fail_at(loader *L, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
	va_list ap;
	char why[512];

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	log_error("%s:%zu:%zu: invalid value for \"%s\": %s", L->path,
			  n->start_mark.line + 1, n->start_mark.column + 1, path, why);
	L->failed = true;
}

static bool
expect_kind(loader *L, const yaml_node_t *n, const char *path, yaml_node_type_t kind)
{
	const char *want = kind == YAML_MAPPING_NODE ? "a mapping of keys" : kind == YAML_SEQUENCE_NODE ? "a list"
																									: "a single value";

	if (n->type == kind)
		return true;
	fail_at(L, n, path, "expected %s, found %s", want, node_kind(n));
	return false;
}

/* The text of a scalar node, or NULL after logging why it cannot be one. */
static const char *
expect_scalar(loader *L, const yaml_node_t *n, const char *path)
{
	if (!expect_kind(L, n, path, YAML_SCALAR_NODE))
		return NULL;
	/* "\0" is valid YAML, but would silently cut a C string short */
	if (strlen(node_text(n)) != n->data.scalar.length)
	{
		fail_at(L, n, path, "the value holds a NUL character");
		return NULL;
	}
	return node_text(n);
}

/* Key names compare with - and _ as the same character, so ssl-mode is ssl_mode. */
static bool
key_matches(const char *key, const char *name)
{
	for (; *key && *name; key++, name++)
	{
		char a = *key == '-' ? '_' : *key;

		if (*name == '*' && name[1] == '\0')
			return true;
		if (a != *name)
			return false;
	}
	return *key == '\0' && (*name == '\0' || strcmp(name, "*") == 0);
}

/* Levenshtein distance, capped: enough to suggest the key a typo meant. */
static int
edit_distance(const char *a, const char *b)
{
	int row[64];
	size_t la = strlen(a);
	size_t lb = strlen(b);
	size_t i;
	size_t j;

	if (la >= 64 || lb >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = (int) j;
	for (i = 1; i <= la; i++)
	{
		int diag = row[0];

		row[0] = (int) i;
		for (j = 1; j <= lb; j++)
		{
			int up = row[j];
			int best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void
warn_unknown_key(loader *L, const yaml_node_t *key, const char *path, const key_spec *specs)
{
	const char *name = node_text(key);
	const char *best = NULL;
	int best_d = 3; /* at most two edits away */
	const key_spec *s;

	for (s = specs; s->name; s++)
	{
		int d;

		if (strchr(s->name, '*'))
			continue;
		d = edit_distance(name, s->name);
		if (d < best_d)
		{
			best_d = d;
			best = s->name;
		}
	}
	log_warning("%s:%zu:%zu: unknown key \"%s\" ignored", L->path,
				key->start_mark.line + 1, key->start_mark.column + 1, path);
	if (best)
		log_detail(LOG_LEVEL_WARNING, "did you mean \"%s\"?", best);
}

/* ---- mappings, with merge keys ---- */

static void
pairs_add(pair_list *p, yaml_node_t *key, yaml_node_t *value)
{
	if (p->n == p->cap)
	{
		p->cap = p->cap ? p->cap * 2 : 16;
		p->keys = xrealloc(p->keys, sizeof(*p->keys) * (size_t) p->cap);
		p->values = xrealloc(p->values, sizeof(*p->values) * (size_t) p->cap);
	}
	p->keys[p->n] = key;
	p->values[p->n] = value;
	p->n++;
}

static void
pairs_release(pair_list *p)
{
	free(p->keys);
	free(p->values);
	memset(p, 0, sizeof(*p));
}

static bool
is_merge_key(const yaml_node_t *key)
{
	return key->type == YAML_SCALAR_NODE && key->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		   strcmp(node_text(key), "<<") == 0;
}

/*
 * The pairs of a mapping in the order their values take effect: those merged
 * in by "<<: *anchor" first (pg_chameleon's PyYAML knows merge keys, libyaml
 * does not), then the mapping's own, so a later pair overrides an earlier
 * one, as YAML says. A key that is not a single value is an error; a key
 * given twice in the same mapping draws a warning (the last one wins, as in
 * PyYAML).
 */
static void
collect_pairs(loader *L, yaml_node_t *map, const char *path, pair_list *out, int depth)
{
	yaml_node_pair_t *pair;
	int first_own;

	if (L->merged > MAX_MERGED)
		return; /* failed already, and said why once */
	if (depth > MAX_MERGE_DEPTH)
	{
		fail_at(L, map, path, "merge keys (<<) nested too deep (a recursive alias?)");
		L->merged = MAX_MERGED + 1;
		return;
	}
	if (depth > 0 && ++L->merged > MAX_MERGED)
	{
		fail_at(L, map, path, "merge keys (<<) merge more than %d mappings (recursive aliases?)", MAX_MERGED);
		return;
	}
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++)
	{
		yaml_node_t *key = yaml_document_get_node(&L->doc, pair->key);
		yaml_node_t *value = yaml_document_get_node(&L->doc, pair->value);

		if (!is_merge_key(key))
			continue;
		if (value->type == YAML_MAPPING_NODE)
			collect_pairs(L, value, path, out, depth + 1);
		else if (value->type == YAML_SEQUENCE_NODE)
		{
			yaml_node_item_t *item;

			/* in a list of merged mappings, the first one takes precedence */
			for (item = value->data.sequence.items.top; item > value->data.sequence.items.start; item--)
			{
				yaml_node_t *m = yaml_document_get_node(&L->doc, item[-1]);

				if (expect_kind(L, m, path, YAML_MAPPING_NODE))
					collect_pairs(L, m, path, out, depth + 1);
			}
		}
		else if (!node_is_null(value))
			fail_at(L, value, path, "a merge key (<<) needs a mapping or a list of mappings, found %s",
					node_kind(value));
	}

	first_own = out->n;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++)
	{
		yaml_node_t *key = yaml_document_get_node(&L->doc, pair->key);
		yaml_node_t *value = yaml_document_get_node(&L->doc, pair->value);
		int i;

		if (is_merge_key(key))
			continue;
		if (key->type != YAML_SCALAR_NODE)
		{
			log_error("%s:%zu:%zu: a key under \"%s\" must be a single value, found %s", L->path,
					  key->start_mark.line + 1, key->start_mark.column + 1,
					  path[0] ? path : "(top level)", node_kind(key));
			L->failed = true;
			continue;
		}
		for (i = first_own; i < out->n; i++)
		{
			if (strcmp(node_text(out->keys[i]), node_text(key)) == 0)
			{
				char *kp = key_path(path, node_text(key));

				log_warning("%s:%zu:%zu: key \"%s\" given again: this one replaces the one at line %zu",
							L->path, key->start_mark.line + 1, key->start_mark.column + 1, kp,
							out->keys[i]->start_mark.line + 1);
				free(kp);
				break;
			}
		}
		pairs_add(out, key, value);
	}
}

/*
 * Reads every key of a mapping through the spec table: a known key goes to
 * its handler (null values are skipped: the field stays unset), a
 * pg_chameleon key we do not use is accepted quietly, any other draws a
 * warning naming the file and line.
 */
static void
walk_mapping(loader *L, yaml_node_t *map, const char *path, const key_spec *specs, void *target)
{
	pair_list pairs = { 0 };
	int i;

	collect_pairs(L, map, path, &pairs, 0);
	for (i = 0; i < pairs.n; i++)
	{
		const char *name = node_text(pairs.keys[i]);
		const key_spec *s;
		char *kp = key_path(path, name);

		for (s = specs; s->name; s++)
			if (key_matches(name, s->name))
				break;
		if (s->name == NULL)
			warn_unknown_key(L, pairs.keys[i], kp, specs);
		else if (s->handler && !node_is_null(pairs.values[i]))
			s->handler(L, s, pairs.values[i], kp, target);
		free(kp);
	}
	pairs_release(&pairs);
}

/* ---- value handlers ---- */

#define FIELD(target, spec, type) ((type *) ((char *) (target) + (spec)->off))
#define COUNT(target, spec, type) ((type *) ((char *) (target) + (spec)->count_off))

static void
h_string(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	const char *text = expect_scalar(L, value, path);
	char **field = FIELD(target, spec, char *);

	if (text == NULL)
		return;
	if (*field)
	{
		/* a replaced value may be a password: wipe it like the release does */
		explicit_bzero(*field, strlen(*field));
		free(*field);
	}
	*field = xstrdup(text);
}

/* A whole decimal number in [spec->min, spec->max]; the spelling is kept strict. */
static bool
read_integer(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, long long *out)
{
	const char *text = expect_scalar(L, value, path);
	char *end;
	long long v;

	if (text == NULL)
		return false;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || isspace((unsigned char) text[0]) || errno == ERANGE)
	{
		fail_at(L, value, path, "\"%s\" is not a whole number", text);
		return false;
	}
	if (v < spec->min || v > spec->max)
	{
		fail_at(L, value, path, "%lld is out of range (%lld to %lld)", v, spec->min, spec->max);
		return false;
	}
	*out = v;
	return true;
}

static void
h_int(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	long long v;

	if (read_integer(L, spec, value, path, &v))
		*FIELD(target, spec, int) = (int) v;
}

static void
h_uint(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	long long v;

	if (read_integer(L, spec, value, path, &v))
		*FIELD(target, spec, unsigned) = (unsigned) v;
}

/* YAML 1.1's words, which PyYAML reads as booleans, in any case. */
static void
h_bool(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	static const char *const yes[] = { "true", "yes", "y", "on", NULL };
	static const char *const no[] = { "false", "no", "n", "off", NULL };
	const char *text = expect_scalar(L, value, path);
	int i;

	if (text == NULL)
		return;
	for (i = 0; yes[i]; i++)
	{
		if (strcasecmp(text, yes[i]) == 0)
		{
			*FIELD(target, spec, bool) = true;
			return;
		}
		if (strcasecmp(text, no[i]) == 0)
		{
			*FIELD(target, spec, bool) = false;
			return;
		}
	}
	fail_at(L, value, path, "\"%s\" is not a boolean (true/false, yes/no, on/off)", text);
}

static void
h_size(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	const char *text = expect_scalar(L, value, path);
	uint64_t bytes;

	if (text == NULL)
		return;
	if (!config_parse_size(text, &bytes))
		fail_at(L, value, path, "\"%s\" is not a size (bytes, or a number with a k, M, G or T suffix)", text);
	else if (bytes < (uint64_t) spec->min)
		fail_at(L, value, path, "\"%s\" is too small", text);
	else
		*FIELD(target, spec, uint64_t) = bytes;
}

/* One of the '|'-separated choices, stored as written. */
static void
h_choice(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	const char *text = expect_scalar(L, value, path);
	const char *c = spec->choices;
	size_t len;

	if (text == NULL)
		return;
	len = strlen(text);
	while (*c)
	{
		size_t clen = strcspn(c, "|");

		if (clen == len && strncmp(c, text, len) == 0)
		{
			h_string(L, spec, value, path, target);
			return;
		}
		c += clen;
		if (*c == '|')
			c++;
	}
	{
		char *shown = xstrdup(spec->choices);
		char *p;

		for (p = shown; *p; p++)
			if (*p == '|')
				*p = '/';
		fail_at(L, value, path, "\"%s\" is not one of %s", text, shown);
		free(shown);
	}
}

static void
free_list(char **items, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* A list of single values (empty items are skipped), replacing the field's list. */
static void
h_list(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	char ***items = FIELD(target, spec, char **);
	int *count = COUNT(target, spec, int);
	yaml_node_item_t *item;
	char **list = NULL;
	int n = 0;

	if (!expect_kind(L, value, path, YAML_SEQUENCE_NODE))
		return;
	for (item = value->data.sequence.items.start; item < value->data.sequence.items.top; item++)
	{
		yaml_node_t *node = yaml_document_get_node(&L->doc, *item);
		char *ip;
		const char *text;

		if (node_is_null(node))
			continue;
		ip = xasprintf("%s[%d]", path, (int) (item - value->data.sequence.items.start));
		text = expect_scalar(L, node, ip);
		free(ip);
		if (text == NULL)
			continue;
		list = xrealloc(list, sizeof(*list) * (size_t) (n + 1));
		list[n++] = xstrdup(text);
	}
	free_list(*items, *count);
	*items = list;
	*count = n;
}

static void
h_log_level(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_source *s = target;
	const char *text = expect_scalar(L, value, path);

	if (text == NULL)
		return;
	if (strcasecmp(text, "debug") == 0)
		s->log_level = LOG_LEVEL_DEBUG;
	else if (strcasecmp(text, "info") == 0)
		s->log_level = LOG_LEVEL_INFO;
	else if (strcasecmp(text, "warning") == 0 || strcasecmp(text, "warn") == 0)
		s->log_level = LOG_LEVEL_WARNING;
	/* pg_chameleon's critical: we have nothing above error */
	else if (strcasecmp(text, "error") == 0 || strcasecmp(text, "critical") == 0)
		s->log_level = LOG_LEVEL_ERROR;
	else
	{
		fail_at(L, value, path, "\"%s\" is not one of debug/info/warning/error/critical", text);
		return;
	}
	s->has_log_level = true;
}

static void
h_log_format(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_source *s = target;
	const char *text = expect_scalar(L, value, path);

	if (text == NULL)
		return;
	if (!log_parse_format(text, &s->log_format))
	{
		fail_at(L, value, path, "\"%s\" is not one of text/json", text);
		return;
	}
	s->has_log_format = true;
}

static void
h_ssl_mode(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	myconf *m = target;
	const char *text = expect_scalar(L, value, path);
	const char *mode;

	if (text == NULL)
		return;
	mode = myconf_normalize_ssl_mode(text);
	if (mode == NULL)
	{
		fail_at(L, value, path, "\"%s\" is not one of DISABLED/PREFERRED/REQUIRED/VERIFY_CA/VERIFY_IDENTITY",
				text);
		return;
	}
	free(m->ssl_mode);
	m->ssl_mode = xstrdup(mode);
}

/*
 * source: a mysql:// URI. It wins over db_conn whichever comes first in the
 * file: db_conn only fills what the URI leaves unset (see h_db_conn).
 */
static void
h_source_uri(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_source *s = target;
	const char *text = expect_scalar(L, value, path);
	myconf m;
	sbuf err = SBUF_INIT;

	if (text == NULL)
		return;
	/* the problem never quotes the URI, so a password in it is not shown */
	if (!myconf_parse_uri_silent(text, &m, &err))
		fail_at(L, value, path, "not a valid MySQL URI: %s", err.data);
	else
	{
		myconf_merge(&m, &s->conn);
		myconf_release(&s->conn);
		s->conn = m;
	}
	sbuf_release(&err);
}

static void
h_misplaced(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	/*
	 * pg_chameleon's own example writes its pgsql source's type there: read
	 * it, so that such a source is known for what it is and refused by name.
	 */
	if (strcmp(spec->name, "type") == 0)
	{
		key_spec type_spec = { .name = "type", .off = offsetof(loader, db_conn_type), .choices = "mysql|pgsql" };

		h_choice(L, &type_spec, value, path, L);
	}
	L->misplaced = xrealloc(L->misplaced, sizeof(*L->misplaced) * (size_t) (L->nmisplaced + 1));
	L->misplaced[L->nmisplaced].node = value;
	L->misplaced[L->nmisplaced].path = xstrdup(path);
	L->misplaced[L->nmisplaced].used = strcmp(spec->name, "type") == 0;
	L->nmisplaced++;
}

#define INT_KEY(n, T, f, lo, hi)                                                       \
	{                                                                                  \
		.name = (n), .handler = h_int, .off = offsetof(T, f), .min = (lo), .max = (hi) \
	}
#define STR_KEY(n, T, f)                                        \
	{                                                           \
		.name = (n), .handler = h_string, .off = offsetof(T, f) \
	}
#define LIST_KEY(n, T, f, c)                                                               \
	{                                                                                      \
		.name = (n), .handler = h_list, .off = offsetof(T, f), .count_off = offsetof(T, c) \
	}
#define UNUSED_KEY(n) \
	{                 \
		.name = (n)   \
	}
#define MISPLACED_KEY(n)                    \
	{                                       \
		.name = (n), .handler = h_misplaced \
	}

/* db_conn: pg_chameleon's keys and ours, into a myconf. */
static const key_spec db_conn_keys[] = {
	STR_KEY("host", myconf, host),
	INT_KEY("port", myconf, port, 1, 65535),
	STR_KEY("user", myconf, user),
	STR_KEY("password", myconf, password),
	STR_KEY("database", myconf, database),
	STR_KEY("charset", myconf, charset),
	INT_KEY("connect_timeout", myconf, connect_timeout, 0, INT_MAX),
	INT_KEY("read_timeout", myconf, read_timeout, 0, INT_MAX),
	INT_KEY("write_timeout", myconf, write_timeout, 0, INT_MAX),
	STR_KEY("socket", myconf, socket),
	{ .name = "ssl_mode", .handler = h_ssl_mode },
	STR_KEY("ssl_ca", myconf, ssl_ca),
	STR_KEY("ssl_cert", myconf, ssl_cert),
	STR_KEY("ssl_key", myconf, ssl_key),
	STR_KEY("defaults_file", myconf, defaults_file),
	/* source keys written under db_conn, as pg_chameleon's own example does for its pgsql source */
	MISPLACED_KEY("schema_mappings"),
	MISPLACED_KEY("limit_tables"),
	MISPLACED_KEY("skip_tables"),
	MISPLACED_KEY("grant_select_to"),
	MISPLACED_KEY("lock_timeout"),
	MISPLACED_KEY("my_server_id"),
	MISPLACED_KEY("replica_batch_size"),
	MISPLACED_KEY("replay_max_rows"),
	MISPLACED_KEY("batch_retention"),
	MISPLACED_KEY("copy_max_memory"),
	MISPLACED_KEY("copy_mode"),
	MISPLACED_KEY("out_dir"),
	MISPLACED_KEY("sleep_loop"),
	MISPLACED_KEY("type"),
	MISPLACED_KEY("skip_events"),
	MISPLACED_KEY("gtid_enable"),
	{ 0 }
};

static void
h_db_conn(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_source *s = target;
	myconf m = { 0 };

	if (!expect_kind(L, value, path, YAML_MAPPING_NODE))
		return;
	walk_mapping(L, value, path, db_conn_keys, &m);
	myconf_merge(&s->conn, &m);
	myconf_release(&m);
}

static const key_spec pg_conn_keys[] = {
	STR_KEY("host", pg_parts, host),
	INT_KEY("port", pg_parts, port, 1, 65535),
	STR_KEY("user", pg_parts, user),
	STR_KEY("password", pg_parts, password),
	STR_KEY("database", pg_parts, dbname),
	STR_KEY("dbname", pg_parts, dbname),
	UNUSED_KEY("charset"), /* the programs always talk UTF8 to PostgreSQL */
	STR_KEY("sslmode", pg_parts, sslmode),
	STR_KEY("sslrootcert", pg_parts, sslrootcert),
	STR_KEY("sslcert", pg_parts, sslcert),
	STR_KEY("sslkey", pg_parts, sslkey),
	INT_KEY("connect_timeout", pg_parts, connect_timeout, 0, INT_MAX),
	STR_KEY("application_name", pg_parts, application_name),
	{ 0 }
};

static void
h_pg_conn(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	if (expect_kind(L, value, path, YAML_MAPPING_NODE))
		walk_mapping(L, value, path, pg_conn_keys, &L->pg);
}

static void
h_schema_mappings(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_source *s = target;
	pair_list pairs = { 0 };
	int i;

	if (!expect_kind(L, value, path, YAML_MAPPING_NODE))
		return;
	collect_pairs(L, value, path, &pairs, 0);
	for (i = 0; i < pairs.n; i++)
	{
		const char *from = node_text(pairs.keys[i]);
		char *kp = key_path(path, from);
		const char *to = node_is_null(pairs.values[i]) ? NULL : expect_scalar(L, pairs.values[i], kp);
		int j;

		if (node_is_null(pairs.values[i]))
			fail_at(L, pairs.values[i], kp, "the PostgreSQL schema is missing");
		if (to == NULL)
		{
			free(kp);
			continue;
		}
		for (j = 0; j < s->nmappings; j++)
			if (strcmp(s->mappings[j].from, from) == 0)
				break;
		if (j == s->nmappings)
		{
			s->mappings = xrealloc(s->mappings, sizeof(*s->mappings) * (size_t) (s->nmappings + 1));
			s->mappings[j].from = xstrdup(from);
			s->mappings[j].to = NULL;
			s->nmappings++;
		}
		free(s->mappings[j].to);
		s->mappings[j].to = xstrdup(to);
		free(kp);
	}
	pairs_release(&pairs);
}

static const key_spec skip_events_keys[] = {
	LIST_KEY("insert", cham_source, skip_insert, nskip_insert),
	LIST_KEY("update", cham_source, skip_update, nskip_update),
	LIST_KEY("delete", cham_source, skip_delete, nskip_delete),
	{ 0 }
};

static void
h_skip_events(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	if (expect_kind(L, value, path, YAML_MAPPING_NODE))
		walk_mapping(L, value, path, skip_events_keys, target);
}

static const key_spec override_keys[] = {
	STR_KEY("override_to", type_override, override_to),
	LIST_KEY("override_tables", type_override, tables, ntables),
	{ 0 }
};

static void
release_override(type_override *o)
{
	free(o->source_type);
	free(o->override_to);
	free_list(o->tables, o->ntables);
	memset(o, 0, sizeof(*o));
}

/* type_override: "tinyint(1)": {override_to: boolean, override_tables: ["*"]}. */
static void
h_type_override(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_config *c = L->cfg;
	pair_list pairs = { 0 };
	int i;

	if (!expect_kind(L, value, path, YAML_MAPPING_NODE))
		return;
	collect_pairs(L, value, path, &pairs, 0);
	for (i = 0; i < pairs.n; i++)
	{
		char *kp = key_path(path, node_text(pairs.keys[i]));
		type_override o = { 0 };
		char *p;
		int j;

		if (node_is_null(pairs.values[i]) || !expect_kind(L, pairs.values[i], kp, YAML_MAPPING_NODE))
		{
			if (node_is_null(pairs.values[i]))
				fail_at(L, pairs.values[i], kp, "\"override_to\" is missing");
			free(kp);
			continue;
		}
		walk_mapping(L, pairs.values[i], kp, override_keys, &o);
		if (o.override_to == NULL)
		{
			fail_at(L, pairs.values[i], kp, "\"override_to\" is missing");
			release_override(&o);
			free(kp);
			continue;
		}
		/* typemap matches the type as information_schema shows it: lower case */
		o.source_type = xstrdup(node_text(pairs.keys[i]));
		for (p = o.source_type; *p; p++)
			*p = (char) tolower((unsigned char) *p);
		if (o.ntables == 0)
		{
			/* no list: every table, which is what a type override is mostly for */
			o.tables = xmalloc(sizeof(char *));
			o.tables[0] = xstrdup("*");
			o.ntables = 1;
		}
		for (j = 0; j < c->noverrides; j++)
			if (strcmp(c->overrides[j].source_type, o.source_type) == 0)
				break;
		if (j == c->noverrides)
		{
			c->overrides = xrealloc(c->overrides, sizeof(*c->overrides) * (size_t) (c->noverrides + 1));
			c->noverrides++;
		}
		else
			release_override(&c->overrides[j]);
		c->overrides[j] = o;
		free(kp);
	}
	pairs_release(&pairs);
}

/* The keys valid both at the top level (inherited by every source) and in a source. */
#define SHARED_KEYS                                                                                                              \
	{ .name = "source", .handler = h_source_uri },                                                                               \
		STR_KEY("target", cham_source, target_conninfo),                                                                         \
		INT_KEY("jobs", cham_source, jobs, 1, 1024),                                                                             \
		INT_KEY("chunk_rows", cham_source, chunk_rows, 1, INT_MAX),                                                              \
		{ .name = "log_level", .handler = h_log_level },                                                                         \
		{ .name = "log_format", .handler = h_log_format },                                                                       \
		{ .name = "zero_dates", .handler = h_choice, .off = offsetof(cham_source, zero_dates), .choices = "null" },              \
		{ .name = "on_unknown_ddl", .handler = h_choice, .off = offsetof(cham_source, on_unknown_ddl), .choices = "skip|stop" }, \
	{                                                                                                                            \
		.name = "on_discard", .handler = h_choice, .off = offsetof(cham_source, on_discard), .choices = "continue|stop"          \
	}

static const key_spec source_keys[] = {
	SHARED_KEYS,
	{ .name = "db_conn", .handler = h_db_conn },
	{ .name = "schema_mappings", .handler = h_schema_mappings },
	LIST_KEY("limit_tables", cham_source, limit_tables, nlimit_tables),
	LIST_KEY("skip_tables", cham_source, skip_tables, nskip_tables),
	{ .name = "skip_events", .handler = h_skip_events },
	{ .name = "my_server_id", .handler = h_uint, .off = offsetof(cham_source, server_id), .min = 1, .max = 4294967295LL },
	INT_KEY("replica_batch_size", cham_source, batch_size, 1, INT_MAX),
	{ .name = "copy_max_memory", .handler = h_size, .off = offsetof(cham_source, copy_max_memory), .min = 1 },
	{ .name = "gtid_enable", .handler = h_bool, .off = offsetof(cham_source, gtid_enable) },
	{ .name = "type", .handler = h_choice, .off = offsetof(cham_source, type), .choices = "mysql|pgsql" },
	/* pg_chameleon's, which these programs do not need */
	UNUSED_KEY("grant_select_to"),
	UNUSED_KEY("lock_timeout"),
	UNUSED_KEY("replay_max_rows"),
	UNUSED_KEY("batch_retention"),
	UNUSED_KEY("copy_mode"),
	UNUSED_KEY("out_dir"),
	UNUSED_KEY("sleep_loop"),
	UNUSED_KEY("on_error_replay"),
	UNUSED_KEY("on_error_read"),
	UNUSED_KEY("auto_maintenance"),
	UNUSED_KEY("index_parallel_workers"),
	UNUSED_KEY("keep_existing_schema"),
	UNUSED_KEY("net_read_timeout"),
	UNUSED_KEY("readers"),
	UNUSED_KEY("writers"),
	UNUSED_KEY("skip_index"),
	UNUSED_KEY("fillfactor"),
	{ 0 }
};

static void
release_source(cham_source *s)
{
	int i;

	free(s->name);
	myconf_release(&s->conn);
	for (i = 0; i < s->nmappings; i++)
	{
		free(s->mappings[i].from);
		free(s->mappings[i].to);
	}
	free(s->mappings);
	free_list(s->limit_tables, s->nlimit_tables);
	free_list(s->skip_tables, s->nskip_tables);
	free_list(s->skip_insert, s->nskip_insert);
	free_list(s->skip_update, s->nskip_update);
	free_list(s->skip_delete, s->nskip_delete);
	free(s->type);
	free(s->target_conninfo);
	if (s->target_password)
	{
		explicit_bzero(s->target_password, strlen(s->target_password));
		free(s->target_password);
	}
	free(s->zero_dates);
	free(s->on_unknown_ddl);
	free(s->on_discard);
	memset(s, 0, sizeof(*s));
}

/* Warns about the keys a non-pgsql source wrote under db_conn, then forgets them. */
static void
flush_misplaced(loader *L, const cham_source *s)
{
	int i;

	for (i = 0; i < L->nmisplaced; i++)
	{
		/* pg_chameleon's example does this for its pgsql source, which we do not read anyway */
		if (s == NULL || s->type == NULL || strcmp(s->type, "pgsql") != 0)
		{
			log_warning("%s:%zu:%zu: key \"%s\" %s: it belongs beside db_conn, not in it",
						L->path, L->misplaced[i].node->start_mark.line + 1,
						L->misplaced[i].node->start_mark.column + 1, L->misplaced[i].path,
						L->misplaced[i].used ? "read" : "ignored");
		}
		free(L->misplaced[i].path);
	}
	free(L->misplaced);
	L->misplaced = NULL;
	L->nmisplaced = 0;
}

static void
h_sources(loader *L, const key_spec *spec, yaml_node_t *value, const char *path, void *target)
{
	cham_config *c = L->cfg;
	pair_list pairs = { 0 };
	int i;

	if (!expect_kind(L, value, path, YAML_MAPPING_NODE))
		return;
	collect_pairs(L, value, path, &pairs, 0);
	for (i = 0; i < pairs.n; i++)
	{
		const char *name = node_text(pairs.keys[i]);
		char *kp = key_path(path, name);
		cham_source *s;
		int j;

		if (name[0] == '\0')
		{
			fail_at(L, pairs.keys[i], kp, "a source needs a name");
			free(kp);
			continue;
		}
		if (!node_is_null(pairs.values[i]) && !expect_kind(L, pairs.values[i], kp, YAML_MAPPING_NODE))
		{
			free(kp);
			continue;
		}
		for (j = 0; j < c->nsources; j++)
			if (strcmp(c->sources[j].name, name) == 0)
				break;
		if (j == c->nsources)
		{
			c->sources = xrealloc(c->sources, sizeof(*c->sources) * (size_t) (c->nsources + 1));
			c->nsources++;
		}
		else
			release_source(&c->sources[j]); /* given again: the last one wins */
		s = &c->sources[j];
		memset(s, 0, sizeof(*s));
		s->name = xstrdup(name);
		if (!node_is_null(pairs.values[i]))
			walk_mapping(L, pairs.values[i], kp, source_keys, s);
		if (s->type == NULL)
		{
			s->type = L->db_conn_type;
			L->db_conn_type = NULL;
		}
		free(L->db_conn_type);
		L->db_conn_type = NULL;
		flush_misplaced(L, s);
		free(kp);
	}
	pairs_release(&pairs);
}

static const key_spec top_keys[] = {
	SHARED_KEYS,
	{ .name = "pg_conn", .handler = h_pg_conn },
	{ .name = "sources", .handler = h_sources },
	{ .name = "type_override", .handler = h_type_override },
	/* pg_chameleon's, which these programs do not need */
	UNUSED_KEY("pid_dir"),
	UNUSED_KEY("log_dir"),
	UNUSED_KEY("log_dest"),
	UNUSED_KEY("log_days_keep"),
	UNUSED_KEY("rollbar_key"),
	UNUSED_KEY("rollbar_env"),
	UNUSED_KEY("dump_json"),
	UNUSED_KEY("alert_*"),
	UNUSED_KEY("fillfactor"),
	/* x-NAME holds values for YAML anchors (&name) to merge elsewhere, as in docker-compose */
	UNUSED_KEY("x_*"),
	{ 0 }
};

/* ---- after the walk ---- */

/* A conninfo value, quoted as libpq reads it when it would not stand alone. */
static void
add_conninfo(sbuf *b, const char *key, const char *value)
{
	const char *p;

	if (value == NULL)
		return;
	if (b->len)
		sbuf_addch(b, ' ');
	sbuf_addf(b, "%s=", key);
	if (value[0] && strcspn(value, " \t\n\r\f\v'\\") == strlen(value))
	{
		sbuf_addstr(b, value);
		return;
	}
	sbuf_addch(b, '\'');
	for (p = value; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			sbuf_addch(b, '\\');
		sbuf_addch(b, *p);
	}
	sbuf_addch(b, '\'');
}

/* pg_conn as a conninfo, without its password; NULL when pg_conn set nothing. */
static char *
build_conninfo(const pg_parts *pg)
{
	sbuf b = SBUF_INIT;
	char num[16];

	add_conninfo(&b, "host", pg->host);
	if (pg->port)
	{
		snprintf(num, sizeof(num), "%d", pg->port);
		add_conninfo(&b, "port", num);
	}
	add_conninfo(&b, "user", pg->user);
	add_conninfo(&b, "dbname", pg->dbname);
	add_conninfo(&b, "sslmode", pg->sslmode);
	add_conninfo(&b, "sslrootcert", pg->sslrootcert);
	add_conninfo(&b, "sslcert", pg->sslcert);
	add_conninfo(&b, "sslkey", pg->sslkey);
	if (pg->connect_timeout)
	{
		snprintf(num, sizeof(num), "%d", pg->connect_timeout);
		add_conninfo(&b, "connect_timeout", num);
	}
	add_conninfo(&b, "application_name", pg->application_name);
	if (b.len == 0)
		return NULL;
	return sbuf_detach(&b, NULL);
}

static void
release_pg_parts(pg_parts *pg)
{
	free(pg->host);
	free(pg->user);
	if (pg->password)
	{
		explicit_bzero(pg->password, strlen(pg->password));
		free(pg->password);
	}
	free(pg->dbname);
	free(pg->sslmode);
	free(pg->sslrootcert);
	free(pg->sslcert);
	free(pg->sslkey);
	free(pg->application_name);
	memset(pg, 0, sizeof(*pg));
}

static void
inherit_string(char **dst, const char *src)
{
	if (*dst == NULL && src)
		*dst = xstrdup(src);
}

/* Gives a source the top-level values it does not set itself. */
static void
inherit(cham_source *s, const cham_source *top, const cham_config *c)
{
	myconf_merge(&s->conn, &top->conn);
	if (s->target_conninfo == NULL && c->target_conninfo)
	{
		s->target_conninfo = xstrdup(c->target_conninfo);
		/* only with the conninfo it belongs to: never send it to another server */
		inherit_string(&s->target_password, c->target_password);
	}
	if (s->jobs == 0)
		s->jobs = top->jobs;
	if (s->chunk_rows == 0)
		s->chunk_rows = top->chunk_rows;
	inherit_string(&s->zero_dates, top->zero_dates);
	inherit_string(&s->on_unknown_ddl, top->on_unknown_ddl);
	inherit_string(&s->on_discard, top->on_discard);
	if (!s->has_log_level && top->has_log_level)
	{
		s->log_level = top->log_level;
		s->has_log_level = true;
	}
	if (!s->has_log_format && top->has_log_format)
	{
		s->log_format = top->log_format;
		s->has_log_format = true;
	}
	if (s->type == NULL)
		s->type = xstrdup("mysql");
}

static void
finish(loader *L)
{
	cham_config *c = L->cfg;
	cham_source *top = &L->defaults;
	int i;

	if (top->target_conninfo)
		c->target_conninfo = xstrdup(top->target_conninfo);
	else
		c->target_conninfo = build_conninfo(&L->pg);
	if (L->pg.password && c->target_conninfo)
		c->target_password = xstrdup(L->pg.password);
	c->log_level = top->log_level;
	c->has_log_level = top->has_log_level;
	c->log_format = top->log_format;
	c->has_log_format = top->has_log_format;
	c->jobs = top->jobs;
	c->chunk_rows = top->chunk_rows;

	/* no sources: the top level describes the one source, called "default" */
	if (c->nsources == 0)
	{
		c->sources = xcalloc(1, sizeof(*c->sources));
		c->sources[0].name = xstrdup("default");
		c->nsources = 1;
	}
	for (i = 0; i < c->nsources; i++)
		inherit(&c->sources[i], top, c);
}

/* Whether line (0-based) of text is indented with a tab, which YAML forbids. */
static bool
line_has_tab_indent(const sbuf *text, size_t line)
{
	const char *p = text->data;
	const char *end = text->data + text->len;

	while (line > 0 && p < end)
	{
		p = memchr(p, '\n', (size_t) (end - p));
		if (p == NULL)
			return false;
		p++;
		line--;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
	{
		if (*p == '\t')
			return true;
		p++;
	}
	return false;
}

/* libyaml's own account of a syntax error, with where it is. */
static void
report_yaml_error(const char *path, const yaml_parser_t *p, const sbuf *text)
{
	if (p->error == YAML_MEMORY_ERROR)
	{
		log_error("could not parse file \"%s\": out of memory", path);
		return;
	}
	if (p->error == YAML_READER_ERROR)
	{
		/* libyaml gives a byte offset here (bad UTF-8 and the like): make it a line and column */
		size_t line = 1;
		size_t col = 1;
		size_t i;

		for (i = 0; i < p->problem_offset && i < text->len; i++)
		{
			if (text->data[i] == '\n')
			{
				line++;
				col = 1;
			}
			else
				col++;
		}
		log_error("%s:%zu:%zu: invalid YAML: %s (byte %zu of the file)", path, line, col,
				  p->problem ? p->problem : "unreadable input", p->problem_offset);
		return;
	}
	log_error("%s:%zu:%zu: invalid YAML: %s", path, p->problem_mark.line + 1,
			  p->problem_mark.column + 1, p->problem ? p->problem : "syntax error");
	if (p->context)
		log_detail(LOG_LEVEL_ERROR, "%s at line %zu, column %zu", p->context,
				   p->context_mark.line + 1, p->context_mark.column + 1);
	if (line_has_tab_indent(text, p->problem_mark.line))
		log_detail(LOG_LEVEL_ERROR, "line %zu is indented with a tab: YAML allows only spaces there",
				   p->problem_mark.line + 1);
}

/* The whole file into text (a config file is small); logs and returns false on failure. */
static bool
read_file(const char *path, sbuf *text)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char buf[8192];
	size_t n;
	bool good;

	if (f == NULL)
	{
		log_error("could not open file \"%s\": %s", path, strerror(errno));
		return false;
	}
	/* fopen() opens a directory; reading it would fail with a vaguer message */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
	{
		log_error("could not read file \"%s\": %s", path, strerror(EISDIR));
		fclose(f);
		return false;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(text, buf, n);
	good = !ferror(f);
	if (!good)
		log_error("could not read file \"%s\": %s", path, strerror(errno));
	fclose(f);
	return good;
}

bool
config_load(const char *path, cham_config *out)
{
	loader L;
	yaml_parser_t parser;
	yaml_node_t *root;
	sbuf text = SBUF_INIT;
	bool loaded;

	memset(out, 0, sizeof(*out));
	memset(&L, 0, sizeof(L));
	out->path = xstrdup(path);
	L.path = path;
	L.cfg = out;

	if (!read_file(path, &text))
	{
		sbuf_release(&text);
		return false;
	}
	if (!yaml_parser_initialize(&parser))
	{
		log_error("could not parse file \"%s\": out of memory", path);
		sbuf_release(&text);
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *) text.data, text.len);
	loaded = yaml_parser_load(&parser, &L.doc);
	if (!loaded)
		report_yaml_error(path, &parser, &text);
	yaml_parser_delete(&parser);
	sbuf_release(&text);
	if (!loaded)
		return false;

	root = yaml_document_get_root_node(&L.doc);
	if (root == NULL || node_is_null(root))
	{
		log_error("config file \"%s\" is empty", path);
		yaml_document_delete(&L.doc);
		return false;
	}
	if (root->type != YAML_MAPPING_NODE)
	{
		log_error("%s:%zu:%zu: the config file must be a mapping of keys, found %s", path,
				  root->start_mark.line + 1, root->start_mark.column + 1, node_kind(root));
		yaml_document_delete(&L.doc);
		return false;
	}

	walk_mapping(&L, root, "", top_keys, &L.defaults);
	finish(&L);
	release_source(&L.defaults);
	release_pg_parts(&L.pg);
	flush_misplaced(&L, NULL);
	yaml_document_delete(&L.doc);
	return !L.failed;
}

void
config_release(cham_config *c)
{
	int i;

	free(c->path);
	free(c->target_conninfo);
	if (c->target_password)
	{
		explicit_bzero(c->target_password, strlen(c->target_password));
		free(c->target_password);
	}
	for (i = 0; i < c->noverrides; i++)
		release_override(&c->overrides[i]);
	free(c->overrides);
	for (i = 0; i < c->nsources; i++)
		release_source(&c->sources[i]);
	free(c->sources);
	memset(c, 0, sizeof(*c));
}

/* ---- using a loaded config ---- */

static void
log_source_names(const cham_config *c)
{
	sbuf b = SBUF_INIT;
	int i;

	for (i = 0; i < c->nsources; i++)
		sbuf_addf(&b, "%s\"%s\"", i ? ", " : "", c->sources[i].name);
	log_detail(LOG_LEVEL_ERROR, "the sources in \"%s\" are %s", c->path, b.data);
	sbuf_release(&b);
}

const cham_source *
config_find_source(const cham_config *c, const char *name)
{
	const cham_source *found = NULL;
	int i;

	for (i = 0; i < c->nsources; i++)
		if (strcmp(c->sources[i].name, name ? name : "default") == 0)
			found = &c->sources[i];
	if (found == NULL && name == NULL)
	{
		if (c->nsources == 1)
			found = &c->sources[0];
		else
		{
			log_error("config file \"%s\" has %d sources and none is called \"default\": choose one with --source-name",
					  c->path, c->nsources);
			log_source_names(c);
			return NULL;
		}
	}
	if (found == NULL)
	{
		log_error("source \"%s\" is not in config file \"%s\"", name, c->path);
		log_source_names(c);
		return NULL;
	}
	if (found->type && strcmp(found->type, "mysql") != 0)
	{
		log_error("source \"%s\" in config file \"%s\" is of type \"%s\": only mysql sources can be read",
				  found->name, c->path, found->type);
		return NULL;
	}
	return found;
}

bool
config_parse_size(const char *text, uint64_t *bytes)
{
	const char *p = text;
	uint64_t v = 0;
	int shift = 0;

	if (!isdigit((unsigned char) *p))
		return false;
	while (isdigit((unsigned char) *p))
	{
		unsigned d = (unsigned) (*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		p++;
	}
	if (*p == ' ')
		p++;
	switch (*p)
	{
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			break;
	}
	if (shift)
	{
		p++;
		if (p[0] == 'i' && p[1] == 'B')
			p += 2;
	}
	if (*p == 'B')
		p++;
	if (*p != '\0')
		return false;
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*bytes = v << shift;
	return true;
}

/*
 * "schema", "schema.*" or "schema.table" against schema.table. With table
 * NULL, whether the entry may select some table of the schema (whole is
 * false) or selects all of it (whole is true).
 */
static bool
entry_matches(const char *entry, const char *schema, const char *table, bool whole)
{
	size_t slen = strlen(schema);
	const char *rest;

	if (strcmp(entry, schema) == 0)
		return true;
	if (strncmp(entry, schema, slen) != 0 || entry[slen] != '.')
		return false;
	rest = entry + slen + 1;
	if (strcmp(rest, "*") == 0)
		return true;
	if (table == NULL)
		return !whole;
	return strcmp(rest, table) == 0;
}

static bool
list_matches(char **list, int n, const char *schema, const char *table, bool whole)
{
	int i;

	for (i = 0; i < n; i++)
		if (entry_matches(list[i], schema, table, whole))
			return true;
	return false;
}

bool
config_table_selected(const cham_source *s, const char *schema, const char *table)
{
	if (s->nmappings > 0)
	{
		int i;

		for (i = 0; i < s->nmappings; i++)
			if (strcmp(s->mappings[i].from, schema) == 0)
				break;
		if (i == s->nmappings)
			return false;
	}
	if (s->nlimit_tables > 0 && !list_matches(s->limit_tables, s->nlimit_tables, schema, table, false))
		return false;
	return !list_matches(s->skip_tables, s->nskip_tables, schema, table, true);
}

const char *
config_map_schema(const cham_source *s, const char *schema)
{
	int i;

	for (i = 0; i < s->nmappings; i++)
		if (strcmp(s->mappings[i].from, schema) == 0)
			return s->mappings[i].to;
	return schema;
}

bool
config_event_skipped(const cham_source *s, const char *kind, const char *schema, const char *table)
{
	if (strcmp(kind, "insert") == 0)
		return list_matches(s->skip_insert, s->nskip_insert, schema, table, true);
	if (strcmp(kind, "update") == 0)
		return list_matches(s->skip_update, s->nskip_update, schema, table, true);
	if (strcmp(kind, "delete") == 0)
		return list_matches(s->skip_delete, s->nskip_delete, schema, table, true);
	return false;
}
