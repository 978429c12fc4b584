#!/usr/bin/env bash
# t0510-verify: cham-verify by chunks of the primary key, several tables at a time: equal
# tables; a changed, a missing and an extra row, each named with its chunk's key range; a
# composite key's chunk; and at the target's position: a stopped replica brought to a fresh
# snapshot's position while the source is written, then equal; refused (exit 2) when the
# source is replicating without --force, or when the target is past the snapshot.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0510_verify
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

verify()
{
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump "$@"
}

reset_target()
{
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	cham-load -q --target "$tgt" dump
}

scratch_left()
{
	pg_user -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'sch_chameleon' AND tablename LIKE 'verify%'"
}

stored_position()
{
	pg_user -c "SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions WHERE source_name = 'default'"
}

# seq_of FILE:POS: the position as one number, binlog file sequence first.
seq_of()
{
	local f=${1%:*}
	echo $(((10#${f##*.}) * 10000000000 + ${1##*:}))
}

# writer N: N rows more in big and N updates of comp, about 20 ms apart.
writer()
{
	local k
	for k in $(seq 1 "$1"); do
		echo "INSERT INTO big (id, v, n) VALUES ($((10000 + k)), 'w$k', $k.5);"
		echo "UPDATE comp SET note = CONCAT(note, '+') WHERE region = 'east' AND seq = $((k % 400 + 1));"
		echo "SELECT SLEEP(0.02);"
	done | mysql_root "$db" >/dev/null
}

test_expect_success 'setup: a big table, a composite key, a table without a key; dumped and loaded' '
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.big (id int PRIMARY KEY, v varchar(40), n decimal(10,2));
		CREATE TABLE $db.comp (region varchar(20), seq int, note text, PRIMARY KEY (region, seq));
		CREATE TABLE $db.nokey (a int, b varchar(10));
		INSERT INTO $db.big SELECT seq, CONCAT(\"value \", seq), seq / 7 FROM $db.seq_1_to_3000;
		INSERT INTO $db.comp SELECT r.region, s.seq, CONCAT(\"n, \\\"\", s.seq, \"\\\" (\", r.region, \")\")
			FROM (SELECT \"north\" AS region UNION ALL SELECT \"south\" UNION ALL SELECT \"east\") r, $db.seq_1_to_400 s;
		INSERT INTO $db.nokey VALUES (1, \"x\"), (1, \"x\"), (2, NULL)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	reset_target &&
	test "$(pg_user -c "SELECT count(*) FROM $db.comp WHERE note LIKE '\''n, \"%'\''")" = 1200
'

test_expect_success 'equal tables: exit 0, one line each in catalog order, with --jobs 2 and chunks of 500' '
	verify --jobs 2 --chunk-rows 500 >verify.out &&
	cat verify.out &&
	jq -r ".tables[] | .schema + \".\" + .name" dump/catalog.json >want &&
	grep "^$db\." verify.out | awk "{ print \$1 }" >got &&
	test_cmp want got &&
	test "$(grep -c " equal$" verify.out)" = 3 &&
	test "$(wc -l <verify.out)" = 4 &&
	test "$(scratch_left)" = 0
'

test_expect_success '--tables picks tables; a bad --jobs or --chunk-rows is bad usage' '
	verify --tables "$db.nokey" >one.out &&
	test "$(wc -l <one.out)" = 2 && grep -q "^$db\.nokey .* equal$" one.out &&
	rc=0 && verify --jobs 0 2>err || rc=$? &&
	test "$rc" = 2 && grep -q "^cham-verify: error: --jobs" err &&
	rc=0 && verify --chunk-rows x 2>err || rc=$? &&
	test "$rc" = 2 && grep -q "^cham-verify: error: --chunk-rows" err
'

test_expect_success 'a changed, a missing and an extra row: exit 1, their chunks named by key range, only their rows' '
	pg_user -c "UPDATE $db.big SET v = '\''CHANGED'\'' WHERE id = 700" \
		-c "DELETE FROM $db.big WHERE id = 1800" \
		-c "INSERT INTO $db.big (id, v, n) VALUES (5000, '\''extra'\'', 1)" &&
	rc=0 && verify --jobs 2 --chunk-rows 500 >verify2.out || rc=$? &&
	cat verify2.out &&
	test "$rc" = 1 &&
	grep -q "^$db\.big  *3000  *3000  DIFFERENT$" verify2.out &&
	test "$(grep -c DIFFERENT verify2.out)" = 1 &&
	test "$(grep -c " equal$" verify2.out)" = 2 &&
	cat >want <<-EOF &&
	    chunk 2 (id 501..1000): counts 500/500, checksums differ
	    chunk 4 (id 1501..2000): counts 500/499, checksums differ
	    chunk 6 (id 2501..5000): counts 500/501, checksums differ
	EOF
	grep "^    chunk" verify2.out >got &&
	test_cmp want got &&
	grep -q "^      only in MySQL: (700,\"value 700\",100.00)$" verify2.out &&
	grep -q "^      only in PostgreSQL: (700,CHANGED,100.00)$" verify2.out &&
	grep -q "^      only in MySQL: (1800,\"value 1800\",257.14)$" verify2.out &&
	grep -q "^      only in PostgreSQL: (5000,extra,1.00)$" verify2.out &&
	test "$(grep -c "only in" verify2.out)" = 4 &&
	test "$(scratch_left)" = 0
'

test_expect_success 'a composite key: the chunk is named by its key tuples' '
	pg_user -c "DELETE FROM $db.comp WHERE region = '\''south'\'' AND seq = 7" &&
	rc=0 && verify --tables "$db.comp" --chunk-rows 500 >verify3.out || rc=$? &&
	cat verify3.out &&
	test "$rc" = 1 &&
	echo "    chunk 2 ((region,seq) (north,101)..(south,200)): counts 500/499, checksums differ" >want &&
	grep "^    chunk" verify3.out >got &&
	test_cmp want got &&
	grep -q "^      only in MySQL: (south,7,\"n, \"\"7\"\" (south)\")$" verify3.out
'

test_expect_success 'at the target position: a replica behind a written source is brought to a snapshot and equal' '
	reset_target
	load_pos=$(stored_position)
	mysql_root "$db" -e "INSERT INTO big VALUES (4000, \"new\", 1); UPDATE big SET v = \"upd\" WHERE id = 10;
		DELETE FROM big WHERE id = 20; DELETE FROM comp WHERE seq = 5; INSERT INTO nokey VALUES (3, \"y\")"
	rc=0 && verify --chunk-rows 500 >behind.out || rc=$?
	test "$rc" = 1
	# The writer goes on during the verification: the target must stop at the snapshot.
	writer 300 &
	wpid=$!
	sleep 0.5
	rc=0 && verify --jobs 2 --chunk-rows 500 --at-target-position >at.out 2>at.err || rc=$?
	wait "$wpid"
	cat at.out at.err
	test "$rc" = 0
	test "$(grep -c " equal$" at.out)" = 3
	snap=$(sed -n "s/^cham-verify: comparing with the snapshot at \([^;]*\);.*/\1/p" at.err)
	now=$(stored_position)
	echo "loaded at $load_pos, snapshot at $snap, target at $now"
	test "$(seq_of "$now")" -gt "$(seq_of "$load_pos")"
	test "$(seq_of "$now")" -le "$(seq_of "$snap")"
	test "$(pg_user -c "SELECT count(*) FROM $db.big WHERE id = 4000")" = 1
	test "$(pg_user -c "SELECT count(*) FROM $db.big")" -lt "$(mysql_root -e "SELECT count(*) FROM $db.big")"
	test "$(pg_user -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '\''default'\''")" = stopped
	test "$(scratch_left)" = 0
'

test_expect_success 'at the target position: a replicating source is refused without --force' '
	pg_user -c "UPDATE sch_chameleon.sources SET status = '\''replicating'\''" &&
	before=$(stored_position) &&
	rc=0 && verify --at-target-position >refused.out 2>refused.err || rc=$? &&
	cat refused.err &&
	test "$rc" = 2 &&
	grep -q "^cham-verify: error: source \"default\" is replicating" refused.err &&
	test "$(stored_position)" = "$before" &&
	verify --at-target-position --force >forced.out &&
	test "$(grep -c " equal$" forced.out)" = 3 &&
	test "$(seq_of "$(stored_position)")" -gt "$(seq_of "$before")"
'

test_expect_success 'at the target position: a target past the snapshot is refused' '
	pos=$(stored_position) &&
	file=${pos%:*} &&
	pg_user -c "UPDATE sch_chameleon.positions SET binlog_file = '\''${file%.*}.999999'\''" &&
	rc=0 && verify --at-target-position 2>past.err || rc=$? &&
	cat past.err &&
	test "$rc" = 2 &&
	grep -q "^cham-verify: error: the target is at .*999999:[0-9]*, past the snapshot" past.err &&
	test "$(stored_position)" = "${file%.*}.999999:${pos##*:}" &&
	test "$(scratch_left)" = 0
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
