#!/usr/bin/env bash
# t0120-dump-consistency: cham-dump under a steady write load takes one transactionally
# consistent snapshot across its sessions and tables, exactly at the binlog coordinates it
# records in coordinates.json.
#
# A writer commits, again and again, one transaction that inserts events row number i
# (id = n = 200000 + i) and moves 1 from acc row 1 to acc row 2. So in any consistent
# snapshot with K events rows: the events ids are exactly 1..K with n = id, acc row 2 holds
# K - 200000, the balances add up to 1e9, and the first events row in the binlog after the
# snapshot's position has id K + 1.
. "$(dirname "$0")/lib.sh"

db=t0120_consistency
base=200000
total=1000000000

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
command -v mariadb-binlog >/dev/null || skip_all "mariadb-binlog is not installed"

my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# writer SECONDS: the write load, until the file writer.stop appears or SECONDS have passed.
# One client session reads the statements from the loop through a pipe.
writer()
{
	local i=0 deadline=$((SECONDS + $1))
	while [ ! -e writer.stop ] && [ "$SECONDS" -lt "$deadline" ]; do
		i=$((i + 1))
		echo "START TRANSACTION;
INSERT INTO events (n) VALUES ($((base + i)));
UPDATE acc SET balance = balance - 1 WHERE id = 1;
UPDATE acc SET balance = balance + 1 WHERE id = 2;
COMMIT;"
	done | my "$db"
}

# max_event_id: the last committed events id, read by a new session.
max_event_id()
{
	my -e "SELECT COALESCE(MAX(id), 0) FROM \`$db\`.events"
}

test_expect_success 'create events (200k rows) and acc in MariaDB' '
	my -e "DROP DATABASE IF EXISTS \`$db\`; CREATE DATABASE \`$db\`" &&
	my "$db" <<-EOF &&
	CREATE TABLE events (id bigint AUTO_INCREMENT PRIMARY KEY, n bigint NOT NULL);
	CREATE TABLE acc (id int PRIMARY KEY, balance bigint NOT NULL);
	INSERT INTO events (id, n) SELECT seq, seq FROM seq_1_to_$base;
	INSERT INTO acc VALUES (1, $total), (2, 0);
	ANALYZE TABLE events, acc;
	EOF
	test "$(max_event_id)" = $base
'

test_expect_success 'cham-dump --jobs 4 exits 0 while the writer commits all along' '
	rm -f writer.stop &&
	writer 20 >writer.out 2>&1 &
	wpid=$!
	# wait until the writer is under way
	tries=0 &&
	while [ "$(max_event_id)" -lt $((base + 200)) ]; do
		tries=$((tries + 1)) && test $tries -lt 100 && sleep 0.1 || break
	done &&
	before=$(max_event_id) &&
	rc=0 &&
	cham-dump --source "$CHAM_SOURCE_URI/$db" --output dump --jobs 4 --chunk-rows 15000 2>dump.err || rc=$?
	after=$(max_event_id) &&
	touch writer.stop &&
	wait $wpid &&
	cat writer.out dump.err &&
	echo "before=$before after=$after" | tee writer.range &&
	test $rc = 0 &&
	test "$before" -gt $((base + 100)) &&
	test "$after" -gt "$before"
'

test_expect_success 'the events table was dumped in several chunks, by several sessions' '
	jq -r ".tables[] | select(.table == \"events\") | .chunks | length" dump/manifest.json >nchunks &&
	test "$(cat nchunks)" -ge 4
'

test_expect_success 'coordinates.json has file, pos and GTID; writes were blocked under 1 s' '
	jq -r .file dump/coordinates.json | grep -E "^mysql-bin\.[0-9]+$" &&
	test "$(jq -r .pos dump/coordinates.json)" -gt 4 &&
	jq -r .gtid dump/coordinates.json | grep -E "^[0-9]+-[0-9]+-[0-9]+(,[0-9]+-[0-9]+-[0-9]+)*$" &&
	jq -e ".lock_ms >= 0 and .lock_ms < 1000" dump/coordinates.json
'

# events_in_dump: "id,n" of every events row of the dump, sorted by id.
events_in_dump()
{
	jq -r ".tables[] | select(.table == \"events\") | .chunks[].file" dump/manifest.json |
	while read -r f; do cat "dump/$f"; done | sort -t, -k1,1n
}

test_expect_success 'the dumped events are exactly ids 1..K, n = id, taken while the writer ran' '
	events_in_dump >events.csv &&
	K=$(tail -n 1 events.csv | cut -d, -f1) &&
	echo "K=$K" && . ./writer.range &&
	test "$(wc -l <events.csv)" = "$K" &&
	awk -F, "\$1 != NR || \$2 != NR { print \"bad row \" NR \": \" \$0; bad = 1 } END { exit bad }" events.csv &&
	test "$K" -ge "$before" &&
	test "$K" -lt "$after" &&
	test "$(jq ".tables[] | select(.table == \"events\") | .rows" dump/manifest.json)" = "$K"
'

test_expect_success 'acc in the dump is consistent with events (same snapshot in every session)' '
	K=$(tail -n 1 events.csv | cut -d, -f1) &&
	f=$(jq -r ".tables[] | select(.table == \"acc\") | .chunks[].file" dump/manifest.json) &&
	sort -t, -k1,1n "dump/$f" >acc.csv &&
	printf "1,%s\n2,%s\n" $((total - (K - base))) $((K - base)) >acc.expect &&
	test_cmp acc.expect acc.csv &&
	test "$(awk -F, "{ s += \$2 } END { print s }" acc.csv)" = $total
'

test_expect_success 'the first events row in the binlog after the coordinates has id K + 1' '
	K=$(tail -n 1 events.csv | cut -d, -f1) &&
	file=$(jq -r .file dump/coordinates.json) &&
	pos=$(jq -r .pos dump/coordinates.json) &&
	mariadb-binlog --defaults-file="$CHAM_MYSQL_ROOT_CNF" --read-from-remote-server -v \
		--base64-output=DECODE-ROWS --start-position="$pos" "$file" >binlog.txt 2>binlog.err &&
	awk -v table="### INSERT INTO \`$db\`.\`events\`" "
		\$0 == table { want = 1; next }
		want && /^###   @1=/ { sub(/^###   @1=/, \"\"); print; exit }
	" binlog.txt >first.id &&
	echo "first events id after $file:$pos: $(cat first.id), K=$K" &&
	test "$(cat first.id)" = $((K + 1))
'

test_expect_success 'the first GTID in the binlog after the coordinates follows the dump'"'"'s GTID' '
	next=$(grep -m 1 -o -E "GTID [0-9]+-[0-9]+-[0-9]+" binlog.txt | cut -d" " -f2) &&
	domain=${next%%-*} &&
	gtid=$(jq -r .gtid dump/coordinates.json | tr , "\n" | grep "^$domain-") &&
	echo "dump: $gtid, next in the binlog: $next" &&
	test "${next##*-}" = $((${gtid##*-} + 1))
'

test_expect_success 'clean up' '
	my -e "DROP DATABASE IF EXISTS \`$db\`"
'

test_done
