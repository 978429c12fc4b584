# lib-types.sh: comparing the type matrix value by value between MariaDB and PostgreSQL, for
# the tests that carry it over (t0110 by dump and psql, t0210 by cham-load). Sourced after
# lib.sh; the test defines my (mariadb as root), pg (psql as the target's role) and $db.

# compare_values TABLE: reads "COLUMN;MYSQL-EXPR;PG-EXPR;LABEL" lines on stdin (@ stands for
# the quoted column; empty expressions are CAST(@ AS CHAR) and @::text; LABEL defaults to
# COLUMN), gets "id<TAB>label<TAB>value" for every value of $db.TABLE from both servers (NULL
# as <NULL>) and compares them, whatever the row order.
compare_values()
{
	local table=$1 col myx pgx label my_sql='' pg_sql=''
	while IFS=';' read -r col myx pgx label; do
		[ -n "$col" ] || continue
		myx=${myx:-CAST(@ AS CHAR)}
		pgx=${pgx:-@::text}
		label=${label:-$col}
		myx=${myx//@/\`$col\`}
		pgx=${pgx//@/\"$col\"}
		my_sql="${my_sql:+$my_sql UNION ALL }SELECT id, '$label', COALESCE($myx, '<NULL>') FROM \`$db\`.\`$table\`"
		pg_sql="${pg_sql:+$pg_sql UNION ALL }SELECT id, '$label', COALESCE(($pgx)::text, '<NULL>') FROM \"$db\".\"$table\""
	done
	my -e "SET time_zone = '+00:00'; SET sql_mode = ''; $my_sql" | LC_ALL=C sort >"cmp.$table.mysql" &&
	pg -c "$pg_sql" | LC_ALL=C sort >"cmp.$table.pg" &&
	test -s "cmp.$table.mysql" &&
	test_cmp "cmp.$table.mysql" "cmp.$table.pg"
}

# compare_floats TABLE COLUMN...: FLOAT and DOUBLE values compared exactly. MariaDB gives each
# as a DOUBLE in its shortest exact text (a FLOAT's own text has 6 digits only); PostgreSQL
# reads that text back as float8 and prints it next to its own value as float8, so equal
# texts mean equal bits (+ 0 folds -0 into 0, which MariaDB does not keep apart either).
compare_floats()
{
	local table=$1 col my_sql='' pg_sql=''
	shift
	for col; do
		my_sql="${my_sql:+$my_sql UNION ALL }SELECT id, '$col', COALESCE(CAST(CAST(\`$col\` AS DOUBLE) AS CHAR(64)), '<NULL>') FROM \`$db\`.\`$table\`"
		pg_sql="${pg_sql:+$pg_sql UNION ALL }SELECT id, '$col', COALESCE((\"$col\"::float8 + 0)::text, '<NULL>') FROM \"$db\".\"$table\""
	done
	my -e "$my_sql" >"floats.$table.mysql-text" &&
	pg -f - >"floats.$table.mysql" <<-EOF &&
	CREATE TEMP TABLE myf (id int, col text, v text);
	\\copy myf FROM '$PWD/floats.$table.mysql-text'
	SELECT id, col, CASE WHEN v = '<NULL>' THEN v ELSE (v::float8 + 0)::text END FROM myf;
	EOF
	pg -c "$pg_sql" >"floats.$table.pg" &&
	LC_ALL=C sort -o "floats.$table.mysql" "floats.$table.mysql" &&
	LC_ALL=C sort -o "floats.$table.pg" "floats.$table.pg" &&
	test -s "floats.$table.mysql" &&
	test_cmp "floats.$table.mysql" "floats.$table.pg"
}

# Canonical forms. Strings: the hex of their UTF-8 bytes (their length and md5 when they have
# more than 1000). Dates: NULL for MariaDB's zero and
# impossible dates, astronomical year 0 as PostgreSQL's 1 BC. TIME: signed seconds.
my_utf8='CONVERT(@ USING utf8mb4)'
my_text="IF(LENGTH($my_utf8) > 1000, CONCAT(LENGTH($my_utf8), ' bytes, md5 ', MD5($my_utf8)), LOWER(HEX($my_utf8)))"
pg_utf8="convert_to(@::text, 'UTF8')"
pg_text="CASE WHEN octet_length($pg_utf8) > 1000 THEN octet_length($pg_utf8) || ' bytes, md5 ' || md5($pg_utf8) ELSE encode($pg_utf8, 'hex') END"
my_hex='LOWER(HEX(@))'
pg_hex='encode(@, '\''hex'\'')'
my_bad_date='MONTH(@) = 0 OR DAYOFMONTH(@) = 0 OR DAYOFMONTH(@) > DAYOFMONTH(LAST_DAY(@))'
my_date="CASE WHEN $my_bad_date THEN NULL WHEN YEAR(@) = 0 THEN CONCAT('0001', SUBSTRING(CAST(@ AS CHAR), 5), ' BC') ELSE CAST(@ AS CHAR) END"
pg_date='@::text'
pg_dt6='to_char(@, '\''YYYY-MM-DD HH24:MI:SS.US'\'') || CASE WHEN @ < '\''0001-01-01'\'' THEN '\'' BC'\'' ELSE '\'''\'' END'
pg_dt0='to_char(@, '\''YYYY-MM-DD HH24:MI:SS'\'') || CASE WHEN @ < '\''0001-01-01'\'' THEN '\'' BC'\'' ELSE '\'''\'' END'
pg_ts6='to_char(@ AT TIME ZONE '\''UTC'\'', '\''YYYY-MM-DD HH24:MI:SS.US'\'')'
my_time='CAST(TIME_TO_SEC(@) AS DECIMAL(20,6))'
pg_time='extract(epoch FROM @)::numeric(20,6)'
