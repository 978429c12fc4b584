#!/usr/bin/env bash
# t0200-load-sakila: cham-dump then cham-load of Sakila: every table, key, index and foreign
# key in PostgreSQL, every table equal to MariaDB (cham-verify), the state recorded, and a
# re-run or a killed-and-re-run load ends the same.
. "$(dirname "$0")/lib.sh"

db=t0200_sakila
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
[ -r "$CHAM_DATA/sakila/sakila-schema.sql" ] || skip_all "no Sakila files in \"$CHAM_DATA/sakila\""

reset_target()
{
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null
}

test_expect_success 'Sakila is loaded into MariaDB and dumped' '
	mysql_root -e "DROP DATABASE IF EXISTS $db" &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-schema.sql" | mysql_root &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-data.sql" | mysql_root &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 3 --chunk-rows 3000 &&
	test -f dump/manifest.json
'

test_expect_success 'cham-load creates, loads and indexes every table' '
	reset_target &&
	cham-load --target "$CHAM_TARGET" --jobs 3 --source-name sakila dump 2>load.err &&
	grep -q "^total " load.err &&
	test "$(pg_user -c "SELECT count(*) FROM pg_tables WHERE schemaname = '\''$db'\''")" = 16
'

test_expect_success 'every primary key, index and foreign key of the catalog exists' '
	want_pk=$(jq "[.tables[] | select(any(.indexes[]; .primary))] | length" dump/catalog.json) &&
	want_fk=$(jq "[.tables[].foreign_keys[]] | length" dump/catalog.json) &&
	want_ix=$(jq "[.tables[].indexes[]] | length" dump/catalog.json) &&
	got_pk=$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '\''$db'\'' AND contype = '\''p'\''") &&
	got_fk=$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\''") &&
	got_ix=$(pg_user -c "SELECT count(*) FROM pg_indexes WHERE schemaname = '\''$db'\''") &&
	echo "pk $got_pk/$want_pk fk $got_fk/$want_fk indexes $got_ix/$want_ix" &&
	test "$got_pk" = "$want_pk" && test "$got_fk" = "$want_fk" && test "$got_ix" = "$want_ix"
'

test_expect_success 'every table equals MariaDB: counts and checksums' '
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$CHAM_TARGET" --dump dump >verify.out &&
	cat verify.out &&
	test "$(grep -c " equal$" verify.out)" = 16
'

test_expect_success 'cham-verify names a changed, a missing and an extra row' '
	pg_user -c "UPDATE $db.actor SET first_name = '\''CHANGED'\'' WHERE actor_id = 7" \
		-c "DELETE FROM $db.film_text WHERE film_id = 3" \
		-c "INSERT INTO $db.language (language_id, name) VALUES (99, '\''Klingon'\'')" &&
	rc=0 && "$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$CHAM_TARGET" --dump dump >verify2.out || rc=$? &&
	test "$rc" = 1 &&
	grep -q "only in PostgreSQL: (7,.*CHANGED" verify2.out &&
	grep -q "only in MySQL: (7," verify2.out &&
	grep -q "only in MySQL: (3," verify2.out &&
	grep -q "only in PostgreSQL: (99,.Klingon" verify2.out &&
	test "$(grep -c DIFFERENT verify2.out)" = 3
'

test_expect_success 'the source, its position and its tables are recorded' '
	file=$(jq -r .file dump/coordinates.json) && pos=$(jq -r .pos dump/coordinates.json) &&
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''sakila'\''")" = loaded &&
	test "$(pg_user -c "SELECT binlog_file || '\'':'\'' || binlog_pos FROM sch_chameleon.positions WHERE source_name = '\''sakila'\''")" = "$file:$pos" &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.tables WHERE source_name = '\''sakila'\'' AND binlog_pos = $pos")" = 16
'

test_expect_success 'a second run of the same load changes nothing' '
	reset_target &&
	cham-load -q --target "$CHAM_TARGET" --source-name sakila dump &&
	before=$(pg_user -c "SELECT sum(n) FROM (SELECT count(*) n FROM $db.rental UNION ALL SELECT count(*) FROM $db.payment) s") &&
	cham-load -q --target "$CHAM_TARGET" --source-name sakila dump &&
	after=$(pg_user -c "SELECT sum(n) FROM (SELECT count(*) n FROM $db.rental UNION ALL SELECT count(*) FROM $db.payment) s") &&
	test "$before" = "$after" &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$CHAM_TARGET" --dump dump >verify3.out &&
	test "$(grep -c " equal$" verify3.out)" = 16
'

test_expect_success 'a load killed half-way completes when run again' '
	reset_target &&
	# The state tables, and the source, exist; another session then holds an uncommitted
	# row for table store (the smallest, loaded last with --jobs 1), so the load stops
	# there with every other table committed: the kill lands in the middle of the data.
	rc=0
	cham-load -q --target "$CHAM_TARGET" --table none.none - </dev/null 2>/dev/null || rc=$?
	test "$rc" = 2
	pg_user -c "INSERT INTO sch_chameleon.sources (source_name, status) VALUES ('\''sakila'\'', '\''loading'\'')"
	pg_user -c "BEGIN; INSERT INTO sch_chameleon.tables (source_name, source_schema, source_table, pg_schema, pg_table) VALUES ('\''sakila'\'', '\''$db'\'', '\''store'\'', '\''$db'\'', '\''store'\''); SELECT pg_sleep(60) /* t0200 blocker */" >/dev/null 2>&1 &
	blocker=$!
	cham-load -q --target "$CHAM_TARGET" --jobs 1 --source-name sakila dump 2>killed.err &
	loader=$!
	for i in $(seq 1 200); do
		n=$(pg_user -c "SELECT count(*) FROM sch_chameleon.tables WHERE status = '\''loaded'\''")
		[ "$n" -ge 15 ] && break
		sleep 0.1
	done
	test "$n" = 15
	kill -9 "$loader" &&
	pg_admin -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '\''%t0200 blocker%'\'' AND pid <> pg_backend_pid()" >/dev/null &&
	{ wait "$loader" "$blocker" || true; } &&
	test "$(pg_user -c "SELECT count(*) FROM $db.store")" = 0 &&
	cham-load -q --target "$CHAM_TARGET" --source-name sakila dump &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$CHAM_TARGET" --dump dump >verify4.out &&
	test "$(grep -c " equal$" verify4.out)" = 16 &&
	test "$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\''")" = 22
'

test_expect_success 'a table piped from cham-dump into cham-load' '
	pg_user -c "CREATE TABLE $db.actor_copy (LIKE $db.actor)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI" --table "$db.actor" --stdout |
		cham-load -q --target "$CHAM_TARGET" --table "$db.actor_copy" - &&
	test "$(pg_user -c "SELECT count(*) FROM (SELECT * FROM $db.actor_copy EXCEPT SELECT * FROM $db.actor) d")" = 0 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.actor_copy")" = 200
'

test_expect_success 'clean up' '
	reset_target && mysql_root -e "DROP DATABASE $db"
'

test_done
