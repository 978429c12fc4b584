#!/usr/bin/env bash
# t0340-stream-source-restart: the source is killed and restarted while cham-stream reads it
# and a writer commits: the stream reconnects by itself and, read by the reader's rule (a
# begin without its commit is dropped), holds every committed row exactly once.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0340_restart
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# committed_ids FILE: the ids of rows inserted by transactions whose commit is in FILE,
# one per line, by the reader's rule.
committed_ids()
{
	jq -n -r '
		reduce inputs as $e ({buf: null, out: []};
			if $e.k == "begin" then .buf = []
			elif $e.k == "commit" then (if .buf != null then .out += .buf else . end) | .buf = null
			elif $e.k == "insert" then .buf += [$e.new.id]
			elif $e.k == "hello" or $e.k == "ddl" then .buf = null
			else . end) | .out[]' "$1"
}

test_expect_success 'setup' '
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.r (id int primary key, v varchar(20))" &&
	binlog_pos >start.pos
'

test_expect_success 'a stream survives the source being killed and restarted' '
	cham-stream -q --source "$CHAM_SOURCE_URI" --start "$(cat start.pos)" --tables "$db.r" --output stream.jsonl 2>stream.err &
	streamer=$!
	for k in $(seq 1 100); do mysql_root -e "INSERT INTO $db.r VALUES ($k, '\''before'\'')"; done
	kill -9 "$(cat "$CHAM_SANDBOX/mysql/mariadb.pid")"
	sleep 1
	"$CHAM_TOP/scripts/cham-sandbox" up >/dev/null 2>&1
	for k in $(seq 101 200); do mysql_root -e "INSERT INTO $db.r VALUES ($k, '\''after'\'')"; done
	end=$(binlog_pos)
	for i in $(seq 1 150); do
		last=$(grep "\"k\":\"commit\"" stream.jsonl | tail -n 1 | jq -r .pos)
		[ "$last" = "$end" ] && break
		sleep 0.2
	done
	kill -TERM "$streamer"
	rc=0 && wait "$streamer" || rc=$?
	test "$rc" = 0
	grep -q "reconnecting" stream.err
	test "$last" = "$end"
'

test_expect_success 'every committed row is in the stream exactly once' '
	committed_ids stream.jsonl | sort -n >got &&
	mysql_root -e "SELECT id FROM $db.r ORDER BY id" >want &&
	test "$(wc -l <want)" = 200 &&
	test_cmp want got
'

test_expect_success 'a start inside an event: exit 1, the message says what a start must be' '
	pos=$(cat start.pos) &&
	rc=0 && cham-stream -q --source "$CHAM_SOURCE_URI" --start "${pos%:*}:$((${pos#*:} + 1))" --stop-when-idle >out 2>err || rc=$? &&
	test "$rc" = 1 &&
	grep -q "event boundary" err &&
	grep -q "oldest position" err &&
	! grep -q "\"k\":\"commit\"" out
'

test_expect_success 'clean up' '
	mysql_root -e "DROP DATABASE $db"
'

test_done
