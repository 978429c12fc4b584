#!/usr/bin/env bash
# t0130-dump-bad-input: cham-dump refuses bad usage, bad configuration, bad credentials,
# missing privileges, unknown tables and unusable output directories with a clear message,
# the documented exit code (1 runtime failure, 2 bad input) and without writing a dump.
. "$(dirname "$0")/lib.sh"

db=t0130_bad
pw=t0130-Secret-pw
src=$CHAM_SOURCE_URI/$db

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# run_expect CODE ERRFILE COMMAND...: runs COMMAND with its stderr in ERRFILE (and shown), and
# fails unless it exits with CODE.
run_expect()
{
	local want=$1 err=$2 rc=0
	shift 2
	"$@" 2>"$err" || rc=$?
	sed 's/^/stderr: /' "$err" >&2
	if [ "$rc" != "$want" ]; then
		echo "exit code $rc, expected $want"
		return 1
	fi
}

# no_secret FILE...: neither the sandbox password nor the test users' appears in the files.
no_secret()
{
	! grep -F -e "$MYSQL_PWD" -e "$pw" "$@"
}

users="'t0130_noreload'@'127.0.0.1', 't0130_nopriv'@'127.0.0.1'"

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`; DROP USER IF EXISTS $users"
}

test_expect_success 'set up a database and two users with missing privileges' '
	cleanup &&
	my <<-EOF
	CREATE DATABASE \`$db\`;
	CREATE TABLE \`$db\`.t (id int PRIMARY KEY, v varchar(10));
	INSERT INTO \`$db\`.t VALUES (1, '"'one'"'), (2, '"'two'"');
	CREATE USER \`t0130_noreload\`@\`127.0.0.1\` IDENTIFIED BY '"'$pw'"';
	GRANT SELECT, LOCK TABLES, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO \`t0130_noreload\`@\`127.0.0.1\`;
	CREATE USER \`t0130_nopriv\`@\`127.0.0.1\` IDENTIFIED BY '"'$pw'"';
	GRANT RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO \`t0130_nopriv\`@\`127.0.0.1\`;
	EOF
'

test_expect_success 'a valid dump of the same source succeeds (the control)' '
	run_expect 0 ok.err cham-dump --source "$src" --output ok &&
	test -s ok/manifest.json &&
	test "$(jq .total_rows ok/manifest.json)" = 2
'

test_expect_success 'unreachable server (a closed port): exit 1 after retries, nothing written' '
	port=1 &&
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done &&
	start=$SECONDS &&
	run_expect 1 unreach.err cham-dump --source "mysql://chameleon@127.0.0.1:$port/$db" --output unreach &&
	test $((SECONDS - start)) -lt 60 &&
	grep -i "could not connect" unreach.err &&
	grep -i "retry" unreach.err &&
	grep -F "127.0.0.1:$port" unreach.err &&
	! test -e unreach &&
	no_secret unreach.err
'

test_expect_success 'wrong password: exit 2, the password is not shown, nothing written' '
	MYSQL_PWD=Wrong-t0130-pw run_expect 2 pw.err cham-dump --source "$src" --output pw &&
	grep -i -E "access denied|password" pw.err &&
	! grep -F "Wrong-t0130-pw" pw.err &&
	no_secret pw.err &&
	! test -e pw
'

test_expect_success 'wrong password with --log-format json: every stderr line is a JSON object' '
	MYSQL_PWD=Wrong-t0130-pw run_expect 2 pwjson.err cham-dump --log-format json --source "$src" --output pw &&
	test -s pwjson.err &&
	jq -e "type == \"object\"" pwjson.err >/dev/null &&
	! grep -F "Wrong-t0130-pw" pwjson.err &&
	! test -e pw
'

test_expect_success 'a user without RELOAD: exit 2 naming RELOAD, nothing written' '
	MYSQL_PWD=$pw run_expect 2 reload.err cham-dump \
		--source "mysql://t0130_noreload@127.0.0.1:$CHAM_MYSQL_PORT/$db" --output reload &&
	grep "RELOAD" reload.err &&
	no_secret reload.err &&
	! test -e reload
'

test_expect_success 'a user without any privilege on the database in the URI: exit 2' '
	MYSQL_PWD=$pw run_expect 2 nopriv.err cham-dump \
		--source "mysql://t0130_nopriv@127.0.0.1:$CHAM_MYSQL_PORT/$db" --output nopriv &&
	grep -F "$db" nopriv.err &&
	grep -i -E "denied|privilege" nopriv.err &&
	! test -e nopriv
'

test_expect_success 'a user without any privilege, the schema named in --tables: exit 2' '
	MYSQL_PWD=$pw run_expect 2 nopriv2.err cham-dump \
		--source "mysql://t0130_nopriv@127.0.0.1:$CHAM_MYSQL_PORT" --tables "$db" --output nopriv2 &&
	grep -F "$db" nopriv2.err &&
	! test -e nopriv2
'

test_expect_success 'the hints fit the failure (no password hint for a database privilege, no --no-binlog hint for RELOAD)' '
	! grep -i "password" nopriv.err &&
	! grep -F -e "--no-binlog" reload.err
'

test_expect_success 'broken YAML in the config file: exit 2 naming file:line' '
	printf "# a pg_chameleon configuration\nsources:\n  default:\n    db_conn: host: 127.0.0.1\n" >bad.yaml &&
	run_expect 2 yaml.err cham-dump -c bad.yaml --output yaml &&
	grep -E "bad\.yaml:4(:[0-9]+)?:" yaml.err &&
	! test -e yaml
'

test_expect_success 'an invalid value in the config file: exit 2 naming file:line and the key' '
	printf "sources:\n  default:\n    db_conn:\n      host: 127.0.0.1\n      port: notaport\n" >badval.yaml &&
	run_expect 2 yamlval.err cham-dump -c badval.yaml --output yamlval &&
	grep -E "badval\.yaml:5(:[0-9]+)?:" yamlval.err &&
	grep port yamlval.err &&
	! test -e yamlval
'

test_expect_success 'a config file that does not exist: exit 2' '
	run_expect 2 nocfg.err cham-dump -c no-such-config.yaml --output nocfg &&
	grep -F "no-such-config.yaml" nocfg.err &&
	! test -e nocfg
'

test_expect_success 'an unknown table in --tables: exit 2 naming it, nothing written' '
	run_expect 2 table.err cham-dump --source "$src" --tables "$db.t,$db.no_such_table" --output table &&
	grep -F "no_such_table" table.err &&
	! test -e table
'

test_expect_success 'an unknown schema in --tables: exit 2 naming it' '
	run_expect 2 schema.err cham-dump --source "$CHAM_SOURCE_URI" --tables "t0130_no_such_db" --output schema &&
	grep -F "t0130_no_such_db" schema.err &&
	! test -e schema
'

test_expect_success 'an unknown table for --table --stdout: exit 2, nothing on stdout' '
	run_expect 2 stdout.err cham-dump --source "$src" --table "$db.no_such_table" --stdout >stdout.out &&
	grep -F "no_such_table" stdout.err &&
	test_cmp /dev/null stdout.out
'

test_expect_success 'the output is an existing file: exit 2' '
	echo data >afile &&
	run_expect 2 file.err cham-dump --source "$src" --output afile &&
	grep -F "afile" file.err &&
	test "$(cat afile)" = data
'

test_expect_success 'the output is under a file, not a directory: exit 2' '
	run_expect 2 devnull.err cham-dump --source "$src" --output /dev/null/dump &&
	grep -F "/dev/null/dump" devnull.err
'

test_expect_success 'the parent of the output does not exist: exit 2' '
	run_expect 2 noparent.err cham-dump --source "$src" --output no/such/dir/dump &&
	grep -F "no/such/dir/dump" noparent.err &&
	! test -e no
'

if [ "$(id -u)" != 0 ]; then
	test_expect_success 'the output directory cannot be created (parent mode 0555): exit 2' '
		mkdir ro && chmod 0555 ro &&
		run_expect 2 ro.err cham-dump --source "$src" --output ro/dump &&
		chmod 0755 ro &&
		grep -F "ro/dump" ro.err &&
		! test -e ro/dump
	'
else
	# root passes every permission check: a directory of /proc can be neither created nor written.
	test_expect_success 'the output directory cannot be created (under /proc, as root): exit 2' '
		run_expect 2 ro.err cham-dump --source "$src" --output /proc/cham-t0130-$$ &&
		grep -F "/proc/cham-t0130-$$" ro.err &&
		! grep -i "connected to" ro.err
	'
fi

test_expect_success 'an existing dump without --force: exit 2, the dump is left as it was' '
	md5sum ok/manifest.json ok/coordinates.json >ok.md5 &&
	run_expect 2 exists.err cham-dump --source "$src" --output ok &&
	grep -F -e "--force" exists.err &&
	md5sum -c ok.md5
'

test_expect_success 'an existing dump with --force is overwritten' '
	sleep 1 &&
	run_expect 0 force.err cham-dump --source "$src" --output ok --force &&
	! md5sum -c ok.md5 &&
	test "$(jq .total_rows ok/manifest.json)" = 2
'

test_expect_success 'an unknown option: exit 2' '
	run_expect 2 opt.err cham-dump --no-such-option --source "$src" --output opt &&
	grep -F -e "--no-such-option" opt.err &&
	grep -F -e "--help" opt.err &&
	! test -e opt
'

test_expect_success 'a stray argument: exit 2' '
	run_expect 2 arg.err cham-dump --source "$src" --output arg stray &&
	grep -F "stray" arg.err &&
	! test -e arg
'

test_expect_success '--table without --stdout: exit 2' '
	run_expect 2 table-only.err cham-dump --source "$src" --table "$db.t" &&
	grep -F -e "--stdout" table-only.err
'

test_expect_success '--stdout without --table: exit 2' '
	run_expect 2 stdout-only.err cham-dump --source "$src" --stdout >stdout-only.out &&
	grep -F -e "--table" stdout-only.err &&
	test_cmp /dev/null stdout-only.out
'

test_expect_success 'no --output and no --stdout: exit 2' '
	run_expect 2 nooutput.err cham-dump --source "$src" &&
	grep -i "output" nooutput.err
'

test_expect_success 'no source at all: exit 2' '
	run_expect 2 nosource.err cham-dump --output nosource &&
	grep -i "source" nosource.err &&
	! test -e nosource
'

test_expect_success 'a malformed source URI (bad port, unknown option): exit 2' '
	run_expect 2 uri1.err cham-dump --source "mysql://chameleon@127.0.0.1:notaport/$db" --output uri &&
	grep -F "notaport" uri1.err &&
	run_expect 2 uri2.err cham-dump --source "$src?no-such-opt=1" --output uri &&
	grep -F "no-such-opt" uri2.err &&
	! test -e uri
'

test_expect_success 'bad numbers for --jobs and --chunk-rows: exit 2' '
	run_expect 2 jobs.err cham-dump --source "$src" --output jobs --jobs 0 &&
	grep -F -e "--jobs" jobs.err &&
	run_expect 2 chunk.err cham-dump --source "$src" --output jobs --chunk-rows ten &&
	grep -F -e "--chunk-rows" chunk.err &&
	run_expect 2 logfmt.err cham-dump --source "$src" --output jobs --log-format xml &&
	grep -F "xml" logfmt.err &&
	! test -e jobs
'

test_skip 'a source without a ROW binlog: exit 2 naming --no-binlog' \
	'the shared sandbox keeps its binlog on'

test_expect_success 'no message above showed a password' '
	no_secret *.err
'

test_expect_success 'clean up' '
	cleanup
'

test_done
