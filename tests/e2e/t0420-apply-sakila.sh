#!/usr/bin/env bash
# t0420-apply-sakila: Sakila migrated, then changed on the source: rentals and payments,
# returns, and deletes whose effects MySQL does not log (ON DELETE SET NULL from rental to
# payment, done by InnoDB); after stream | apply both sides are equal, table by table.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0420_sakila
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
[ -r "$CHAM_DATA/sakila/sakila-schema.sql" ] || skip_all "no Sakila files in \"$CHAM_DATA/sakila\""

test_expect_success 'Sakila dumped and loaded' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db" &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-schema.sql" | mysql_root &&
	sed "s/\bsakila\b/$db/g" "$CHAM_DATA/sakila/sakila-data.sql" | mysql_root &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'rentals, payments, returns and cascading deletes, then stream | apply: equal' '
	for k in $(seq 1 50); do
		echo "BEGIN;
			INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) VALUES (NOW() + INTERVAL $k SECOND, $k, $k, 1);
			INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) VALUES ($k, 1, LAST_INSERT_ID(), 2.99, NOW());
			UPDATE rental SET return_date = NOW() WHERE rental_id = $((k * 13));
			COMMIT;"
	done | mysql_root "$db" &&
	mysql_root "$db" -e "DELETE FROM rental WHERE rental_id IN (1, 2, 3, 4, 5);
		DELETE FROM film_actor WHERE actor_id = 1;
		UPDATE customer SET email = NULL WHERE customer_id < 10" &&
	test "$(mysql_root "$db" -e "SELECT COUNT(*) FROM payment WHERE rental_id IS NULL")" -ge 5 &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle |
		cham-apply -q --target "$tgt" &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out &&
	cat verify.out &&
	test "$(grep -c " equal$" verify.out)" = 16
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
