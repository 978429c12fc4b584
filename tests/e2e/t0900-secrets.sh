#!/usr/bin/env bash
# t0900-secrets: no password ever shows.  A MariaDB user and a PostgreSQL role of this test get
# distinctive passwords; a whole migration (dump, load, live stream | apply, verify, status,
# detach, then cham-migrate) runs with them in MYSQL_PWD and PGPASSWORD only, and again with
# them in a pg_chameleon configuration file only (db_conn.password, pg_conn.password; its one
# source is found by cham-dump without --source-name), while
# the process list is sampled every 50 ms.  Errors are forced too (wrong password, unreachable
# port, unknown database, broken config files).  The passwords must then be nowhere: not in
# the process arguments, not in any program's output or messages, not in the dump
# directories or the event streams, not in the target databases (sch_chameleon included);
# nor, afterwards, a working password given in a source URI on the command line.
# shellcheck disable=SC2016,SC2034 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

command -v ps >/dev/null || skip_all "ps is not installed (scripts/install-deps: procps)"
command -v pg_dump >/dev/null || skip_all "pg_dump is not installed (scripts/install-deps)"

db=t0900_src
user=t0900
env_db=t0900_env
cfg_db=t0900_cfg
mig_db=t0900_mig
uri_db=t0900_uri
src="mysql://$user@127.0.0.1:$CHAM_MYSQL_PORT/$db"
tgt_env="host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=$env_db"
tgt_cfg="host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=$cfg_db"
tgt_mig="host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=$mig_db"
tgt_uri="host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=$uri_db"
migrate=$CHAM_TOP/scripts/cham-migrate
verify=$CHAM_TOP/scripts/cham-verify
status=$CHAM_TOP/scripts/cham-status

# The passwords are made here and never given to a program as an argument: SQL goes on
# stdin, files are written by the shell, and grep reads them from the file "secrets".
hex=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
my_pw=S3cr3t-Zq9x-my-$hex
pg_pw=S3cr3t-Zq9x-pg-$hex
wrong_pw=S3cr3t-Zq9x-wrong-$hex
# Given in a URI on the command line on purpose (accepted with a warning): checked in the
# messages only, not in the process list.
uri_pw=S3cr3t-Zq9x-uri-$hex
printf '%s\n' "$my_pw" "$pg_pw" "$wrong_pw" >secrets
printf '%s\n' "$my_pw" "$pg_pw" "$wrong_pw" "$uri_pw" >secrets-all
export my_pw pg_pw wrong_pw uri_pw
mkdir -p logs

# wait_for SECONDS SQL EXPECTED: polls the env target until SQL returns EXPECTED.
wait_for()
{
	local i
	for i in $(seq 1 $(($1 * 10))); do
		[ "$(PGPASSWORD=$pg_pw psql -X -A -t -q -d "$tgt_env" -c "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	echo "after $1 s: $2 does not give $3" >&2
	return 1
}

# write_config FILE [PORT] [EXTRA...]: a pg_chameleon v2 configuration with both passwords
# (the ports of the sandbox, or PORT for both); EXTRA lines go into db_conn.
write_config()
{
	local file=$1 myport=${2:-$CHAM_MYSQL_PORT} pgport=${2:-$CHAM_PG_PORT}
	shift 2 2>/dev/null || shift
	{
		echo "# pg_chameleon v2 style configuration of t0900"
		echo "log_level: debug"
		echo "pg_conn:"
		echo "  host: \"127.0.0.1\""
		echo "  port: \"$pgport\""
		echo "  user: \"$user\""
		echo "  password: \"$pg_pw\""
		echo "  database: \"$cfg_db\""
		echo "  charset: \"utf8\""
		echo "sources:"
		echo "  mysql:"
		echo "    db_conn:"
		echo "      host: \"127.0.0.1\""
		echo "      port: \"$myport\""
		echo "      user: \"$user\""
		echo "      password: \"$my_pw\""
		echo "      charset: \"utf8\""
		echo "      connect_timeout: 5"
		printf '      %s\n' "$@"
		echo "    schema_mappings:"
		echo "      $db: $db"
		echo "    replica_batch_size: 100"
		echo "    type: mysql"
	} >"$file"
}

# run NAME CMD...: runs CMD with its stdout and stderr in logs/NAME.out and logs/NAME.err.
run()
{
	local name=$1
	shift
	"$@" >"logs/$name.out" 2>"logs/$name.err"
}

# fails NAME CMD...: CMD fails (any non-zero status) and says something on stderr.
fails()
{
	local name=$1 rc=0
	shift
	"$@" >"logs/$name.out" 2>"logs/$name.err" || rc=$?
	echo "$name: exit status $rc: $(head -c 300 "logs/$name.err")"
	[ "$rc" -ne 0 ] && [ -s "logs/$name.err" ]
}

test_expect_success 'setup: a source database, a MariaDB user and a PostgreSQL role with their own passwords' '
	mysql_root <<-SQL &&
		SET SESSION sql_log_bin = 0;
		DROP DATABASE IF EXISTS $db;
		DROP USER IF EXISTS "$user"@"127.0.0.1";
		CREATE DATABASE $db;
		USE $db;
		CREATE TABLE $db.big (id int PRIMARY KEY, v varchar(40), d datetime);
		INSERT INTO $db.big SELECT seq, CONCAT("row ", seq), "2024-01-02 03:04:05" FROM seq_1_to_200000;
		CREATE TABLE $db.small (id int AUTO_INCREMENT PRIMARY KEY, v text);
		INSERT INTO $db.small (v) VALUES ("one"), ("two");
		CREATE USER "$user"@"127.0.0.1" IDENTIFIED BY "$my_pw";
		GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO "$user"@"127.0.0.1";
	SQL
	pg_admin <<-SQL
		DROP DATABASE IF EXISTS $env_db;
		DROP DATABASE IF EXISTS $cfg_db;
		DROP DATABASE IF EXISTS $mig_db;
		DROP DATABASE IF EXISTS $uri_db;
		DROP ROLE IF EXISTS $user;
		CREATE ROLE $user LOGIN PASSWORD '"'"'$pg_pw'"'"';
		CREATE DATABASE $env_db OWNER $user;
		CREATE DATABASE $cfg_db OWNER $user;
		CREATE DATABASE $mig_db OWNER $user;
	SQL
'

# The process list, every 50 ms, in the background until the file sampler.stop exists (or
# this script is gone).
sampler()
{
	while [ ! -e "$TEST_TMPDIR/sampler.stop" ] && kill -0 $$ 2>/dev/null; do
		ps -e -ww -o pid=,args= >>"$TEST_TMPDIR/ps.samples" 2>/dev/null
		sleep 0.05
	done
}
sampler &
sampler_pid=$!

test_expect_success 'dump, load, live stream | apply, verify, status and detach with the passwords in MYSQL_PWD and PGPASSWORD only' '
	export MYSQL_PWD=$my_pw PGPASSWORD=$pg_pw PGPASSFILE=/dev/null &&
	run dump cham-dump -v --source "$src" --output dump &&
	run load cham-load -v --target "$tgt_env" dump &&
	mkfifo events
	cham-stream -v --source "$src" --from-target "$tgt_env" --heartbeat 1 --output events 2>logs/stream.err &
	stream_pid=$!
	tee stream.jsonl <events | cham-apply -v --target "$tgt_env" >logs/apply.out 2>logs/apply.err &
	apply_pid=$!
	mysql_root "$db" -e "INSERT INTO small (v) VALUES (\"three\"); UPDATE big SET v = \"changed\" WHERE id <= 1000" &&
	wait_for 20 "SELECT count(*) FROM $db.small" 3 &&
	wait_for 20 "SELECT count(*) FROM $db.big WHERE v = \$\$changed\$\$" 1000 &&
	sleep 2 &&
	kill -TERM "$stream_pid" &&
	wait "$stream_pid" &&
	wait "$apply_pid" &&
	run verify "$verify" --source "$src" --target "$tgt_env" --dump dump &&
	run status "$status" --target "$tgt_env" --tables --errors &&
	run status-json "$status" --target "$tgt_env" --json &&
	run detach cham-detach -v --target "$tgt_env" &&
	test "$(PGPASSWORD=$pg_pw psql -X -A -t -q -d "$tgt_env" -c "SELECT status FROM sch_chameleon.sources")" = detached &&
	grep -q "\"k\":\"commit\"" stream.jsonl
'

test_expect_success 'cham-migrate with the passwords in MYSQL_PWD and PGPASSWORD only' '
	export MYSQL_PWD=$my_pw PGPASSWORD=$pg_pw PGPASSFILE=/dev/null &&
	run migrate "$migrate" --source "$src" --target "$tgt_mig" --work-dir mig &&
	test "$(PGPASSWORD=$pg_pw psql -X -A -t -q -d "$tgt_mig" -c "SELECT count(*) FROM $db.big")" = 200000
'

test_expect_success 'dump, load, stream | apply and detach with the passwords in a pg_chameleon configuration file only' '
	unset MYSQL_PWD PGPASSWORD &&
	export PGPASSFILE=/dev/null &&
	write_config cfg.yml &&
	run cfg-dump cham-dump -v -c cfg.yml --output dump2 &&
	run cfg-load cham-load -v --log-format json -c cfg.yml --source-name mysql dump2 &&
	mysql_root "$db" -e "INSERT INTO small (v) VALUES (\"four\")" &&
	run cfg-stream cham-stream -v -c cfg.yml --source-name mysql --from-target "$tgt_cfg" --stop-when-idle --output stream2.jsonl &&
	run cfg-apply cham-apply -v -c cfg.yml --source-name mysql --input stream2.jsonl &&
	run cfg-detach cham-detach -v -c cfg.yml --source-name mysql &&
	grep -q "\"k\":\"commit\"" stream2.jsonl &&
	test "$(PGPASSWORD=$pg_pw psql -X -A -t -q -d "$tgt_cfg" -c "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.small")" = one,two,three,four
'

test_expect_success 'errors: a wrong password, an unreachable port, an unknown database' '
	unset PGPASSWORD &&
	export PGPASSFILE=/dev/null &&
	MYSQL_PWD=$wrong_pw fails e-dump-wrong-pw cham-dump --source "$src" --output e1 &&
	MYSQL_PWD=$my_pw fails e-dump-no-port cham-dump --source "mysql://$user@127.0.0.1:1/$db?connect-timeout=2" --output e2 &&
	MYSQL_PWD=$my_pw fails e-dump-bad-db cham-dump --source "mysql://$user@127.0.0.1:$CHAM_MYSQL_PORT/no_such_db_t0900" --output e3 &&
	MYSQL_PWD=$wrong_pw fails e-stream-wrong-pw cham-stream --source "$src" --from-dump dump --stop-when-idle &&
	PGPASSWORD=$wrong_pw fails e-load-wrong-pw cham-load --target "$tgt_env" dump &&
	PGPASSWORD=$pg_pw fails e-load-no-port cham-load --target "host=127.0.0.1 port=1 user=$user dbname=$env_db connect_timeout=2" dump &&
	PGPASSWORD=$pg_pw fails e-load-bad-db cham-load --target "host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=no_such_db_t0900" dump &&
	PGPASSWORD=$wrong_pw fails e-apply-wrong-pw cham-apply --target "$tgt_env" --input stream.jsonl &&
	PGPASSWORD=$wrong_pw fails e-detach-wrong-pw cham-detach --target "$tgt_env" &&
	PGPASSWORD=$wrong_pw fails e-status-wrong-pw "$status" --target "$tgt_env" &&
	MYSQL_PWD=$wrong_pw PGPASSWORD=$pg_pw fails e-verify-wrong-pw "$verify" --source "$src" --target "$tgt_env" --dump dump &&
	MYSQL_PWD=$wrong_pw PGPASSWORD=$pg_pw fails e-migrate-wrong-my-pw "$migrate" --source "$src" --target "$tgt_mig" &&
	MYSQL_PWD=$my_pw PGPASSWORD=$wrong_pw fails e-migrate-wrong-pg-pw "$migrate" --source "$src" --target "$tgt_mig"
'

test_expect_success 'errors with the passwords in a configuration file: unreachable ports, unknown databases, broken files' '
	unset MYSQL_PWD PGPASSWORD &&
	export PGPASSFILE=/dev/null &&
	write_config cfg-port1.yml 1 &&
	fails ce-dump-no-port cham-dump -c cfg-port1.yml --output ce1 &&
	fails ce-stream-no-port cham-stream -c cfg-port1.yml --source-name mysql --from-dump dump2 --stop-when-idle &&
	fails ce-load-no-port cham-load -c cfg-port1.yml --source-name mysql dump2 &&
	fails ce-apply-no-port cham-apply -c cfg-port1.yml --source-name mysql --input stream2.jsonl &&
	write_config cfg-bad-db.yml "" "database: no_such_db_t0900" &&
	sed "s/database: \"$cfg_db\"/database: \"no_such_db_t0900\"/" cfg-bad-db.yml >cfg-bad-db2.yml &&
	fails ce-dump-bad-db cham-dump -c cfg-bad-db.yml --source "mysql://$user@127.0.0.1:$CHAM_MYSQL_PORT/no_such_db_t0900" --output ce2 &&
	fails ce-load-bad-db cham-load -c cfg-bad-db2.yml --source-name mysql dump2 &&
	fails ce-detach-bad-db cham-detach -c cfg-bad-db2.yml --source-name mysql &&
	write_config cfg-bad-port.yml "" "port: \"not-a-port\"" &&
	fails ce-dump-bad-value cham-dump -c cfg-bad-port.yml --output ce3 &&
	sed "s/^\(      password: \)\"\(.*\)\"$/\1[ \"\2\" ]/" cfg.yml >cfg-pw-list.yml &&
	grep -q "password: \[" cfg-pw-list.yml &&
	fails ce-dump-pw-list cham-dump -c cfg-pw-list.yml --output ce4 &&
	fails ce-load-pw-list cham-load -c cfg-pw-list.yml --source-name mysql dump2 &&
	sed "s/^\(      password: \)\"\(.*\)\"$/\1{ secret: \"\2\" }/" cfg.yml >cfg-pw-map.yml &&
	fails ce-dump-pw-map cham-dump -c cfg-pw-map.yml --output ce5 &&
	sed "s/^\(  password: \)\"\(.*\)\"$/\1\"\2/" cfg.yml >cfg-pw-unterminated.yml &&
	fails ce-load-pw-yaml cham-load -c cfg-pw-unterminated.yml --source-name mysql dump2 &&
	sed "s/^\(      password: \)\"\(.*\)\"$/\1\"\2\" \"\2\"/" cfg.yml >cfg-pw-junk.yml &&
	fails ce-dump-pw-yaml cham-dump -c cfg-pw-junk.yml --output ce6 &&
	write_config cfg-pw-twice.yml "" "pasword: \"$wrong_pw\"" "password: \"$my_pw\"" &&
	run ce-dump-pw-twice cham-dump -v -c cfg-pw-twice.yml --output ce7 &&
	grep -q warning logs/ce-dump-pw-twice.err
'

test_expect_success 'a password in a URI on the command line: accepted with a warning, never shown' '
	unset MYSQL_PWD PGPASSWORD &&
	export PGPASSFILE=/dev/null &&
	fails uri-dump cham-dump --source "mysql://$user:$uri_pw@127.0.0.1:$CHAM_MYSQL_PORT/$db" --output u1 &&
	grep -q warning logs/uri-dump.err &&
	fails uri-load cham-load -v --target "host=127.0.0.1 port=$CHAM_PG_PORT user=$user dbname=$env_db password=$uri_pw" dump &&
	fails uri-load2 cham-load -v --target "postgresql://$user:$uri_pw@127.0.0.1:$CHAM_PG_PORT/$env_db" dump &&
	fails uri-apply cham-apply -v --target "postgresql://$user:$uri_pw@127.0.0.1:$CHAM_PG_PORT/nodb_t0900" --input stream.jsonl &&
	fails uri-migrate "$migrate" --source "mysql://$user:$uri_pw@127.0.0.1:$CHAM_MYSQL_PORT/$db" --target "$tgt_mig password=$uri_pw"
'

touch sampler.stop
wait "$sampler_pid"

# After the sampling (the password is on a command line here, on purpose): a working password
# in the source URI must not be written anywhere either (the dump records its source).
test_expect_success 'a working password in the source URI is not written to the dump, the stream or sch_chameleon' '
	pg_admin <<-SQL &&
		DROP DATABASE IF EXISTS $uri_db;
		CREATE DATABASE $uri_db OWNER $user;
	SQL
	unset MYSQL_PWD &&
	export PGPASSWORD=$pg_pw PGPASSFILE=/dev/null &&
	run uri-ok-dump cham-dump -v --source "mysql://$user:$my_pw@127.0.0.1:$CHAM_MYSQL_PORT/$db" --output dump3 &&
	grep -q "warning" logs/uri-ok-dump.err &&
	run uri-ok-load cham-load -v --target "$tgt_uri" dump3 &&
	mysql_root "$db" -e "INSERT INTO small (v) VALUES (\"five\")" &&
	run uri-ok-stream cham-stream -v --source "mysql://$user:$my_pw@127.0.0.1:$CHAM_MYSQL_PORT/$db" \
		--from-target "$tgt_uri" --stop-when-idle --output stream3.jsonl &&
	run uri-ok-apply cham-apply -v --target "$tgt_uri" --input stream3.jsonl &&
	grep -q "\"k\":\"commit\"" stream3.jsonl &&
	test "$(psql -X -A -t -q -d "$tgt_uri" -c "SELECT count(*) FROM $db.small")" = 5
'

test_expect_success 'the process list was sampled while the programs ran' '
	test -s ps.samples &&
	for p in cham-dump cham-load cham-stream cham-apply cham-migrate cham-verify; do
		n=$(grep -c -e "/$p " -e "^ *[0-9]* $p " ps.samples || true) &&
		echo "$p: in $n samples" &&
		test "$n" -gt 0 || return 1
	done
'

test_expect_success 'no password in any process arguments' '
	if grep -F -f secrets ps.samples >leaks; then
		echo "a password is in the arguments of:" && sed "s/S3cr3t-Zq9x[-a-z0-9]*/********/g" leaks && false
	fi
'

test_expect_success 'no password in any output or message of the programs' '
	test "$(ls logs | wc -l)" -gt 40 &&
	if grep -r -F -f secrets-all logs >leaks; then
		echo "a password is in:" && sed "s/S3cr3t-Zq9x[-a-z0-9]*/********/g" leaks && false
	fi
'

test_expect_success 'no password in the dump directories or the event streams' '
	test -s dump/catalog.json && test -s dump2/coordinates.json && test -s dump3/coordinates.json &&
	test -s stream.jsonl && test -s stream2.jsonl && test -s stream3.jsonl &&
	if grep -r -a -F -f secrets-all dump dump2 dump3 mig stream.jsonl stream2.jsonl stream3.jsonl >leaks; then
		echo "a password is in:" && cut -c1-200 leaks | sed "s/S3cr3t-Zq9x[-a-z0-9]*/********/g" && false
	fi
'

test_expect_success 'no password in the target databases, sch_chameleon included' '
	for d in $env_db $cfg_db $mig_db $uri_db; do
		pg_dump -d "$CHAM_PG_ADMIN dbname=$d" --schema=sch_chameleon >"state-$d.sql" &&
		pg_dump -d "$CHAM_PG_ADMIN dbname=$d" >"all-$d.sql" &&
		grep -q "COPY sch_chameleon.sources" "state-$d.sql" || return 1
	done &&
	if grep -a -F -f secrets-all state-*.sql all-*.sql >leaks; then
		echo "a password is in:" && cut -c1-200 leaks | sed "s/S3cr3t-Zq9x[-a-z0-9]*/********/g" && false
	fi
'

test_expect_success 'nothing else in the test directory holds a password' '
	grep -r -a -l -F -f secrets-all . --exclude="secrets*" --exclude="cfg*.yml" --exclude=ps.samples >leaks || true &&
	if [ -s leaks ]; then echo "a password is in:" && cat leaks && false; fi
'

test_expect_success 'cleanup' '
	pg_admin <<-SQL &&
		DROP DATABASE IF EXISTS $env_db;
		DROP DATABASE IF EXISTS $cfg_db;
		DROP DATABASE IF EXISTS $mig_db;
		DROP DATABASE IF EXISTS $uri_db;
		DROP ROLE IF EXISTS $user;
	SQL
	mysql_root <<-SQL
		SET SESSION sql_log_bin = 0;
		DROP USER IF EXISTS "$user"@"127.0.0.1";
		DROP DATABASE IF EXISTS $db;
	SQL
'

test_done
