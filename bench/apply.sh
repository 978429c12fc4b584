#!/usr/bin/env bash
# bench/apply.sh: cham-apply's replay rate into PostgreSQL against the source's write rate.
#
#   eval "$(scripts/cham-sandbox env)"; bench/apply.sh [BUILDDIR]
#
# 1. The database bench_apply (dropped and rebuilt every run): `sysbench oltp_write_only
#    prepare` (4 tables x 100,000 rows); `cham-dump --source $CHAM_SOURCE_URI/bench_apply
#    --output DIR`; `cham-load --target BASE DIR` into a fresh PostgreSQL database
#    bench_apply_base (created by the sandbox's admin, owned by chameleon), which records the
#    dump's binlog position.
# 2. The source's write rate: `sysbench oltp_write_only run --threads=4 --time=30`; its
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
#    must change nothing.
# 4. Correctness: `scripts/cham-verify --source $CHAM_SOURCE_URI --target T --dump DIR` on
#    apply-default's target must say every table equal; every other target must hold the
#    same rows as that one (an md5 of each table's rows in id order, computed in PostgreSQL).
#
# The result table goes to stdout, progress to stderr.  Environment:
#   CHAM_BENCH_APPLY_SECONDS   sysbench run time (default 30)
#   CHAM_BENCH_APPLY_THREADS   sysbench threads (default 4)
#   CHAM_BENCH_APPLY_TABLES    sysbench tables (default 4)
#   CHAM_BENCH_APPLY_ROWS      rows per sysbench table (default 100000)
#   CHAM_BENCH_APPLY_BATCHES   the --batch-size runs besides the default (default "100 10000")
#   CHAM_BENCH_KEEP_OUTPUT=1   leave the dump, the stream and the target databases
# Exit status: 0, or 1 when a run failed, verification found a difference or a target
# differs from the verified one.
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

seconds=${CHAM_BENCH_APPLY_SECONDS:-30}
threads=${CHAM_BENCH_APPLY_THREADS:-4}
sb_tables=${CHAM_BENCH_APPLY_TABLES:-4}
sb_rows=${CHAM_BENCH_APPLY_ROWS:-100000}
batches=${CHAM_BENCH_APPLY_BATCHES-100 10000}
whole CHAM_BENCH_APPLY_SECONDS "$seconds"
whole CHAM_BENCH_APPLY_THREADS "$threads"
whole CHAM_BENCH_APPLY_TABLES "$sb_tables"
whole CHAM_BENCH_APPLY_ROWS "$sb_rows"
for b in $batches; do whole CHAM_BENCH_APPLY_BATCHES "$b"; done

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

targets=()
results=$(mktemp "${TMPDIR:-/tmp}/cham-bench-apply.XXXXXX")
sb_log=$(mktemp "${TMPDIR:-/tmp}/cham-bench-sysbench.XXXXXX")
cleanup()
{
	rm -f "$results" "$sb_log"
	if [ "${CHAM_BENCH_KEEP_OUTPUT:-0}" != 1 ]; then
		for t in "${targets[@]}" $pgbase; do
			admin_sql -c "DROP DATABASE IF EXISTS $t" >/dev/null 2>&1 || true
		done
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

note "preparing $db: sysbench $sb_tables tables x $sb_rows rows"
root_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
sysbench_do prepare --threads="$sb_tables"
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
sb_tx=$(sed -n 's/^[[:space:]]*transactions:[[:space:]]*\([0-9]*\)[[:space:]]*(\([0-9.]*\) per sec.*/\1 \2/p' "$sb_log")
[ -n "$sb_tx" ] || die "no transaction count in sysbench's output"
unset root_pw
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
	local conn t
	conn=$(target "$1")
	for t in $(psql "$conn" -X -q -A -t -v ON_ERROR_STOP=1 -c "SELECT format('%I.%I', table_schema, table_name)
		FROM information_schema.tables WHERE table_type = 'BASE TABLE'
		AND table_schema NOT IN ('pg_catalog', 'information_schema', 'sch_chameleon') ORDER BY 1"); do
		echo "$t=$(psql "$conn" -X -q -A -t -v ON_ERROR_STOP=1 -c "SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM $t r")"
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

verify_line=-
if [ "$replay" != - ]; then
	note "cham-verify on $ref"
	vlog=$out/verify.log
	if "$verify" --source "$CHAM_SOURCE_URI" --target "$(target "$ref")" --dump "$dump" --bin "$bin" >"$vlog" 2>&1; then
		verify_line="ok: $(tail -n 1 "$vlog")"
	else
		verify_line="FAILED: $(tail -n 1 "$vlog")"
		tail -n 15 "$vlog" >&2
		status=1
	fi
	same=0 differ=""
	for b in $batches pipe; do
		grep -q "^[a-z-]*$b [0-9a-z]* [0-9]" "$results" || continue
		if [ "$(fp_sql "${db}_$b")" = "$fp_before" ]; then same=$((same + 1)); else differ="$differ ${db}_$b"; fi
	done
	[ -z "$differ" ] || status=1
fi

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
		if ($1 ~ /^apply-/ && tps > best) { best = tps; bestrun = $1 }
	}
	END {
		if (bestrun != "")
			printf "fastest apply: %s, %.0f tx/s = %.2fx the source'"'"'s %.1f tx/s (target > 1.00x: %s)\n",
				bestrun, best, best / sbtps, sbtps, (best > sbtps ? "met" : "MISSED")
		if (sbtx != tx)
			printf "note: sysbench counted %d transactions, the stream holds %d\n", sbtx, tx
		printf "exactly-once: the same stream applied again: target %s\n", replay
		printf "cham-verify (apply-default): %s\n", vline
		printf "other targets the same rows as apply-default: %d%s\n", same, (differ != "" ? ", DIFFERENT:" differ : "")
		print "tx/s and rows/s: the range over the wall time; CPU s the run'"'"'s own (user+system), pg CPU the PostgreSQL server'"'"'s"
	}' "$results"
exit $status
