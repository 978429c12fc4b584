#!/usr/bin/env bash
# t0430-apply-types: the type matrix of t0110 changed online (every edge row copied under new
# keys, key-changing updates of every row, deletes) and applied by stream | apply: every table
# equals the source by PostgreSQL's own type equality (cham-verify).
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0430_types
tgt="$CHAM_TARGET"
fixture=$CHAM_TOP/tests/e2e/data/t0110-types.sql
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

tables="t_int t_num t_bit t_time t_str t_bin t_misc"

test_expect_success 'the type matrix dumped and loaded' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db" &&
	mysql_root --default-character-set=utf8mb4 "$db" <"$fixture" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'every edge row inserted again, updated with a new key, some deleted: equal' '
	for t in $tables; do
		echo "SET sql_mode = '\'\'';
			CREATE TEMPORARY TABLE c AS SELECT * FROM $t;
			UPDATE c SET id = id + 1000;
			INSERT INTO $t SELECT * FROM c;
			DROP TEMPORARY TABLE c;
			UPDATE $t SET id = id + 2000 WHERE id < 1000;
			DELETE FROM $t WHERE id = 1001;"
	done | mysql_root --default-character-set=utf8mb4 "$db" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl &&
	test "$(grep -c "\"k\":\"update\"" s.jsonl)" -gt 20 &&
	cham-apply -q --target "$tgt" --input s.jsonl &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out &&
	cat verify.out &&
	test "$(grep -c " equal$" verify.out)" = 7
'

test_expect_success 'a 10,000-row transaction, a rolled-back one and a two-table one: equal' '
	mysql_root "$db" -e "BEGIN; INSERT INTO t_int (id, i) SELECT 100000 + seq, seq FROM seq_1_to_10000; COMMIT;
		BEGIN; INSERT INTO t_int (id, i) VALUES (99999, 1); DELETE FROM t_num; ROLLBACK;
		BEGIN; UPDATE t_int SET i = -i WHERE id BETWEEN 100001 AND 100500; DELETE FROM t_bit WHERE id > 1000; COMMIT" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s2.jsonl &&
	cham-apply -q --target "$tgt" --input s2.jsonl --batch-size 3 &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify2.out &&
	test "$(grep -c " equal$" verify2.out)" = 7 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.t_int WHERE id > 100000")" = 10000
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
