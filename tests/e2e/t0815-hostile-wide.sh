#!/usr/bin/env bash
# t0815-hostile-wide: a schema of 1,000 tables (dump, load and cham-verify of a sample,
# each step within a time bound) and a table of 1,000 columns (small types, as MySQL's
# row size allows), through dump, load, verify, then stream, apply, verify.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0815_many
wide=t0815_wide
tgt="$CHAM_TARGET"
ntables=1000
ncols=1000
bound=90        # seconds each step of the 1,000 tables may take
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# timed SECONDS CMD...: CMD, which must end within SECONDS.
timed()
{
	local max=$1 start rc=0
	shift
	start=$(date +%s)
	"$@" || rc=$?
	echo "$1: $(($(date +%s) - start)) s"
	test "$rc" = 0 && test $(($(date +%s) - start)) -le "$max"
}

# 1,000 tables: t0001..t1000, each with a key and a few rows; every tenth without a key.
for i in $(seq 1 $ntables); do
	n=$(printf "t%04d" "$i")
	if [ $((i % 10)) = 0 ]; then
		echo "CREATE TABLE $n (a int, b varchar(10)); INSERT INTO $n VALUES ($i, 'x'), ($i, 'x');"
	else
		echo "CREATE TABLE $n (id int PRIMARY KEY, v varchar(20)); INSERT INTO $n VALUES (1, '$n'), (2, NULL), ($((i + 2)), 'last');"
	fi
done >many.sql

# A table of 1,000 columns: id, then c2..c1000 alternating tinyint, int and varchar(1).
{
	printf "CREATE TABLE w (id int PRIMARY KEY"
	for c in $(seq 2 $ncols); do
		case $((c % 3)) in
		0) printf ", c%d tinyint" "$c" ;;
		1) printf ", c%d int" "$c" ;;
		2) printf ", c%d varchar(1)" "$c" ;;
		esac
	done
	printf ");\n"
	printf "INSERT INTO w (id) VALUES (1);\n"
	printf "INSERT INTO w (id, c2, c3, c4, c%d, c%d) VALUES (2, 'z', -128, 2147483647, 127, -5);\n" $((ncols - 1)) "$ncols"
} >wide.sql

verify()
{
	local rc=0
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" "$@" >verify.out 2>verify.err || rc=$?
	cat verify.out verify.err
	test "$rc" = 0 && ! grep -q DIFFERENT verify.out
}

test_expect_success 'setup: a schema of 1,000 tables and a table of 1,000 columns' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS $wide CASCADE" \
		-c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; DROP DATABASE IF EXISTS $wide; CREATE DATABASE $wide" &&
	timed $bound mysql_root "$db" <many.sql &&
	mysql_root "$wide" <wide.sql &&
	test "$(mysql_root -e "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\''$db'\''")" = $ntables &&
	test "$(mysql_root -e "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '\''$wide'\''")" = $ncols
'

test_expect_success '1,000 tables: cham-dump within the bound, every table in the manifest' '
	timed $bound cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 2 2>dump.err &&
	test "$(jq ".tables | length" dump/manifest.json)" = $ntables &&
	test "$(jq "[.tables[].rows] | add" dump/manifest.json)" = $((ntables * 3 - ntables / 10))
'

test_expect_success '1,000 tables: cham-load within the bound, every table in PostgreSQL' '
	timed $bound cham-load -q --target "$tgt" --jobs 2 dump &&
	test "$(pg_user -c "SELECT count(*) FROM pg_tables WHERE schemaname = '\''$db'\''")" = $ntables &&
	test "$(pg_user -c "SELECT count(*) FROM pg_indexes WHERE schemaname = '\''$db'\''")" = $((ntables - ntables / 10))
'

test_expect_success '1,000 tables: cham-verify of a sample (first, last, keyless, every 97th) equal' '
	sample=$( (echo 1; echo 10; echo $ntables; seq 97 97 $ntables) | while read -r i; do printf "%s.t%04d\n" "$db" "$i"; done | paste -sd,) &&
	timed $bound verify --dump dump --tables "$sample" &&
	test "$(grep -c " equal$" verify.out)" = $((3 + ntables / 97))
'

test_expect_success '1,000 columns: dump, load, verify equal' '
	cham-dump -q --source "$CHAM_SOURCE_URI/$wide" --output wdump 2>dump.err &&
	cham-load -q --target "$tgt" --source-name wide wdump &&
	test "$(pg_user -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = '\''$wide'\''")" = $ncols &&
	verify --dump wdump
'

test_expect_success '1,000 columns: rows inserted and updated, through stream | apply: equal' '
	mysql_root "$wide" -e "INSERT INTO w (id, c$ncols, c500) VALUES (3, 5, \"w\"); UPDATE w SET c2 = \"y\", c999 = -1 WHERE id = 2;
		UPDATE w SET c998 = 7 WHERE id = 1; DELETE FROM w WHERE id = 3; INSERT INTO w (id) VALUES (4)" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$wide" --from-target "$tgt" --source-name wide --stop-when-idle --output s.jsonl &&
	cham-apply -q --target "$tgt" --source-name wide --input s.jsonl &&
	test "$(pg_user -c "SELECT count(*) FROM $wide.w")" = 3 &&
	verify --dump wdump
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA $wide CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db; DROP DATABASE $wide"
'

test_done
