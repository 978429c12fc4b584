/* myconf.c: MySQL/MariaDB connection settings, from a mysql:// URI, the config file and the environment. */
#include "myconf.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "logging.h"
#include "xalloc.h"

static const char *const ssl_modes[] = {
	"DISABLED",
	"PREFERRED",
	"REQUIRED",
	"VERIFY_CA",
	"VERIFY_IDENTITY",
};

#define URI_OPTIONS "ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout, " \
					"read-timeout, write-timeout, socket, defaults-file, charset"

const char *
myconf_normalize_ssl_mode(const char *text)
{
	size_t i;

	for (i = 0; i < sizeof(ssl_modes) / sizeof(ssl_modes[0]); i++)
	{
		const char *m = ssl_modes[i];
		const char *t = text;

		while (*m && *t)
		{
			char c = *t == '-' ? '_' : (char) toupper((unsigned char) *t);

			if (c != *m)
				break;
			m++;
			t++;
		}
		if (*m == '\0' && *t == '\0')
			return ssl_modes[i];
	}
	return NULL;
}

/*
 * A copy of uri for messages, with the password (between the ':' of the user
 * part and the last '@' before the path) replaced by "****". Works on any
 * text, valid URI or not, since a malformed URI may still hold a password.
 */
static char *
redact_uri(const char *uri)
{
	const char *auth = strstr(uri, "://");
	const char *end;
	const char *at = NULL;
	const char *colon = NULL;
	const char *p;
	sbuf b = SBUF_INIT;

	auth = auth ? auth + 3 : uri;
	end = auth + strcspn(auth, "/?");
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (at)
		colon = memchr(auth, ':', (size_t) (at - auth));
	if (colon == NULL)
		return xstrdup(uri);
	sbuf_add(&b, uri, (size_t) (colon + 1 - uri));
	sbuf_addstr(&b, "****");
	sbuf_addstr(&b, at);
	return sbuf_detach(&b, NULL);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes len bytes into a new string (*out, caller frees; NULL when
 * len is 0). A '+' stays a '+': this is a URI, not a form. A decoded NUL
 * could not live in a C string, so it is refused.
 */
static bool
uri_decode(const char *s, size_t len, const char *what, char **out, sbuf *err)
{
	sbuf b = SBUF_INIT;
	size_t i;

	*out = NULL;
	if (len == 0)
		return true;
	for (i = 0; i < len; i++)
	{
		if (s[i] == '%')
		{
			int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || hi * 16 + lo == 0)
			{
				sbuf_addf(err, "invalid percent-encoding in the %s", what);
				sbuf_release(&b);
				return false;
			}
			sbuf_addch(&b, (char) (hi * 16 + lo));
			i += 2;
		}
		else
			sbuf_addch(&b, s[i]);
	}
	*out = sbuf_detach(&b, NULL);
	return true;
}

/* A whole decimal number in [min, max] from len bytes; false for anything else. */
static bool
parse_int_range(const char *s, size_t len, long min, long max, int *out)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return false;
	for (i = 0; i < len; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = (int) v;
	return true;
}

/* Option names are compared with - and _ as the same character. */
static bool
option_is(const char *name, size_t len, const char *want)
{
	size_t i;

	if (strlen(want) != len)
		return false;
	for (i = 0; i < len; i++)
	{
		char c = name[i] == '_' ? '-' : (char) tolower((unsigned char) name[i]);

		if (c != want[i])
			return false;
	}
	return true;
}

/* Stores one ?name=value option; the value is still percent-encoded. */
static bool
set_option(myconf *s, const char *name, size_t nlen, const char *val, size_t vlen, sbuf *err)
{
	char **field = NULL;
	int *ifield = NULL;
	char *value;

	if (option_is(name, nlen, "ssl-mode"))
		field = &s->ssl_mode;
	else if (option_is(name, nlen, "ssl-ca"))
		field = &s->ssl_ca;
	else if (option_is(name, nlen, "ssl-cert"))
		field = &s->ssl_cert;
	else if (option_is(name, nlen, "ssl-key"))
		field = &s->ssl_key;
	else if (option_is(name, nlen, "socket"))
		field = &s->socket;
	else if (option_is(name, nlen, "defaults-file"))
		field = &s->defaults_file;
	else if (option_is(name, nlen, "charset"))
		field = &s->charset;
	else if (option_is(name, nlen, "connect-timeout"))
		ifield = &s->connect_timeout;
	else if (option_is(name, nlen, "read-timeout"))
		ifield = &s->read_timeout;
	else if (option_is(name, nlen, "write-timeout"))
		ifield = &s->write_timeout;
	else
	{
		sbuf_addf(err, "unknown option \"%.*s\" (known: %s)", (int) nlen, name, URI_OPTIONS);
		return false;
	}
	if (!uri_decode(val, vlen, "option value", &value, err))
		return false;
	if (ifield)
	{
		bool good = value == NULL || parse_int_range(value, strlen(value), 0, INT_MAX, ifield);

		if (!good)
			sbuf_addf(err, "invalid value \"%s\" for option \"%.*s\": expected a number of seconds",
					  value, (int) nlen, name);
		free(value);
		return good;
	}
	if (field == &s->ssl_mode && value)
	{
		const char *mode = myconf_normalize_ssl_mode(value);

		if (mode == NULL)
		{
			sbuf_addf(err, "invalid value \"%s\" for option \"ssl-mode\": expected DISABLED, PREFERRED, "
						   "REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
					  value);
			free(value);
			return false;
		}
		free(value);
		value = xstrdup(mode);
	}
	/* a repeated option: the last one wins, as on a command line */
	free(*field);
	*field = value;
	return true;
}

/* The authority: [user[:password]@]host[:port]. */
static bool
parse_authority(const char *a, size_t len, myconf *s, sbuf *err)
{
	const char *at = NULL;
	const char *host;
	const char *end = a + len;
	const char *hend;
	const char *p;

	/* the last '@': an unencoded '@' in a password is then still understood */
	for (p = a; p < end; p++)
		if (*p == '@')
			at = p;
	if (at)
	{
		const char *colon = memchr(a, ':', (size_t) (at - a));
		const char *uend = colon ? colon : at;

		if (!uri_decode(a, (size_t) (uend - a), "user name", &s->user, err))
			return false;
		if (colon)
		{
			if (!uri_decode(colon + 1, (size_t) (at - colon - 1), "password", &s->password, err))
				return false;
			/* "user:@host" says "no password", which is not the same as not saying */
			if (s->password == NULL)
				s->password = xstrdup("");
		}
		host = at + 1;
	}
	else
		host = a;

	if (host < end && *host == '[')
	{
		const char *close = memchr(host, ']', (size_t) (end - host));

		if (close == NULL)
		{
			sbuf_addstr(err, "missing \"]\" after an IPv6 address");
			return false;
		}
		if (close == host + 1)
		{
			sbuf_addstr(err, "empty IPv6 address");
			return false;
		}
		/* a zone id is written %25 (RFC 6874): fe80::1%25eth0 */
		if (!uri_decode(host + 1, (size_t) (close - host - 1), "host", &s->host, err))
			return false;
		hend = close + 1;
		if (hend < end && *hend != ':')
		{
			sbuf_addf(err, "unexpected \"%.*s\" after the IPv6 address", (int) (end - hend), hend);
			return false;
		}
	}
	else
	{
		hend = memchr(host, ':', (size_t) (end - host));
		if (hend == NULL)
			hend = end;
		if (!uri_decode(host, (size_t) (hend - host), "host", &s->host, err))
			return false;
	}
	if (hend < end)
	{
		const char *port = hend + 1;

		if (!parse_int_range(port, (size_t) (end - port), 1, 65535, &s->port))
		{
			sbuf_addf(err, "invalid port \"%.*s\": expected a number from 1 to 65535",
					  (int) (end - port), port);
			return false;
		}
	}
	return true;
}

static bool
parse_uri(const char *uri, myconf *out, sbuf *err)
{
	const char *rest;
	const char *auth_end;
	const char *query = NULL;

	memset(out, 0, sizeof(*out));
	if (strncasecmp(uri, "mysql://", 8) == 0)
		rest = uri + 8;
	else if (strncasecmp(uri, "mariadb://", 10) == 0)
		rest = uri + 10;
	else
	{
		sbuf_addstr(err, "expected mysql:// or mariadb:// at the start");
		return false;
	}

	/* RFC 3986: the authority ends at the path or the query */
	auth_end = rest + strcspn(rest, "/?");
	if (!parse_authority(rest, (size_t) (auth_end - rest), out, err))
		goto fail;

	if (*auth_end == '/')
	{
		const char *db = auth_end + 1;
		const char *db_end = db + strcspn(db, "?");

		if (memchr(db, '/', (size_t) (db_end - db)))
		{
			sbuf_addstr(err, "unexpected \"/\" in the database name (write it as %2F)");
			goto fail;
		}
		if (!uri_decode(db, (size_t) (db_end - db), "database name", &out->database, err))
			goto fail;
		auth_end = db_end;
	}
	if (*auth_end == '?')
		query = auth_end + 1;

	while (query && *query)
	{
		size_t len = strcspn(query, "&");
		const char *eq = memchr(query, '=', len);

		if (len > 0)
		{
			if (eq == NULL)
			{
				sbuf_addf(err, "option \"%.*s\" has no value (expected name=value)", (int) len, query);
				goto fail;
			}
			if (!set_option(out, query, (size_t) (eq - query), eq + 1, len - (size_t) (eq + 1 - query), err))
				goto fail;
		}
		query += len;
		if (*query == '&')
			query++;
	}
	return true;

fail:
	myconf_release(out);
	return false;
}

bool
myconf_parse_uri_silent(const char *uri, myconf *out, sbuf *err)
{
	return parse_uri(uri, out, err);
}

bool
myconf_parse_uri(const char *uri, myconf *out)
{
	sbuf err = SBUF_INIT;
	char *shown = redact_uri(uri);
	bool good = parse_uri(uri, out, &err);

	if (!good)
	{
		log_error("invalid MySQL URI \"%s\": %s", shown, err.data);
		log_detail(LOG_LEVEL_ERROR, "the form is mysql://[USER@]HOST[:PORT][/DATABASE][?OPTION=VALUE&...]");
	}
	else if (out->password && out->password[0])
	{
		log_warning("the password in \"%s\" is visible to other users of this system", shown);
		log_detail(LOG_LEVEL_WARNING, "set MYSQL_PWD, or the [client] group of an option file (defaults-file=FILE), instead");
	}
	sbuf_release(&err);
	free(shown);
	return good;
}

static void
merge_string(char **dst, const char *src)
{
	if (*dst == NULL && src != NULL)
		*dst = xstrdup(src);
}

static void
merge_int(int *dst, int src)
{
	if (*dst == 0)
		*dst = src;
}

void
myconf_merge(myconf *dst, const myconf *src)
{
	merge_string(&dst->host, src->host);
	merge_int(&dst->port, src->port);
	merge_string(&dst->user, src->user);
	merge_string(&dst->password, src->password);
	merge_string(&dst->database, src->database);
	merge_string(&dst->socket, src->socket);
	merge_string(&dst->charset, src->charset);
	merge_string(&dst->ssl_mode, src->ssl_mode);
	merge_string(&dst->ssl_ca, src->ssl_ca);
	merge_string(&dst->ssl_cert, src->ssl_cert);
	merge_string(&dst->ssl_key, src->ssl_key);
	merge_int(&dst->connect_timeout, src->connect_timeout);
	merge_int(&dst->read_timeout, src->read_timeout);
	merge_int(&dst->write_timeout, src->write_timeout);
	merge_string(&dst->defaults_file, src->defaults_file);
}

void
myconf_resolve_password(myconf *s)
{
	const char *pwd;

	if (s->password)
		return;
	pwd = getenv("MYSQL_PWD");
	if (pwd)
		s->password = xstrdup(pwd);
}

/*
 * Appends text percent-encoding what would change the URI's meaning where it
 * is put; keep lists the characters left as they are besides the unreserved.
 */
static void
add_encoded(sbuf *b, const char *text, const char *keep)
{
	const unsigned char *p;

	for (p = (const unsigned char *) text; *p; p++)
	{
		if (isalnum(*p) || strchr("-._~", *p) || strchr(keep, *p))
			sbuf_addch(b, (char) *p);
		else
			sbuf_addf(b, "%%%02X", *p);
	}
}

char *
myconf_describe(const myconf *s)
{
	sbuf b = SBUF_INIT;

	sbuf_addstr(&b, "mysql://");
	if (s->user)
	{
		add_encoded(&b, s->user, "$!*'()+,;=");
		sbuf_addch(&b, '@');
	}
	if (s->host == NULL)
		/* what the client library connects to when no option file says otherwise */
		sbuf_addstr(&b, "localhost");
	else if (strchr(s->host, ':'))
	{
		/* An IPv6 zone ("fe80::1%eth0") is written %25eth0, as the parser reads it. */
		sbuf_addch(&b, '[');
		add_encoded(&b, s->host, ":");
		sbuf_addch(&b, ']');
	}
	else
		add_encoded(&b, s->host, "!$'()*+,;=");
	if (s->port > 0)
		sbuf_addf(&b, ":%d", s->port);
	if (s->database)
	{
		sbuf_addch(&b, '/');
		add_encoded(&b, s->database, "$!*'()+,;=:@");
	}
	if (s->socket)
	{
		sbuf_addstr(&b, "?socket=");
		add_encoded(&b, s->socket, "/:@!$'()*+,;");
	}
	return sbuf_detach(&b, NULL);
}

void
myconf_release(myconf *s)
{
	free(s->host);
	if (s->password)
	{
		/* wiped so that a core dump or a reused heap block does not show it */
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	free(s->user);
	free(s->database);
	free(s->socket);
	free(s->charset);
	free(s->ssl_mode);
	free(s->ssl_ca);
	free(s->ssl_cert);
	free(s->ssl_key);
	free(s->defaults_file);
	memset(s, 0, sizeof(*s));
}
