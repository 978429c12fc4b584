#!/usr/bin/env bash
# t0100-dump-sakila: cham-dump of the Sakila database (16 tables, views, triggers, routines),
# checked against MariaDB, then loaded into PostgreSQL (pre-data, \copy, post-data) and compared.
. "$(dirname "$0")/lib.sh"

db=t0100_sakila		# the MariaDB database, and the PostgreSQL schema it becomes
export PGCLIENTENCODING=UTF8 PGTZ=UTC PGDATESTYLE='ISO, YMD'

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
[ -r "$CHAM_DATA/sakila/sakila-schema.sql" ] && [ -r "$CHAM_DATA/sakila/sakila-data.sql" ] ||
	skip_all "no Sakila files in \"$CHAM_DATA/sakila\""

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

# pg_load_dump DIR: runs pre-data.sql, \copy of every chunk of the manifest, post-data.sql.
pg_load_dump()
{
	local dir
	dir=$(cd "$1" && pwd) &&
	pg -f "$dir/schema/pre-data.sql" >load-pre.out 2>&1 &&
	jq -r --arg dir "$dir" '
		def qi: "\"" + gsub("\""; "\"\"") + "\"";
		.tables[] | (.pg_schema | qi) as $s | (.pg_table | qi) as $t |
		.chunks[] | "\\copy \($s).\($t) FROM '\''\($dir)/\(.file)'\'' WITH (FORMAT csv)"
	' "$dir/manifest.json" >load-copy.sql &&
	pg -f load-copy.sql >load-copy.out 2>&1 &&
	pg -f "$dir/schema/post-data.sql" >load-post.out 2>&1
}

# compare_values TABLE MYKEY PGKEY: reads "COLUMN;MYSQL-EXPR;PG-EXPR" lines on stdin
# (@ stands for the quoted column; empty expressions are CAST(@ AS CHAR) and @::text), gets
# "key<TAB>column<TAB>value" for every value of $db.TABLE from both servers (NULL as <NULL>)
# and compares them, whatever the row order.
compare_values()
{
	local table=$1 mykey=$2 pgkey=$3 col myx pgx my_sql='' pg_sql=''
	while IFS=';' read -r col myx pgx; do
		[ -n "$col" ] || continue
		myx=${myx:-CAST(@ AS CHAR)}
		pgx=${pgx:-@::text}
		myx=${myx//@/\`$col\`}
		pgx=${pgx//@/\"$col\"}
		my_sql="${my_sql:+$my_sql UNION ALL }SELECT $mykey, '$col', COALESCE($myx, '<NULL>') FROM \`$db\`.\`$table\`"
		pg_sql="${pg_sql:+$pg_sql UNION ALL }SELECT $pgkey, '$col', COALESCE(($pgx)::text, '<NULL>') FROM \"$db\".\"$table\""
	done
	my -e "SET time_zone = '+00:00'; $my_sql" | LC_ALL=C sort >"cmp.$table.mysql" &&
	pg -c "$pg_sql" | LC_ALL=C sort >"cmp.$table.pg" &&
	test -s "cmp.$table.mysql" &&
	test_cmp "cmp.$table.mysql" "cmp.$table.pg"
}

my_ts='DATE_FORMAT(@, '\''%Y-%m-%d %H:%i:%s'\'')'
pg_ts='to_char(@ AT TIME ZONE '\''UTC'\'', '\''YYYY-MM-DD HH24:MI:SS'\'')'
pg_dt='to_char(@, '\''YYYY-MM-DD HH24:MI:SS'\'')'

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg -c "DROP SCHEMA IF EXISTS \"$db\" CASCADE"
}

test_expect_success 'load Sakila into MariaDB' '
	cleanup &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-schema.sql" | my &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-data.sql" | my &&
	my -e "SELECT COUNT(*) FROM \`$db\`.rental" >rental.count &&
	test "$(cat rental.count)" = 16044 &&
	tables=$(my -e "SELECT GROUP_CONCAT(CONCAT(\"\`\", TABLE_NAME, \"\`\")) FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = \"$db\" AND TABLE_TYPE = \"BASE TABLE\"") &&
	my "$db" -e "ANALYZE TABLE $tables" >/dev/null
'

test_expect_success 'cham-dump with 4 jobs and 3000-row chunks exits 0' '
	cham-dump --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 4 --chunk-rows 3000 2>dump.err ||
	{ cat dump.err; false; }
'

test_expect_success 'the dump directory holds every document, as valid JSON' '
	for f in coordinates.json catalog.json manifest.json schema/pre-data.sql schema/post-data.sql; do
		test -s "dump/$f" || { echo "missing dump/$f"; exit 1; }
	done &&
	jq -e . dump/coordinates.json >/dev/null &&
	jq -e . dump/catalog.json >/dev/null &&
	jq -e . dump/manifest.json >/dev/null &&
	! grep -q "$MYSQL_PWD" dump.err dump/*.json dump/schema/*.sql
'

test_expect_success 'catalog.json and manifest.json list exactly the 16 base tables' '
	my -e "SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = \"$db\" AND TABLE_TYPE = \"BASE TABLE\"" | LC_ALL=C sort >expect &&
	test $(wc -l <expect) = 16 &&
	jq -r ".tables[] | select(.schema == \"$db\") | .name" dump/catalog.json | LC_ALL=C sort >actual.catalog &&
	test_cmp expect actual.catalog &&
	jq -r ".tables[] | select(.schema == \"$db\") | .table" dump/manifest.json | LC_ALL=C sort >actual.manifest &&
	test_cmp expect actual.manifest &&
	jq -r ".tables[] | select(.pg_schema != \"$db\" or .pg_table != .table) | .table" dump/manifest.json >renamed &&
	test_cmp /dev/null renamed
'

test_expect_success 'manifest rows of every table equal COUNT(*) in MariaDB' '
	while read -r t; do
		printf "%s\t%s\n" "$t" "$(my -e "SELECT COUNT(*) FROM \`$db\`.\`$t\`")"
	done <expect >expect.rows &&
	jq -r ".tables[] | \"\(.table)\t\(.rows)\"" dump/manifest.json | LC_ALL=C sort >actual.rows &&
	test_cmp expect.rows actual.rows &&
	jq -r ".tables[] | select(.rows != ([.chunks[].rows] | add)) | .table" dump/manifest.json >bad.sum &&
	test_cmp /dev/null bad.sum &&
	test "$(jq "[.tables[].rows] | add" dump/manifest.json)" = "$(jq .total_rows dump/manifest.json)"
'

test_expect_success 'rental and payment are split into several chunks by key ranges' '
	for t in rental payment; do
		n=$(jq ".tables[] | select(.table == \"$t\") | .chunks | length" dump/manifest.json) &&
		echo "$t: $n chunks" &&
		test "$n" -gt 1 &&
		jq -r ".tables[] | select(.table == \"$t\") | .chunks[] | .file" dump/manifest.json >files &&
		test "$(sort -u files | wc -l)" = "$n" || exit 1
	done &&
	n=$(jq "[.tables[] | select(.table == \"actor\") | .chunks[]] | length" dump/manifest.json) &&
	test "$n" = 1
'

test_expect_success 'data/ holds exactly the files of the manifest, with their sizes' '
	(cd dump && find data -type f) | LC_ALL=C sort >files.actual &&
	jq -r ".tables[].chunks[].file" dump/manifest.json | LC_ALL=C sort >files.expect &&
	test_cmp files.expect files.actual &&
	jq -r ".tables[].chunks[] | \"\(.file) \(.bytes)\"" dump/manifest.json | LC_ALL=C sort >sizes.expect &&
	while read -r f; do echo "$f $(stat -c %s "dump/$f")"; done <files.expect >sizes.actual &&
	test_cmp sizes.expect sizes.actual
'

if command -v xxhsum >/dev/null; then
	test_expect_success 'the checksum of every chunk is the XXH3 of its file' '
		jq -r ".tables[].chunks[] | \"\(.file) \(.checksum)\"" dump/manifest.json | LC_ALL=C sort >sums.expect &&
		test -s sums.expect &&
		while read -r f sum; do
			h=$(xxhsum -H3 <"dump/$f" | grep -o -E "\b[0-9a-f]{16}\b" | head -n 1) &&
			echo "$f xxh3:$h" || exit 1
		done <sums.expect >sums.actual &&
		test_cmp sums.expect sums.actual
	'
else
	test_skip 'the checksum of every chunk is the XXH3 of its file' 'xxhsum not installed (package xxhash)'
fi

test_expect_success 'chunk rows add up to the lines of each file (Sakila has no multi-line values)' '
	jq -r ".tables[].chunks[] | \"\(.file) \(.rows)\"" dump/manifest.json | LC_ALL=C sort >lines.expect &&
	while read -r f rows; do echo "$f $(wc -l <"dump/$f")"; done <lines.expect >lines.actual &&
	test_cmp lines.expect lines.actual
'

# MariaDB shows a trigger in information_schema.TRIGGERS (and SHOW TRIGGERS) only to a user with
# the TRIGGER privilege on its table. Without it, cham-dump cannot list them, but must say so.
if mysql_user -e "SHOW GRANTS" | grep -q -E "TRIGGER|ALL PRIVILEGES"; then
	user_sees_triggers=true
else
	user_sees_triggers=false
fi

test_expect_success 'not_migrated lists the views, triggers, procedures and functions' '
	my -e "SELECT CONCAT(\"VIEW \", TABLE_NAME) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = \"$db\"
		UNION ALL SELECT CONCAT(\"TRIGGER \", TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = \"$db\"
		UNION ALL SELECT CONCAT(ROUTINE_TYPE, \" \", ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = \"$db\"" |
		LC_ALL=C sort >expect.objects &&
	test "$(wc -l <expect.objects)" = 19 &&
	test "$(grep -c "^TRIGGER " expect.objects)" = 6 &&
	jq -r ".not_migrated[] | select(.schema == \"$db\") | \"\(.kind) \(.name)\"" dump/catalog.json |
		LC_ALL=C sort >actual.objects &&
	if $user_sees_triggers; then
		test_cmp expect.objects actual.objects
	else
		echo "the user of the dump lacks the TRIGGER privilege: the dump must warn that triggers are not listed" &&
		grep -v "^TRIGGER " expect.objects >expect.objects.visible &&
		test_cmp expect.objects.visible actual.objects &&
		grep -i "warn" dump.err | grep -i "trigger"
	fi &&
	jq -r ".tables[].name" dump/catalog.json >table.names &&
	! grep -E "_list$|^sales_by|^actor_info$" table.names
'

test_expect_success 'coordinates.json holds the binlog file, position, GTID and server identity' '
	jq -r ".file" dump/coordinates.json | grep -E "^mysql-bin\.[0-9]{6}$" &&
	pos=$(jq -r ".pos" dump/coordinates.json) && test "$pos" -gt 4 &&
	jq -r ".gtid" dump/coordinates.json | grep -E "^[0-9]+-[0-9]+-[0-9]+(,[0-9]+-[0-9]+-[0-9]+)*$" &&
	test "$(jq -r .server_id dump/coordinates.json)" = "$(my -e "SELECT @@server_id")" &&
	test "$(jq -r .flavor dump/coordinates.json)" = mariadb &&
	jq -r .version dump/coordinates.json | grep MariaDB &&
	jq -r .taken_at dump/coordinates.json | grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T" &&
	jq -e ".lock_ms >= 0 and .lock_ms < 5000" dump/coordinates.json &&
	test "$(jq -r .binlog_file dump/manifest.json)" = "$(jq -r .file dump/coordinates.json)" &&
	test "$(jq -r .binlog_pos dump/manifest.json)" = "$pos"
'

test_expect_success 'catalog.json maps the Sakila columns to the documented PostgreSQL types' '
	cat >expect.types <<-\EOF &&
	actor.actor_id smallint(5) unsigned integer
	actor.last_update timestamp timestamp(0) with time zone
	film.description text text
	film.rating enum('"'"'G'"'"','"'"'PG'"'"','"'"'PG-13'"'"','"'"'R'"'"','"'"'NC-17'"'"') text
	film.release_year year(4) smallint
	film.rental_rate decimal(4,2) numeric(4,2)
	film.special_features set('"'"'Trailers'"'"','"'"'Commentaries'"'"','"'"'Deleted Scenes'"'"','"'"'Behind the Scenes'"'"') text[]
	payment.payment_date datetime timestamp(0) without time zone
	staff.picture blob bytea
	store.store_id tinyint(3) unsigned smallint
	EOF
	jq -r ".tables[] | .name as \$t | .columns[] | \"\(\$t).\(.name) \(.type) \(.pg_type)\"" dump/catalog.json >all.types &&
	grep -F -x -f expect.types all.types | LC_ALL=C sort >actual.types &&
	LC_ALL=C sort expect.types >expect.sorted &&
	test_cmp expect.sorted actual.types
'

test_expect_success 'pre-data.sql, every chunk and post-data.sql load into PostgreSQL' '
	pg -c "DROP SCHEMA IF EXISTS \"$db\" CASCADE" &&
	pg_load_dump dump || { cat load-*.out; false; }
'

test_expect_success 'row counts in PostgreSQL equal those in MariaDB' '
	while read -r t; do
		printf "%s\t%s\n" "$t" "$(pg -c "SELECT count(*) FROM \"$db\".\"$t\"")"
	done <expect >actual.pgrows &&
	test_cmp expect.rows actual.pgrows
'

test_expect_success 'every table has its primary key, on the same columns' '
	jq -r ".tables[] | . as \$t | .indexes[] | select(.primary) |
		\"\(\$t.pg_name)\t\([.columns[] as \$c | \$t.columns[] | select(.name == \$c) | .pg_name] | join(\",\"))\"" \
		dump/catalog.json | LC_ALL=C sort >expect.pk &&
	test "$(wc -l <expect.pk)" = 16 &&
	pg -c "SELECT c.relname, string_agg(a.attname, '"','"' ORDER BY k.n)
		FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_namespace s ON s.oid = c.relnamespace
		CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE s.nspname = '"'$db'"' AND con.contype = '"'p'"' GROUP BY c.relname, con.oid" |
		LC_ALL=C sort >actual.pk &&
	test_cmp expect.pk actual.pk
'

test_expect_success 'every BTREE index exists with its name, columns and uniqueness' '
	jq -r ".tables[] | . as \$t | .indexes[] | select(.primary | not) | select(.type == \"BTREE\") |
		\"\(\$t.pg_name)\t\(.pg_name)\t\(.unique)\t\([.columns[] as \$c | \$t.columns[] | select(.name == \$c) | .pg_name] | join(\",\"))\"" \
		dump/catalog.json | LC_ALL=C sort >expect.idx &&
	test "$(wc -l <expect.idx)" -ge 20 &&
	pg -c "SELECT c.relname, i.relname, CASE WHEN x.indisunique THEN '"'true'"' ELSE '"'false'"' END,
			string_agg(a.attname, '"','"' ORDER BY k.n)
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		JOIN pg_namespace s ON s.oid = c.relnamespace
		CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
		WHERE s.nspname = '"'$db'"' AND NOT x.indisprimary GROUP BY c.relname, i.relname, x.indisunique" |
		LC_ALL=C sort >actual.idx &&
	comm -23 expect.idx actual.idx >missing.idx &&
	test_cmp /dev/null missing.idx
'

test_expect_success 'every foreign key exists, NOT VALID, with its columns and referenced table' '
	my -e "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = \"$db\"" >fk.count &&
	test "$(cat fk.count)" -ge 20 &&
	test "$(jq "[.tables[].foreign_keys[]] | length" dump/catalog.json)" = "$(cat fk.count)" &&
	jq -r "(.tables | map({key: .name, value: .}) | from_entries) as \$by |
		.tables[] | . as \$t | .foreign_keys[] |
		\"\(\$t.pg_name)\t\(.pg_name)\t\([.columns[] as \$c | \$t.columns[] | select(.name == \$c) | .pg_name] | join(\",\"))\t\(\$by[.ref_table].pg_name)\t\(.ref_columns | join(\",\"))\tf\"" \
		dump/catalog.json | LC_ALL=C sort >expect.fk &&
	pg -c "SELECT c.relname, con.conname,
			(SELECT string_agg(a.attname, '"','"' ORDER BY k.n) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
			r.relname,
			(SELECT string_agg(a.attname, '"','"' ORDER BY k.n) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
			con.convalidated
		FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
		JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = '"'$db'"' AND con.contype = '"'f'"'" | LC_ALL=C sort >actual.fk &&
	test_cmp expect.fk actual.fk &&
	pg -c "ALTER TABLE \"$db\".payment VALIDATE CONSTRAINT \"$(jq -r ".tables[] | select(.name == \"payment\") | .foreign_keys[0].pg_name" dump/catalog.json)\""
'

test_expect_success 'actor: every value in PostgreSQL equals MariaDB'"'"'s' '
	compare_values actor actor_id actor_id <<-EOF
	first_name
	last_name
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'category and language: every value equals MariaDB'"'"'s' '
	compare_values category category_id category_id <<-EOF &&
	name
	last_update;$my_ts;$pg_ts
	EOF
	compare_values language language_id language_id <<-EOF
	name
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'film_actor (composite key): every row equals MariaDB'"'"'s' '
	compare_values film_actor "CONCAT(actor_id, \"/\", film_id)" "actor_id || '"'/'"' || film_id" <<-EOF
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'payment (several chunks): every value equals MariaDB'"'"'s' '
	compare_values payment payment_id payment_id <<-EOF
	customer_id
	staff_id
	rental_id
	amount
	payment_date;$my_ts;$pg_dt
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'film (year, enum, set, decimals, text): every value equals MariaDB'"'"'s' '
	compare_values film film_id film_id <<-EOF
	title
	description;LOWER(HEX(@));encode(convert_to(@, '"'UTF8'"'), '"'hex'"')
	release_year;CAST(@ + 0 AS CHAR)
	language_id
	original_language_id
	rental_duration
	rental_rate
	length
	replacement_cost
	rating
	special_features;;array_to_string(@, '"','"')
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'staff (a PNG blob, NULLs): every value equals MariaDB'"'"'s' '
	compare_values staff staff_id staff_id <<-EOF
	first_name
	last_name
	address_id
	picture;LOWER(HEX(@));encode(@, '"'hex'"')
	email
	store_id
	active
	username
	password
	last_update;$my_ts;$pg_ts
	EOF
'

test_expect_success 'auto_increment columns continue from MariaDB'"'"'s AUTO_INCREMENT' '
	next=$(my -e "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = \"$db\" AND TABLE_NAME = \"actor\"") &&
	test "$next" = "$(jq ".tables[] | select(.name == \"actor\") | .auto_increment" dump/catalog.json)" &&
	got=$(pg -c "BEGIN; INSERT INTO \"$db\".actor (first_name, last_name, last_update)
		VALUES ('"'A'"', '"'B'"', now()) RETURNING actor_id; ROLLBACK") &&
	test "$got" = "$next"
'

test_expect_success 'clean up' '
	cleanup
'

test_done
