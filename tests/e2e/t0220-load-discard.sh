#!/usr/bin/env bash
# t0220-load-discard: rows PostgreSQL refuses are set aside, never lost: cham-load loads the
# rest of the table, puts each refused row in sch_chameleon.discarded_rows (the row as jsonb,
# the CSV record as bytes, the server's error) and exits 3. Cases: a NUL byte in a text value,
# a type_override too narrow for some values, a record with the wrong number of fields edited
# into a chunk, the pipe form (cham-dump --stdout | cham-load --table -), and a re-run that
# must not load anything twice.
. "$(dirname "$0")/lib.sh"

db=t0220_discard	# the MariaDB database, and the PostgreSQL schema it becomes
pgdb=t0220			# a PostgreSQL database of this script's own: its sch_chameleon is ours alone
target="${CHAM_TARGET/dbname=chameleon/dbname=$pgdb}"
export PGCLIENTENCODING=UTF8

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
case $target in *"dbname=$pgdb"*) ;; *) skip_all "unexpected CHAM_TARGET form: $CHAM_TARGET" ;; esac

my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# pg [ARGS]: psql as chameleon on this script's database.
pg()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$target" "$@"
}

# load_expect CODE ERRFILE ARGS...: cham-load --target ARGS with its stderr in ERRFILE (and
# shown); fails unless it exits with CODE.
load_expect()
{
	local want=$1 err=$2 rc=0
	shift 2
	cham-load --target "$target" "$@" 2>"$err" || rc=$?
	sed 's/^/stderr: /' "$err"
	if [ "$rc" != "$want" ]; then
		echo "cham-load exited $rc, expected $want"
		return 1
	fi
}

# discarded SOURCE [COLUMNS [WHERE]]: the discarded rows of a source, one a line.
discarded()
{
	pg -c "SELECT ${2:-count(*)} FROM sch_chameleon.discarded_rows WHERE source_name = '$1' ${3:+AND $3}"
}

# lines_hex REGEX: the hex of the lines of stdin matching REGEX, newlines included.
lines_hex()
{
	LC_ALL=C grep -a -E "$1" | od -An -v -tx1 | tr -d ' \n'
}

# fix_manifest DIR FILE: sets the bytes and the checksum of chunk FILE in DIR/manifest.json to
# those of the file as it is now.
fix_manifest()
{
	local sum bytes
	sum=$(xxhsum -H3 <"$1/$2" | grep -o -E "\b[0-9a-f]{16}\b" | head -n 1) &&
	bytes=$(stat -c %s "$1/$2") &&
	test -n "$sum" &&
	jq --arg f "$2" --argjson b "$bytes" --arg c "xxh3:$sum" \
		'(.tables[].chunks[] | select(.file == $f)) |= (.bytes = $b | .checksum = $c)' \
		"$1/manifest.json" >"$1/manifest.json.new" &&
	mv "$1/manifest.json.new" "$1/manifest.json"
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg_admin -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)"
}

test_expect_success 'setup: tables with bad rows in MariaDB, an empty target database' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" &&
	my "$db" <"$CHAM_TOP/tests/e2e/data/t0220-discard.sql" >/dev/null &&
	test "$(my -e "SELECT HEX(note) FROM \`$db\`.t_nul WHERE id = 500")" = 610062 &&
	test "$(my -e "SELECT COUNT(*) FROM \`$db\`.t_nul")" = 1001 &&
	pg_admin -c "CREATE DATABASE $pgdb OWNER chameleon"
'

test_expect_success 'a NUL byte: cham-dump writes it into the CSV as it is (the test'"'"'s premise)' '
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --tables "$db.t_nul" --chunk-rows 300 --output dump_a 2>dump_a.err ||
	{ cat dump_a.err; false; }
	test "$(jq "[.tables[].chunks[]] | length" dump_a/manifest.json)" -gt 1 &&
	test "$(cat dump_a/data/*.csv | tr -cd "\\000" | wc -c)" = 1
'

test_expect_success 'a NUL byte: cham-load exits 3, loads the 1000 other rows, says where the row went' '
	load_expect 3 load_a.err --source-name a --jobs 2 dump_a &&
	grep -i "discarded_rows" load_a.err &&
	test "$(pg -c "SELECT count(*) FROM $db.t_nul")" = 1000 &&
	test "$(pg -c "SELECT count(DISTINCT id) FROM $db.t_nul WHERE id <> 500")" = 1000 &&
	test "$(pg -c "SELECT sum(n) FROM $db.t_nul")" = "$(my -e "SELECT SUM(n) FROM \`$db\`.t_nul WHERE id <> 500")" &&
	test "$(pg -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''a'\''")" = loaded &&
	test "$(pg -c "SELECT rows_loaded FROM sch_chameleon.tables WHERE source_name = '\''a'\'' AND source_table = '\''t_nul'\''")" = 1000
'

test_expect_success 'a NUL byte: discarded_rows holds exactly that row, its error, its values and its CSV record' '
	test "$(discarded a)" = 1 &&
	discarded a "source_schema, source_table, pg_schema, pg_table, operation, sqlstate" >actual.a &&
	echo "$db|t_nul|$db|t_nul|load|22021" >expect.a &&
	test_cmp expect.a actual.a &&
	discarded a error >error.a &&
	cat error.a &&
	grep -i "invalid byte sequence" error.a &&
	grep "0x00" error.a &&
	test "$(discarded a "row_data->>'\''id'\''")" = 500 &&
	test "$(discarded a "row_data->>'\''name'\''")" = bad &&
	test "$(discarded a "row_data->>'\''n'\''")" = 7 &&
	test "$(discarded a "row_data->>'\''note'\'' LIKE '\''a%b'\''")" = t &&
	test "$(discarded a "jsonb_object_keys(row_data)" | LC_ALL=C sort | paste -sd" ")" = "id n name note" &&
	want=$(cat dump_a/data/*.csv | lines_hex "^500,") &&
	test "$want" = "3530302c6261642c6100622c370a" &&
	test "$(discarded a "encode(raw_data, '\''hex'\'')")" = "$want" &&
	test "$(discarded a "binlog_file || '\'':'\'' || binlog_pos")" = "$(jq -r "\"\(.file):\(.pos)\"" dump_a/coordinates.json)"
'

test_expect_success 'a second run of the same load skips the table: no row twice, in the table or in discarded_rows' '
	rc=0 &&
	cham-load --target "$target" --source-name a dump_a 2>load_a2.err || rc=$?
	cat load_a2.err &&
	echo "exit code $rc" &&
	case $rc in 0 | 3) ;; *) exit 1 ;; esac &&
	grep "already loaded" load_a2.err &&
	test "$(pg -c "SELECT count(*) FROM $db.t_nul")" = 1000 &&
	test "$(discarded a)" = 1 &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.tables WHERE source_name = '\''a'\''")" = 1
'

test_expect_success 'the re-run'"'"'s summary gives the rows the table holds (1000), not the dump'"'"'s (1001)' '
	grep -E "^$db\.t_nul +[0-9]+ " load_a2.err >summary.a2 &&
	cat summary.a2 &&
	grep -E "^$db\.t_nul +1000 " summary.a2
'

test_expect_success 'a type_override too narrow: int as smallint, values past 32767 set aside, the rest loaded' '
	cat >override.yml <<-EOF &&
	type_override:
	  "int(11)":
	    override_to: smallint
	    override_tables: ["$db.t_over"]
	EOF
	cham-dump -q -c override.yml --source "$CHAM_SOURCE_URI/$db" --tables "$db.t_over" --output dump_b 2>dump_b.err ||
	{ cat dump_b.err; false; }
	grep -A4 "CREATE TABLE" dump_b/schema/pre-data.sql | grep "\"v\" smallint" &&
	load_expect 3 load_b.err --source-name b dump_b &&
	test "$(pg -c "SELECT count(*) FROM $db.t_over")" = 4992 &&
	test "$(pg -c "SELECT count(*) FROM $db.t_over WHERE v = id AND w = '\''ok'\''")" = 4990 &&
	test "$(pg -c "SELECT string_agg(w || '\''='\'' || v, '\'' '\'' ORDER BY id) FROM $db.t_over WHERE id > 5000")" = "max=32767 min=-32768" &&
	test "$(discarded b)" = 11 &&
	discarded b "row_data->>'\''id'\'', row_data->>'\''v'\'', sqlstate, error" "" | LC_ALL=C sort -n >actual.b &&
	{
		for i in $(seq 500 500 5000); do
			echo "$i|$((40000 + i))|22003|value \"$((40000 + i))\" is out of range for type smallint"
		done
		echo "5001|-32769|22003|value \"-32769\" is out of range for type smallint"
	} >expect.b &&
	test_cmp expect.b actual.b &&
	test "$(discarded b "encode(raw_data, '\''escape'\'')" "row_data->>'\''id'\'' = '\''5001'\''")" = "$(printf "5001,-32769,neg\n")"
'

test_expect_success 'a record with the wrong number of fields edited into a chunk (manifest updated) is set aside' '
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --tables "$db.t_width" --output dump_c 2>dump_c.err ||
	{ cat dump_c.err; false; }
	f=$(jq -r ".tables[0].chunks[0].file" dump_c/manifest.json) &&
	sed -i "50a 2000,wide,1,surplus" "dump_c/$f" &&
	sed -i "20a 3000,narrow" "dump_c/$f" &&
	test "$(wc -l <"dump_c/$f")" = 102 &&
	fix_manifest dump_c "$f" &&
	load_expect 3 load_c.err --source-name c dump_c &&
	test "$(pg -c "SELECT count(*) FROM $db.t_width")" = 100 &&
	test "$(pg -c "SELECT count(*) FROM $db.t_width WHERE id > 100")" = 0 &&
	test "$(discarded c)" = 2 &&
	discarded c "encode(raw_data, '\''hex'\''), sqlstate" "" | LC_ALL=C sort >actual.c &&
	{
		echo "$(lines_hex "^2000," <"dump_c/$f")|22P04"
		echo "$(lines_hex "^3000," <"dump_c/$f")|22P04"
	} | LC_ALL=C sort >expect.c &&
	test_cmp expect.c actual.c &&
	discarded c error >error.c &&
	cat error.c &&
	grep "4 fields.*3 columns" error.c &&
	grep "2 fields.*3 columns" error.c &&
	test "$(discarded c "row_data->>'\''a'\''" "row_data->>'\''id'\'' = '\''2000'\''")" = wide &&
	test "$(discarded c "row_data->>'\''field_4'\''" "row_data->>'\''id'\'' = '\''2000'\''")" = surplus &&
	test "$(discarded c "row_data->>'\''a'\''" "row_data->>'\''id'\'' = '\''3000'\''")" = narrow
'

test_expect_success 'the pipe form: cham-dump --stdout | cham-load --table - sets the NUL row aside and exits 3' '
	pg -c "CREATE TABLE $db.t_nul_pipe (LIKE $db.t_nul)" &&
	rc=0 &&
	cham-dump -q --source "$CHAM_SOURCE_URI" --table "$db.t_nul" --stdout 2>pipe_dump.err |
		cham-load --target "$target" --source-name d --table "$db.t_nul_pipe" - 2>pipe_load.err || rc=$?
	cat pipe_dump.err pipe_load.err &&
	test "$rc" = 3 &&
	grep -i "discarded_rows" pipe_load.err &&
	test "$(pg -c "SELECT count(*) FROM $db.t_nul_pipe")" = 1000 &&
	test "$(pg -c "SELECT count(*) FROM (SELECT * FROM $db.t_nul EXCEPT SELECT * FROM $db.t_nul_pipe) d")" = 0 &&
	test "$(discarded d)" = 1 &&
	test "$(discarded d "pg_schema || '\''.'\'' || pg_table || '\'' '\'' || operation || '\'' '\'' || sqlstate")" = "$db.t_nul_pipe load 22021" &&
	test "$(discarded d "row_data->>'\''id'\''")" = 500 &&
	test "$(discarded d "encode(raw_data, '\''hex'\'')")" = 3530302c6261642c6100622c370a &&
	discarded d error | grep "0x00"
'

test_expect_success 'clean up' '
	cleanup
'

test_done
