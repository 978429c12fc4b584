#!/usr/bin/env bash
# t0550-sync-tables: a table copied again from a new snapshot while stream | apply keeps
# running and a writer changes it (pg_chameleon's sync_tables): the copy and the replica
# meet at the snapshot's position, and the target ends equal, nothing lost or applied twice.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0550_sync
tgt="$CHAM_TARGET"

# writer N: N transactions changing both tables.
writer()
{
	local k
	for k in $(seq 1 "$1"); do
		echo "BEGIN;"
		echo "INSERT INTO a (v) VALUES ('a$k');"
		echo "UPDATE a SET v = CONCAT(v, '+') WHERE id = 1 + ($k * 13) % 400;"
		echo "DELETE FROM a WHERE id = 500 + $k;"
		echo "INSERT INTO b (v) VALUES ('b$k');"
		echo "UPDATE b SET v = CONCAT(v, '+') WHERE id = 1 + ($k * 7) % 100;"
		echo "COMMIT;"
		echo "DO SLEEP(0.01);"
	done | mysql_root "$db"
}

verify_equal()
{
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out &&
	cat verify.out &&
	! grep -q DIFFERENT verify.out
}

test_expect_success 'setup: dump and load two tables' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.a (id int auto_increment primary key, v varchar(400));
		CREATE TABLE $db.b (id int auto_increment primary key, v varchar(400));
		INSERT INTO $db.a (v) SELECT CONCAT(\"a\", seq) FROM $db.seq_1_to_3000;
		INSERT INTO $db.b (v) SELECT CONCAT(\"b\", seq) FROM $db.seq_1_to_3000" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'a table copied again while the replica runs and the writer writes: equal' '
	mkfifo events
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --output events &
	stream_pid=$!
	cham-apply -v --target "$tgt" --batch-size 20 --input events 2>apply.log &
	apply_pid=$!
	writer 300 &
	writer_pid=$!
	# Drift the writer does not touch (it changes ids up to 800): only the copy repairs it.
	pg_user -c "DELETE FROM $db.a WHERE id > 1000 AND id % 10 = 0; UPDATE $db.a SET v = '\''drifted'\'' WHERE id > 1000 AND id % 10 = 1" &&
	sleep 1 &&
	"$CHAM_TOP/scripts/cham-sync-tables" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --tables "$db.a" --work-dir . &&
	wait "$writer_pid" &&
	writer 50 &&
	wait_until 30 caught_up &&
	kill -TERM "$stream_pid" &&
	wait "$stream_pid" &&
	wait "$apply_pid" &&
	pg_user -c "SELECT source_table, binlog_file || '\'':'\'' || binlog_pos FROM sch_chameleon.tables ORDER BY 1" &&
	test "$(pg_user -c "SELECT count(DISTINCT binlog_pos) FROM sch_chameleon.tables")" = 2 &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.discarded_rows")" = 0 &&
	grep -q "paused: a table is being copied again" apply.log &&
	grep -q "resumed: the copy is in place" apply.log &&
	verify_equal
'

test_expect_success 'bad use: no --tables, a source never loaded: exit 2, nothing changed' '
	rc=0 && "$CHAM_TOP/scripts/cham-sync-tables" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" 2>err || rc=$? &&
	test "$rc" = 2 && grep -q "no --tables" err &&
	rc=0 && "$CHAM_TOP/scripts/cham-sync-tables" --source-name nowhere --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --tables "$db.a" 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 && grep -q "no table of \"$db.a\" is replicated for source \"nowhere\"" err
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
