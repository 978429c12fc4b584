/* test_myconf.c: mysql:// URIs, merging, MYSQL_PWD and descriptions that never show a password. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logging.h"
#include "myconf.h"
#include "capture.h"
#include "tap.h"

static bool
parse(const char *uri, myconf *s)
{
	bool r;

	capture_begin();
	r = myconf_parse_uri(uri, s);
	capture_end();
	return r;
}

static bool
has(const char *needle)
{
	return strstr(logged, needle) != NULL;
}

static void
test_forms(void)
{
	myconf s;

	ok(parse("mysql://app@db.example.com:3307/shop", &s), "user, host, port, database");
	is_str(s.user, "app", "user");
	is_str(s.host, "db.example.com", "host");
	is_int(s.port, 3307, "port");
	is_str(s.database, "shop", "database");
	ok(s.password == NULL, "no password");
	is_str(logged, "", "nothing logged");
	myconf_release(&s);

	ok(parse("mysql://db.example.com", &s), "host alone");
	ok(s.user == NULL && s.port == 0 && s.database == NULL, "user, port and database unset");
	myconf_release(&s);

	ok(parse("mysql://", &s), "nothing at all");
	ok(s.host == NULL, "host left to the option files");
	myconf_release(&s);

	ok(parse("mysql://h/", &s), "an empty database");
	ok(s.database == NULL, "is no database");
	myconf_release(&s);

	ok(parse("mariadb://u@h/d", &s), "mariadb:// scheme");
	is_str(s.host, "h", "mariadb host");
	myconf_release(&s);

	ok(parse("MySQL://u@h", &s), "the scheme in any case");
	myconf_release(&s);

	ok(parse("mysql://u%40corp:p%3Aw%2Fd%25@h/my%20db", &s), "percent-encoded user, password, database");
	is_str(s.user, "u@corp", "decoded user");
	is_str(s.password, "p:w/d%", "decoded password");
	is_str(s.database, "my db", "decoded database");
	ok(has("warning") && has("visible to other users"), "a password draws a warning");
	ok(has("mysql://u%40corp:****@h/my%20db"), "showing the URI with the password hidden");
	ok(!has("p%3Aw") && !has("p:w/d"), "and never the password");
	myconf_release(&s);

	ok(parse("mysql://u:p@ss@h:1/d", &s), "an unencoded @ in a password");
	is_str(s.password, "p@ss", "the last @ ends the user part");
	is_str(s.host, "h", "host after the last @");
	ok(!has("p@ss"), "the warning does not show it");
	myconf_release(&s);

	ok(parse("mysql://u:@h", &s), "an empty password");
	is_str(s.password, "", "is an empty password, not none");
	is_str(logged, "", "and draws no warning");
	myconf_release(&s);

	ok(parse("mysql://a+b@h", &s), "a plus sign");
	is_str(s.user, "a+b", "stays a plus sign");
	myconf_release(&s);

	ok(parse("mysql://root@[::1]:3306/test", &s), "IPv6 host with port");
	is_str(s.host, "::1", "IPv6 host without brackets");
	is_int(s.port, 3306, "IPv6 port");
	myconf_release(&s);

	ok(parse("mysql://[fe80::1%25eth0]", &s), "IPv6 with a zone id");
	is_str(s.host, "fe80::1%eth0", "zone id decoded");
	myconf_release(&s);

	ok(parse("mysql://u@h/d?ssl-mode=verify_ca&ssl_ca=%2Fetc%2Fca.pem&ssl-cert=/c.pem&ssl-key=/k.pem"
			 "&connect-timeout=5&read_timeout=30&write-timeout=31&socket=/run/my.sock"
			 "&defaults-file=/etc/my.cnf&charset=utf8mb4",
			 &s),
	   "every option");
	is_str(s.ssl_mode, "VERIFY_CA", "ssl-mode normalized");
	is_str(s.ssl_ca, "/etc/ca.pem", "ssl_ca (underscore, encoded)");
	is_str(s.ssl_cert, "/c.pem", "ssl-cert");
	is_str(s.ssl_key, "/k.pem", "ssl-key");
	is_int(s.connect_timeout, 5, "connect-timeout");
	is_int(s.read_timeout, 30, "read_timeout");
	is_int(s.write_timeout, 31, "write-timeout");
	is_str(s.socket, "/run/my.sock", "socket");
	is_str(s.defaults_file, "/etc/my.cnf", "defaults-file");
	is_str(s.charset, "utf8mb4", "charset");
	myconf_release(&s);

	ok(parse("mysql://h?ssl-mode=REQUIRED&&ssl-mode=disabled&", &s), "a repeated option and empty pieces");
	is_str(s.ssl_mode, "DISABLED", "the last one wins");
	myconf_release(&s);

	ok(parse("mysql:///db?socket=%2Ftmp%2Fmysql.sock", &s), "no host, a socket");
	ok(s.host == NULL, "no host");
	is_str(s.database, "db", "database");
	is_str(s.socket, "/tmp/mysql.sock", "socket decoded");
	myconf_release(&s);
}

typedef struct bad_uri
{
	const char *uri;
	const char *says;
} bad_uri;

static void
test_errors(void)
{
	static const bad_uri cases[] = {
		{ "mysql://h:abc/db", "invalid port \"abc\"" },
		{ "mysql://h:0", "invalid port \"0\"" },
		{ "mysql://h:65536", "invalid port \"65536\"" },
		{ "mysql://h:", "invalid port \"\"" },
		{ "mysql://h:-1", "invalid port \"-1\"" },
		{ "http://h/db", "mysql:// or mariadb://" },
		{ "h:3306", "mysql:// or mariadb://" },
		{ "mysql://h/db?foo=1", "unknown option \"foo\"" },
		{ "mysql://h/db?ssl-mode", "has no value" },
		{ "mysql://h/db?ssl-mode=sometimes", "invalid value \"sometimes\" for option \"ssl-mode\"" },
		{ "mysql://h/db?connect-timeout=soon", "expected a number of seconds" },
		{ "mysql://h/db?read-timeout=-3", "expected a number of seconds" },
		{ "mysql://h/d%zzb", "invalid percent-encoding in the database name" },
		{ "mysql://u%4@h", "invalid percent-encoding in the user name" },
		{ "mysql://h/d%00", "invalid percent-encoding" },
		{ "mysql://[::1", "missing \"]\"" },
		{ "mysql://[]:3306", "empty IPv6 address" },
		{ "mysql://[::1]x", "after the IPv6 address" },
		{ "mysql://h/db/extra", "\"/\" in the database name" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		myconf s;
		bool r = parse(cases[i].uri, &s);

		ok(!r, "\"%s\" is refused", cases[i].uri);
		ok(has("error: invalid MySQL URI \"") && has(cases[i].says), "saying %s", cases[i].says);
		if (!has(cases[i].says))
			printf("# log: %s\n", logged);
		ok(s.host == NULL && s.user == NULL && s.port == 0, "leaving the settings empty");
	}

	{
		myconf s;

		ok(!parse("postgres://admin:hunter2@h/db", &s), "a wrong scheme with a password");
		ok(has("postgres://admin:****@h/db") && !has("hunter2"), "is named without the password");
		ok(!parse("mysql://admin:hunter2@h:port/db", &s), "a bad port with a password");
		ok(has("invalid port \"port\"") && !has("hunter2"), "is named without the password");
		ok(!parse("mysql://admin:hunter2@h/db?bad=1", &s), "a bad option with a password");
		ok(!has("hunter2"), "is named without the password");
		ok(!parse("mysql://admin:hun%zzter2@h/db", &s), "a bad encoding in the password");
		ok(has("in the password") && !has("hun%zz") && !has("ter2"), "says where, not what");
	}
	{
		myconf s;
		sbuf err = SBUF_INIT;

		capture_begin();
		ok(!myconf_parse_uri_silent("mysql://u:pw@h:x", &s, &err), "the silent parser refuses too");
		ok(myconf_parse_uri_silent("mysql://u:pw@h:1", &s, &err), "and reads a password");
		capture_end();
		is_str(logged, "", "without logging anything, not even the password warning");
		ok(strstr(err.data, "invalid port \"x\"") != NULL, "the problem is in err");
		myconf_release(&s);
		sbuf_release(&err);
	}
}

static void
test_describe(void)
{
	myconf s;
	myconf back;
	char *d;

	ok(parse("mysql://app:secret@db.example.com:3307/shop", &s), "a URI with a password");
	d = myconf_describe(&s);
	is_str(d, "mysql://app@db.example.com:3307/shop", "described without the password");
	ok(strstr(d, "secret") == NULL, "the password is not there");
	free(d);
	myconf_release(&s);

	ok(parse("mysql://we%20ird%40user:pw@[::1]/d%2Fb?socket=/run/my%26.sock", &s), "odd names");
	d = myconf_describe(&s);
	is_str(d, "mysql://we%20ird%40user@[::1]/d%2Fb?socket=/run/my%26.sock", "encoded where they would mislead");
	ok(parse(d, &back), "the description parses back");
	is_str(back.user, "we ird@user", "user round trip");
	is_str(back.host, "::1", "IPv6 round trip");
	is_str(back.database, "d/b", "database round trip");
	is_str(back.socket, "/run/my&.sock", "socket round trip");
	ok(back.password == NULL, "no password comes back");
	free(d);
	myconf_release(&back);
	myconf_release(&s);

	memset(&s, 0, sizeof(s));
	d = myconf_describe(&s);
	is_str(d, "mysql://localhost", "empty settings describe the client's default");
	free(d);

	s.password = strdup("pw-only");
	s.user = strdup("u");
	d = myconf_describe(&s);
	is_str(d, "mysql://u@localhost", "a password set directly is not described either");
	free(d);
	myconf_release(&s);
}

static void
test_merge_and_password(void)
{
	myconf cli;
	myconf cfg;

	ok(parse("mysql://cliuser@clihost/", &cli), "command line settings");
	ok(parse("mysql://cfguser:cfgpw@cfghost:3310/cfgdb?ssl-mode=required&read-timeout=9", &cfg),
	   "config settings");
	myconf_merge(&cli, &cfg);
	is_str(cli.user, "cliuser", "merge keeps the command line's user");
	is_str(cli.host, "clihost", "merge keeps the command line's host");
	is_int(cli.port, 3310, "merge fills the port");
	is_str(cli.database, "cfgdb", "merge fills the database");
	is_str(cli.password, "cfgpw", "merge fills the password");
	is_str(cli.ssl_mode, "REQUIRED", "merge fills ssl-mode");
	is_int(cli.read_timeout, 9, "merge fills read-timeout");
	ok(cli.password != cfg.password, "merge copies, it does not share");
	myconf_release(&cfg);
	myconf_release(&cli);
	ok(cli.host == NULL && cli.password == NULL && cli.port == 0, "release leaves the struct empty");

	memset(&cli, 0, sizeof(cli));
	setenv("MYSQL_PWD", "from-env", 1);
	myconf_resolve_password(&cli);
	is_str(cli.password, "from-env", "MYSQL_PWD when no password is set");
	myconf_release(&cli);

	ok(parse("mysql://u:given@h", &cli), "a URI password");
	myconf_resolve_password(&cli);
	is_str(cli.password, "given", "is not replaced by MYSQL_PWD");
	myconf_release(&cli);

	unsetenv("MYSQL_PWD");
	memset(&cli, 0, sizeof(cli));
	myconf_resolve_password(&cli);
	ok(cli.password == NULL, "no MYSQL_PWD: the option files are the client library's business");
	myconf_release(&cli);

	is_str(myconf_normalize_ssl_mode("verify-identity"), "VERIFY_IDENTITY", "ssl-mode verify-identity");
	is_str(myconf_normalize_ssl_mode("Preferred"), "PREFERRED", "ssl-mode Preferred");
	ok(myconf_normalize_ssl_mode("verify") == NULL, "ssl-mode verify is not one");
	ok(myconf_normalize_ssl_mode("") == NULL, "an empty ssl-mode is not one");
}

int
main(void)
{
	log_init("test_myconf");
	test_forms();
	test_errors();
	test_describe();
	test_merge_and_password();
	return tap_done();
}
