#!/usr/bin/env bash
# t0210-load-types: the type matrix of t0110 (tests/e2e/data/t0110-types.sql) goes through
# cham-dump and cham-load (not psql) and comes out equal, value by value, to what MariaDB holds:
# bytea with the real bytes (the 16 MB blob by md5), utf8mb4 intact, zero dates as NULL; the
# load exits 0 and records the source, its position and every table in sch_chameleon.
. "$(dirname "$0")/lib.sh"

db=t0210_types		# the MariaDB database, and the PostgreSQL schema it becomes
pgdb=t0210			# a PostgreSQL database of this script's own: its sch_chameleon is ours alone
src=t0210			# the source's name in sch_chameleon
target="${CHAM_TARGET/dbname=chameleon/dbname=$pgdb}"
export PGCLIENTENCODING=UTF8 PGTZ=UTC PGDATESTYLE='ISO, YMD'

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
case $target in *"dbname=$pgdb"*) ;; *) skip_all "unexpected CHAM_TARGET form: $CHAM_TARGET" ;; esac

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode.
my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# pg [ARGS]: psql as chameleon on this script's database, fields separated by tabs.
pg()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$target" -F "$(printf '\t')" "$@"
}

# The comparisons below are those of t0110-dump-types.sh.

. "$CHAM_TOP/tests/e2e/lib-types.sh"

tables="t_int t_num t_bit t_time t_str t_bin t_misc"

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg_admin -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
}

test_expect_success 'create the type matrix in MariaDB and an empty target database' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" &&
	my "$db" <"$CHAM_TOP/tests/e2e/data/t0110-types.sql" >/dev/null &&
	test "$(my -e "SELECT LENGTH(lb) FROM \`$db\`.t_bin WHERE id = 5")" = 16778216 &&
	test "$(my -e "SELECT COUNT(*) FROM \`$db\`.t_time")" = 9 &&
	pg_admin -c "CREATE DATABASE $pgdb OWNER chameleon"
'

test_expect_success 'cham-dump writes the dump' '
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 3 2>dump.err ||
	{ cat dump.err; false; }
	test -f dump/manifest.json
'

test_expect_success 'cham-load loads it and exits 0' '
	rc=0 &&
	cham-load --target "$target" --source-name "$src" --jobs 3 dump 2>load.err || rc=$?
	cat load.err &&
	test "$rc" = 0 &&
	grep "^total " load.err &&
	! grep -i "discarded_rows" load.err
'

test_expect_success 'sch_chameleon records the source, its position and every table' '
	file=$(jq -r .file dump/coordinates.json) && pos=$(jq -r .pos dump/coordinates.json) &&
	test "$(pg -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''$src'\''")" = loaded &&
	test "$(pg -c "SELECT binlog_file || '\'':'\'' || binlog_pos FROM sch_chameleon.positions WHERE source_name = '\''$src'\''")" = "$file:$pos" &&
	for t in $tables; do
		echo "$db $t $db $t loaded $file $pos $(my -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`")" || exit 1
	done | LC_ALL=C sort >expect.tables &&
	pg -F " " -c "SELECT source_schema, source_table, pg_schema, pg_table, status, binlog_file, binlog_pos, rows_loaded
		FROM sch_chameleon.tables WHERE source_name = '\''$src'\''" | LC_ALL=C sort >actual.tables &&
	test_cmp expect.tables actual.tables &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.discarded_rows")" = 0
'

test_expect_success 'the keys of post-data exist (one primary key per table)' '
	test "$(pg -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = '\''$db'\'' AND c.contype = '\''p'\''")" = 7
'

test_expect_success 'row counts in PostgreSQL equal those in MariaDB' '
	for t in $tables; do
		echo "$t $(my -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`")" >>expect.rows &&
		echo "$t $(pg -c "SELECT count(*) FROM \"$db\".\"$t\"")" >>actual.rows || exit 1
	done &&
	test_cmp expect.rows actual.rows
'

test_expect_success 'integers: min and max of every width, signed and unsigned, zerofill' '
	compare_values t_int <<-EOF
	ti
	tiu
	t1
	si
	siu
	mi
	miu
	i
	iu
	bi
	biu
	zf;CAST(@ + 0 AS CHAR)
	EOF
'

test_expect_success 'decimals: DECIMAL(65,30) extremes, exact to the last digit' '
	compare_values t_num <<-EOF
	d65
	d5
	d0
	EOF
'

test_expect_success 'FLOAT and DOUBLE: extremes, 0.1, -0, denormals, exact to the bit' '
	compare_floats t_num f d fd
'

test_expect_success 'BIT(1), BIT(10), BIT(64) as bit strings' '
	compare_values t_bit <<-EOF
	b1;LPAD(BIN(@ + 0), 1, '"'0'"')
	b10;LPAD(BIN(@ + 0), 10, '"'0'"')
	b64;LPAD(BIN(@ + 0), 64, '"'0'"')
	EOF
'

test_expect_success 'YEAR, DATE, DATETIME(6), TIMESTAMP(6): zero dates NULL, year 0 as 1 BC' '
	compare_values t_time <<-EOF &&
	y;CAST(@ + 0 AS CHAR)
	d;$my_date;$pg_date
	dt;$my_date;$pg_dt6
	dt0;$my_date;$pg_dt0
	ts;$my_date;$pg_ts6
	EOF
	test "$(pg -c "SELECT count(*) FROM \"$db\".t_time WHERE id = 3 AND d IS NULL AND dt IS NULL AND dt0 IS NULL AND ts IS NULL")" = 1 &&
	test "$(pg -c "SELECT d FROM \"$db\".t_time WHERE id = 5")" = "0001-01-01 BC"
'

test_expect_success 'TIME(6) and TIME: -838:59:59 to 838:59:59 and fractions, as intervals' '
	compare_values t_time <<-EOF &&
	tm;$my_time;$pg_time
	tm0;$my_time;$pg_time
	EOF
	test "$(pg -c "SELECT tm FROM \"$db\".t_time WHERE id = 1")" = "-838:59:59" &&
	test "$(pg -c "SELECT tm FROM \"$db\".t_time WHERE id = 3")" = "-00:00:01.5"
'

test_expect_success 'strings: empty vs NULL, quotes, commas, CR/LF, backslashes, \., emoji, latin1' '
	compare_values t_str <<-EOF &&
	c;$my_text;$pg_text
	vc;$my_text;$pg_text
	tx;$my_text;$pg_text
	tt;$my_text;$pg_text
	mt;$my_text;$pg_text
	l1;$my_text;$pg_text
	vb;$my_text;$pg_text
	EOF
	test "$(pg -c "SELECT vc FROM \"$db\".t_str WHERE id = 7")" = "😀 🎉 表 ñ é" &&
	test "$(pg -c "SELECT encode(convert_to(vc, '\''UTF8'\''), '\''hex'\'') FROM \"$db\".t_str WHERE id = 16")" = 0a5c2e0a &&
	test "$(pg -c "SELECT vc IS NULL FROM \"$db\".t_str WHERE id = 2")" = t &&
	test "$(pg -c "SELECT vc = '\'''\'' FROM \"$db\".t_str WHERE id = 1")" = t
'

test_expect_success 'binary, varbinary, blobs: every byte 0x00..0xFF' '
	compare_values t_bin <<-EOF &&
	bn;$my_hex;$pg_hex
	vb;$my_hex;$pg_hex
	bl;$my_hex;$pg_hex
	tb;$my_hex;$pg_hex
	EOF
	test "$(pg -c "SELECT length(vb) FROM \"$db\".t_bin WHERE id = 1")" = 256
'

test_expect_success 'a 16 MB LONGBLOB arrives whole (length and md5 of the bytes)' '
	compare_values t_bin <<-EOF &&
	lb;CONCAT(LENGTH(@), '"':'"', MD5(@));length(@) || '"':'"' || md5(@)
	EOF
	test "$(pg -c "SELECT length(lb) FROM \"$db\".t_bin WHERE id = 5")" = 16778216 &&
	test "$(pg -c "SELECT md5(lb) FROM \"$db\".t_bin WHERE id = 5")" = "$(my -e "SELECT MD5(lb) FROM \`$db\`.t_bin WHERE id = 5")"
'

test_expect_success 'ENUM, SET, JSON (kept as written), UUID, INET6, INET4, geometry (SRID + WKB)' '
	compare_values t_misc <<-EOF
	e;$my_text;$pg_text
	s;$my_text;encode(convert_to(array_to_string(@, '"','"'), '"'UTF8'"'), '"'hex'"')
	s;IF(@ = '"''"', 0, LENGTH(@) - LENGTH(REPLACE(@, '"','"', '"''"')) + 1);cardinality(@)::text;s-members
	j;$my_text;$pg_text
	u
	i6;;host(@)
	i4;;host(@)
	g;$my_hex;$pg_hex
	EOF
'

test_expect_success 'the careful path (libcsv, CSV on stdin) loads every value as the fast path did' '
	pg -c "CREATE SCHEMA ${db}_pipe" &&
	for t in $tables; do
		pg -c "CREATE TABLE ${db}_pipe.$t (LIKE \"$db\".$t)" &&
		jq -r ".tables[] | select(.table == \"$t\") | .chunks[].file" dump/manifest.json |
			while read -r f; do cat "dump/$f"; done |
			cham-load -q --target "$target" --source-name "$src" --table "${db}_pipe.$t" - &&
		fast=$(pg -c "SELECT count(*) || '"' '"' || md5(string_agg(t::text, '"'|'"' ORDER BY id)) FROM \"$db\".$t t") &&
		careful=$(pg -c "SELECT count(*) || '"' '"' || md5(string_agg(t::text, '"'|'"' ORDER BY id)) FROM ${db}_pipe.$t t") &&
		echo "$t: fast $fast, careful $careful" &&
		test "$fast" = "$careful" || exit 1
	done &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.discarded_rows")" = 0
'

test_expect_success 'clean up' '
	cleanup
'

test_done
