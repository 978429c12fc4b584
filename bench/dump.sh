#!/usr/bin/env bash
# bench/dump.sh: cham-dump against mydumper and mysqldump, on the same data, in one run.
#
#   eval "$(scripts/cham-sandbox env)"; bench/dataset.sh; bench/dump.sh [BUILDDIR]
#
# Each tool dumps the database `bench` (see bench/dataset.sh) into its own directory under
# $CHAM_SANDBOX/bench-out/, emptied before the run, under `/usr/bin/time -v`:
#   cham-dump     cham-dump --source $CHAM_SOURCE_URI/bench --output DIR --jobs 4
#   mydumper-t4   mydumper -t 4 -r 500000 (Debian's 0.10 writes SQL only: it has no --csv)
#   mydumper-t1   the same with -t 1
#   mysqldump     mariadb-dump --single-transaction --master-data=2, one file
# All connect as the sandbox's chameleon user over TCP; the password reaches each through
# MYSQL_PWD in its environment (cham-dump, mydumper and mariadb-dump all read it), never
# through the command line.
#
# The result table goes to stdout, progress to stderr.  Environment:
#   CHAM_BENCH_TOOLS   the tools to run, in order (default: all four above)
#   CHAM_BENCH_JOBS    cham-dump --jobs and mydumper -t of the parallel runs (default 4)
#   CHAM_BENCH_ROWS    rows per chunk, cham-dump --chunk-rows and mydumper -r (default 500000)
#   CHAM_BENCH_REPEAT  runs of each tool (default 1); the table shows each tool's fastest run
#                      and the highest peak RSS of its runs
#   CHAM_BENCH_KEEP_OUTPUT=1  leave the dumps in place (default: removed after measuring)
set -euo pipefail

prog=bench/dump.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CHAM_BUILD:-$top/build}}
case $build in /*) ;; *) build=$PWD/$build ;; esac
cham_dump=${CHAM_BIN:-$build/bin}/cham-dump

: "${CHAM_SANDBOX:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
: "${CHAM_SOURCE_URI:?run under the sandbox environment}"
: "${CHAM_MYSQL_HOST:?}" "${CHAM_MYSQL_PORT:?}" "${CHAM_MYSQL_USER:?}" "${MYSQL_PWD:?}"
: "${CHAM_MYSQL_ROOT_CNF:?}"

tools=${CHAM_BENCH_TOOLS:-cham-dump mydumper-t4 mydumper-t1 mysqldump}
jobs=${CHAM_BENCH_JOBS:-4}
chunk_rows=${CHAM_BENCH_ROWS:-500000}
repeat=${CHAM_BENCH_REPEAT:-1}
case $repeat in '' | *[!0-9]* | 0) die "CHAM_BENCH_REPEAT must be a whole number above 0" ;; esac
out=$CHAM_SANDBOX/bench-out
timebin=/usr/bin/time
[ -x "$timebin" ] || die "$timebin not found (Debian package \"time\"; run scripts/install-deps --bench)"
mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"

# The source: its row count (exact, from COUNT(*)) and the server's pid, to charge the
# server's CPU time to each run.
source_rows=$(root_sql -e "SELECT SUM(n) FROM (
	SELECT COUNT(*) AS n FROM bench.sbtest1 UNION ALL SELECT COUNT(*) FROM bench.sbtest2 UNION ALL
	SELECT COUNT(*) FROM bench.sbtest3 UNION ALL SELECT COUNT(*) FROM bench.sbtest4 UNION ALL
	SELECT COUNT(*) FROM bench.wide) AS t") || die "no dataset: run bench/dataset.sh"
server_pid=
pidfile=$(root_sql -e "SELECT @@pid_file" 2>/dev/null || true)
if [ -n "$pidfile" ] && [ -r "$pidfile" ]; then
	read -r server_pid <"$pidfile" || server_pid=
fi

hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# measure NAME DIR CMD...: runs CMD under time -v, output in DIR, stdout+stderr in a log;
# appends the figures to $results.
results=$(mktemp "${TMPDIR:-/tmp}/cham-bench-results.XXXXXX")
restore_sql=
cleanup()
{
	rm -f "$results"
	[ -z "$restore_sql" ] || root_sql -e "$restore_sql" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
measure()
{
	local name=$1 dir=$2 tv log wall rss cpu user sys s0 s1 mib rows
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	tv=$out/$name.time
	log=$out/$name.log
	sync
	note "$name: $*"
	s0=$(cpu_ticks "$server_pid")
	if ! "$timebin" -v -o "$tv" "$@" >"$log" 2>&1; then
		note "$name failed; the end of $log:"
		tail -n 15 "$log" >&2
		echo "$name FAILED" >>"$results"
		return 0
	fi
	s1=$(cpu_ticks "$server_pid")
	wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tv" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")
	user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$tv")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	mib=$(du -sb "$dir" | awk '{ printf "%.1f", $1 / 1048576 }')
	rows=$(count_rows "$name" "$dir")
	echo "$name $wall $rss $cpu $(awk -v t=$((s1 - s0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') $mib $rows" >>"$results"
	note "$name: ${wall} s, peak RSS $((rss / 1024)) MiB, ${mib} MiB written"
	[ "${CHAM_BENCH_KEEP_OUTPUT:-0}" = 1 ] || rm -rf "$dir"
}

# count_rows NAME DIR: the rows the tool says it wrote, or "-" when it does not say.
count_rows()
{
	local n
	case $1 in
	cham-dump)
		# manifest.json: "total_rows": N
		n=$(grep -o '"total_rows"[[:space:]]*:[[:space:]]*[0-9]*' "$2/manifest.json" 2>/dev/null |
			head -n 1 | grep -o '[0-9]*$' || true)
		;;
	mydumper-*)
		# 0.10 writes "INSERT INTO `t` VALUES" alone on a line, then a row a line: "(...),"
		n=$(find "$2" -name 'bench.*.sql' ! -name '*-schema.sql' -exec cat {} + | grep -c '^(' || true)
		;;
	esac
	echo "${n:--}"
}

flush_dirty_pages 120

mkdir -p "$out"
note "source: $source_rows rows in bench (5 tables)"
for run in $(seq 1 "$repeat"); do
	[ "$repeat" -eq 1 ] || note "run $run of $repeat"
	for tool in $tools; do
		case $tool in
		cham-dump)
			[ -x "$cham_dump" ] || die "$cham_dump not found: build it with make"
			measure cham-dump "$out/cham-dump" "$cham_dump" --source "$CHAM_SOURCE_URI/bench" \
				--output "$out/cham-dump" --jobs "$jobs" --chunk-rows "$chunk_rows" --force
			;;
		mydumper-t*)
			command -v mydumper >/dev/null 2>&1 || {
				note "mydumper not found (scripts/install-deps --bench): skipped"
				continue
			}
			measure "$tool" "$out/$tool" mydumper --host "$CHAM_MYSQL_HOST" --port "$CHAM_MYSQL_PORT" \
				--user "$CHAM_MYSQL_USER" --database bench --outputdir "$out/$tool" \
				--threads "${tool#mydumper-t}" --rows "$chunk_rows" --verbose 2
			;;
		mysqldump)
			dumpbin=$(command -v mariadb-dump || command -v mysqldump) || {
				note "mariadb-dump not found: skipped"
				continue
			}
			measure mysqldump "$out/mysqldump" "$dumpbin" --single-transaction --master-data=2 \
				--host "$CHAM_MYSQL_HOST" --port "$CHAM_MYSQL_PORT" --user "$CHAM_MYSQL_USER" \
				--result-file "$out/mysqldump/bench.sql" bench
			;;
		*)
			die "unknown tool \"$tool\" in CHAM_BENCH_TOOLS"
			;;
		esac
	done
done

# The table: wall, peak RSS, CPU of the tool and of the server, output, rows/s (of the
# source's rows), and the rows the tool reports.
awk -v total="$source_rows" -v jobs="$jobs" '
	!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
	$2 == "FAILED" { nf++; next }
	{
		if ($3 / 1024 > rss[$1])
			rss[$1] = $3 / 1024
		if (!($1 in wall) || $2 < wall[$1]) {
			wall[$1] = $2; cpu[$1] = $4; scpu[$1] = $5; mib[$1] = $6; rows[$1] = $7
		}
	}
	END {
		ref = "mydumper-t" jobs
		printf "%-12s %8s %8s %8s %8s %8s %9s %10s %9s\n", "tool", "wall s", "RSS MiB", "CPU s",
			"srv CPU", "out MiB", "rows/s", "rows", "vs " ref
		for (i = 1; i <= n; i++) {
			t = order[i]
			if (!(t in wall)) { printf "%-12s %8s\n", t, "FAILED"; continue }
			vs = (ref in wall) && wall[ref] > 0 ? sprintf("%.2fx", wall[t] / wall[ref]) : "-"
			printf "%-12s %8.2f %8.1f %8.1f %8.1f %8.1f %9.0f %10s %9s\n", t, wall[t], rss[t], cpu[t],
				scpu[t], mib[t], (wall[t] > 0 ? total / wall[t] : 0), rows[t], vs
		}
		printf "source rows: %d; CPU s is the tool'"'"'s user+system time, srv CPU the server'"'"'s\n", total
		if (("cham-dump" in wall) && (ref in wall) && wall[ref] > 0) {
			r = wall["cham-dump"] / wall[ref]
			printf "cham-dump/%s wall: %.2fx (target <= 1.20x: %s)\n", ref, r, (r <= 1.2 ? "met" : "MISSED")
		}
		if ("cham-dump" in rss)
			printf "cham-dump peak RSS: %.1f MiB (target < 200 MiB: %s)\n", rss["cham-dump"],
				rss["cham-dump"] < 200 ? "met" : "MISSED"
		if (("cham-dump" in rows) && rows["cham-dump"] != "-" && rows["cham-dump"] != total)
			printf "WARNING: cham-dump wrote %s rows, the source has %d\n", rows["cham-dump"], total
		exit (nf > 0 ? 1 : 0)
	}' "$results"
