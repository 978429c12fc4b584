#!/usr/bin/env bash
# t0320-stream-restart: a stream stopped (--stop-at, a crash inside a transaction) and
# restarted from its last commit's position, appended to the same file, holds every committed
# transaction exactly once, as one uninterrupted stream does; SIGTERM ends a waiting stream
# with exit 0; --from-dump starts where the dump's snapshot stands; heartbeats come when idle.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0320_restart

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode.
my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# writer FIRST LAST [SLEEP]: transactions FIRST..LAST on table w, each inserting two rows and
# updating an earlier one, in one session; SLEEP seconds between them.
writer()
{
	local k
	for k in $(seq "$1" "$2"); do
		echo "BEGIN;"
		echo "INSERT INTO w VALUES ($((2 * k - 1)), 'row $((2 * k - 1)), \"quoted\"', 0), ($((2 * k)), NULL, 0);"
		echo "UPDATE w SET n = n + 1 WHERE id = $k;"
		echo "COMMIT;"
		[ -z "${3:-}" ] || echo "DO SLEEP($3);"
	done | my "$db"
}

# reader FILE...: what a reader applies from the stream in FILEs, in order, one JSON per line:
# transactions whose commit comes (a begin without its commit is dropped at the next begin,
# ddl, hello or the end), each event at or before the last applied position skipped.
reader()
{
	cat "$@" | jq -n -c '
		def p: split(":") | [(.[0] | split(".") | .[-1] | tonumber), (.[1] | tonumber)];
		def newer($e): .applied == null or ($e.pos | p) > .applied;
		reduce inputs as $e ({applied: null, buf: null, out: []};
			if $e.k == "begin" then .buf = []
			elif $e.k == "commit" then
				(if .buf != null and newer($e) then .out += .buf + [{k: "commit", pos: $e.pos}] | .applied = ($e.pos | p)
				else . end) | .buf = null
			elif $e.k == "insert" or $e.k == "update" or $e.k == "delete" then
				if .buf == null then error("a row event outside a transaction") else .buf += [$e] end
			elif $e.k == "ddl" then
				(if newer($e) then .out += [$e] | .applied = ($e.pos | p) else . end) | .buf = null
			elif $e.k == "hello" then .buf = null
			else . end) | .out[]'
}

# wait_exit PID SECONDS: waits for a background process to end; its exit status, or 124 (and
# SIGKILL) when it is still running after SECONDS.
wait_exit()
{
	local i=0 rc=0
	while kill -0 "$1" 2>/dev/null; do
		if [ "$i" -ge $(($2 * 10)) ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wait "$1" || rc=$?
	return "$rc"
}

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds, for SECONDS at most.
wait_for()
{
	local i=0 n=$(($1 * 10))
	shift
	until "$@"; do
		[ "$i" -lt "$n" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# rows_at_least TABLE N: TABLE has N rows or more.
rows_at_least()
{
	[ "$(my "$db" -e "SELECT COUNT(*) FROM \`$1\`")" -ge "$2" ]
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`"
}

test_expect_success 'setup: a table, the position before the writes' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\`" &&
	my "$db" -e "CREATE TABLE w (id int PRIMARY KEY, v varchar(40), n int NOT NULL)" &&
	binlog_pos >pos.start
'

test_expect_success 'a writer: 150 transactions, a noted position, 150 more while a stream runs to --stop-at it' '
	writer 1 150 &&
	binlog_pos >pos.mid || exit 1
	(writer 151 300 0.005 >writer.out 2>&1; echo $? >writer.rc) &
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-at "$(cat pos.mid)" \
		--output restart.jsonl 2>part1.err ||
	{ cat part1.err; exit 1; }
	cat part1.err &&
	wait_for 60 test -f writer.rc &&
	cat writer.out &&
	test "$(cat writer.rc)" = 0 &&
	test "$(my "$db" -e "SELECT COUNT(*) FROM w")" = 600
'

test_expect_success 'the stopped stream ends with a whole transaction whose commit is at or before the stop' '
	test "$(tail -n 1 restart.jsonl | jq -r .k)" = commit &&
	jq -r "select(.k == \"commit\") | .pos" restart.jsonl | tail -n 1 >pos.last &&
	IFS=: read -r lf lp <pos.last &&
	IFS=: read -r sf sp <pos.mid &&
	echo "last commit $lf:$lp, stop $sf:$sp" &&
	{ [ "${lf##*.}" -lt "${sf##*.}" ] || { [ "$lf" = "$sf" ] && [ "$lp" -le "$sp" ]; }; } &&
	test "$(jq -r "select(.k == \"commit\") | .pos" restart.jsonl | wc -l)" = 150 &&
	test "$(jq -r "select(.k == \"insert\") | .new.id" restart.jsonl | sort -n | tail -n 1)" = 300
'

test_expect_success 'restarted from the last commit pos, appended to the same file, to the end' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.last)" --stop-when-idle \
		--output restart.jsonl 2>part2.err ||
	{ cat part2.err; exit 1; }
	test "$(jq -r "select(.k == \"hello\") | .start" restart.jsonl | tail -n 1)" = "$(cat pos.last)" &&
	test "$(grep -c "\"k\":\"hello\"" restart.jsonl)" = 2
'

test_expect_success 'an uninterrupted stream of the same span' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-when-idle \
		--output full.jsonl 2>full.err ||
	{ cat full.err; exit 1; }
	test "$(jq -r "select(.k == \"commit\") | .pos" full.jsonl | wc -l)" = 300
'

test_expect_success 'the restarted stream holds every committed transaction once, as the uninterrupted one' '
	reader restart.jsonl >applied.restart &&
	reader full.jsonl >applied.full &&
	test_cmp applied.full applied.restart &&
	test "$(grep -c "\"k\":\"commit\"" applied.full)" = 300 &&
	test "$(grep -c "\"k\":\"insert\"" applied.full)" = 600 &&
	test "$(grep -c "\"k\":\"update\"" applied.full)" = 300
'

test_expect_success 'nothing repeated: the restarted part starts after the last commit' '
	awk "/\"k\":\"hello\"/ { h++ } h == 2" restart.jsonl >part2.jsonl &&
	jq -r "select(.k == \"commit\") | .pos" part2.jsonl >part2.pos &&
	test "$(wc -l <part2.pos)" = 150 &&
	{ jq -r "select(.k == \"commit\") | .pos" restart.jsonl | sort | uniq -d >dups; true; } &&
	test ! -s dups
'

test_expect_success 'the rows applied are the table as MariaDB has it' '
	jq -r "select(.k == \"insert\") | \"\(.new.id)\t\(.new.v // \"NULL\")\"" applied.full | sort -n >ins &&
	my "$db" -e "SELECT id, IFNULL(v, '"'NULL'"') FROM w ORDER BY id" >expect &&
	test_cmp expect ins &&
	jq -r "select(.k == \"update\") | \"\(.old.id) \(.old.n) \(.new.n)\"" applied.full >upd &&
	seq 1 300 | sed "s/.*/& 0 1/" >expect &&
	test_cmp expect upd
'

test_expect_success 'a stream cut inside a transaction (a crash), restarted from its last commit: the same' '
	n=$(grep -n "\"k\":\"insert\"" full.jsonl | sed -n "201p" | cut -d: -f1) &&
	head -n "$n" full.jsonl >crashed.jsonl &&
	test "$(tail -n 1 crashed.jsonl | jq -r .k)" = insert &&
	last=$(jq -r "select(.k == \"commit\") | .pos" crashed.jsonl | tail -n 1) &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$last" --stop-when-idle --output crashed.jsonl 2>crashed.err ||
	{ cat crashed.err; exit 1; }
	reader crashed.jsonl >applied.crashed &&
	test_cmp applied.full applied.crashed
'

test_expect_success '--stop-at inside a transaction stops after the one before it' '
	jq -r "select(.k == \"commit\") | .pos" full.jsonl | sed -n "10p;11p" >two &&
	p10=$(sed -n 1p two) &&
	p11=$(sed -n 2p two) &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-at "${p11%:*}:$((${p11##*:} - 1))" \
		>stop.jsonl 2>stop.err ||
	{ cat stop.err; exit 1; }
	test "$(jq -r "select(.k == \"commit\") | .pos" stop.jsonl | tail -n 1)" = "$p10" &&
	test "$(jq -r "select(.k == \"commit\") | .pos" stop.jsonl | wc -l)" = 10 &&
	test "$(tail -n 1 stop.jsonl | jq -r .k)" = commit
'

test_expect_success 'SIGTERM ends a stream waiting on an idle source: exit 0 within seconds' '
	binlog_pos >pos.now || exit 1
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.now)" --output live.jsonl 2>live.err &
	pid=$!
	{
		wait_for 20 grep -q "\"k\":\"hello\"" live.jsonl &&
		my "$db" -e "INSERT INTO w VALUES (9001, '"'live'"', 0)" &&
		wait_for 20 grep -q "\"id\":\"9001\"" live.jsonl &&
		sleep 1
	} || { kill -KILL "$pid"; cat live.err; exit 1; }
	kill -TERM "$pid" &&
	rc=0 &&
	{ wait_exit "$pid" 5 || rc=$?; } &&
	cat live.err &&
	echo "exit status $rc" &&
	test "$rc" = 0 &&
	test "$(tail -n 1 live.jsonl | jq -r .k)" != begin &&
	test "$(jq -r "select(.k == \"commit\") | .pos" live.jsonl | tail -n 1)" = "$(binlog_pos)"
'

test_expect_success 'heartbeats when idle (--heartbeat 1), at the end of the binlog' '
	binlog_pos >pos.idle || exit 1
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.idle)" --heartbeat 1 --output hb.jsonl 2>hb.err &
	pid=$!
	sleep 3.5 &&
	kill -TERM "$pid" &&
	rc=0 &&
	{ wait_exit "$pid" 5 || rc=$?; } &&
	cat hb.err hb.jsonl &&
	test "$rc" = 0 &&
	test "$(grep -c "\"k\":\"heartbeat\"" hb.jsonl)" -ge 1 &&
	test "$(jq -r "select(.k == \"heartbeat\") | .pos" hb.jsonl | sort -u)" = "$(cat pos.idle)" &&
	jq -s -e "map(select(.k == \"heartbeat\")) | length > 0 and all(.ts > 1000000000)" hb.jsonl
'

test_expect_success '--from-dump: a dump taken while a writer runs, then the stream: each row once' '
	my "$db" -e "CREATE TABLE d (id int PRIMARY KEY, v varchar(20))" || exit 1
	(
		k=0
		while [ ! -f dwriter.stop ] && [ "$k" -lt 5000 ]; do
			k=$((k + 1))
			my "$db" -e "INSERT INTO d VALUES ($k, '"'v$k'"')" || exit 1
		done
		echo "$k" >dwriter.n
	) >dwriter.out 2>&1 &
	wait_for 20 rows_at_least d 20 &&
	cham-dump --source "$CHAM_SOURCE_URI/$db" --tables "$db.d" --output dump 2>dump.err ||
	{ touch dwriter.stop; cat dump.err; exit 1; }
	wait_for 20 rows_at_least d "$(($(wc -l <dump/data/*.csv) + 20))" || true
	touch dwriter.stop &&
	wait_for 60 test -f dwriter.n &&
	n=$(cat dwriter.n) &&
	test "$(my "$db" -e "SELECT COUNT(*) FROM d")" = "$n" &&
	cut -d, -f1 dump/data/*.csv | sort -n >ids.dump &&
	echo "$(wc -l <ids.dump) of $n rows in the dump" &&
	test "$(wc -l <ids.dump)" -gt 0 &&
	test "$(wc -l <ids.dump)" -lt "$n" &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --from-dump dump --stop-when-idle >fromdump.jsonl 2>fromdump.err ||
	{ cat fromdump.err; exit 1; }
	test "$(head -n 1 fromdump.jsonl | jq -r .start)" = "$(jq -r "\"\(.file):\(.pos)\"" dump/coordinates.json)" &&
	jq -r "select(.k == \"insert\" and .t == \"d\") | .new.id" fromdump.jsonl | sort -n >ids.stream &&
	test "$(jq -r "select(.k == \"update\" or .k == \"delete\" or (.k == \"insert\" and .t != \"d\"))" fromdump.jsonl | wc -l)" = 0 &&
	sort -n ids.dump ids.stream >ids.both &&
	seq 1 "$n" >expect &&
	test_cmp expect ids.both
'

test_expect_success 'clean up' '
	cleanup
'

test_done
