#!/usr/bin/env bash
# t0500-detach: after cham-dump, cham-load and stream | apply of Sakila (plus tables whose
# names need quoting), cham-detach sets every identity sequence past its data (an insert
# without an id works in every such table), validates the NOT VALID foreign keys (an orphan
# row is reported, the other keys still validated), marks the source detached or drops its
# state, is safe to run again, and refuses an unknown source without changing anything.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0500_detach
tgt="$CHAM_TARGET"
export PGCLIENTENCODING=UTF8
[ -r "$CHAM_DATA/sakila/sakila-schema.sql" ] || skip_all "no Sakila files in \"$CHAM_DATA/sakila\""

# The target database, as the superuser (session_replication_role needs one).
pg_admin_target()
{
	pg_admin -d "$CHAM_PG_ADMIN dbname=$(pg_user -c "SELECT current_database()")" "$@"
}

reset_target()
{
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null
}

# Tables with an identity column in the schema: "table<TAB>column", sorted.
identity_tables()
{
	pg_user -F "$(printf '\t')" -c "SELECT c.relname, a.attname FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = '$db' AND a.attidentity <> '' ORDER BY 1"
}

# Inserts one row without its id into every table with an identity column: a copy of the
# row of the smallest id, the identity column left to its sequence. rental and store have
# another unique key a copy would break; they get rows of their own.
cat >insert-new-rows.sql <<'EOF'
SET search_path = :"schema";
DO $body$
DECLARE
	r record;
	cols text;
BEGIN
	FOR r IN SELECT c.oid::regclass AS tab, a.attname AS id FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND a.attidentity <> '' AND c.relname NOT IN ('rental', 'store')
	LOOP
		SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
			WHERE attrelid = r.tab AND attnum > 0 AND NOT attisdropped AND attidentity = '' AND attgenerated = '';
		EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY %I LIMIT 1', r.tab, cols, cols, r.tab, r.id);
	END LOOP;
END
$body$;
INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES ('2030-01-01 10:00:00', 1, 1, 1);
INSERT INTO store (manager_staff_id, address_id) SELECT max(staff_id), 1 FROM staff;
EOF

test_expect_success 'setup: Sakila and awkward names in MariaDB, dumped and loaded' '
	reset_target &&
	mysql_root -e "DROP DATABASE IF EXISTS $db" &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-schema.sql" | mysql_root &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-data.sql" | mysql_root &&
	mysql_root --default-character-set=utf8mb4 "$db" -e "
		CREATE TABLE \`odd \"name\"\` (\`the id\` int AUTO_INCREMENT PRIMARY KEY, \`select\` varchar(20));
		CREATE TABLE \`Ünïcødé tåble\` (\`order\` bigint AUTO_INCREMENT PRIMARY KEY, v int);
		CREATE TABLE \`child of odd\` (id int PRIMARY KEY, \`odd id\` int,
			CONSTRAINT \`to odd \"name\"\` FOREIGN KEY (\`odd id\`) REFERENCES \`odd \"name\"\` (\`the id\`));
		INSERT INTO \`odd \"name\"\` (\`select\`) VALUES (\"a\"), (\"b\"), (\"c\");
		INSERT INTO \`Ünïcødé tåble\` (v) VALUES (1), (2);
		INSERT INTO \`child of odd\` VALUES (1, 1), (2, NULL)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	cham-load -q --target "$tgt" --source-name sakila dump &&
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''sakila'\''")" = loaded
'

test_expect_success 'stream | apply of inserts with ids leaves the sequences behind the data' '
	mysql_root --default-character-set=utf8mb4 "$db" -e "
		INSERT INTO actor (first_name, last_name) VALUES (\"NEW\", \"ONE\"), (\"NEW\", \"TWO\");
		INSERT INTO \`odd \"name\"\` (\`select\`) VALUES (\"d\");
		INSERT INTO \`Ünïcødé tåble\` (v) VALUES (3)" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --source-name sakila --stop-when-idle |
		cham-apply -q --target "$tgt" --source-name sakila &&
	test "$(pg_user -c "SELECT max(actor_id) FROM $db.actor")" = 202 &&
	test "$(pg_user -c "SELECT max(\"the id\") FROM $db.\"odd \"\"name\"\"\"")" = 4 &&
	identity_tables >identity.before &&
	cat identity.before &&
	test "$(wc -l <identity.before)" = 15 &&
	! pg_user -c "INSERT INTO $db.actor (first_name, last_name) VALUES ('\''CLASH'\'', '\''X'\'')" 2>clash.err &&
	grep -q "duplicate key" clash.err
'

test_expect_success 'the foreign keys are NOT VALID after the load' '
	test "$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\'' AND NOT convalidated")" = 23
'

test_expect_success 'unknown source: exit 2, nothing changed' '
	pg_user -c "SELECT status, updated_at FROM sch_chameleon.sources" >state.before &&
	pg_user -c "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = '\''$db'\'' ORDER BY 1" >seq.before &&
	rc=0 && cham-detach --target "$tgt" --source-name nosuch 2>unknown.err || rc=$? &&
	cat unknown.err &&
	test "$rc" = 2 &&
	grep -q "source \"nosuch\" is unknown" unknown.err &&
	grep -q "\"sakila\"" unknown.err &&
	pg_user -c "SELECT status, updated_at FROM sch_chameleon.sources" >state.after &&
	test_cmp state.before state.after &&
	pg_user -c "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = '\''$db'\'' ORDER BY 1" >seq.after &&
	test_cmp seq.before seq.after &&
	test "$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\'' AND convalidated")" = 0 &&
	rc=0 && cham-detach --target "$tgt" 2>default.err || rc=$? &&
	test "$rc" = 2 && grep -q "source \"default\" is unknown" default.err
'

test_expect_success 'bad options or config: exit 2' '
	rc=0 && cham-detach --target "$tgt" --source-name sakila --no-such-option 2>/dev/null || rc=$? &&
	test "$rc" = 2 &&
	rc=0 && cham-detach --source-name sakila 2>notarget.err || rc=$? &&
	test "$rc" = 2 && grep -q "no target" notarget.err &&
	printf "sources:\n  sakila: [unclosed\n" >bad.yaml &&
	rc=0 && cham-detach -c bad.yaml --target "$tgt" 2>badcfg.err || rc=$? &&
	test "$rc" = 2 && grep -q "bad.yaml:3" badcfg.err &&
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''sakila'\''")" = stopped
'

test_expect_success 'a planted orphan: reported with its key, exit 1, the other keys validated, the source detached' '
	pg_user -c "UPDATE sch_chameleon.sources SET status = '\''replicating'\''" &&
	pg_admin_target -c "SET session_replication_role = replica" \
		-c "INSERT INTO $db.film_actor (actor_id, film_id) VALUES (9999, 1)" &&
	fk=$(pg_user -c "SELECT conname FROM pg_constraint WHERE conrelid = '\''$db.film_actor'\''::regclass
		AND confrelid = '\''$db.actor'\''::regclass") &&
	echo "orphan against $fk" &&
	rc=0 && cham-detach --target "$tgt" --source-name sakila 2>detach1.err || rc=$? &&
	cat detach1.err &&
	test "$rc" = 1 &&
	grep -q "warning: source \"sakila\" is replicating" detach1.err &&
	grep "could not validate foreign key \"$fk\" of table \"$db.film_actor\"" detach1.err &&
	grep -q "(actor_id)=(9999)" detach1.err &&
	grep -q "foreign keys validated: 22, failed: 1" detach1.err &&
	test "$(pg_user -c "SELECT string_agg(conname, '\'','\'') FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\'' AND NOT convalidated")" = "$fk" &&
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''sakila'\''")" = detached &&
	test "$(pg_user -c "SELECT updated_at > now() - interval '\''1 minute'\'' FROM sch_chameleon.sources")" = t
'

test_expect_success 'an insert without an id works in every table with an identity column' '
	identity_tables >identity.now &&
	test_cmp identity.before identity.now &&
	for t in actor payment rental "odd \"name\"" "Ünïcødé tåble"; do
		pg_user -c "SELECT count(*) FROM $db.\"${t//\"/\"\"}\""
	done >counts.before &&
	pg_user -v schema="$db" -f insert-new-rows.sql &&
	for t in actor payment rental "odd \"name\"" "Ünïcødé tåble"; do
		pg_user -c "SELECT count(*) - 1 FROM $db.\"${t//\"/\"\"}\""
	done >counts.after &&
	test_cmp counts.before counts.after &&
	test "$(pg_user -c "INSERT INTO $db.\"odd \"\"name\"\"\" (\"select\") VALUES ('\''f'\'') RETURNING \"the id\"")" = 6 &&
	test "$(pg_user -c "INSERT INTO $db.actor (first_name, last_name) VALUES ('\''A'\'', '\''B'\'') RETURNING actor_id")" = 204 &&
	test "$(pg_user -c "INSERT INTO $db.\"Ünïcødé tåble\" (v) VALUES (9) RETURNING \"order\"")" = 5
'

test_expect_success 'a second run after fixing the orphan validates the last key and exits 0' '
	pg_user -c "DELETE FROM $db.film_actor WHERE actor_id = 9999" &&
	cham-detach --target "$tgt" --source-name sakila 2>detach2.err &&
	cat detach2.err &&
	grep -q "foreign keys validated: 1, failed: 0" detach2.err &&
	test "$(pg_user -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = '\''$db'\'' AND contype = '\''f'\'' AND NOT convalidated")" = 0 &&
	test "$(pg_user -c "INSERT INTO $db.actor (first_name, last_name) VALUES ('\''C'\'', '\''D'\'') RETURNING actor_id")" = 205
'

test_expect_success 'a third run, from a config naming the target and the one source, does the same harmless work and exits 0' '
	printf "target: \"%s\"\nsources:\n  sakila:\n    type: mysql\n" "$tgt" >detach.yaml &&
	cham-detach -c detach.yaml 2>detach3.err &&
	cat detach3.err &&
	grep -q "sequences reset: 15, failed: 0; foreign keys validated: 0, failed: 0" detach3.err &&
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''sakila'\''")" = detached &&
	test "$(pg_user -c "INSERT INTO $db.actor (first_name, last_name) VALUES ('\''E'\'', '\''F'\'') RETURNING actor_id")" = 206
'

test_expect_success 'an empty table: its sequence starts at 1' '
	pg_user -c "DELETE FROM $db.\"Ünïcødé tåble\"" &&
	cham-detach -q --target "$tgt" --source-name sakila &&
	test "$(pg_user -c "INSERT INTO $db.\"Ünïcødé tåble\" (v) VALUES (1) RETURNING \"order\"")" = 1
'

test_expect_success 'a detached target takes no more changes: cham-apply refuses, exit 2' '
	mysql_root "$db" -e "INSERT INTO actor (first_name, last_name) VALUES (\"LATE\", \"ONE\")" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --source-name sakila --stop-when-idle >late.jsonl &&
	rc=0 && cham-apply -q --target "$tgt" --source-name sakila --input late.jsonl 2>err || rc=$? &&
	cat err &&
	test "$rc" = 2 &&
	grep -q "source \"sakila\" is detached" err &&
	test "$(pg_user -c "SELECT count(*) FROM $db.actor WHERE first_name = '\''LATE'\''")" = 0
'

test_expect_success '--drop-state removes the source state, and sch_chameleon with the last source' '
	pg_user -c "INSERT INTO sch_chameleon.sources (source_name, status) VALUES ('\''other'\'', '\''loaded'\'')" \
		-c "INSERT INTO sch_chameleon.discarded_rows (source_name, operation, error) VALUES ('\''sakila'\'', '\''insert'\'', '\''x'\''), ('\''other'\'', '\''insert'\'', '\''y'\'')" \
		-c "INSERT INTO sch_chameleon.ddl_log (source_name, statement, applied) VALUES ('\''sakila'\'', '\''x'\'', false)" &&
	cham-detach --target "$tgt" --source-name sakila --drop-state 2>drop1.err &&
	cat drop1.err &&
	test "$(pg_user -c "SELECT (SELECT count(*) FROM sch_chameleon.sources WHERE source_name = '\''sakila'\'')
		+ (SELECT count(*) FROM sch_chameleon.positions WHERE source_name = '\''sakila'\'')
		+ (SELECT count(*) FROM sch_chameleon.tables WHERE source_name = '\''sakila'\'')
		+ (SELECT count(*) FROM sch_chameleon.discarded_rows WHERE source_name = '\''sakila'\'')
		+ (SELECT count(*) FROM sch_chameleon.ddl_log WHERE source_name = '\''sakila'\'')")" = 0 &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.discarded_rows WHERE source_name = '\''other'\''")" = 1 &&
	rc=0 && cham-detach --target "$tgt" --source-name sakila 2>gone.err || rc=$? &&
	test "$rc" = 2 &&
	cham-detach -q --target "$tgt" --source-name other --drop-state &&
	test "$(pg_user -c "SELECT count(*) FROM pg_namespace WHERE nspname = '\''sch_chameleon'\''")" = 0 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.actor")" = 206
'

test_expect_success 'no sch_chameleon: exit 2' '
	rc=0 && cham-detach --target "$tgt" --source-name sakila 2>nostate.err || rc=$? &&
	cat nostate.err &&
	test "$rc" = 2 &&
	grep -q "schema \"sch_chameleon\" does not exist" nostate.err
'

test_expect_success 'clean up' '
	reset_target && mysql_root -e "DROP DATABASE $db"
'

test_done
