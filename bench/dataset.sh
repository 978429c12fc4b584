#!/usr/bin/env bash
# bench/dataset.sh: builds the benchmark dataset in the sandbox's MariaDB database `bench`
# (or CHAM_BENCH_DB: the load benchmark may use a second one, `bench_load`, at its own scale).
#
#   eval "$(scripts/cham-sandbox env)"; bench/dataset.sh
#   CHAM_BENCH_DB=bench_load CHAM_BENCH_SCALE=1 bench/dataset.sh
#
# The dataset, at scale S (CHAM_BENCH_SCALE, default 5, fractions allowed), in database DB:
#   DB.sbtest1..4  sysbench's oltp_common tables (`sysbench oltp_read_write prepare`),
#                  1,000,000 x S rows each (id, k, c char(120), pad char(60))
#   DB.wide        200,000 x S rows of mixed types (int, bigint unsigned, decimal, double,
#                  utf8mb4 varchar, ~1 KB text, datetime(6), timestamp, date, enum, json,
#                  varbinary, blob; nullable columns with NULLs), from the Sequence engine,
#                  and parent_id, a foreign key to wide(id) itself (row n's parent is n/2),
#                  so that a load has a foreign key (and its index) to create
# Scale 1 is about 1 GB of CSV; at 5, mydumper takes 20-40 s on 2 cores.  The parameters
# of each built database are in the marker table bench_meta.dataset, a row per database
# (outside them, so that the dumps leave it out); when they match, nothing is rebuilt.
# CHAM_BENCH_REBUILD=1 rebuilds anyway.
#
# Connects as the MariaDB root user with the option file $CHAM_MYSQL_ROOT_CNF (no password
# on any command line: sysbench gets it through MYSQL_PWD in its environment).
# Prints nothing on stdout; progress goes to stderr.
set -euo pipefail

prog=bench/dataset.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# Bump when the shape of the dataset changes, so that an older one is rebuilt.
# (2: wide.parent_id, the foreign key; the marker table has a row per database.)
dataset_version=2

: "${CHAM_MYSQL_ROOT_CNF:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
[ -r "$CHAM_MYSQL_ROOT_CNF" ] || die "cannot read $CHAM_MYSQL_ROOT_CNF"

scale=${CHAM_BENCH_SCALE:-5}
db=${CHAM_BENCH_DB:-bench}
case $db in
bench_meta | *[!a-z0-9_]* | '') die "CHAM_BENCH_DB must be a database name in [a-z0-9_], not \"$db\"" ;;
esac
case $scale in
'' | *[!0-9.]* | *.*.* | .) die "CHAM_BENCH_SCALE must be a positive number, not \"$scale\"" ;;
esac
# rows PER_SCALE_1 MIN: the row count at this scale
rows()
{
	awk -v s="$scale" -v n="$1" -v min="$2" 'BEGIN { r = int(s * n + 0.5); if (r < min) r = min; print r }'
}
sb_tables=4
sb_rows=$(rows 1000000 1000)
wide_rows=$(rows 200000 200)
params="v$dataset_version sbtest=${sb_tables}x$sb_rows wide=$wide_rows"

mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"

# sql: runs SQL from stdin (or -e) as root, batch mode, no column names.
sql()
{
	"$mariadb" --defaults-file="$CHAM_MYSQL_ROOT_CNF" --default-character-set=utf8mb4 -N -B "$@"
}

# (A marker table of version 1, without the column db, fails the query: rebuilt.)
have=$(sql -e "SELECT params FROM bench_meta.dataset WHERE db = '$db'" 2>/dev/null || true)
if [ "$have" = "$params" ] && [ "${CHAM_BENCH_REBUILD:-0}" != 1 ]; then
	note "dataset $db at scale $scale already built ($params)"
	exit 0
fi

t0=$SECONDS
note "building the dataset $db at scale $scale ($params)"
# The marker goes first (an interrupted build is rebuilt next time); one of version 1 is
# replaced by the table with a row per database.
sql <<EOF
CREATE DATABASE IF NOT EXISTS bench_meta;
CREATE TABLE IF NOT EXISTS bench_meta.dataset (db VARCHAR(64) NOT NULL PRIMARY KEY,
  params VARCHAR(200) NOT NULL, scale VARCHAR(20) NOT NULL, total_rows BIGINT NOT NULL,
  built_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
EOF
if [ "$(sql -e "SELECT COUNT(*) FROM information_schema.COLUMNS
	WHERE TABLE_SCHEMA = 'bench_meta' AND TABLE_NAME = 'dataset' AND COLUMN_NAME = 'db'")" = 0 ]; then
	sql -e "DROP TABLE bench_meta.dataset"
	sql -e "CREATE TABLE bench_meta.dataset (db VARCHAR(64) NOT NULL PRIMARY KEY,
  params VARCHAR(200) NOT NULL, scale VARCHAR(20) NOT NULL, total_rows BIGINT NOT NULL,
  built_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
fi
sql <<EOF
DELETE FROM bench_meta.dataset WHERE db = '$db';
DROP DATABASE IF EXISTS $db;
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
EOF

# --- the sysbench tables
command -v sysbench >/dev/null 2>&1 || die "sysbench not found (run scripts/install-deps --bench)"
root_user=$(cnf_value user)
root_pw=$(cnf_value password)
root_sock=$(cnf_value socket)
[ -n "$root_sock" ] || root_sock=${CHAM_MYSQL_SOCKET:-}
[ -n "$root_sock" ] || die "no socket in $CHAM_MYSQL_ROOT_CNF nor CHAM_MYSQL_SOCKET"
note "sysbench prepare: $sb_tables tables of $sb_rows rows"
log=$(mktemp "${TMPDIR:-/tmp}/cham-bench-sysbench.XXXXXX")
if ! MYSQL_PWD=$root_pw sysbench oltp_read_write --db-driver=mysql \
	--mysql-socket="$root_sock" --mysql-user="${root_user:-root}" --mysql-db="$db" \
	--tables="$sb_tables" --table-size="$sb_rows" --threads="$sb_tables" --rand-seed=1 prepare >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	rm -f "$log"
	die "sysbench prepare failed"
fi
rm -f "$log"
unset root_pw
note "sysbench prepare done in $((SECONDS - t0)) s"

# --- the wide table, in batches of 50,000 rows from the Sequence engine, out of the binlog
note "wide: $wide_rows rows of mixed types"
{
	cat <<EOF
SET SESSION sql_log_bin = 0;
USE $db;
CREATE TABLE wide (
  id          INT UNSIGNED NOT NULL,
  qty         INT NULL,
  big         BIGINT UNSIGNED NOT NULL,
  price       DECIMAL(12,2) NULL,
  score       DOUBLE NOT NULL,
  title       VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL,
  body        TEXT CHARACTER SET utf8mb4 NULL,
  created_at  DATETIME(6) NOT NULL,
  updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  birthday    DATE NULL,
  status      ENUM('new','active','suspended','closed') NOT NULL DEFAULT 'new',
  attrs       JSON NULL,
  token       VARBINARY(32) NULL,
  payload     BLOB NULL,
  parent_id   INT UNSIGNED NULL,
  PRIMARY KEY (id),
  KEY wide_created (created_at),
  CONSTRAINT wide_parent FOREIGN KEY (parent_id) REFERENCES wide (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
EOF
	lo=1
	while [ "$lo" -le "$wide_rows" ]; do
		hi=$((lo + 49999))
		[ "$hi" -le "$wide_rows" ] || hi=$wide_rows
		cat <<EOF
INSERT INTO wide
SELECT n,
  IF(n % 7 = 0, NULL, (n * 7919) % 200001 - 100000),
  18446744073709551615 - CAST(n AS UNSIGNED) * 1000003,
  IF(n % 11 = 0, NULL, ((n * 104729) % 1000000000000) / 100),
  SQRT(n) * PI() - n / 3,
  CONCAT('Ürün ', n, ' — naïve café «', MD5(n), '» 日本語 🐘',
         IF(n % 13 = 0, ' with "quotes", commas', '')),
  IF(n % 17 = 0, NULL,
     RPAD(CONCAT(SHA2(n, 256), '\n'), 1000, 'Lorem ipsum dolor sit amet, "consectetur" adipiscing élit; ')),
  TIMESTAMP'2020-01-01 00:00:00' + INTERVAL n * 37 SECOND + INTERVAL (n * 7) % 1000000 MICROSECOND,
  FROM_UNIXTIME(1600000000 + n * 13),
  IF(n % 5 = 0, NULL, DATE'1950-01-01' + INTERVAL n % 25000 DAY),
  ELT(1 + n % 4, 'new', 'active', 'suspended', 'closed'),
  IF(n % 9 = 0, NULL,
     JSON_OBJECT('id', n, 'name', CONCAT('n', n), 'tags', JSON_ARRAY('a', 'b', n % 10),
                 'ok', IF(n % 2 = 0, TRUE, FALSE), 'w', n / 8)),
  IF(n % 3 = 0, NULL, UNHEX(MD5(n))),
  IF(n % 4 = 0, NULL, UNHEX(REPEAT(SHA2(n, 256), 4))),
  IF(n % 6 = 0, NULL, NULLIF(n DIV 2, 0))
FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_${lo}_to_${hi}) AS s;
EOF
		lo=$((hi + 1))
	done
	echo "ANALYZE TABLE sbtest1, sbtest2, sbtest3, sbtest4, wide;"
	echo "INSERT INTO bench_meta.dataset (db, params, scale, total_rows)"
	echo "  VALUES ('$db', '$params', '$scale', $((sb_tables * sb_rows + wide_rows)));"
} | sql >/dev/null

note "dataset built in $((SECONDS - t0)) s"
