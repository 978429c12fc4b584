#!/usr/bin/env bash
# t0001-sandbox: the private servers are set up the way the tools and the other tests expect.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

test_expect_success 'MariaDB answers as chameleon over TCP' '
	mysql_user -e "SELECT CURRENT_USER()" >actual &&
	echo "chameleon@127.0.0.1" >expect &&
	test_cmp expect actual
'

test_expect_success 'the binlog is on, row-based, with full images and metadata' '
	mysql_user -e "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata" >actual &&
	printf "1\tROW\tFULL\tFULL\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'server_id is set and GTIDs are strict' '
	test "$(mysql_user -e "SELECT @@server_id")" -ge 1 &&
	test "$(mysql_user -e "SELECT @@gtid_strict_mode")" = 1
'

test_expect_success 'the server speaks utf8mb4' '
	mysql_user -e "SELECT @@character_set_server, @@collation_server" >actual &&
	printf "utf8mb4\tutf8mb4_unicode_ci\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'chameleon may read the binlog, and no more than it needs' '
	mysql_user -e "SHOW GRANTS" >grants &&
	grep -q "REPLICATION SLAVE" grants &&
	grep -Eq "BINLOG MONITOR|REPLICATION CLIENT" grants &&
	grep -q "RELOAD" grants &&
	! grep -Eq "SUPER|ALL PRIVILEGES|GRANT OPTION|REPLICATION MASTER ADMIN" grants
'

test_expect_success 'chameleon can see the binlog position' '
	mysql_user -e "SHOW MASTER STATUS" >status &&
	grep -q "^mysql-bin\.[0-9]" status
'

test_expect_success 'the root option file reaches the server through the socket' '
	test "$(mysql_root -e "SELECT CURRENT_USER()")" = "root@localhost"
'

test_expect_success 'PostgreSQL 15 answers as chameleon on database chameleon' '
	pg_user -c "SELECT current_user, current_database()" >actual &&
	echo "chameleon|chameleon" >expect &&
	test_cmp expect actual &&
	version=$(pg_user -c "SHOW server_version_num") &&
	test "$version" -ge 150000 && test "$version" -lt 160000
'

test_expect_success 'chameleon is no superuser but may create databases and tables' '
	test "$(pg_user -c "SELECT rolsuper::text || rolcreatedb::text FROM pg_roles WHERE rolname = current_user")" = falsetrue &&
	pg_user -c "CREATE TABLE t0001 (a int); DROP TABLE t0001"
'

test_expect_success 'the PostgreSQL superuser answers over TCP' '
	test "$(pg_admin -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t
'

test_expect_code 2 'a wrong PostgreSQL password is refused' '
	PGPASSFILE=/dev/null PGPASSWORD=wrong psql -X -At -d "$CHAM_TARGET" -c "SELECT 1"
'

# The passwords are read with shell builtins and matched with grep -f, so that the test
# itself never puts one on a command line.
test_expect_success 'no password appears in any process arguments' '
	: >passwords &&
	printf "%s\n" "$MYSQL_PWD" >>passwords &&
	while IFS="=" read -r key value; do
		if [ "$key" = password ]; then printf "%s\n" "$value" >>passwords; fi
	done <"$CHAM_MYSQL_ROOT_CNF" &&
	while IFS=: read -r host port db user pw; do
		printf "%s\n" "$pw" >>passwords
	done <"$PGPASSFILE" &&
	test "$(sort -u passwords | wc -l)" -eq 4 &&
	ps -eo args >ps.out &&
	test "$(wc -l <ps.out)" -gt 3 &&
	if grep -qF -f passwords ps.out; then
		echo "a password is in the arguments of:" &&
		grep -F -f passwords ps.out | sed "s/[0-9a-f]\{32\}/********/g" &&
		false
	fi
'

test_done
