#!/usr/bin/env bash
# t0520-status: scripts/cham-status shows what sch_chameleon holds, in a table for people and
# in JSON for scripts: status, position, counts, a lag kept small by heartbeats while the
# source is idle, the refused rows and skipped DDL with --errors, 'stopped' once the pair
# ends; bad usage, no state and an unknown source exit 2.
# shellcheck disable=SC2016,SC2034,SC2317 # the test bodies, expanded when they run, use these
. "$(dirname "$0")/lib.sh"

db=t0520_status
tgt="$CHAM_TARGET"
status="$CHAM_TOP/scripts/cham-status"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# wait_for SECONDS SQL EXPECTED: polls the target until SQL returns EXPECTED.
wait_for()
{
	local i
	for i in $(seq 1 $(($1 * 10))); do
		[ "$(pg_user -Atc "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	echo "after $1 s: $2 gives $(pg_user -Atc "$2"), not $3" >&2
	return 1
}

# field LABEL: the value on the line of LABEL in cham-status' table output (file out);
# labels are padded to 20 columns, so at least two spaces follow one.
field()
{
	sed -n "s/^  $1   *//p" out
}

test_expect_success 'setup: no state yet, then dump and load a small source' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	rc=0 && "$status" --target "$tgt" 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 &&
	grep -q "no schema sch_chameleon in the target" err &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.t (id int primary key, n int);
		INSERT INTO $db.t VALUES (1, 1), (2, 2)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	cham-load -q --target "$tgt" dump &&
	"$status" --target "$tgt" >out &&
	cat out &&
	test "$(field lag)" = "none: loaded, not replicating yet"
'

# The live pair is started, checked and stopped in one body: its processes cannot be
# waited for from another.
test_expect_success 'live: the table and --json show the state, the lag stays small while idle, --errors names the refused row, stopped after' '
	mkfifo events
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --heartbeat 1 --output events &
	stream_pid=$!
	cham-apply -q --target "$tgt" --input events 2>apply.err &
	apply_pid=$!
	trap "kill -TERM $stream_pid 2>/dev/null || :" EXIT
	pg_user -c "ALTER TABLE $db.t ALTER COLUMN n TYPE smallint" &&
	mysql_root "$db" -e "INSERT INTO t VALUES (3, 3); UPDATE t SET n = 20 WHERE id = 2;
		INSERT INTO t VALUES (4, 100000); INSERT INTO t VALUES (5, 5);
		ALTER TABLE t PARTITION BY HASH(id) PARTITIONS 2" &&
	wait_for 15 "SELECT count(*) FROM sch_chameleon.ddl_log" 1 &&
	wait_for 5 "SELECT string_agg(id || chr(58) || n, chr(44) ORDER BY id) FROM $db.t" 1:1,2:20,3:3,5:5 &&

	: the table for people &&
	"$status" --target "$tgt" >out &&
	cat out &&
	grep -q "^source \"default\": replicating$" out &&
	pos=$(pg_user -c "SELECT binlog_file || chr(58) || binlog_pos FROM sch_chameleon.positions") &&
	rows=$(pg_user -c "SELECT rows_applied FROM sch_chameleon.positions") &&
	trx=$(pg_user -c "SELECT transactions_applied FROM sch_chameleon.positions") &&
	test "$rows" -ge 3 &&
	test "$(field "MySQL address")" = "$CHAM_SOURCE_URI/$db (server_id 1)" &&
	test "$(field "destination schemas")" = "$db" &&
	test "$(field applied)" = "$trx transactions, $rows rows" &&
	test "$(field "discarded rows")" = 1 &&
	test "$(field "DDL skipped")" = 1 &&
	test "$(field tables)" = "1 replicated" &&
	field lag | grep -Eq "^-?[0-9.]+ s, last apply -?[0-9.]+ s ago$" &&
	test "$(field position)" = "$pos" &&

	: the same numbers in JSON as in sch_chameleon &&
	"$status" --target "$tgt" --json >status.json &&
	jq . status.json &&
	test "$(jq length status.json)" = 1 &&
	jq -r ".[0] | [.source, .status, (.dest_schemas | join(\",\")), .discarded_rows, .ddl_skipped, .tables_replicated, .server_id] | @tsv" status.json >actual &&
	printf "default\treplicating\t%s\t1\t1\t1\t1\n" "$db" >expect &&
	test_cmp expect actual &&
	pg_user -F "	" -c "SELECT binlog_file, binlog_pos, binlog_file || chr(58) || binlog_pos, coalesce(gtid, chr(45)),
		transactions_applied, rows_applied FROM sch_chameleon.positions" >expect &&
	jq -r ".[0] | [.binlog_file, .binlog_pos, .position, (.gtid // \"-\"), .transactions_applied, .rows_applied] | @tsv" status.json >actual &&
	test_cmp expect actual &&
	jq -e ".[0] | (.binlog_pos | type) == \"number\" and (.rows_applied | type) == \"number\"
		and (.lag_seconds | type) == \"number\" and (.seconds_since_apply | type) == \"number\"
		and has(\"tables\") == false and has(\"errors\") == false" status.json &&

	: idle for 3 s, heartbeats keep the lag small &&
	sleep 3 &&
	"$status" --target "$tgt" --json >idle.json &&
	jq -c ".[0] | {lag_seconds, seconds_since_apply, event_time, applied_at}" idle.json &&
	jq -e ".[0].lag_seconds < 3 and .[0].seconds_since_apply < 3" idle.json &&

	: --errors and --tables, both forms &&
	"$status" --target "$tgt" --errors --tables >out &&
	cat out &&
	grep -q "^  discarded rows: 1 of 1, newest first$" out &&
	grep "out of range for type smallint" out | grep -q "$db.t" &&
	grep -q "^  DDL not applied: 1 of 1, newest first$" out &&
	grep -q "ALTER TABLE t PARTITION BY HASH(id) PARTITIONS 2" out &&
	grep -Eq "^ *$db\.t +\| +$db\.t +\| +loaded +\| +mysql-bin\.[0-9]+:[0-9]+ +\| +2 +\|" out &&
	"$status" --target "$tgt" --errors --tables --json >errors.json &&
	pg_user -F "	" -c "SELECT id, source_schema || chr(46) || source_table, operation, sqlstate, error,
		binlog_file || chr(58) || binlog_pos FROM sch_chameleon.discarded_rows" >expect &&
	jq -r ".[0].errors.discarded_rows[] | [.id, .source_schema + \".\" + .source_table, .operation, .sqlstate, .error, .position] | @tsv" errors.json >actual &&
	test_cmp expect actual &&
	grep -q "out of range for type smallint" actual &&
	jq -e ".[0].errors.ddl_skipped | length == 1 and (.[0].statement | test(\"PARTITION BY HASH\")) and (.[0].error | length > 0)" errors.json &&
	jq -e ".[0].tables | length == 1 and .[0].source_table == \"t\" and .[0].pg_schema == \"$db\"
		and .[0].status == \"loaded\" and .[0].rows_loaded == 2 and .[0].error == null
		and (.[0].consistent_from | test(\"^mysql-bin[.][0-9]+:[0-9]+$\"))" errors.json &&
	"$status" --target "$tgt" --errors --limit 0 --json | jq -e ".[0].errors.discarded_rows == [] and .[0].discarded_rows == 1" &&

	: SIGTERM to cham-stream ends the pair: stopped, no lag &&
	kill -TERM "$stream_pid" &&
	wait "$stream_pid" &&
	{ rc=0 && wait "$apply_pid" || rc=$?; } &&
	cat apply.err &&
	test "$rc" = 3 &&
	"$status" --target "$tgt" >out &&
	cat out &&
	grep -q "^source \"default\": stopped$" out &&
	field lag | grep -q "^none: stopped (last apply .* ago)$" &&
	"$status" --target "$tgt" --json | jq -e ".[0].status == \"stopped\" and .[0].lag_seconds == null"
'

test_expect_success 'a source named: that one only; an unknown one exits 2' '
	"$status" --target "$tgt" --source-name default --json | jq -e "length == 1 and .[0].source == \"default\"" &&
	rc=0 && "$status" --target "$tgt" --source-name nosuch 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 &&
	grep -q "no source \"nosuch\"" err
'

test_expect_success 'bad usage exits 2 and says why' '
	for args in "" "--target" "--bogus" "--target x extra" "--target x --limit many"; do
		rc=0 && "$status" $args 2>err || rc=$? &&
		cat err &&
		test "$rc" = 2 &&
		grep -q "^cham-status: error: " err || exit 1
	done &&
	"$status" --help | grep -q "^Exit status"
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
