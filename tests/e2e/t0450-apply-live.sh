#!/usr/bin/env bash
# t0450-apply-live: a live stream | apply commits what it has as soon as the stream goes quiet
# (not when the next batch is full), records heartbeats so the lag reads right while the
# source is idle, and ends cleanly on SIGTERM.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0450_live
tgt="$CHAM_TARGET"

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

test_expect_success 'setup: dump and load a small source' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.live (id int primary key, v varchar(20))" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	cham-load -q --target "$tgt" dump
'

# Each test body runs in a subshell of its own: a live pair is started, checked and stopped
# in one.
test_expect_success 'live stream | apply: rows arrive while the batch is far from full, heartbeats keep the event time current while idle, SIGTERM ends a waiting cham-apply' '
	mkfifo events
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --heartbeat 1 --output events &
	stream_pid=$!
	cham-apply -q --target "$tgt" --batch-size 100000 --input events &
	apply_pid=$!
	mysql_root "$db" -e "INSERT INTO live VALUES (1, \"one\")" &&
	wait_for 10 "SELECT v FROM $db.live WHERE id = 1" one &&
	mysql_root "$db" -e "INSERT INTO live VALUES (2, \"two\"); UPDATE live SET v = \"uno\" WHERE id = 1" &&
	wait_for 10 "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.live" uno,two &&
	sleep 3 &&
	lag=$(pg_user -Atc "SELECT extract(epoch FROM now() - event_time)::int FROM sch_chameleon.positions") &&
	echo "event time while idle: $lag s ago" &&
	test "$lag" -le 3 &&
	kill -TERM "$apply_pid" &&
	wait "$apply_pid" &&
	kill -TERM "$stream_pid" &&
	{ wait "$stream_pid" || true; }
'

test_expect_success 'SIGTERM to cham-stream ends the pair cleanly, and nothing is lost or applied twice' '
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --output events &
	stream_pid=$!
	cham-apply -q --target "$tgt" --input events &
	apply_pid=$!
	mysql_root "$db" -e "INSERT INTO live VALUES (3, \"three\")" &&
	wait_for 10 "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.live" uno,two,three &&
	kill -TERM "$stream_pid" &&
	wait "$stream_pid" &&
	wait "$apply_pid" &&
	mysql_root "$db" -e "INSERT INTO live VALUES (4, \"four\")" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle |
		cham-apply -q --target "$tgt" &&
	test "$(pg_user -Atc "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.live")" = uno,two,three,four
'

test_done
