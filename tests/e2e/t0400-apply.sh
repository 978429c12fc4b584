#!/usr/bin/env bash
# t0400-apply: cham-dump, cham-load, then cham-stream | cham-apply while a writer changes the
# source: the target equals the source; replays and kills apply nothing twice; a malformed
# line stops with exit 2 and applies nothing of its transaction; refused rows are kept.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0400_apply
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

verify_equal()
{
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out &&
	! grep -q DIFFERENT verify.out
}

# writer N: N transactions of inserts, updates and deletes on both tables.
writer()
{
	local k
	for k in $(seq 1 "$1"); do
		echo "BEGIN;"
		echo "INSERT INTO k (v, t) VALUES ('ins $k', NOW(6));"
		echo "UPDATE k SET v = CONCAT(v, ' upd') WHERE id = 1 + ($k * 7) % 50;"
		echo "DELETE FROM k WHERE id = 100 + $k * 3;"
		echo "INSERT INTO nokey VALUES ($k % 5, 'dup');"
		echo "UPDATE nokey SET b = 'changed' WHERE a = $k % 5 LIMIT 1;"
		echo "COMMIT;"
	done | mysql_root "$db"
}

test_expect_success 'setup: dump and load a source with a keyed and an unkeyed table' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.k (id int auto_increment primary key, v varchar(200), t datetime(6));
		CREATE TABLE $db.nokey (a int, b varchar(20));
		INSERT INTO $db.k (v, t) SELECT CONCAT(\"row \", seq), NOW(6) FROM $db.seq_1_to_2000;
		INSERT INTO $db.nokey VALUES (1, \"x\"), (1, \"x\"), (2, \"y\")" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'stream | apply while a writer runs ends equal to the source' '
	writer 200 &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output stream.jsonl &&
	cham-apply -q --target "$tgt" --input stream.jsonl --batch-size 7 &&
	verify_equal
'

test_expect_success 'the same stream again applies nothing twice' '
	cham-apply -q --target "$tgt" --input stream.jsonl &&
	verify_equal &&
	pos=$(pg_user -c "SELECT binlog_file || '\'':'\'' || binlog_pos FROM sch_chameleon.positions") &&
	test "$pos" = "$(grep "\"k\":\"commit\"" stream.jsonl | tail -n 1 | jq -r .pos)"
'

test_expect_success 'apply killed with SIGKILL at random points, then resumed, ends equal' '
	writer 300
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output stream2.jsonl
	for i in $(seq 1 10); do
		cham-apply -q --target "$tgt" --input stream2.jsonl --batch-size 3 &
		pid=$!
		sleep "0.0$((RANDOM % 9 + 1))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	cham-apply -q --target "$tgt" --input stream2.jsonl
	verify_equal
'

test_expect_success 'a malformed line: exit 2, the transactions before it applied, nothing of its own' '
	writer 2 &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s3.jsonl &&
	first_commit=$(grep -n "\"k\":\"commit\"" s3.jsonl | head -n 1 | cut -d: -f1) &&
	{ head -n "$first_commit" s3.jsonl; sed -n "$((first_commit + 1)),$((first_commit + 2))p" s3.jsonl; echo "{garbage"; } >broken.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --input broken.jsonl 2>err || rc=$? &&
	test "$rc" = 2 &&
	grep -q "line $((first_commit + 3))" err &&
	test "$(pg_user -c "SELECT binlog_file || '\'':'\'' || binlog_pos FROM sch_chameleon.positions")" = \
		"$(sed -n "${first_commit}p" s3.jsonl | jq -r .pos)" &&
	cham-apply -q --target "$tgt" --input s3.jsonl &&
	verify_equal
'

test_expect_success 'a row PostgreSQL refuses goes to discarded_rows; the rest of its transaction applies' '
	pg_user -c "ALTER TABLE $db.k ADD CONSTRAINT no_bad CHECK (v <> '\''refused'\'')" &&
	mysql_root "$db" -e "BEGIN; INSERT INTO k (v) VALUES (\"refused\"); INSERT INTO k (v) VALUES (\"accepted\"); COMMIT" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s4.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --input s4.jsonl || rc=$? &&
	test "$rc" = 3 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.k WHERE v = '\''accepted'\''")" = 1 &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.discarded_rows WHERE row_data->'\''new'\''->>'\''v'\'' = '\''refused'\'' AND error LIKE '\''%no_bad%'\''")" = 1
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
