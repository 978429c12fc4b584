#!/usr/bin/env bash
# bench/apply.sh: cham-apply's replay rate into PostgreSQL against the source's write rate, and
# the lag of cham-stream | cham-apply running live under the same load.
#
#   eval "$(scripts/cham-sandbox env)"; bench/apply.sh [BUILDDIR]
#
# 1. The database bench_apply (dropped and rebuilt every run): `sysbench oltp_write_only
#    prepare` (4 tables x 100,000 rows) and the table lag_probe (id int auto_increment
#    primary key, t datetime(6) not null), empty until the live phase; `cham-dump --source
#    $CHAM_SOURCE_URI/bench_apply --output DIR`; `cham-load --target BASE DIR` into a fresh
#    PostgreSQL database bench_apply_base (created by the sandbox's admin, owned by
#    chameleon), which records the dump's binlog position.
# 2. The source's write rate: `sysbench oltp_write_only run --threads=4 --time=60`; its
#    "transactions: N (X per sec.)" is the source's tx/s.
# 3. Under `/usr/bin/time -v`:
#      stream        cham-stream --source $CHAM_SOURCE_URI/bench_apply --from-target BASE
#                      --stop-when-idle -q > stream.jsonl   (the whole range since the dump)
#      apply-default cham-apply --target T --input stream.jsonl -q
#      apply-b100    the same with --batch-size 100
#      apply-b10000  the same with --batch-size 10000
#      pipe          cham-stream ... --from-target T ... | cham-apply --target T -q
#    each apply into its own copy of BASE (CREATE DATABASE ... TEMPLATE bench_apply_base,
#    outside the measured time), so each replays the same range from the same position.
#    Then, exactly-once: cham-apply again over the same stream into apply-default's target
#    must change nothing.  The target: the fastest apply replays the source's seconds of
#    writes in half of them (2x the source's write rate); the stretch, in a quarter (4x).
# 4. Correctness: `scripts/cham-verify --source $CHAM_SOURCE_URI --target T --dump DIR` on
#    apply-default's target must say every table equal; every other target must hold the
#    same rows as that one (an md5 of each table's rows in id order, computed in PostgreSQL).
# 5. Live (unless CHAM_BENCH_APPLY_LIVE=0): bench_apply_live, another copy of BASE, is brought
#    up to date with stream.jsonl (cham-apply --input, not timed), and its lag_probe gets the
#    column `arrived timestamptz not null default clock_timestamp()` (cham-apply's INSERTs
#    name the source's columns only).  Then, in the background,
#      cham-stream --source $CHAM_SOURCE_URI/bench_apply --from-target LIVE -q |
#        cham-apply --target LIVE -q
#    while `sysbench oltp_write_only run` loads the source again (the live seconds); during
#    the load one mariadb session inserts a probe row, `INSERT INTO lag_probe (t) VALUES
#    (UTC_TIMESTAMP(6))`, every 100 ms, and one psql session reads `applied_at - event_time`
#    of sch_chameleon.positions every 200 ms.  Once the target's stored position reaches the
#    source's end (SHOW MASTER STATUS after the load), cham-stream gets SIGTERM and
#    cham-apply ends at the end of its input.  Reported: the probe lag, `arrived AT TIME ZONE
#    'UTC' - t` of every probe row (p50 and p99 by percentile_cont, max; arrived is when the
#    row's INSERT ran in PostgreSQL, its batch commits a little later), the positions lag
#    (p50, p99 of the samples; the binlog's commit timestamps are whole seconds), and the
#    time from the load's end to the catch-up.  Then arrived is dropped and cham-verify must
#    find the live target equal to the source, lag_probe included.
#
# The result table goes to stdout, progress to stderr.  Environment:
#   CHAM_BENCH_APPLY_SECONDS       sysbench run time (default 60)
#   CHAM_BENCH_APPLY_THREADS       sysbench threads (default 4)
#   CHAM_BENCH_APPLY_TABLES        sysbench tables (default 4)
#   CHAM_BENCH_APPLY_ROWS          rows per sysbench table (default 100000)
#   CHAM_BENCH_APPLY_BATCHES       the --batch-size runs besides the default (default "100 10000")
#   CHAM_BENCH_APPLY_LIVE          0: no live phase (default 1)
#   CHAM_BENCH_APPLY_LIVE_SECONDS  sysbench run time of the live phase (default: the seconds)
#   CHAM_BENCH_KEEP_OUTPUT=1       leave the source database, the dump, the stream and the
#                                  target databases
# Exit status: 0, or 1 when a run failed, verification found a difference, a target differs
# from the verified one, or the live pipeline failed or did not catch up.
set -euo pipefail

prog=bench/apply.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CHAM_BUILD:-$top/build}}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=${CHAM_BIN:-$build/bin}

: "${CHAM_SANDBOX:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
: "${CHAM_SOURCE_URI:?run under the sandbox environment}"
: "${CHAM_MYSQL_ROOT_CNF:?}" "${MYSQL_PWD:?}" "${CHAM_PG_ADMIN:?}" "${CHAM_TARGET:?}" "${PGPASSFILE:?}"
[ -r "$CHAM_MYSQL_ROOT_CNF" ] || die "cannot read $CHAM_MYSQL_ROOT_CNF"

seconds=${CHAM_BENCH_APPLY_SECONDS:-60}
threads=${CHAM_BENCH_APPLY_THREADS:-4}
sb_tables=${CHAM_BENCH_APPLY_TABLES:-4}
sb_rows=${CHAM_BENCH_APPLY_ROWS:-100000}
batches=${CHAM_BENCH_APPLY_BATCHES-100 10000}
live=${CHAM_BENCH_APPLY_LIVE:-1}
live_seconds=${CHAM_BENCH_APPLY_LIVE_SECONDS:-$seconds}
whole CHAM_BENCH_APPLY_SECONDS "$seconds"
whole CHAM_BENCH_APPLY_THREADS "$threads"
whole CHAM_BENCH_APPLY_TABLES "$sb_tables"
whole CHAM_BENCH_APPLY_ROWS "$sb_rows"
for b in $batches; do whole CHAM_BENCH_APPLY_BATCHES "$b"; done
case $live in 0 | 1) ;; *) die "CHAM_BENCH_APPLY_LIVE must be 0 or 1, not \"$live\"" ;; esac
whole CHAM_BENCH_APPLY_LIVE_SECONDS "$live_seconds"

db=bench_apply
pgbase=bench_apply_base
out=$CHAM_SANDBOX/bench-out/apply
dump=$out/dump
stream=$out/stream.jsonl

timebin=/usr/bin/time
[ -x "$timebin" ] || die "$timebin not found (Debian package \"time\"; run scripts/install-deps --bench)"
command -v sysbench >/dev/null 2>&1 || die "sysbench not found (run scripts/install-deps --bench)"
command -v psql >/dev/null 2>&1 || die "psql not found"
mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"
for p in cham-dump cham-load cham-stream cham-apply; do
	[ -x "$bin/$p" ] || die "$bin/$p not found: build it with make"
done
verify=$top/scripts/cham-verify
[ -x "$verify" ] || die "$verify not found"

# target DB: $CHAM_TARGET with its dbname replaced by DB.
target()
{
	local t
	t=$(echo "$CHAM_TARGET" | sed 's/\(^\|[[:space:]]\)dbname=[^[:space:]]*//g; s/^[[:space:]]*//')
	echo "$t dbname=$1"
}

# target_sql DB ARGS...: psql as chameleon on the target database DB, unaligned, tuples only.
target_sql()
{
	local conn
	conn=$(target "$1")
	shift
	psql "$conn" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# CPU ticks of the whole PostgreSQL server (the postmaster with its reaped children, plus its
# live children), as bench/load.sh counts them.
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
pg_pid=$(admin_sql -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null || true)
if [ -n "$pg_pid" ] && [ -r "/proc/$pg_pid/stat" ]; then
	pg_pid=$(sed 's/.*) //' "/proc/$pg_pid/stat" | awk '{ print $2 }')
else
	pg_pid=
fi
pg_ticks()
{
	[ -n "$pg_pid" ] || { echo 0; return; }
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$pg_pid" '
		{
			pid = $1
			sub(/.*\) /, "")
			if (pid == p)
				s += $12 + $13 + $14 + $15
			else if ($2 == p)
				s += $12 + $13
		}
		END { print s + 0 }'
}

# The background processes of the live phase (cham-stream, cham-apply, the probe writer and
# its mariadb session, the positions sampler), ended by the cleanup if still there.
bg_pids=()
targets=()
source_made=0
results=$(mktemp "${TMPDIR:-/tmp}/cham-bench-apply.XXXXXX")
sb_log=$(mktemp "${TMPDIR:-/tmp}/cham-bench-sysbench.XXXXXX")
cleanup()
{
	local p t
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${bg_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	rm -f "$results" "$sb_log"
	if [ "${CHAM_BENCH_KEEP_OUTPUT:-0}" != 1 ]; then
		for t in "${targets[@]}" $pgbase; do
			admin_sql -c "DROP DATABASE IF EXISTS $t WITH (FORCE)" >/dev/null 2>&1 || true
		done
		[ "$source_made" = 0 ] || root_sql -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
		rm -rf "$out"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fresh_db() # DB [TEMPLATE]
{
	admin_sql -c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1 OWNER chameleon${2:+ TEMPLATE $2}" >/dev/null
}

# ---------------------------------------------------------------- the source and the dump

t0=$SECONDS
root_user=$(cnf_value user)
root_pw=$(cnf_value password)
root_sock=$(cnf_value socket)
[ -n "$root_sock" ] || root_sock=${CHAM_MYSQL_SOCKET:-}
[ -n "$root_sock" ] || die "no socket in $CHAM_MYSQL_ROOT_CNF nor CHAM_MYSQL_SOCKET"
sysbench_do()
{
	local step=$1
	shift
	if ! MYSQL_PWD=$root_pw sysbench oltp_write_only --db-driver=mysql \
		--mysql-socket="$root_sock" --mysql-user="${root_user:-root}" --mysql-db="$db" \
		--tables="$sb_tables" --table-size="$sb_rows" --rand-seed=1 "$@" "$step" >"$sb_log" 2>&1; then
		tail -n 20 "$sb_log" >&2
		die "sysbench $step failed"
	fi
}

# sysbench_tx: "TRANSACTIONS TX/S" of the last sysbench run.
sysbench_tx()
{
	local tx
	tx=$(sed -n 's/^[[:space:]]*transactions:[[:space:]]*\([0-9]*\)[[:space:]]*(\([0-9.]*\) per sec.*/\1 \2/p' "$sb_log")
	[ -n "$tx" ] || die "no transaction count in sysbench's output"
	echo "$tx"
}

note "preparing $db: sysbench $sb_tables tables x $sb_rows rows, and lag_probe"
source_made=1
root_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
sysbench_do prepare --threads="$sb_tables"
# The live phase's probe rows; made before the dump, so the load brings it like the others.
root_sql -e "CREATE TABLE $db.lag_probe (id int auto_increment primary key, t datetime(6) not null)"
rm -rf "$out"
mkdir -p "$out"
note "cham-dump into $dump"
"$bin/cham-dump" --source "$CHAM_SOURCE_URI/$db" --output "$dump" --force -q >&2 ||
	die "cham-dump failed"
fresh_db $pgbase
targets+=("$pgbase")
note "cham-load into $pgbase"
"$bin/cham-load" --target "$(target $pgbase)" -q "$dump" >&2 || die "cham-load failed"
note "source prepared, dumped and loaded in $((SECONDS - t0)) s"

note "sysbench oltp_write_only run: $threads threads, $seconds s"
sysbench_do run --threads="$threads" --time="$seconds" --report-interval=0
sb_tx=$(sysbench_tx)
note "sysbench: ${sb_tx% *} transactions (${sb_tx#* } per s)"

# The base database's template copies must have no session on it.
admin_sql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$pgbase'" >/dev/null
sync

# ---------------------------------------------------------------- measuring

# count_stream FILE: "TRANSACTIONS ROWS" of a cham-stream output.
count_stream()
{
	LC_ALL=C awk '
		/^\{"k":"(insert|update|delete)"/ { r++; next }
		/^\{"k":"commit"/ { c++ }
		END { print c + 0, r + 0 }' "$1"
}

# timed NAME BATCH DB CMD...: CMD under time -v; appends "NAME BATCH WALL RSS CPU PGCPU" to
# $results (or "NAME BATCH FAILED").
timed()
{
	local name=$1 batch=$2 tdb=$3 tv=$out/$1.time log=$out/$1.log p0 p1 wall rss user sys
	shift 3
	note "$name: $*"
	p0=$(pg_ticks)
	if ! "$timebin" -v -o "$tv" "$@" 2>"$log"; then
		note "$name failed; the end of $log:"
		tail -n 15 "$log" >&2
		echo "$name $batch FAILED" >>"$results"
		return 1
	fi
	p1=$(pg_ticks)
	wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tv" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")
	user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$tv")
	echo "$name $batch $wall $rss $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')" \
		"$(awk -v t=$((p1 - p0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') $tdb" >>"$results"
	note "$name: $wall s, peak RSS $((rss / 1024)) MiB"
}

status=0
timed stream - - bash -c '"$@" >"'"$stream"'"' _ \
	"$bin/cham-stream" --source "$CHAM_SOURCE_URI/$db" --from-target "$(target $pgbase)" \
	--stop-when-idle -q || die "cham-stream failed"
read -r range_tx range_rows <<<"$(count_stream "$stream")"
note "the range: $range_tx transactions, $range_rows rows, $(stat -c %s "$stream" | awk '{ printf "%.1f", $1 / 1048576 }') MiB of JSON Lines"

runs="default $batches"
for b in $runs; do
	tdb=${db}_$b
	fresh_db "$tdb" $pgbase
	targets+=("$tdb")
	opt=()
	[ "$b" = default ] || opt=(--batch-size "$b")
	timed "apply-$b" "$b" "$tdb" "$bin/cham-apply" --target "$(target "$tdb")" --input "$stream" "${opt[@]}" -q ||
		status=1
done

tdb=${db}_pipe
fresh_db "$tdb" $pgbase
targets+=("$tdb")
timed pipe default "$tdb" bash -o pipefail -c '"$1" --source "$2" --from-target "$3" --stop-when-idle -q |
	"$4" --target "$3" -q' _ "$bin/cham-stream" "$CHAM_SOURCE_URI/$db" "$(target "$tdb")" "$bin/cham-apply" ||
	status=1

# Exactly-once: the same stream again into apply-default's target changes nothing.
fp_sql()
{
	local t
	for t in $(target_sql "$1" -c "SELECT format('%I.%I', table_schema, table_name)
		FROM information_schema.tables WHERE table_type = 'BASE TABLE'
		AND table_schema NOT IN ('pg_catalog', 'information_schema', 'sch_chameleon') ORDER BY 1"); do
		echo "$t=$(target_sql "$1" -c "SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM $t r")"
	done
}
ref=${db}_default
replay=-
if grep -q "^apply-default default [0-9]" "$results"; then
	fp_before=$(fp_sql "$ref")
	note "exactly-once: cham-apply again over the same stream into $ref"
	if "$bin/cham-apply" --target "$(target "$ref")" --input "$stream" -q >&2; then
		if [ "$(fp_sql "$ref")" = "$fp_before" ]; then replay=unchanged; else replay=CHANGED; status=1; fi
	else
		replay=FAILED
		status=1
	fi
	note "exactly-once: the target $replay"
fi

# ---------------------------------------------------------------- correctness

# verify_target DB LOG: cham-verify of the target DB against the source, all the dump's
# tables; prints "ok: N tables equal (R rows)", or "FAILED: ..." with the tables that are
# not, 1 on a difference.
verify_target()
{
	local rc=0
	note "cham-verify on $1"
	"$verify" --source "$CHAM_SOURCE_URI" --target "$(target "$1")" --dump "$dump" --bin "$bin" >"$2" 2>&1 || rc=$?
	[ "$rc" = 0 ] || tail -n 15 "$2" >&2
	awk -v rc="$rc" -v db="$db" '
		index($1, db ".") != 1 || NF < 4 { next }
		$NF == "equal" { n++; r += $2; next }
		{ bad = bad " " $1 }
		END {
			if (rc == 0)
				printf "ok: %d tables equal (%d rows)\n", n, r
			else
				printf "FAILED (exit %d): %d tables equal; not:%s\n", rc, n, (bad == "" ? " (see above)" : bad)
		}' "$2"
	return $((rc != 0))
}

# Before the live phase, which writes to the source again.
verify_line=-
if [ "$replay" != - ]; then
	verify_line=$(verify_target "$ref" "$out/verify.log") || status=1
	same=0 differ=""
	for b in $batches pipe; do
		grep -q "^[a-z-]*$b [0-9a-z]* [0-9]" "$results" || continue
		if [ "$(fp_sql "${db}_$b")" = "$fp_before" ]; then same=$((same + 1)); else differ="$differ ${db}_$b"; fi
	done
	[ -z "$differ" ] || status=1
fi

# ---------------------------------------------------------------- live

ldb=${db}_live
live_lines=()

# now_s: the time, in seconds with a fraction.
now_s()
{
	date +%s.%N
}

# reached FILE POS FILE2 POS2: whether binlog position FILE:POS is at or past FILE2:POS2 (the
# files' names sort as their numbers do).
reached()
{
	[ -n "$2" ] || return 1
	[[ $1 > $3 ]] || { [ "$1" = "$3" ] && [ "$2" -ge "$4" ]; }
}

# wait_caught_up FILE POS APPLY_PID: waits for the live target's stored position to reach
# FILE:POS (the source's end after the load) while it keeps moving; 1 when it stood still
# for 15 s short of it (three of cham-stream's 5 s heartbeats) or cham-apply is gone.
wait_caught_up()
{
	local f p last="" since=$SECONDS
	while :; do
		read -r f p <<<"$(target_sql "$ldb" -F ' ' -c "SELECT binlog_file, binlog_pos FROM sch_chameleon.positions
			WHERE source_name = 'default'")"
		reached "$f" "${p:-}" "$1" "$2" && return 0
		if [ "$f ${p:-}" != "$last" ]; then
			last="$f ${p:-}"
			since=$SECONDS
		fi
		[ $((SECONDS - since)) -lt 15 ] && kill -0 "$3" 2>/dev/null || return 1
		sleep 0.2
	done
}

# percentiles FILE: "N P50 P99 MAX" of the numbers in FILE, one a line (P50 and P99
# interpolated as percentile_cont does), or "0 - - -".
percentiles()
{
	{ grep -E '^-?[0-9]+(\.[0-9]*)?$' "$1" || true; } | sort -g | awk '
		function pc(p, x, i)
		{
			x = 1 + p * (NR - 1)
			i = int(x)
			return v[i] + (i < NR ? (x - i) * (v[i + 1] - v[i]) : 0)
		}
		{ v[NR] = $1 }
		END {
			if (NR == 0)
				print "0 - - -"
			else
				printf "%d %.2f %.2f %.2f\n", NR, pc(0.5), pc(0.99), v[NR]
		}'
}

# probe_writer STOPFILE: a probe row's INSERT every 100 ms until STOPFILE exists, for one
# mariadb session reading them (one connection, not one per probe).
probe_writer()
{
	while [ ! -e "$1" ]; do
		echo "INSERT INTO lag_probe (t) VALUES (UTC_TIMESTAMP(6));"
		sleep 0.1
	done
}

# pipeline_failed NAME PID LOG: whether the live pipeline's process ended early (then its
# status and the end of its log are shown).
pipeline_failed()
{
	local rc=0
	kill -0 "$2" 2>/dev/null && return 1
	wait "$2" || rc=$?
	note "live: $1 ended during the load (exit $rc); the end of $3:"
	tail -n 15 "$3" >&2
	return 0
}

# live_phase: the live target brought up to date, stream | apply under a second sysbench run
# with the probes and the positions sampler; sets live_lines, 1 on a failure.
live_phase()
{
	local lconn probe_rel fifo=$out/live.fifo pfifo=$out/probe.fifo stop=$out/probe.stop
	local stream_pid apply_pid writer_pid probe_pid sampler_pid src_file src_pos live_tx
	local t_end t_caught caught rc=0 rc_s=0 rc_a=0 lag pos_lag src_probes probes p50 p99 pmax samples s50 s99 vline

	# errexit does not reach in here (the caller tests the status): each step says so itself
	lconn=$(target "$ldb")
	targets+=("$ldb")
	fresh_db "$ldb" $pgbase || return 1
	note "live: $ldb brought up to date with the recorded stream (not timed)"
	"$bin/cham-apply" --target "$lconn" --input "$stream" -q >&2 || { note "live: cham-apply of the stream failed"; return 1; }
	probe_rel=$(target_sql "$ldb" -c "SELECT format('%I.%I', pg_schema, pg_table) FROM sch_chameleon.tables
		WHERE source_name = 'default' AND source_schema = '$db' AND source_table = 'lag_probe'")
	[ -n "$probe_rel" ] || { note "live: lag_probe is not among the loaded tables of $ldb"; return 1; }
	target_sql "$ldb" -c "ALTER TABLE $probe_rel ADD COLUMN arrived timestamptz NOT NULL DEFAULT clock_timestamp()" ||
		return 1

	mkfifo "$fifo" "$pfifo" || return 1
	note "live: cham-stream --from-target $ldb | cham-apply --target $ldb, in the background"
	"$bin/cham-apply" --target "$lconn" -q <"$fifo" 2>"$out/live-apply.log" &
	apply_pid=$!
	bg_pids+=("$apply_pid")
	"$bin/cham-stream" --source "$CHAM_SOURCE_URI/$db" --from-target "$lconn" -q >"$fifo" 2>"$out/live-stream.log" &
	stream_pid=$!
	bg_pids+=("$stream_pid")

	"$mariadb" --defaults-file="$CHAM_MYSQL_ROOT_CNF" -N -B "$db" <"$pfifo" >/dev/null 2>"$out/probe.log" &
	probe_pid=$!
	bg_pids+=("$probe_pid")
	probe_writer "$stop" >"$pfifo" &
	writer_pid=$!
	bg_pids+=("$writer_pid")
	printf '%s\n' "SELECT extract(epoch FROM applied_at - event_time) FROM sch_chameleon.positions
		WHERE source_name = 'default' \\watch 0.2" >"$out/sampler.sql"
	psql "$lconn" -X -q -A -t -f "$out/sampler.sql" >"$out/positions.samples" 2>"$out/sampler.log" &
	sampler_pid=$!
	bg_pids+=("$sampler_pid")

	note "live: sysbench oltp_write_only run: $threads threads, $live_seconds s, probes every 100 ms"
	sysbench_do run --threads="$threads" --time="$live_seconds" --report-interval=0
	t_end=$(now_s)
	live_tx=$(sysbench_tx)
	touch "$stop"
	wait "$writer_pid" || true
	wait "$probe_pid" || note "live: the probe session failed: $(tail -n 1 "$out/probe.log")"
	kill "$sampler_pid" 2>/dev/null || true
	wait "$sampler_pid" 2>/dev/null || true
	note "live: sysbench: ${live_tx% *} transactions (${live_tx#* } per s)"
	if pipeline_failed cham-stream "$stream_pid" "$out/live-stream.log" ||
		pipeline_failed cham-apply "$apply_pid" "$out/live-apply.log"; then
		kill "$stream_pid" "$apply_pid" 2>/dev/null || true
		wait "$stream_pid" "$apply_pid" 2>/dev/null || true
		bg_pids=()
		live_lines+=("live: stream | apply during sysbench: FAILED (see above)")
		return 1
	fi

	read -r src_file src_pos _ <<<"$(root_sql -e "SHOW MASTER STATUS")" || true
	[ -n "${src_pos:-}" ] || note "live: no binlog position from SHOW MASTER STATUS"
	note "live: waiting for $ldb to reach the source's end, ${src_file:-}:${src_pos:-}"
	if [ -n "${src_pos:-}" ] && wait_caught_up "$src_file" "$src_pos" "$apply_pid"; then
		caught=1
		t_caught=$(now_s)
	else
		caught=0
	fi
	kill -TERM "$stream_pid" 2>/dev/null || true
	wait "$stream_pid" || rc_s=$?
	wait "$apply_pid" || rc_a=$?
	bg_pids=()
	if [ "$rc_s" != 0 ] || [ "$rc_a" != 0 ]; then
		note "live: cham-stream exit $rc_s, cham-apply exit $rc_a; the ends of their logs:"
		tail -n 10 "$out/live-stream.log" "$out/live-apply.log" >&2
		live_lines+=("live: stream | apply: FAILED (cham-stream exit $rc_s, cham-apply exit $rc_a)")
		return 1
	fi
	if [ "$caught" = 0 ]; then
		# What cham-apply held, or still had to read: the rest by a stream that stops at the end.
		note "live: $ldb did not reach $src_file:$src_pos; the rest by cham-stream --stop-when-idle | cham-apply"
		"$bin/cham-stream" --source "$CHAM_SOURCE_URI/$db" --from-target "$lconn" --stop-when-idle -q |
			"$bin/cham-apply" --target "$lconn" -q >&2 || { note "live: the catch-up failed"; return 1; }
	fi

	lag=$(target_sql "$ldb" -F ' ' -c "SELECT count(*),
			round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
			round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1), round(max(ms)::numeric, 1)
		FROM (SELECT extract(epoch FROM (arrived AT TIME ZONE 'UTC') - t) * 1000 AS ms FROM $probe_rel) p") ||
		return 1
	src_probes=$(root_sql -e "SELECT COUNT(*) FROM $db.lag_probe") || return 1
	# each probe's figures, for a look afterwards (CHAM_BENCH_KEEP_OUTPUT=1)
	target_sql "$ldb" -c "COPY (SELECT id, t, arrived, extract(epoch FROM (arrived AT TIME ZONE 'UTC') - t) * 1000
		FROM $probe_rel ORDER BY id) TO STDOUT" >"$out/probes.tsv" || true
	pos_lag=$(percentiles "$out/positions.samples")
	read -r probes p50 p99 pmax <<<"$lag"
	read -r samples s50 s99 _ <<<"$pos_lag"
	live_lines+=("$(printf 'live: stream | apply during sysbench (%d s, %.0f tx/s): probe lag p50 %s ms, p99 %s ms, max %s ms (%d probes); positions lag p50 %s s, p99 %s s' \
		"$live_seconds" "${live_tx#* }" "$p50" "$p99" "$pmax" "$probes" "$s50" "$s99")")
	live_lines+=("live: probe lag: arrived (clock_timestamp() at the row's INSERT in PostgreSQL; its batch commits a little later) - t (UTC_TIMESTAMP(6) at the source)")
	live_lines+=("live: positions lag: applied_at - event_time of sch_chameleon.positions, $samples samples every 200 ms during the load; event_time is the binlog's commit timestamp, in whole seconds, so up to 1 s of each sample is that truncation")
	if [ "$caught" = 1 ]; then
		live_lines+=("$(awk -v a="$t_end" -v b="$t_caught" 'BEGIN { printf "live: caught up with the source %.1f s after the load ended", b - a }')")
	else
		live_lines+=("live: NOT caught up: the stored position stood still short of the source's end for 15 s; the rest was applied by a second stream --stop-when-idle")
	fi
	if [ "$probes" != "$src_probes" ]; then
		live_lines+=("live: the source holds $src_probes probe rows, the target $probes: DIFFERENT")
		return 1
	fi
	target_sql "$ldb" -c "ALTER TABLE $probe_rel DROP COLUMN arrived" || return 1
	vline=$(verify_target "$ldb" "$out/verify-live.log") || rc=1
	live_lines+=("live: cham-verify ($ldb): $vline")
	[ "$caught" = 1 ] || rc=1
	return $rc
}

if [ "$live" = 1 ] && ! live_phase; then
	status=1
	[ "${#live_lines[@]}" -gt 0 ] || live_lines=("live: FAILED (see the messages on stderr)")
fi
unset root_pw

# ---------------------------------------------------------------- the table

awk -v sbtx="${sb_tx% *}" -v sbtps="${sb_tx#* }" -v threads="$threads" -v secs="$seconds" \
	-v tx="$range_tx" -v rows="$range_rows" -v replay="$replay" -v vline="$verify_line" \
	-v same="${same:-0}" -v differ="${differ:-}" '
	BEGIN {
		printf "source: sysbench oltp_write_only, %d threads, %d s: %d transactions (%.1f per s); the range since the dump: %d transactions, %d rows\n",
			threads, secs, sbtx, sbtps, tx, rows
		printf "%-15s %7s %8s %8s %7s %7s %9s %10s %9s\n", "run", "batch", "wall s", "RSS MiB",
			"CPU s", "pg CPU", "tx/s", "rows/s", "vs source"
	}
	$3 == "FAILED" { printf "%-15s %7s %8s\n", $1, $2, "FAILED"; next }
	{
		w = $3
		tps = w > 0 ? tx / w : 0
		printf "%-15s %7s %8.2f %8.1f %7.1f %7.1f %9.0f %10.0f %8.2fx\n", $1, $2, w, $4 / 1024,
			$5, $6, tps, (w > 0 ? rows / w : 0), (sbtps > 0 ? tps / sbtps : 0)
		if ($1 ~ /^apply-/ && (bestrun == "" || w < best)) { best = w; bestrun = $1 }
	}
	END {
		if (bestrun != "") {
			tps = best > 0 ? tx / best : 0
			printf "fastest apply: %s, %.2f s for the source'"'"'s %d s: %.0f tx/s = %.2fx the source'"'"'s %.1f tx/s (target 2x, wall <= %.1f s: %s; stretch 4x, wall <= %.1f s: %s)\n",
				bestrun, best, secs, tps, (sbtps > 0 ? tps / sbtps : 0), sbtps,
				secs / 2, (best <= secs / 2 ? "met" : "MISSED"), secs / 4, (best <= secs / 4 ? "met" : "MISSED")
		}
		if (sbtx != tx)
			printf "note: sysbench counted %d transactions, the stream holds %d\n", sbtx, tx
		printf "exactly-once: the same stream applied again: target %s\n", replay
		printf "cham-verify (apply-default): %s\n", vline
		printf "other targets the same rows as apply-default: %d%s\n", same, (differ != "" ? ", DIFFERENT:" differ : "")
		print "tx/s and rows/s: the range over the wall time; CPU s the run'"'"'s own (user+system), pg CPU the PostgreSQL server'"'"'s"
	}' "$results"
for l in "${live_lines[@]}"; do
	echo "$l"
done
exit $status
