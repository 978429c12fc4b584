#!/usr/bin/env bash
# t0140-dump-identifiers: schema, table, column, index and constraint names that PostgreSQL
# must quote (reserved words, quotes, backticks, spaces, dots, unicode, case), cut (64
# characters, up to 192 bytes) or tell apart (names sharing 63 bytes, case, index names
# that meet table names) go through cham-dump, pre-data, COPY and post-data.
. "$(dirname "$0")/lib.sh"

s1=t0140_ids
s2='t0140 Sché "q" bk`tick'
export PGCLIENTENCODING=UTF8

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode, values as they are.
my()
{
	mysql_root --default-character-set=utf8mb4 -r "$@"
}

# pg [ARGS]: psql as chameleon, fields separated by tabs, NULL shown as NULL.
pg()
{
	pg_user -F "$(printf '\t')" -P null=NULL "$@"
}

# jq definitions: PostgreSQL and MySQL quoting of identifiers and literals.
jq_quote='
	def qi: "\"" + gsub("\""; "\"\"") + "\"";
	def ql: "'\''" + gsub("'\''"; "'\'''\''") + "'\''";
	def mi: "`" + gsub("`"; "``") + "`";
'

# pg_load_dump DIR: runs pre-data.sql, \copy of every chunk of the manifest, post-data.sql.
pg_load_dump()
{
	local dir
	dir=$(cd "$1" && pwd) &&
	pg -f "$dir/schema/pre-data.sql" >load-pre.out 2>&1 &&
	jq -r --arg dir "$dir" "$jq_quote"'
		.tables[] | (.pg_schema | qi) as $s | (.pg_table | qi) as $t |
		.chunks[] | "\\copy \($s).\($t) FROM \("\($dir)/\(.file)" | ql) WITH (FORMAT csv)"
	' "$dir/manifest.json" >load-copy.sql &&
	pg -f load-copy.sql >load-copy.out 2>&1 &&
	pg -f "$dir/schema/post-data.sql" >load-post.out 2>&1
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$s1\`; DROP DATABASE IF EXISTS \`${s2//\`/\`\`}\`" &&
	pg -c "DROP SCHEMA IF EXISTS \"$s1\" CASCADE; DROP SCHEMA IF EXISTS \"${s2//\"/\"\"}\" CASCADE"
}

in_schemas="('$s1', '$s2')"

test_expect_success 'create the schemas with awkward names in MariaDB' '
	cleanup &&
	my <"$CHAM_TOP/tests/e2e/data/t0140-identifiers.sql" >/dev/null &&
	my -e "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA IN $in_schemas" | LC_ALL=C sort >all.tables &&
	cat all.tables &&
	test "$(wc -l <all.tables)" = 23 &&
	grep -v -F "$(printf "%s\té" "$s1")" all.tables >expect.tables &&
	test "$(wc -l <expect.tables)" = 22
'

# The table of 64 two-byte characters has a test of its own, below.
test_expect_success 'cham-dump of both schemas (--tables with a wildcard, --exclude) exits 0' '
	cham-dump --source "$CHAM_SOURCE_URI" --tables "$s1,t0140 Sch*" --exclude "$s1.é*" --output dump \
		--jobs 4 --chunk-rows 500 2>dump.err ||
	{ cat dump.err; false; }
'

test_expect_success 'catalog.json and manifest.json list every table, names unchanged' '
	jq -r ".tables[] | \"\(.schema)\t\(.name)\"" dump/catalog.json | LC_ALL=C sort >actual.catalog &&
	test_cmp expect.tables actual.catalog &&
	jq -r ".tables[] | \"\(.schema)\t\(.table)\"" dump/manifest.json | LC_ALL=C sort >actual.manifest &&
	test_cmp expect.tables actual.manifest
'

test_expect_success 'names of up to 63 bytes are kept exactly, longer ones cut to 63 with a hash' '
	jq -r "
		def ok: if (.name | utf8bytelength) <= 63 then .pg_name == .name
			else (.pg_name | utf8bytelength) <= 63 and (.pg_name | test(\"_[0-9a-f]{8}$\"))
				and (.pg_name | sub(\"_[0-9a-f]{8}$\"; \"\")) as \$cut | (.name | startswith(\$cut))
				and (.pg_name | sub(\"_[0-9a-f]{8}$\"; \"\") | length) > 0 end;
		(.tables[] | select((.pg_schema == .schema) | not) | \"schema \(.schema) -> \(.pg_schema)\"),
		(.tables[] | select(ok | not) | \"table \(.name) -> \(.pg_name)\"),
		(.tables[] | .columns[] | select(ok | not) | \"column \(.name) -> \(.pg_name)\")
	" dump/catalog.json >bad.names &&
	test_cmp /dev/null bad.names &&
	jq -r ".tables[] | select(.name | utf8bytelength > 63) | .pg_name" dump/catalog.json >long.tables &&
	cat long.tables &&
	test "$(wc -l <long.tables)" = 2 &&
	jq -r ".tables[] | .columns[] | select(.name | utf8bytelength > 63) | .pg_name" dump/catalog.json >long.columns &&
	cat long.columns &&
	test "$(wc -l <long.columns)" = 3
'

test_expect_success 'PostgreSQL names are distinct: tables and indexes per schema, columns per table' '
	jq -r ".tables | group_by(.pg_schema)[] | [.[].pg_name, (.[].indexes[].pg_name)] |
		group_by(.)[] | select(length > 1) | .[0]" dump/catalog.json >dup.relations &&
	test_cmp /dev/null dup.relations &&
	jq -r ".tables[] | [.columns[].pg_name] | group_by(.)[] | select(length > 1) | .[0]" \
		dump/catalog.json >dup.columns &&
	test_cmp /dev/null dup.columns &&
	jq -r ".tables[] | .indexes[] | select(.pg_name | utf8bytelength > 63) | .pg_name" \
		dump/catalog.json >long.indexes &&
	test_cmp /dev/null long.indexes
'

test_expect_success 'chunk files have safe, distinct names; big tables with an integer key are split' '
	jq -r ".tables[].chunks[].file" dump/manifest.json >files &&
	! grep -v -E "^data/[A-Za-z0-9_\$%.-]+\.[0-9]{4}\.csv$" files &&
	test "$(sort -u files | wc -l)" = "$(wc -l <files)" &&
	while read -r f; do test -f "dump/$f" || { echo "missing $f"; exit 1; }; done <files &&
	for t in "Ünïcødé 表" "select"; do
		n=$(jq --arg t "$t" ".tables[] | select(.schema == \"$s1\" and .table == \$t) | .chunks | length" dump/manifest.json) &&
		echo "$t: $n chunks" && test "$n" -gt 1 || exit 1
	done &&
	for t in no_pk composite empty; do
		n=$(jq --arg t "$t" ".tables[] | select(.schema == \"$s1\" and .table == \$t) | .chunks | length" dump/manifest.json) &&
		echo "$t: $n chunks" && test "$n" = 1 || exit 1
	done &&
	test "$(jq ".tables[] | select(.table == \"empty\") | .rows" dump/manifest.json)" = 0
'

test_expect_success 'the dump loads into PostgreSQL (pre-data, \copy, post-data)' '
	pg -c "DROP SCHEMA IF EXISTS \"$s1\" CASCADE; DROP SCHEMA IF EXISTS \"${s2//\"/\"\"}\" CASCADE" &&
	pg_load_dump dump || { cat load-*.out; false; }
'

test_expect_success 'every table exists in PostgreSQL under its pg_schema and pg_name' '
	jq -r ".tables[] | \"\(.pg_schema)\t\(.pg_name)\"" dump/catalog.json | LC_ALL=C sort >expect.pgtables &&
	pg -c "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = '"'r'"' AND n.nspname IN $in_schemas" | LC_ALL=C sort >actual.pgtables &&
	test_cmp expect.pgtables actual.pgtables
'

test_expect_success 'every column exists in PostgreSQL under its pg_name, in order' '
	jq -r ".tables[] | . as \$t | .columns | to_entries[] |
		\"\(\$t.pg_schema)\t\(\$t.pg_name)\t\(.key + 1)\t\(.value.pg_name)\"" dump/catalog.json |
		LC_ALL=C sort >expect.columns &&
	pg -c "SELECT n.nspname, c.relname, a.attnum, a.attname FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = '"'r'"' AND n.nspname IN $in_schemas AND a.attnum > 0 AND NOT a.attisdropped" |
		LC_ALL=C sort >actual.columns &&
	test_cmp expect.columns actual.columns
'

test_expect_success 'row counts of every table are equal in MariaDB and PostgreSQL' '
	jq -r "$jq_quote"" .tables | to_entries[] |
		\"SELECT \(.key), COUNT(*) FROM \(.value.schema | mi).\(.value.name | mi);\"" dump/catalog.json >count.mysql.sql &&
	jq -r "$jq_quote"" .tables | to_entries[] |
		\"SELECT \(.key), count(*) FROM \(.value.pg_schema | qi).\(.value.pg_name | qi);\"" dump/catalog.json >count.pg.sql &&
	my <count.mysql.sql >count.mysql &&
	pg -f count.pg.sql >count.pg &&
	test "$(wc -l <count.mysql)" = 22 &&
	test_cmp count.mysql count.pg
'

test_expect_success 'every index and primary key exists under its pg_name, on its columns' '
	jq -r ".tables[] | . as \$t | .indexes[] | select(.type == \"BTREE\") |
		\"\(\$t.pg_schema)\t\(\$t.pg_name)\t\(.pg_name)\t\(.primary)\t\([.columns[] as \$c | \$t.columns[] | select(.name == \$c) | .pg_name] | join(\"|\"))\"" \
		dump/catalog.json | LC_ALL=C sort >expect.indexes &&
	pg -c "SELECT n.nspname, c.relname, i.relname, x.indisprimary,
			(SELECT string_agg(a.attname, '"'|'"' ORDER BY k.n)
			FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum)
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN $in_schemas" |
		sed -e "s/\tt\t/\ttrue\t/" -e "s/\tf\t/\tfalse\t/" | LC_ALL=C sort >actual.indexes &&
	test_cmp expect.indexes actual.indexes &&
	grep -F "$(printf "composite\tcomposite_pkey\ttrue\ta|b")" actual.indexes &&
	! grep -F "$(printf "\tno_pk\t")" actual.indexes
'

test_expect_success 'the foreign key exists under its pg_name, between the quoted tables' '
	fk=$(jq -r ".tables[] | select(.name == \"child table\") | .foreign_keys[0].pg_name" dump/catalog.json) &&
	test -n "$fk" &&
	pg -c "SELECT conname, conrelid::regclass, confrelid::regclass FROM pg_constraint
		WHERE contype = '"'f'"' AND connamespace = '"'$s1'"'::regnamespace" >actual.fk &&
	printf "%s\t%s\t%s\n" "$fk" "$s1.\"child table\"" "$s1.\"select\"" >expect.fk &&
	test_cmp expect.fk actual.fk &&
	pg -c "ALTER TABLE \"$s1\".\"child table\" VALIDATE CONSTRAINT \"${fk//\"/\"\"}\""
'

# compare_rows MYSQL-FROM PG-FROM: every row of the table, as tab-separated text, both sides.
compare_rows()
{
	my -e "SELECT * FROM $1" | LC_ALL=C sort >rows.mysql &&
	pg -c "SELECT * FROM $2" | LC_ALL=C sort >rows.pg &&
	test -s rows.mysql &&
	test_cmp rows.mysql rows.pg
}

test_expect_success 'the rows of quoted, unicode, composite-key and key-less tables are equal' '
	compare_rows "\`$s1\`.\`we\"ird\`" "\"$s1\".\"we\"\"ird\"" &&
	compare_rows "\`$s1\`.\`Ünïcødé 表\`" "\"$s1\".\"Ünïcødé 表\"" &&
	compare_rows "\`$s1\`.composite" "\"$s1\".composite" &&
	compare_rows "\`$s1\`.no_pk" "\"$s1\".no_pk" &&
	compare_rows "\`$s1\`.\`MixedCase\`" "\"$s1\".\"MixedCase\"" &&
	compare_rows "\`$s1\`.mixedcase" "\"$s1\".mixedcase" &&
	compare_rows "\`${s2//\`/\`\`}\`.\`tab\"le\`" "\"${s2//\"/\"\"}\".\"tab\"\"le\"" &&
	compare_rows "\`$s1\`.\`per%cent/sl\\ash\`" "\"$s1\".\"per%cent/sl\\ash\""
'

test_expect_success 'a table and a column of 64 two- and three-byte characters: dumped, cut, loaded' '
	rc=0 &&
	cham-dump --source "$CHAM_SOURCE_URI" --tables "$s1.é*" --output dump64 2>dump64.err || rc=$?
	cat dump64.err &&
	test $rc = 0 &&
	t=$(jq -r ".tables[0].pg_name" dump64/catalog.json) &&
	c=$(jq -r ".tables[0].columns[0].pg_name" dump64/catalog.json) &&
	echo "table $t, column $c" &&
	test "$(printf %s "$t" | wc -c)" -le 63 &&
	test "$(printf %s "$c" | wc -c)" -le 63 &&
	printf %s "$t$c" | iconv -f UTF-8 -t UTF-8 >/dev/null &&
	pg_load_dump dump64 &&
	test "$(pg -c "SELECT string_agg(\"$c\"::text, '"','"' ORDER BY 1) FROM \"$s1\".\"$t\"")" = "64,128"
'

test_expect_success 'cham-dump --table --stdout takes quoted and dotted names' '
	for t in "$s1.we\"ird" "$s1.dot.ted" "$s2.tab\"le" "$s1.Ünïcødé 表"; do
		cham-dump --source "$CHAM_SOURCE_URI" --table "$t" --stdout 2>stdout.err >stdout.csv ||
		{ cat stdout.err; exit 1; }
		schema=${t%%.*} && table=${t#*.} &&
		jq -r --arg s "$schema" --arg t "$table" ".tables[] | select(.schema == \$s and .table == \$t) | .chunks[].file" \
			dump/manifest.json | while read -r f; do cat "dump/$f"; done | LC_ALL=C sort >chunks.csv &&
		LC_ALL=C sort stdout.csv >stdout.sorted &&
		test -s chunks.csv &&
		test_cmp chunks.csv stdout.sorted || exit 1
	done
'

test_expect_success 'clean up' '
	cleanup
'

test_done
