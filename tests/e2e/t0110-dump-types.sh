#!/usr/bin/env bash
# t0110-dump-types: every MySQL/MariaDB type with its edge values goes through cham-dump and
# PostgreSQL's COPY and comes out equal, value by value, to what MariaDB holds; where the two
# forms legitimately differ (zero dates, year 0, TIME, BIT, SET) the comparison applies the
# documented transformation on the MariaDB side.
. "$(dirname "$0")/lib.sh"

db=t0110_types		# the MariaDB database, and the PostgreSQL schema it becomes
export PGCLIENTENCODING=UTF8 PGTZ=UTC PGDATESTYLE='ISO, YMD'

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode.
my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# pg [ARGS]: psql as chameleon (the target's role), fields separated by tabs.
pg()
{
	pg_user -F "$(printf '\t')" "$@"
}

# pg_load_dump DIR: runs pre-data.sql and post-data.sql as chameleon, and loads every chunk of
# the manifest with a server-side COPY FROM 'file' (as the superuser): the server's COPY
# parser, which cham-load feeds too. Not psql's \copy: before PostgreSQL 18, psql takes a line
# "\." inside a quoted CSV field for the end of the data (t_str row 16 holds one, valid CSV
# that the server reads right).
pg_load_dump()
{
	local dir
	dir=$(cd "$1" && pwd) &&
	pg -f "$dir/schema/pre-data.sql" >load-pre.out 2>&1 &&
	jq -r --arg dir "$dir" '
		def qi: "\"" + gsub("\""; "\"\"") + "\"";
		def ql: "'\''" + gsub("'\''"; "'\'''\''") + "'\''";
		.tables[] | (.pg_schema | qi) as $s | (.pg_table | qi) as $t |
		.chunks[] | "COPY \($s).\($t) FROM \("\($dir)/\(.file)" | ql) WITH (FORMAT csv);"
	' "$dir/manifest.json" >load-copy.sql &&
	pg_admin -d "$CHAM_PG_ADMIN dbname=chameleon" -f load-copy.sql >load-copy.out 2>&1 &&
	pg -f "$dir/schema/post-data.sql" >load-post.out 2>&1
}

. "$CHAM_TOP/tests/e2e/lib-types.sh"


cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg -c "DROP SCHEMA IF EXISTS \"$db\" CASCADE"
}

test_expect_success 'create the type matrix in MariaDB' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" &&
	my "$db" <"$CHAM_TOP/tests/e2e/data/t0110-types.sql" >/dev/null
'

test_expect_success 'the matrix holds what the test expects (a check of the test itself)' '
	test "$(my -e "SELECT HEX(vc) FROM \`$db\`.t_str WHERE id = 6")" = 5C2E &&
	test "$(my -e "SELECT HEX(vc) FROM \`$db\`.t_str WHERE id = 17")" = 5C &&
	test "$(my -e "SELECT LENGTH(lb) FROM \`$db\`.t_bin WHERE id = 5")" = 16778216 &&
	test "$(my -e "SELECT LENGTH(vb) FROM \`$db\`.t_bin WHERE id = 1")" = 256 &&
	test "$(my -e "SELECT CAST(d AS CHAR) FROM \`$db\`.t_time WHERE id = 7")" = 2023-02-30 &&
	test "$(my -e "SELECT HEX(s) FROM \`$db\`.t_misc WHERE id = 2")" = 612C6220632C7122742C6261636B5C736C6173682CC3A9 &&
	test "$(my -e "SELECT COUNT(*) FROM \`$db\`.t_time")" = 9 &&
	test "$(my -e "SELECT HEX(l1) FROM \`$db\`.t_str WHERE id = 3")" = E0E9EEF5FC20FFDF20A9 &&
	test "$(my -e "SELECT HEX(l1) FROM \`$db\`.t_str WHERE id = 4")" = E00A22 &&
	test "$(my -e "SELECT HEX(vc) FROM \`$db\`.t_str WHERE id = 16")" = 0A5C2E0A
'

test_expect_success 'cham-dump exits 0 and warns about the zero dates that became NULL' '
	cham-dump --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 3 2>dump.err ||
	{ cat dump.err; false; }
	cat dump.err &&
	grep -i "zero date" dump.err | grep t_time
'

test_expect_success 'catalog.json counts the zero dates of each column' '
	for col in d dt dt0 ts; do
		bad=${my_bad_date//@/\`$col\`} &&
		n=$(my -e "SET sql_mode = '"''"'; SELECT SUM($bad) FROM \`$db\`.t_time") &&
		got=$(jq ".tables[] | select(.name == \"t_time\") | .columns[] | select(.name == \"$col\") | .zero_dates // 0" dump/catalog.json) &&
		echo "$col: $n in MariaDB, $got in catalog.json" &&
		test "$n" -gt 0 && test "$got" = "$n" || exit 1
	done
'

test_expect_success 'catalog.json maps every type as documented' '
	cat >expect.types <<-\EOF &&
	t_bin.bl bytea
	t_bin.bn bytea
	t_bin.id integer
	t_bin.lb bytea
	t_bin.tb bytea
	t_bin.vb bytea
	t_bit.b1 bit(1)
	t_bit.b10 bit(10)
	t_bit.b64 bit(64)
	t_bit.id integer
	t_int.bi bigint
	t_int.biu numeric(20,0)
	t_int.i integer
	t_int.id integer
	t_int.iu bigint
	t_int.mi integer
	t_int.miu integer
	t_int.si smallint
	t_int.siu integer
	t_int.t1 smallint
	t_int.ti smallint
	t_int.tiu smallint
	t_int.zf bigint
	t_misc.e text
	t_misc.g bytea
	t_misc.i4 inet
	t_misc.i6 inet
	t_misc.id integer
	t_misc.j json
	t_misc.s text[]
	t_misc.u uuid
	t_num.d double precision
	t_num.d0 numeric(10,0)
	t_num.d5 numeric(5,2)
	t_num.d65 numeric(65,30)
	t_num.f real
	t_num.fd double precision
	t_num.id integer
	t_str.c character(10)
	t_str.id integer
	t_str.l1 character varying(40)
	t_str.mt text
	t_str.tt text
	t_str.tx text
	t_str.vb character varying(20)
	t_str.vc character varying(100)
	t_time.d date
	t_time.dt timestamp(6) without time zone
	t_time.dt0 timestamp(0) without time zone
	t_time.id integer
	t_time.tm interval
	t_time.tm0 interval
	t_time.ts timestamp(6) with time zone
	t_time.y smallint
	EOF
	jq -r ".tables[] | .name as \$t | .columns[] | \"\(\$t).\(.name) \(.pg_type)\"" dump/catalog.json |
		LC_ALL=C sort >actual.types &&
	test_cmp expect.types actual.types
'

if command -v xxhsum >/dev/null; then
	test_expect_success 'the checksum and size of every chunk match its file' '
		jq -r ".tables[].chunks[] | \"\(.file) \(.bytes) \(.checksum)\"" dump/manifest.json | LC_ALL=C sort >sums.expect &&
		while read -r f bytes sum; do
			h=$(xxhsum -H3 <"dump/$f" | grep -o -E "\b[0-9a-f]{16}\b" | head -n 1) &&
			echo "$f $(stat -c %s "dump/$f") xxh3:$h" || exit 1
		done <sums.expect >sums.actual &&
		test_cmp sums.expect sums.actual
	'
else
	test_skip 'the checksum and size of every chunk match its file' 'xxhsum not installed (package xxhash)'
fi

test_expect_success 'NULL is an unquoted empty field and the empty string is "" in the CSV' '
	f=dump/$(jq -r ".tables[] | select(.table == \"t_str\") | .chunks[0].file" dump/manifest.json) &&
	grep -x "1,\"\",\"\",\"\",\"\",\"\",\"\",\"\"" "$f" &&
	grep -x "2,,,,,,," "$f"
'

test_expect_success 'the dump loads into PostgreSQL (pre-data, COPY of every chunk, post-data)' '
	pg -c "DROP SCHEMA IF EXISTS \"$db\" CASCADE" &&
	pg_load_dump dump || { cat load-*.out; false; }
'

test_expect_success 'PostgreSQL created the columns with the mapped types' '
	pg -c "SELECT c.relname || '"'.'"' || a.attname || '"' '"' || format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = '"'$db'"' AND c.relkind = '"'r'"' AND a.attnum > 0 AND NOT a.attisdropped" |
		LC_ALL=C sort >actual.pgtypes &&
	test_cmp expect.types actual.pgtypes
'

test_expect_success 'row counts in PostgreSQL equal those in MariaDB' '
	for t in t_int t_num t_bit t_time t_str t_bin t_misc; do
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
	compare_values t_time <<-EOF
	y;CAST(@ + 0 AS CHAR)
	d;$my_date;$pg_date
	dt;$my_date;$pg_dt6
	dt0;$my_date;$pg_dt0
	ts;$my_date;$pg_ts6
	EOF
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
	compare_values t_str <<-EOF
	c;$my_text;$pg_text
	vc;$my_text;$pg_text
	tx;$my_text;$pg_text
	tt;$my_text;$pg_text
	mt;$my_text;$pg_text
	l1;$my_text;$pg_text
	vb;$my_text;$pg_text
	EOF
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

test_expect_success 'a 16 MB LONGBLOB arrives whole (length and md5)' '
	compare_values t_bin <<-EOF
	lb;CONCAT(LENGTH(@), '"':'"', MD5(@));length(@) || '"':'"' || md5(@)
	EOF
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

test_expect_success 'the ENUM column refuses a value that is not one of its labels' '
	! pg -c "INSERT INTO \"$db\".t_misc (id, e) VALUES (100, '"'nope'"')" 2>err.enum &&
	cat err.enum &&
	grep -i check err.enum &&
	pg -c "BEGIN; INSERT INTO \"$db\".t_misc (id, e) VALUES (100, '"'z,w'"'); ROLLBACK"
'

test_expect_success 'cham-dump --table --stdout writes the same CSV as the dump, and the coordinates' '
	for t in t_str t_misc; do
		cham-dump --source "$CHAM_SOURCE_URI/$db" --table "$db.$t" --stdout --coordinates "coord.$t.json" \
			>"stdout.$t.csv" 2>"stdout.$t.err" || { cat "stdout.$t.err"; exit 1; }
		f=dump/$(jq -r ".tables[] | select(.table == \"$t\") | .chunks[0].file" dump/manifest.json) &&
		cmp "$f" "stdout.$t.csv" &&
		jq -r .file "coord.$t.json" | grep -E "^mysql-bin\.[0-9]+$" &&
		test "$(jq -r .pos "coord.$t.json")" -gt 4 || exit 1
	done
'

test_expect_success 'an ENUM holding MariaDB'"'"'s invalid-value marker '"''"' still loads' '
	my "$db" -e "SET sql_mode = '"''"'; CREATE TABLE t_enum0 (id int PRIMARY KEY, e enum('"'a'"', '"'b'"'));
		INSERT INTO t_enum0 VALUES (1, '"'a'"'), (2, '"'no such label'"'), (3, NULL)" 2>/dev/null &&
	test "$(my -e "SELECT CONCAT('"'['"', e, '"']'"') FROM \`$db\`.t_enum0 WHERE id = 2")" = "[]" &&
	cham-dump --source "$CHAM_SOURCE_URI/$db" --tables "$db.t_enum0" --output dump0 2>dump0.err &&
	pg -c "DROP TABLE IF EXISTS \"$db\".t_enum0" &&
	sed -n "/CREATE TABLE/,/;/p" dump0/schema/pre-data.sql >pre0.sql &&
	cat pre0.sql &&
	pg -f pre0.sql &&
	pg -c "\\copy \"$db\".t_enum0 FROM '"'$PWD/dump0/data/$db.t_enum0.0000.csv'"' WITH (FORMAT csv)" &&
	test "$(pg -c "SELECT count(*) FROM \"$db\".t_enum0")" = 3 &&
	test "$(pg -c "SELECT '"'['"' || e || '"']'"' FROM \"$db\".t_enum0 WHERE id = 2")" = "[]"
'

test_expect_success 'keys at the ends of the BIGINT and BIGINT UNSIGNED ranges are split without losing rows' '
	my "$db" <<-EOF &&
	CREATE TABLE k_signed (id bigint PRIMARY KEY, v int);
	INSERT INTO k_signed SELECT seq * 3074457345618258, seq FROM seq_1_to_3000;
	INSERT INTO k_signed VALUES (-9223372036854775808, -1), (-1, -1), (0, 0), (9223372036854775807, -1);
	CREATE TABLE k_unsigned (id bigint unsigned PRIMARY KEY, v int);
	INSERT INTO k_unsigned SELECT seq * 6148914691236517, seq FROM seq_1_to_3000;
	INSERT INTO k_unsigned VALUES (0, -1), (9223372036854775808, -1), (18446744073709551615, -1);
	CREATE TABLE k_tiny (id tinyint PRIMARY KEY);
	INSERT INTO k_tiny SELECT CAST(seq AS SIGNED) - 128 FROM seq_0_to_255;
	ANALYZE TABLE k_signed, k_unsigned, k_tiny;
	EOF
	cham-dump --source "$CHAM_SOURCE_URI/$db" --tables "$db.k_*" --output dumpk --chunk-rows 100 2>dumpk.err ||
	{ cat dumpk.err; exit 1; }
	for t in k_signed k_unsigned k_tiny; do
		n=$(my -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`") &&
		jq -r ".tables[] | select(.table == \"$t\") | \"\(.rows) rows in \(.chunks | length) chunks\"" dumpk/manifest.json >info &&
		echo "$t: $n rows in MariaDB, $(cat info) in the dump" &&
		test "$(cut -d" " -f1 info)" = "$n" &&
		keys=$(jq -r ".tables[] | select(.table == \"$t\") | .chunks[].file" dumpk/manifest.json |
			while read -r f; do cut -d, -f1 "dumpk/$f"; done | LC_ALL=C sort) &&
		test "$(echo "$keys" | sort -u | wc -l)" = "$n" &&
		my -e "SELECT id FROM \`$db\`.\`$t\`" | LC_ALL=C sort >keys.expect &&
		echo "$keys" >keys.actual &&
		test_cmp keys.expect keys.actual || exit 1
	done &&
	test "$(jq ".tables[] | select(.table == \"k_signed\") | .chunks | length" dumpk/manifest.json)" -gt 1 &&
	test "$(jq ".tables[] | select(.table == \"k_unsigned\") | .chunks | length" dumpk/manifest.json)" -gt 1
'

test_expect_success 'clean up' '
	cleanup
'

test_done
