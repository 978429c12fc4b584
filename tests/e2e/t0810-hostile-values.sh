#!/usr/bin/env bash
# t0810-hostile-values: values at MySQL's limits through dump, load, verify, then stream,
# apply, verify: a 64 MB blob (inserted, then changed whole in one row event), many small
# rows making a large LONGTEXT volume (16 MB by default; CHAM_HUGE=1 makes it 4 GiB, as a
# LONGTEXT column's worth, which takes long and needs the disk space twice over), empty
# tables with and without a key, and a table without a primary key holding duplicate rows,
# one of which is updated and deleted through the stream.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0810_values
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# The LONGTEXT volume: rows of 1 KiB.
if [ "${CHAM_HUGE:-0}" = 1 ]; then
	lt_rows=$((4 * 1024 * 1024))
else
	lt_rows=$((16 * 1024))
fi

verify()
{
	local rc=0
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out 2>verify.err || rc=$?
	cat verify.out verify.err
	test "$rc" = 0 && ! grep -q DIFFERENT verify.out && test "$(grep -c " equal$" verify.out)" = 5
}

test_expect_success 'setup: max_allowed_packet allows 64 MB; the tables' '
	test "$(mysql_root -e "SELECT @@global.max_allowed_packet >= 256 * 1024 * 1024")" = 1 ||
	mysql_root -e "SET GLOBAL max_allowed_packet = 1073741824"
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.blob64 (id int PRIMARY KEY, v longblob);
		CREATE TABLE $db.lt (id int PRIMARY KEY, v longtext);
		CREATE TABLE $db.empty_pk (id int PRIMARY KEY, v text);
		CREATE TABLE $db.empty_nopk (a int, b text);
		CREATE TABLE $db.dups (a int, b varchar(10), c double)" &&
	mysql_root "$db" -e "INSERT INTO blob64 VALUES (1, REPEAT(CONCAT(CHAR(0), CHAR(255), 0x0a2c22275c, CHAR(128)), 8 * 1024 * 1024));
		INSERT INTO blob64 VALUES (2, NULL), (3, \"\");
		INSERT INTO lt SELECT seq, CONCAT(LPAD(seq, 12, \"0\"), REPEAT(\"é,\\\"\\n\", 202), \"..\") FROM seq_1_to_$lt_rows;
		INSERT INTO dups VALUES (1, \"x\", 0.5), (1, \"x\", 0.5), (1, \"x\", 0.5), (2, NULL, NULL), (2, NULL, NULL)" &&
	test "$(mysql_root -e "SELECT length(v) FROM $db.blob64 WHERE id = 1")" = 67108864 &&
	mysql_root -e "SELECT count(*), sum(length(v)), min(length(v)) FROM $db.lt" &&
	test "$(mysql_root -e "SELECT sum(length(v)) DIV $lt_rows FROM $db.lt")" -ge 1024
'

test_expect_success 'cham-dump exits 0: the blob whole, the empty tables with 0 rows' '
	start=$(date +%s) &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 2 --chunk-rows 4096 2>dump.err ||
	{ cat dump.err; false; }
	echo "dump: $(($(date +%s) - start)) s" &&
	test "$(jq "[.tables[] | select(.table == \"empty_pk\" or .table == \"empty_nopk\") | .rows] | add" dump/manifest.json)" = 0 &&
	test "$(jq "[.tables[] | select(.table == \"lt\") | .chunks | length] | add" dump/manifest.json)" -gt 1 &&
	test "$(jq "[.tables[] | select(.table == \"dups\") | .rows] | add" dump/manifest.json)" = 5
'

test_expect_success 'cham-load exits 0; cham-verify finds every table equal' '
	start=$(date +%s) &&
	cham-load -q --target "$tgt" --jobs 2 dump &&
	echo "load: $(($(date +%s) - start)) s" &&
	test "$(pg_user -c "SELECT length(v) FROM $db.blob64 WHERE id = 1")" = 67108864 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.dups WHERE a = 1")" = 3 &&
	verify
'

test_expect_success 'the 64 MB blob changed whole, duplicates updated and deleted one at a time, rows in empty tables: stream | apply, equal' '
	mysql_root "$db" -e "UPDATE blob64 SET v = REVERSE(v) WHERE id = 1;
		UPDATE blob64 SET v = REPEAT(0x00, 1024) WHERE id = 3;
		DELETE FROM dups WHERE a = 1 LIMIT 1;
		UPDATE dups SET c = 1.5 WHERE a = 1 LIMIT 1;
		UPDATE dups SET b = \"y\" WHERE a = 2 LIMIT 1;
		INSERT INTO empty_nopk VALUES (1, \"x\"), (1, \"x\");
		INSERT INTO empty_pk VALUES (1, \"\");
		UPDATE lt SET v = CONCAT(v, \"+\") WHERE id % 16 = 0" &&
	start=$(date +%s) &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl &&
	echo "stream: $(($(date +%s) - start)) s, $(wc -c <s.jsonl) bytes" &&
	cham-apply -q --target "$tgt" --input s.jsonl &&
	echo "stream + apply: $(($(date +%s) - start)) s" &&
	rm -f s.jsonl &&
	test "$(pg_user -c "SELECT count(*) || chr(32) || count(*) FILTER (WHERE c = 1.5) FROM $db.dups WHERE a = 1")" = "2 1" &&
	test "$(pg_user -c "SELECT count(*) FROM $db.dups WHERE a = 2 AND b = chr(121)")" = 1 &&
	test "$(pg_user -c "SELECT get_byte(v, 0) || chr(32) || length(v) FROM $db.blob64 WHERE id = 1")" = "128 67108864" &&
	verify
'

test_expect_success 'clean up' '
	rm -rf dump &&
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
