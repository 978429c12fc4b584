#!/usr/bin/env bash
# t0540-migrate: scripts/cham-migrate moves Sakila while a writer keeps changing it (rentals,
# payments, returns, deletes) through dump, load and replication; the writer stops, SIGUSR1
# cuts over, every table is verified equal and the target detached: afterwards an INSERT
# without its id works in every table with an identity column. Also --cutover-at, the
# usage errors (exit 2) and a failing step (exit 1).
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0540_sakila
small=t0540_small
tgt="$CHAM_TARGET"
migrate=$CHAM_TOP/scripts/cham-migrate
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
[ -r "$CHAM_DATA/sakila/sakila-schema.sql" ] || skip_all "no Sakila files in \"$CHAM_DATA/sakila\""
[ -x "$CHAM_BIN/cham-detach" ] || skip_all "no cham-detach in \"$CHAM_BIN\""

# writer: one transaction after another through one client session until the file "stop"
# exists; the number of transactions goes to "writes".
writer()
{
	local i=0
	{
		while [ ! -e stop ]; do
			i=$((i + 1))
			echo "START TRANSACTION;
				INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
					VALUES (NOW() + INTERVAL $i SECOND, 1 + $i % 4581, 1 + $i % 599, 1 + $i % 2);
				INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
					VALUES (1 + $i % 599, 1 + $i % 2, LAST_INSERT_ID(), 0.99 + $i % 5, NOW());
				UPDATE rental SET return_date = NOW() WHERE rental_id = 1 + ($i * 37) % 16000;
				COMMIT;"
			if [ $((i % 7)) -eq 0 ]; then echo "DELETE FROM payment WHERE payment_id = 1 + ($i * 11) % 16000;"; fi
			# InnoDB sets payment.rental_id to NULL without logging it: PostgreSQL's key does it again.
			if [ $((i % 13)) -eq 0 ]; then echo "DELETE FROM rental WHERE rental_id = 2 + ($i * 17) % 16000;"; fi
			sleep 0.01
		done
		echo "$i" >writes
	} | mysql_root "$db"
}

# source_status NAME, source_position NAME: what sch_chameleon says of a source.
source_status()
{
	pg_user -v name="$1" <<<"SELECT status FROM sch_chameleon.sources WHERE source_name = :'name'"
}
source_position()
{
	pg_user -v name="$1" <<<"SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions WHERE source_name = :'name'"
}

# foreign_keys SCHEMA [not-valid]: how many foreign keys the schema has (not validated ones).
foreign_keys()
{
	pg_user -v schema="$1" -v only="${2:-all}" <<<"SELECT count(*) FROM pg_constraint
		WHERE contype = 'f' AND connamespace = to_regnamespace(:'schema')
		  AND (:'only' = 'all' OR NOT convalidated)"
}

# identity_inserts SCHEMA: one INSERT per table of SCHEMA with an identity (or serial)
# column: a copy of its last row without the id, the columns under Sakila's unique indexes
# (rental's rental_date, store's manager_staff_id) moved out of the way.
identity_inserts()
{
	pg_user -v schema="$1" <<'EOF'
SELECT format('INSERT INTO %I.%I (%s) SELECT %s FROM %I.%I ORDER BY %I DESC LIMIT 1 RETURNING %L, %I;',
	c.table_schema, c.table_name,
	(SELECT string_agg(quote_ident(o.column_name), ', ' ORDER BY o.ordinal_position)
	   FROM information_schema.columns o
	  WHERE o.table_schema = c.table_schema AND o.table_name = c.table_name AND o.column_name <> c.column_name),
	(SELECT string_agg(CASE
			WHEN c.table_name = 'rental' AND o.column_name = 'rental_date'
				THEN 'rental_date + interval ''100 years'''
			WHEN c.table_name = 'store' AND o.column_name = 'manager_staff_id'
				THEN format('(SELECT max(staff_id) FROM %I.staff)', c.table_schema)
			ELSE quote_ident(o.column_name) END, ', ' ORDER BY o.ordinal_position)
	   FROM information_schema.columns o
	  WHERE o.table_schema = c.table_schema AND o.table_name = c.table_name AND o.column_name <> c.column_name),
	c.table_schema, c.table_name, c.column_name, c.table_name, c.column_name)
  FROM information_schema.columns c
 WHERE c.table_schema = :'schema' AND (c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%')
 ORDER BY c.table_name
EOF
}

# wait_for_line FILE TEXT PID: until FILE holds TEXT (at most 3 minutes), failing when PID ends first.
wait_for_line()
{
	local n=0
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || { echo "ended before \"$2\""; cat "$1"; return 1; }
		n=$((n + 1))
		[ "$n" -lt 1800 ] || { echo "no \"$2\" after 3 minutes"; cat "$1"; return 1; }
		sleep 0.1
	done
}

test_expect_success 'Sakila in MariaDB, nothing in PostgreSQL' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS $small CASCADE" \
		-c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db" &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-schema.sql" | mysql_root &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-data.sql" | mysql_root &&
	test "$(mysql_root "$db" -e "SELECT COUNT(*) FROM rental")" = 16044
'

test_expect_success 'cham-migrate --cutover-on-signal under a writer: exit 0 after SIGUSR1' '
	rm -f stop writes
	writer &
	writer_pid=$!
	sleep 1
	"$migrate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --cutover-on-signal \
		--work-dir work --jobs 2 --bin "$CHAM_BIN" 2>migrate.log &
	migrate_pid=$!
	wait_for_line migrate.log "replicating until SIGUSR1" "$migrate_pid" &&
	sleep 2 &&
	touch stop &&
	wait "$writer_pid" &&
	echo "the writer committed $(cat writes) transactions" &&
	test "$(cat writes)" -gt 50 &&
	kill -USR1 "$migrate_pid" &&
	rc=0 &&
	{ wait "$migrate_pid" || rc=$?; } &&
	cat migrate.log &&
	test "$rc" = 0
'

test_expect_success 'the writes after the snapshot came through the replication' '
	grep "== dump: 16 tables" migrate.log &&
	grep -E "replicated +[1-9][0-9]* transactions" migrate.log &&
	test "$(pg_user -c "SELECT count(*) FROM $db.rental")" = "$(mysql_root "$db" -e "SELECT COUNT(*) FROM rental")" &&
	test "$(pg_user -c "SELECT max(payment_id) FROM $db.payment")" -gt 16049
'

test_expect_success 'every table verified equal, the cut-over position is where the target stands' '
	grep -E "verify +equal: 16 of 16 tables" migrate.log &&
	test "$(grep -c -E "^$db\.[a-z_]+ +[0-9]+ +[0-9]+ +equal$" migrate.log)" = 16 &&
	pos=$(sed -n "s/.*cut-over position: //p" migrate.log) &&
	test -n "$pos" &&
	test "$(source_position default)" = "$pos"
'

test_expect_success 'detached: the source so marked, no foreign key left NOT VALID' '
	grep -E "detach +done" migrate.log &&
	test "$(source_status default)" = detached &&
	test "$(foreign_keys "$db")" -ge 20 &&
	test "$(foreign_keys "$db" not-valid)" = 0
'

test_expect_success 'an INSERT without its id works in every table with an identity column' '
	identity_inserts "$db" >inserts.sql &&
	cat inserts.sql &&
	test "$(wc -l <inserts.sql)" -ge 13 &&
	pg_user -f inserts.sql >inserted.out &&
	cat inserted.out &&
	test "$(grep -c . inserted.out)" = "$(wc -l <inserts.sql)" &&
	grep "^rental|" inserted.out && grep "^payment|" inserted.out && grep "^store|" inserted.out
'

test_expect_success 'cham-migrate --cutover-at FILE:POS, another source and schema' '
	mysql_root -e "DROP DATABASE IF EXISTS $small; CREATE DATABASE $small;
		CREATE TABLE $small.t (id int AUTO_INCREMENT PRIMARY KEY, v text);
		INSERT INTO $small.t (v) VALUES (1), (2), (3)" &&
	pos=$(mysql_root -e "SHOW MASTER STATUS" | cut -f 1,2 | tr "\t" :) &&
	"$migrate" --source-name small --source "$CHAM_SOURCE_URI/$small" --target "$tgt" \
		--cutover-at "$pos" --bin "$CHAM_BIN" 2>small.log ||
		{ cat small.log; false; } &&
	cat small.log &&
	grep -E "cut-over +at $pos" small.log &&
	grep -E "verify +equal: 1 of 1 tables" small.log &&
	test "$(source_status small)" = detached &&
	pg_user -c "INSERT INTO $small.t (v) VALUES (4) RETURNING id" >id.out &&
	test "$(cat id.out)" = 4
'

test_expect_code 2 'no --source: exit 2' '
	"$migrate" --target "$tgt"
'

test_expect_code 2 'two cut-over modes: exit 2' '
	"$migrate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --no-cutover --cutover-on-signal
'

test_expect_code 2 '--cutover-at without a position: exit 2' '
	"$migrate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --cutover-at mysql-bin.000001
'

test_expect_code 2 'an unknown option: exit 2' '
	"$migrate" --source "$CHAM_SOURCE_URI/$db" --target "$tgt" --no-such-option
'

test_expect_success 'a target that cannot be reached: exit 1, the pre-flight named, nothing dumped' '
	rc=0 &&
	{ "$migrate" --source "$CHAM_SOURCE_URI/$db" --target "host=127.0.0.1 port=1 dbname=x connect_timeout=2" \
		--work-dir bad --bin "$CHAM_BIN" 2>bad.log || rc=$?; } &&
	cat bad.log &&
	test "$rc" = 1 &&
	grep "pre-flight failed" bad.log &&
	test ! -e bad/dump
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS $small CASCADE" \
		-c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS $small"
'

test_done
