#!/usr/bin/env bash
# t0530-replicate: cham-replicate keeps a replica going while a writer changes the source:
# cham-stream killed, cham-apply killed, PostgreSQL stopped and started again; each time the
# pair is started again by itself, and at the end the target equals the source. A second
# instance is refused; a child's exit status 2 ends cham-replicate with 2, without a loop.
# shellcheck disable=SC2016,SC2317 # the test bodies are expanded when they run, and call the functions
. "$(dirname "$0")/lib.sh"

db=t0530_replicate
tgt="$CHAM_TARGET"
replicate=$CHAM_TOP/scripts/cham-replicate
export db tgt replicate

# rows_arrive: a row the writer inserts from now on reaches the target.
rows_arrive()
{
	local want
	want=$(($(mysql_root -e "SELECT max(id) FROM $db.pk") + 1))
	wait_until 60 target_has "$want"
}

target_has()
{
	[ "$(pg_user -c "SELECT count(*) FROM $db.pk WHERE id >= $1" 2>/dev/null)" -gt 0 ] 2>/dev/null
}

replicate_pid()
{
	cat replicate.pid
}

# child NAME: the pid of cham-replicate's child NAME (once the pair is up).
child()
{
	local p
	p=$(pgrep -P "$(replicate_pid)" -x "$1") && [ -n "$p" ] && echo "$p"
}

restarts()
{
	grep -c "restarting the pair" replicate.log || true
}

# The writer: a loop of single statements and multi-statement transactions, on a table with
# a primary key and one without (with duplicate rows), through one mariadb client.
writer()
{
	local i=0
	while [ ! -e writer.stop ]; do
		i=$((i + 1))
		[ $((i % 3)) -ne 0 ] || echo "BEGIN;"
		echo "INSERT INTO pk VALUES ($i, 'v$i', 0);"
		echo "UPDATE pk SET n = n + 1, v = CONCAT(v, '+') WHERE id = $((i / 2));"
		[ $((i % 5)) -ne 0 ] || echo "DELETE FROM pk WHERE id = $((i - 3));"
		echo "INSERT INTO nopk VALUES ($((i % 7)), 'dup'), ($i, 'b$i');"
		echo "UPDATE nopk SET b = CONCAT(b, '*') WHERE a = $((i - 1)) AND b LIKE 'b%';"
		[ $((i % 4)) -ne 0 ] || echo "DELETE FROM nopk WHERE a = $((i % 7)) AND b = 'dup' LIMIT 1;"
		[ $((i % 3)) -ne 0 ] || echo "COMMIT;"
		sleep 0.02
	done
	echo "writer: $i iterations" >&2
}

# stop_all: what a failed test may have left running.
stop_all()
{
	touch writer.stop
	if [ -f replicate.pid ]; then
		"$replicate" --stop --pid-file replicate.pid --timeout 60 || true
	fi
}

test_expect_success 'setup: a source of two tables (one without a primary key), dumped and loaded' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.pk (id int primary key, v varchar(200), n int);
		CREATE TABLE $db.nopk (a int, b varchar(200));
		INSERT INTO $db.pk VALUES (-1, \"before\", 0), (-2, \"before\", 0);
		INSERT INTO $db.nopk VALUES (1, \"dup\"), (1, \"dup\"), (2, \"x\");" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'cham-replicate runs in the background with a pid file, and replicates' '
	{
		rc=0
		"$replicate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --pid-file replicate.pid \
			--log-file replicate.log --heartbeat 1 --max-backoff 2 --reset-after 3 --batch-size 50 || rc=$?
		echo "$rc" >replicate.rc
	} >replicate.out 2>&1 &
	{
		writer | mysql_root "$db" >writer.log 2>&1
		echo done >writer.done
	} >/dev/null 2>writer.err &
	wait_until 10 test -s replicate.pid &&
	kill -0 "$(replicate_pid)" &&
	rows_arrive
'

test_expect_success 'a second instance with the same pid file is refused: exit 2' '
	before=$(replicate_pid) &&
	rc=0 &&
	"$replicate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --pid-file replicate.pid 2>second.err || rc=$?
	cat second.err
	test "$rc" = 2 &&
	grep -q "another instance" second.err &&
	test "$(replicate_pid)" = "$before" &&
	kill -0 "$before"
'

test_expect_success 'cham-stream killed (-9): the pair starts again by itself' '
	n=$(restarts) &&
	wait_until 10 child cham-stream &&
	kill -9 "$(child cham-stream)" &&
	wait_until 30 eval "test \$(restarts) -gt $n" &&
	rows_arrive &&
	grep "cham-stream ended (killed by SIGKILL" replicate.log
'

test_expect_success 'cham-apply killed (-9): the pair starts again by itself' '
	n=$(restarts) &&
	wait_until 10 child cham-apply &&
	kill -9 "$(child cham-apply)" &&
	wait_until 30 eval "test \$(restarts) -gt $n" &&
	rows_arrive &&
	grep "cham-apply ended (killed by SIGKILL" replicate.log
'

test_expect_success 'PostgreSQL stopped, the pair lost meanwhile, PostgreSQL started: the replica recovers' '
	pg_pid=$(head -n 1 "$CHAM_SANDBOX/pg/data/postmaster.pid") &&
	n=$(restarts) &&
	# a pair that ran for --reset-after: the next wait is 1 s again
	sleep 3 &&
	wait_until 10 child cham-apply &&
	apply=$(child cham-apply) &&
	# SIGINT is the fast shutdown: sessions are ended, the server goes away.
	kill -INT "$pg_pid" &&
	wait_until 60 eval "! kill -0 $pg_pid 2>/dev/null" &&
	{ kill -9 "$apply" 2>/dev/null || true; } &&
	# the restart after the kill and one more, while the server is away
	wait_until 30 eval "test \$(restarts) -ge $((n + 2))" &&
	kill -0 "$(replicate_pid)" &&
	"$CHAM_TOP/scripts/cham-sandbox" up 2>&1 &&
	rows_arrive &&
	grep "could not connect" replicate.log | tail -n 2
'

test_expect_success 'the writer stopped: the target catches up with the source; --stop ends cham-replicate with exit 0' '
	touch writer.stop &&
	wait_until 30 test -e writer.done &&
	cat writer.log writer.err &&
	! test -s writer.log &&
	wait_until 60 caught_up &&
	pid=$(replicate_pid) &&
	"$replicate" --stop --pid-file replicate.pid &&
	! kill -0 "$pid" 2>/dev/null &&
	wait_until 10 test -e replicate.rc &&
	test "$(cat replicate.rc)" = 0 &&
	test ! -e replicate.pid &&
	grep "SIGTERM: stopping" replicate.log &&
	grep "info: stopped" replicate.log
'

test_expect_success 'the target equals the source' '
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out &&
	cat verify.out &&
	test "$(grep -c " equal\$" verify.out)" = 2 &&
	test "$(mysql_root -e "SELECT count(*) FROM $db.pk")" -gt 100
'

test_expect_success 'the log shows each restart and its reason' '
	cat replicate.log &&
	test "$(grep -c "started cham-stream" replicate.log)" -ge 5 &&
	test "$(restarts)" -ge 4 &&
	grep -q "restarting the pair in 1 s" replicate.log &&
	grep -q "restarting the pair in 2 s" replicate.log &&
	# the backoff doubled, then started again from 1 s after a pair that ran long enough
	grep -o "restarting the pair in [0-9]* s" replicate.log | awk "{ print \$5 }" | paste -sd " " >backoffs &&
	cat backoffs &&
	grep -q "^1 2 1 2" backoffs &&
	grep -q "^cham-replicate: [0-9-]*T[0-9:]*Z warning: cham-apply ended (killed by SIGKILL" replicate.log
'

test_expect_code 1 '--stop with no instance running: exit 1' '
	"$replicate" --stop --pid-file replicate.pid
'

test_expect_success 'a child exit status 2 (no such target database) ends cham-replicate with exit 2, once' '
	# a pid file left by a crash: its process is gone
	sh -c "exit 0" &
	dead=$!
	wait "$dead" || true
	echo "$dead" >bad.pid
	rc=0 &&
	timeout 60 "$replicate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt dbname=t0530_no_such_db" \
		--pid-file bad.pid --log-file bad.log 2>bad.err || rc=$?
	cat bad.err bad.log
	test "$rc" = 2 &&
	test "$(grep -c "started cham-stream" bad.log)" = 1 &&
	! grep -q "restarting the pair" bad.log &&
	grep -q "stale pid file" bad.err &&
	test ! -e bad.pid
'

test_expect_success 'bad usage: exit 2' '
	rc=0 && "$replicate" --source "$CHAM_SOURCE_URI/$db" 2>err || rc=$? &&
	test "$rc" = 2 && grep -q "no --target" err &&
	rc=0 && "$replicate" --target "$tgt" --max-backoff 0 2>err || rc=$? &&
	test "$rc" = 2 && grep -q "max-backoff" err &&
	"$replicate" --help | grep -q "Exit status"
'

test_expect_success 'clean up' '
	stop_all &&
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
