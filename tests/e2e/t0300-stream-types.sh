#!/usr/bin/env bash
# t0300-stream-types: every value of the type matrix (t0110's fixture) reaches the event stream
# in the same PostgreSQL text form as cham-dump's CSV, byte for byte: the rows inserted, the
# old and new images of updates, the old images of deletes; also when the tables have changed
# since (a column added: the catalog no longer matches the binlog's rows), and a 10,000-row
# INSERT arrives as one transaction.
#
# The comparison runs in PostgreSQL: each table's CSV from `cham-dump --table --stdout` goes
# into a table of text columns (COPY, the reader the CSV is made for), each stream line into a
# json column (json, not jsonb: it keeps the text as written), and the values are compared as
# text, column by column, keyed by the primary key.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0300_types # the MariaDB database, and the PostgreSQL schema of the comparison
tables="t_int t_num t_bit t_time t_str t_bin t_misc"
export PGCLIENTENCODING=UTF8 PGTZ=UTC

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode.
my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# pg [ARGS]: psql as the superuser on the database chameleon (COPY FROM a server-side file,
# which, unlike psql's \copy, reads a line "\." inside a quoted CSV field right).
pg()
{
	pg_admin -d "$CHAM_PG_ADMIN dbname=chameleon" "$@"
}

# check_structure FILE: hello, then transactions (begin, rows, commit), ddl and heartbeats.
check_structure()
{
	jq -r .k "$1" | awk '
		NR == 1 { if ($0 != "hello") { print "line 1 is " $0 ", not hello"; bad = 1 } next }
		$0 == "begin" { if (t) { print "line " NR ": begin inside a transaction"; bad = 1 } t = 1; next }
		$0 == "commit" { if (!t) { print "line " NR ": commit without begin"; bad = 1 } t = 0; next }
		$0 == "insert" || $0 == "update" || $0 == "delete" {
			if (!t) { print "line " NR ": " $0 " outside a transaction"; bad = 1 } next }
		$0 == "ddl" || $0 == "heartbeat" { if (t) { print "line " NR ": " $0 " inside a transaction"; bad = 1 } next }
		{ print "line " NR ": unknown kind " $0; bad = 1 }
		END { if (t) { print "the stream ends inside a transaction"; bad = 1 } exit bad }'
}

# load_stream NAME FILE: the stream's lines into $db.NAME (n, line json) and its row events
# into $db.NAME_rows (n, k, t, old, new).
load_stream()
{
	pg <<-EOF
	DROP TABLE IF EXISTS "$db"."$1", "$db"."$1_rows";
	CREATE TABLE "$db"."$1" (n bigserial PRIMARY KEY, line json NOT NULL);
	COPY "$db"."$1" (line) FROM '$PWD/$2' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02');
	CREATE TABLE "$db"."$1_rows" AS
		SELECT n, line->>'k' AS k, line->>'s' AS s, line->>'t' AS t, line->'old' AS old, line->'new' AS new
		FROM "$db"."$1" WHERE line->>'k' IN ('insert', 'update', 'delete');
	EOF
}

# compare_images LABEL TABLE QUERY [COLUMN VALUE]: QUERY gives (id text, img json), the row
# images of the stream; each must hold exactly the columns of TABLE, with the values of the
# dump's CSV for the same id (COLUMN with the text VALUE instead when given), and every row
# of the dump must have exactly one image. Prints the differences; fails when there are any.
compare_images()
{
	local label=$1 t=$2 query=$3 xcol=${4:-} xval=${5:-} cols c vals='' arr=''
	cols=$(cat "cols.$t") && test -n "$cols" || return 1
	for c in $cols; do
		if [ "$c" = "$xcol" ]; then
			vals="$vals${vals:+, }('$c', '$xval'::text, s.img->>'$c')"
		else
			vals="$vals${vals:+, }('$c', d.\"$c\", s.img->>'$c')"
		fi
		arr="$arr${arr:+, }'$c'"
	done
	pg -f - >"diff.$label.$t" <<-EOF || return 1
	CREATE FUNCTION pg_temp.show(v text) RETURNS text LANGUAGE sql AS \$\$
		SELECT CASE WHEN v IS NULL THEN 'NULL'
			WHEN octet_length(v) > 200 THEN format('%s bytes, md5 %s, %s...', octet_length(v), md5(v), to_json(left(v, 40)))
			ELSE to_json(v)::text END \$\$;
	WITH s(id, img) AS ($query), d AS (SELECT * FROM "$db"."dump_$t")
	SELECT CASE WHEN d.id IS NULL THEN format('$label $t id %s: in the stream, not in the dump', s.id)
		WHEN s.id IS NULL THEN format('$label $t id %s: in the dump, not in the stream', d.id)
		ELSE format('$label $t id %s column %s: dump %s, stream %s', d.id, v.col, pg_temp.show(v.dv), pg_temp.show(v.sv)) END
	FROM d FULL JOIN s ON s.id = d.id
	LEFT JOIN LATERAL (VALUES $vals) v(col, dv, sv) ON d.id IS NOT NULL AND s.id IS NOT NULL
	WHERE d.id IS NULL OR s.id IS NULL OR v.dv IS DISTINCT FROM v.sv
	UNION ALL
	SELECT format('$label $t id %s: %s images', id, count(*)) FROM s GROUP BY id HAVING count(*) > 1
	UNION ALL
	SELECT format('$label $t id %s: columns %s, expected %s', s.id, k.got, k.want)
	FROM s, LATERAL (SELECT (SELECT string_agg(x, ',' ORDER BY x) FROM json_object_keys(s.img) x) AS got,
		(SELECT string_agg(x, ',' ORDER BY x) FROM unnest(ARRAY[$arr]) x) AS want) k
	WHERE k.got IS DISTINCT FROM k.want
	ORDER BY 1;
	EOF
	if [ -s "diff.$label.$t" ]; then
		cat "diff.$label.$t"
		return 1
	fi
	test "$(pg -c "SELECT count(*) FROM ($query) s")" -gt 0
}

# final_images STREAM TABLE: the query of each row's last image in a stream (inserts and
# updates; a deleted row has none).
final_images()
{
	echo "SELECT id, img FROM (SELECT DISTINCT ON (img->>'id') img->>'id' AS id, img, k
		FROM (SELECT n, k, CASE k WHEN 'delete' THEN old ELSE new END AS img
			FROM \"$db\".\"$1_rows\" WHERE s = '$db' AND t = '$2') e
		ORDER BY img->>'id', n DESC) f WHERE k <> 'delete'"
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg -c "DROP SCHEMA IF EXISTS \"$db\" CASCADE"
}

test_expect_success 'the type matrix created in MariaDB between two noted positions' '
	cleanup &&
	pg -c "CREATE SCHEMA \"$db\"" &&
	binlog_pos >pos.start &&
	my -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" &&
	my "$db" <"$CHAM_TOP/tests/e2e/data/t0110-types.sql" >/dev/null &&
	binlog_pos >pos.end &&
	cat pos.start pos.end &&
	test "$(cat pos.start)" != "$(cat pos.end)" &&
	test "$(my -e "SELECT LENGTH(lb) FROM \`$db\`.t_bin WHERE id = 5")" = 16778216
'

test_expect_success 'cham-dump --table --stdout: the CSV of every table, into PostgreSQL as text' '
	for t in $tables; do
		my -e "SELECT COLUMN_NAME FROM information_schema.COLUMNS
			WHERE TABLE_SCHEMA = '\''$db'\'' AND TABLE_NAME = '\''$t'\'' ORDER BY ORDINAL_POSITION" >"cols.$t" &&
		test "$(head -n 1 "cols.$t")" = id &&
		cham-dump --source "$CHAM_SOURCE_URI/$db" --table "$db.$t" --stdout >"dump.$t.csv" 2>"dump.$t.err" ||
		{ cat "dump.$t.err"; exit 1; }
		defs=$(sed "s/.*/\"&\" text/" "cols.$t" | paste -s -d, -) &&
		pg -c "CREATE TABLE \"$db\".\"dump_$t\" ($defs)" &&
		pg -c "COPY \"$db\".\"dump_$t\" FROM '\''$PWD/dump.$t.csv'\'' WITH (FORMAT csv)" &&
		test "$(pg -c "SELECT count(*) FROM \"$db\".\"dump_$t\"")" = "$(my -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`")" ||
		exit 1
	done
'

test_expect_success 'cham-stream from the first position to the end exits 0 (--stop-when-idle)' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-when-idle \
		--output stream1.jsonl 2>stream1.err ||
	{ cat stream1.err; exit 1; }
	cat stream1.err &&
	check_structure stream1.jsonl &&
	head -n 1 stream1.jsonl | jq -e ".k == \"hello\" and .start == \"$(cat pos.start)\"" &&
	load_stream stream1 stream1.jsonl
'

test_expect_success 'every table'"'"'s inserts arrive, in the schema and table they were made in' '
	pg -c "SELECT t, count(*) FROM \"$db\".stream1_rows WHERE k = '"'insert'"' GROUP BY t ORDER BY t" >actual &&
	cat >expect <<-EOF &&
	t_bin|5
	t_bit|6
	t_int|5
	t_misc|7
	t_num|10
	t_str|17
	t_time|9
	EOF
	test_cmp expect actual &&
	test "$(pg -c "SELECT count(*) FROM \"$db\".stream1_rows WHERE s IS DISTINCT FROM '"'$db'"'")" = 0
'

for t in $tables; do
	test_expect_success "$t: each row's streamed values (insert, then updates) are the dump's CSV fields" '
		compare_images insert '"$t"' "$(final_images stream1 '"$t"')"
	'
done

test_expect_success 'each update'"'"'s old image is, to the byte, the image the row had before in the stream' '
	pg -c "SELECT t, id, n FROM (SELECT t, n, k, coalesce(new, old)->>'"'id'"' AS id, old::text AS old_text,
			lag(new::text) OVER (PARTITION BY t, coalesce(new, old)->>'"'id'"' ORDER BY n) AS before
		FROM \"$db\".stream1_rows) e
		WHERE k IN ('"'update'"', '"'delete'"') AND old_text IS DISTINCT FROM before" >diffs &&
	cat diffs &&
	test ! -s diffs &&
	test "$(pg -c "SELECT count(*) FROM \"$db\".stream1_rows WHERE k = '"'update'"'")" -gt 0
'

test_expect_success 'the first insert of a row updated later holds the values it was inserted with' '
	test "$(pg -c "SELECT new->>'"'vc'"' FROM \"$db\".stream1_rows WHERE t = '"'t_str'"' AND k = '"'insert'"'
		AND new->>'"'id'"' = '"'3'"'")" = "say \"hi\", it'"'"'s" &&
	test "$(pg -c "SELECT new->>'"'tx'"' IS NULL FROM \"$db\".stream1_rows WHERE t = '"'t_str'"' AND k = '"'insert'"'
		AND new->>'"'id'"' = '"'3'"'")" = t &&
	test "$(pg -c "SELECT (new->>'"'tx'"') = (old->>'"'vc'"') FROM \"$db\".stream1_rows WHERE t = '"'t_str'"'
		AND k = '"'update'"' AND new->>'"'id'"' = '"'3'"' ORDER BY n LIMIT 1")" = t
'

# The column each table's UPDATE changes, its new MariaDB value and its text in the stream.
cat >changes <<'EOF'
t_int	i	12345	12345
t_num	d5	-1.5	-1.50
t_bit	b10	b'1100110011'	1100110011
t_time	y	2024	2024
t_str	vc	'changed, "quoted"'	changed, "quoted"
t_bin	vb	0x00FF0A	\x00ff0a
t_misc	j	'{"changed": [true]}'	{"changed": [true]}
EOF

test_expect_success 'every row updated (one column), then deleted; streamed again' '
	binlog_pos >pos.mid &&
	while IFS="	" read -r t col value text; do
		echo "UPDATE \`$t\` SET \`$col\` = $value;" || exit 1
	done <changes >update.sql &&
	for t in $tables; do
		echo "DELETE FROM \`$t\`;" || exit 1
	done >delete.sql &&
	{ echo "SET sql_mode = '"''"'; SET time_zone = '"'+00:00'"';" && cat update.sql delete.sql; } | my "$db" &&
	test "$(my -e "SELECT COUNT(*) FROM \`$db\`.t_int")" = 0 &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.mid)" --stop-when-idle >stream2.jsonl 2>stream2.err ||
	{ cat stream2.err; exit 1; }
	check_structure stream2.jsonl &&
	load_stream stream2 stream2.jsonl &&
	pg -c "SELECT k, t, count(*) FROM \"$db\".stream2_rows GROUP BY k, t ORDER BY k, t"
'

while IFS='	' read -r t col _ text; do
	test_expect_success "$t: the update's old image is the dump's row, its new one has $col changed" '
		compare_images update-old '"$t"' "SELECT old->>'"'id'"', old FROM \"$db\".stream2_rows
			WHERE k = '"'update'"' AND s = '"'$db'"' AND t = '"'$t'"'" &&
		compare_images update-new '"$t"' "SELECT new->>'"'id'"', new FROM \"$db\".stream2_rows
			WHERE k = '"'update'"' AND s = '"'$db'"' AND t = '"'$t'"'" '"'$col'"' '"'$text'"'
	'
	test_expect_success "$t: the delete's old image is the dump's row with $col updated" '
		compare_images delete '"$t"' "SELECT old->>'"'id'"', old FROM \"$db\".stream2_rows
			WHERE k = '"'delete'"' AND s = '"'$db'"' AND t = '"'$t'"'" '"'$col'"' '"'$text'"' &&
		test "$(pg -c "SELECT count(*) FROM \"$db\".stream2_rows WHERE k = '"'delete'"' AND new IS NOT NULL")" = 0 &&
		test "$(pg -c "SELECT count(*) FROM \"$db\".stream2_rows WHERE k = '"'delete'"' AND old IS NULL")" = 0
	'
done <changes

test_expect_success 'an INSERT of 10,000 rows is one transaction: one begin, 10,000 inserts, one commit' '
	my "$db" -e "CREATE TABLE t_many (id int PRIMARY KEY, v varchar(20))" &&
	binlog_pos >pos.many &&
	{ printf "INSERT INTO t_many VALUES " && seq 1 10000 | sed "s/.*/(&, '"'v&'"')/" | paste -s -d, - && echo ";"; } |
		my "$db" &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.many)" --stop-when-idle -q >many.jsonl &&
	check_structure many.jsonl &&
	jq -r .k many.jsonl | uniq -c | sed "s/^ *//" >actual &&
	printf "1 hello\n1 begin\n10000 insert\n1 commit\n" >expect &&
	test_cmp expect actual &&
	jq -r "select(.k == \"insert\") | \"\(.s).\(.t) \(.new.id) \(.new.v)\"" many.jsonl >actual &&
	seq 1 10000 | sed "s/.*/$db.t_many & v&/" >expect &&
	test_cmp expect actual
'

test_expect_success 'a column added to every table since: their earlier rows streamed again' '
	for t in $tables; do
		my "$db" -e "SET sql_mode = '\'\''; ALTER TABLE \`$t\` ADD COLUMN added_later int" || exit 1
	done &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-at "$(cat pos.end)" \
		--output stream3.jsonl 2>stream3.err ||
	{ cat stream3.err; exit 1; }
	cat stream3.err &&
	check_structure stream3.jsonl &&
	load_stream stream3 stream3.jsonl &&
	test "$(pg -c "SELECT count(*) FROM \"$db\".stream3_rows")" = "$(pg -c "SELECT count(*) FROM \"$db\".stream1_rows")"
'

# The tables as MariaDB has them now are not the tables of these rows: the stream must take
# each column's type from the binlog's metadata, helped by what the catalog still says of it.
for t in $tables; do
	test_expect_success "$t: the rows from before the ALTER: the values are still the dump's CSV fields" '
		compare_images binlog-types '"$t"' "$(final_images stream3 '"$t"')"
	'
done

test_expect_success 'clean up' '
	cleanup
'

test_done
