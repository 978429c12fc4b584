/* myconf.h: MySQL/MariaDB connection settings, from a mysql:// URI, the config file and the environment. */
#ifndef CHAM_MYCONF_H
#define CHAM_MYCONF_H

#include <stdbool.h>

#include "sbuf.h"

/*
 * Where and how to connect. Every char * is owned by the struct and freed by
 * myconf_release(). NULL (or 0 for the integers) means "not set": the client
 * library then applies its option files ([client] group, or defaults_file)
 * and its own defaults, which is why host is not defaulted here.
 */
typedef struct myconf
{
	char *host; /* a name, an IPv4 or an IPv6 address (without brackets) */
	int port;	/* 0: the client's default */
	char *user;
	char *password; /* owned; never logged, never described */
	char *database;
	char *socket;	/* a Unix socket path */
	char *charset;	/* accepted for pg_chameleon; connections always use utf8mb4 */
	char *ssl_mode; /* DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY */
	char *ssl_ca;
	char *ssl_cert;
	char *ssl_key;
	int connect_timeout; /* seconds; 0: the client's default */
	int read_timeout;
	int write_timeout;
	char *defaults_file; /* an option file whose [client] group the library reads */
} myconf;

/*
 * Parses mysql://[USER[:PASSWORD]@]HOST[:PORT][/DB][?opt=value&...] (also
 * mariadb://) into *out, which is overwritten: pass a zeroed or released
 * struct. Every part is percent-decoded; an IPv6 host is written in brackets
 * ([::1]:3306). Options: ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout,
 * read-timeout, write-timeout, socket, defaults-file, charset (with - or _).
 * A password in the URI is accepted, with a warning that it is visible to
 * other users. On error logs what is wrong with the URI (printed without its
 * password), leaves *out zeroed and returns false.
 */
bool myconf_parse_uri(const char *uri, myconf *out);

/*
 * The same, without logging anything: on error writes the problem (one line,
 * without the URI) to err for a caller that names a location, such as the
 * config file. Does not warn about a password: a file is the place for one.
 */
bool myconf_parse_uri_silent(const char *uri, myconf *out, sbuf *err);

/*
 * The canonical spelling (a static string) of an ssl-mode given in any case
 * with - or _ (verify-ca: VERIFY_CA), or NULL if it is not one.
 */
const char *myconf_normalize_ssl_mode(const char *text);

/* Fills the fields of dst that are unset from src (copies): command line over config. */
void myconf_merge(myconf *dst, const myconf *src);

/*
 * With no password set, takes MYSQL_PWD from the environment. The option
 * files are read by the client library itself when connecting, so nothing is
 * done for them here.
 */
void myconf_resolve_password(myconf *s);

/*
 * "mysql://user@host:port/db" (with ?socket=... when one is set), never the
 * password; the caller frees it. myconf_parse_uri() reads it back.
 */
char *myconf_describe(const myconf *s);

/* Frees every field (the password is wiped first) and leaves *s zeroed. */
void myconf_release(myconf *s);

#endif
