#!/usr/bin/env bash
# t0460-apply-bad-input: cham-apply refuses what it must not apply, with a message naming it:
# a stream from another server than the one loaded, a stream that starts after the target's
# position (a gap), rows of a table the target does not have, a value the target's type
# cannot hold. Refused streams exit 2 and change nothing.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0460_bad
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

position()
{
	pg_user -c "SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions"
}

test_expect_success 'setup: a source with two tables, only one of them loaded' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.t (id int primary key, n int);
		CREATE TABLE $db.other (id int primary key)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --tables "$db.t" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump &&
	mysql_root "$db" -e "INSERT INTO t VALUES (1, 1); INSERT INTO other VALUES (1)" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl &&
	position >before
'

test_expect_success 'a stream from another server: exit 2, its name in the message, nothing applied' '
	jq -c "if .k == \"hello\" then .server_id = 4242 else . end" s.jsonl >other-server.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --input other-server.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 &&
	grep -q "line 1: the stream comes from the server with server_id 4242" err &&
	test "$(position)" = "$(cat before)" &&
	test "$(pg_user -c "SELECT count(*) FROM $db.t")" = 0
'

test_expect_success 'a stream that starts after the target'\''s position: exit 2, the gap named' '
	jq -c "if .k == \"hello\" then .start = \"mysql-bin.999999:4\" else . end" s.jsonl >gap.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --input gap.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 &&
	grep -q "the stream starts at mysql-bin.999999:4, after $(cat before)" err &&
	test "$(position)" = "$(cat before)"
'

test_expect_success 'rows of a table the target does not have: a warning naming it, the rest applied' '
	cham-apply -q --target "$tgt" --input s.jsonl 2>err &&
	cat err &&
	grep -q "rows of \"$db.other\" are not replicated: no such table in the target" err &&
	test "$(pg_user -c "SELECT n FROM $db.t")" = 1
'

test_expect_success 'a value the target'\''s type cannot hold: kept in discarded_rows with the error, exit 3' '
	pg_user -c "ALTER TABLE $db.t ALTER COLUMN n TYPE smallint" &&
	mysql_root "$db" -e "INSERT INTO t VALUES (2, 100000), (3, 3)" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s2.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --input s2.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 3 &&
	grep -q "\"$db.t\" was not applied and is kept in sch_chameleon.discarded_rows: value \"100000\" is out of range for type smallint" err &&
	test "$(pg_user -c "SELECT string_agg(id::text, chr(44) ORDER BY id) FROM $db.t")" = 1,3 &&
	test "$(pg_user -c "SELECT sqlstate || chr(32) || (row_data->'\''new'\''->>'\''n'\'') FROM sch_chameleon.discarded_rows")" = "22003 100000"
'

test_expect_success 'a second cham-apply on the same source stops (exit 1), the first goes on' '
	mkfifo quiet
	cham-apply -q --target "$tgt" --input quiet &
	first=$!
	exec 7>quiet &&
	sleep 1 &&
	rc=0 && cham-apply -q --target "$tgt" --input s2.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 1 &&
	grep -q "another cham-apply is applying source \"default\"" err &&
	kill -0 "$first" &&
	exec 7>&- &&
	wait "$first"
'

test_expect_success 'a target that does not answer is a runtime failure (exit 1), not bad input' '
	rc=0 && cham-apply -q --target "host=127.0.0.1 port=1 connect_timeout=2" --input s2.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 1
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
