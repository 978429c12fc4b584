#!/usr/bin/env bash
# bench/stream.sh: cham-stream against mariadb-binlog, decoding the same binlog range, in one run.
#
#   eval "$(scripts/cham-sandbox env)"; bench/stream.sh [BUILDDIR]
#
# 1. Makes the binlog, in the database bench_stream (dropped and rebuilt every run):
#    `sysbench oltp_write_only prepare` (4 tables x 100,000 rows) and a table `big`, then
#    START = SHOW MASTER STATUS; `sysbench oltp_write_only run` (4 threads, 60 s);
#    END = SHOW MASTER STATUS; one transaction of 1,000,000 rows
#    (INSERT INTO big SELECT ... FROM seq_1_to_1000000); END2 = SHOW MASTER STATUS.
#    The range starts in a new binlog file (FLUSH BINARY LOGS) and the older files are
#    purged: run it on the benchmark's own sandbox, not on one whose binlog others read.
# 2. Times, under `/usr/bin/time -v`, each tool decoding START..END into a file:
#      cham-stream     cham-stream --source $CHAM_SOURCE_URI --start START --stop-at END
#                        --stop-when-idle -q
#      mariadb-binlog  mariadb-binlog --read-from-remote-server --host H --port P --user U
#                        --start-position=POS --stop-position=POS -v
#                        --base64-output=DECODE-ROWS FILE...
#    and counts the rows each wrote (cham-stream's insert/update/delete lines; mariadb-binlog's
#    `### INSERT INTO`, `### UPDATE`, `### DELETE FROM` lines), so that both did the same work.
# 3. Memory: both again over END..END2, the one transaction of a million rows; cham-stream's
#    peak RSS there must stay flat (close to its peak over the sysbench range).
# Both connect as the sandbox's chameleon user over TCP, the password in MYSQL_PWD (which
# both read), never on a command line; sysbench runs as root over the socket, its password
# in MYSQL_PWD in its own environment.
#
# The result tables go to stdout, progress to stderr.  Environment:
#   CHAM_BENCH_STREAM_SECONDS  sysbench run time (default 60)
#   CHAM_BENCH_STREAM_THREADS  sysbench threads (default 4)
#   CHAM_BENCH_STREAM_TABLES   sysbench tables (default 4)
#   CHAM_BENCH_STREAM_ROWS     rows per sysbench table (default 100000)
#   CHAM_BENCH_STREAM_BIG_ROWS rows of the single big transaction (default 1000000)
#   CHAM_BENCH_STREAM_TOOLS    the tools, in order (default "cham-stream mariadb-binlog")
#   CHAM_BENCH_REPEAT          runs of each tool over each range (default 1); the tables
#                              show each tool's fastest run and its highest peak RSS
#   CHAM_BENCH_KEEP_OUTPUT=1   leave the outputs in $CHAM_SANDBOX/bench-out/stream/
set -euo pipefail

prog=bench/stream.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CHAM_BUILD:-$top/build}}
case $build in /*) ;; *) build=$PWD/$build ;; esac
cham_stream=${CHAM_BIN:-$build/bin}/cham-stream

: "${CHAM_SANDBOX:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
: "${CHAM_SOURCE_URI:?run under the sandbox environment}"
: "${CHAM_MYSQL_HOST:?}" "${CHAM_MYSQL_PORT:?}" "${CHAM_MYSQL_USER:?}" "${MYSQL_PWD:?}"
: "${CHAM_MYSQL_ROOT_CNF:?}"
[ -r "$CHAM_MYSQL_ROOT_CNF" ] || die "cannot read $CHAM_MYSQL_ROOT_CNF"

seconds=${CHAM_BENCH_STREAM_SECONDS:-60}
threads=${CHAM_BENCH_STREAM_THREADS:-4}
sb_tables=${CHAM_BENCH_STREAM_TABLES:-4}
sb_rows=${CHAM_BENCH_STREAM_ROWS:-100000}
big_rows=${CHAM_BENCH_STREAM_BIG_ROWS:-1000000}
repeat=${CHAM_BENCH_REPEAT:-1}
tools=${CHAM_BENCH_STREAM_TOOLS:-cham-stream mariadb-binlog}
whole CHAM_BENCH_STREAM_SECONDS "$seconds"
whole CHAM_BENCH_STREAM_THREADS "$threads"
whole CHAM_BENCH_STREAM_TABLES "$sb_tables"
whole CHAM_BENCH_STREAM_ROWS "$sb_rows"
whole CHAM_BENCH_STREAM_BIG_ROWS "$big_rows"
whole CHAM_BENCH_REPEAT "$repeat"
for tool in $tools; do
	case $tool in
	cham-stream | mariadb-binlog) ;;
	*) die "unknown tool \"$tool\" in CHAM_BENCH_STREAM_TOOLS (cham-stream, mariadb-binlog)" ;;
	esac
done
db=bench_stream
out=$CHAM_SANDBOX/bench-out/stream

timebin=/usr/bin/time
[ -x "$timebin" ] || die "$timebin not found (Debian package \"time\"; run scripts/install-deps --bench)"
command -v sysbench >/dev/null 2>&1 || die "sysbench not found (run scripts/install-deps --bench)"
mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"
binlogbin=
case " $tools " in
*" mariadb-binlog "*)
	binlogbin=$(command -v mariadb-binlog || command -v mysqlbinlog) ||
		die "mariadb-binlog not found (Debian package mariadb-client)"
	;;
esac
case " $tools " in
*" cham-stream "*) [ -x "$cham_stream" ] || die "$cham_stream not found: build it with make" ;;
esac

# master_status: "FILE POS" of the binlog's end now.
master_status()
{
	root_sql -e "SHOW MASTER STATUS" | awk 'NR == 1 { print $1, $2 }'
}

# binlog_files FROM TO: the binlog files from FROM to TO, in order, one a line.
binlog_files()
{
	root_sql -e "SHOW BINARY LOGS" | awk -v a="$1" -v b="$2" '$1 == a { on = 1 } on { print $1 } $1 == b { exit }'
}

# binlog_bytes FROM_FILE FROM_POS TO_FILE TO_POS: the bytes of binlog between the two.
binlog_bytes()
{
	root_sql -e "SHOW BINARY LOGS" | awk -v a="$1" -v ap="$2" -v b="$3" -v bp="$4" '
		$1 == a { on = 1 }
		on { n += ($1 == b ? bp : $2) - ($1 == a ? ap : 0) }
		$1 == b { exit }
		END { print n + 0 }'
}

server_pid=
pidfile=$(root_sql -e "SELECT @@pid_file" 2>/dev/null || true)
if [ -n "$pidfile" ] && [ -r "$pidfile" ]; then
	read -r server_pid <"$pidfile" || server_pid=
fi

hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

results=$(mktemp "${TMPDIR:-/tmp}/cham-bench-stream.XXXXXX")
restore_sql=
cleanup()
{
	rm -f "$results"
	[ -z "$restore_sql" ] || root_sql -e "$restore_sql" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- the binlog

t0=$SECONDS
root_user=$(cnf_value user)
root_pw=$(cnf_value password)
root_sock=$(cnf_value socket)
[ -n "$root_sock" ] || root_sock=${CHAM_MYSQL_SOCKET:-}
[ -n "$root_sock" ] || die "no socket in $CHAM_MYSQL_ROOT_CNF nor CHAM_MYSQL_SOCKET"
sb_log=$(mktemp "${TMPDIR:-/tmp}/cham-bench-sysbench.XXXXXX")
sysbench_do()
{
	local step=$1
	shift
	if ! MYSQL_PWD=$root_pw sysbench oltp_write_only --db-driver=mysql \
		--mysql-socket="$root_sock" --mysql-user="${root_user:-root}" --mysql-db="$db" \
		--tables="$sb_tables" --table-size="$sb_rows" --rand-seed=1 "$@" "$step" >"$sb_log" 2>&1; then
		tail -n 20 "$sb_log" >&2
		rm -f "$sb_log"
		die "sysbench $step failed"
	fi
}

note "preparing $db: sysbench $sb_tables tables x $sb_rows rows, and the table big"
root_sql <<EOF
DROP DATABASE IF EXISTS $db;
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE $db.big (
  id   INT UNSIGNED NOT NULL PRIMARY KEY,
  k    INT NOT NULL,
  c    CHAR(60) NOT NULL,
  pad  VARCHAR(60) NULL,
  at   DATETIME NOT NULL
) ENGINE=InnoDB;
EOF
sysbench_do prepare --threads="$sb_tables"
# A new binlog file, so that the measured range starts clean.
root_sql -e "FLUSH BINARY LOGS"
read -r start_file start_pos <<<"$(master_status)"
[ -n "$start_file" ] || die "SHOW MASTER STATUS is empty: is the binlog on?"
# Each run writes about 0.5 GB of binlog: the earlier runs' files go.
root_sql -e "PURGE BINARY LOGS TO '$start_file'"
note "prepared in $((SECONDS - t0)) s; START $start_file:$start_pos"

note "sysbench oltp_write_only run: $threads threads, $seconds s"
sysbench_do run --threads="$threads" --time="$seconds" --report-interval=0
sb_tx=$(sed -n 's/^[[:space:]]*transactions:[[:space:]]*\([0-9]*\)[[:space:]]*(\([0-9.]*\) per sec.*/\1 \2/p' "$sb_log")
rm -f "$sb_log"
unset root_pw
read -r end_file end_pos <<<"$(master_status)"
note "sysbench: ${sb_tx% *} transactions (${sb_tx#* } per s); END $end_file:$end_pos"

note "one transaction of $big_rows rows into $db.big"
t1=$SECONDS
root_sql -e "INSERT INTO $db.big
SELECT seq, (seq * 7919) % 1000003, CONCAT('row-', seq, '-', REPEAT('x', 40)),
  IF(seq % 10 = 0, NULL, MD5(seq)), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND
FROM $db.seq_1_to_$big_rows"
read -r end2_file end2_pos <<<"$(master_status)"
note "inserted in $((SECONDS - t1)) s; END2 $end2_file:$end2_pos"

range_bytes=$(binlog_bytes "$start_file" "$start_pos" "$end_file" "$end_pos")
big_bytes=$(binlog_bytes "$end_file" "$end_pos" "$end2_file" "$end2_pos")

flush_dirty_pages 60

# ---------------------------------------------------------------- measuring

# count_rows TOOL FILE: "ROWS INSERTS UPDATES DELETES TRANSACTIONS" the output holds.
count_rows()
{
	case $1 in
	cham-stream)
		LC_ALL=C awk '
			/^\{"k":"insert"/ { i++; next }
			/^\{"k":"update"/ { u++; next }
			/^\{"k":"delete"/ { d++; next }
			/^\{"k":"commit"/ { c++ }
			END { print i + u + d, i + 0, u + 0, d + 0, c + 0 }' "$2"
		;;
	mariadb-binlog)
		# -v writes each row as "### INSERT INTO `db`.`t`" (UPDATE, DELETE FROM) and its
		# values as "###   @1=..." lines; a transaction ends with "COMMIT/*!*/;"
		LC_ALL=C awk '
			/^### INSERT INTO / { i++; next }
			/^### UPDATE / { u++; next }
			/^### DELETE FROM / { d++; next }
			/^COMMIT\/\*!\*\/;/ { c++ }
			END { print i + u + d, i + 0, u + 0, d + 0, c + 0 }' "$2"
		;;
	esac
}

# measure RANGE TOOL FROM_FILE FROM_POS TO_FILE TO_POS: one run of TOOL over the range,
# under time -v, its stdout into a file; appends the figures to $results.
measure()
{
	local range=$1 tool=$2 ff=$3 fp=$4 tf=$5 tp=$6 name tv log dat wall rss user sys cpu s0 s1 mib counts
	local -a cmd files
	name=$range-$tool
	tv=$out/$name.time
	log=$out/$name.log
	dat=$out/$name.out
	rm -f "$dat"
	case $tool in
	cham-stream)
		# --stop-when-idle as well: --stop-at alone waits for the next transaction when the
		# range ends just after a binlog rotation (FILE:POS at the head of a new file, where
		# no transaction ends); at the end of the binlog, it stops there like mariadb-binlog.
		cmd=("$cham_stream" --source "$CHAM_SOURCE_URI" --start "$ff:$fp" --stop-at "$tf:$tp" --stop-when-idle -q)
		;;
	mariadb-binlog)
		mapfile -t files < <(binlog_files "$ff" "$tf")
		[ "${#files[@]}" -gt 0 ] || die "no binlog files from $ff to $tf"
		cmd=("$binlogbin" --read-from-remote-server --host "$CHAM_MYSQL_HOST" --port "$CHAM_MYSQL_PORT"
			--user "$CHAM_MYSQL_USER" --start-position="$fp" --stop-position="$tp" -v
			--base64-output=DECODE-ROWS "${files[@]}")
		;;
	esac
	sync
	note "$name: ${cmd[*]} > $dat"
	s0=$(cpu_ticks "$server_pid")
	if ! "$timebin" -v -o "$tv" "${cmd[@]}" >"$dat" 2>"$log"; then
		note "$name failed; the end of $log:"
		tail -n 15 "$log" >&2
		echo "$range $tool FAILED" >>"$results"
		return 0
	fi
	s1=$(cpu_ticks "$server_pid")
	wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tv" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")
	user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$tv")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	mib=$(stat -c %s "$dat" | awk '{ printf "%.1f", $1 / 1048576 }')
	counts=$(count_rows "$tool" "$dat")
	echo "$range $tool $wall $rss $cpu $(awk -v t=$((s1 - s0)) -v hz="$hz" 'BEGIN { printf "%.1f", t / hz }') $mib $counts" >>"$results"
	note "$name: ${wall} s, peak RSS $((rss / 1024)) MiB, ${mib} MiB written, rows (all ins upd del) and commits: $counts"
	[ "${CHAM_BENCH_KEEP_OUTPUT:-0}" = 1 ] || rm -f "$dat"
}

mkdir -p "$out"
for run in $(seq 1 "$repeat"); do
	[ "$repeat" -eq 1 ] || note "run $run of $repeat"
	for tool in $tools; do
		measure sysbench "$tool" "$start_file" "$start_pos" "$end_file" "$end_pos"
	done
done
note "memory: the transaction of $big_rows rows"
for run in $(seq 1 "$repeat"); do
	for tool in $tools; do
		measure big "$tool" "$end_file" "$end_pos" "$end2_file" "$end2_pos"
	done
done

# ---------------------------------------------------------------- the tables

awk -v sbtx="${sb_tx% *}" -v sbtps="${sb_tx#* }" -v threads="$threads" -v secs="$seconds" \
	-v range="$start_file:$start_pos..$end_file:$end_pos" -v rbytes="$range_bytes" \
	-v brange="$end_file:$end_pos..$end2_file:$end2_pos" -v bbytes="$big_bytes" -v bigrows="$big_rows" '
	function head(title) {
		print title
		printf "%-15s %8s %8s %8s %8s %8s %10s %10s %8s %8s %8s %9s\n", "tool", "wall s", "RSS MiB",
			"CPU s", "srv CPU", "out MiB", "rows/s", "rows", "insert", "update", "delete", "mdb/this"
	}
	function line(r, t,   k, ref, vs) {
		k = r SUBSEP t
		if (!(k in wall)) { printf "%-15s %8s\n", t, "FAILED"; return }
		ref = r SUBSEP "mariadb-binlog"
		vs = (ref in wall) && wall[k] > 0 ? sprintf("%.2fx", wall[ref] / wall[k]) : "-"
		printf "%-15s %8.2f %8.1f %8.1f %8.1f %8.1f %10.0f %10d %8d %8d %8d %9s\n", t, wall[k], rss[k],
			cpu[k], scpu[k], mib[k], (wall[k] > 0 ? rows[k] / wall[k] : 0), rows[k], ins[k], upd[k],
			del[k], vs
	}
	!(($1 SUBSEP $2) in seen) { seen[$1, $2] = 1; order[$1, ++n[$1]] = $2 }
	$3 == "FAILED" { nf++; next }
	{
		k = $1 SUBSEP $2
		if ($4 / 1024 > rss[k])
			rss[k] = $4 / 1024
		if (!(k in wall) || $3 < wall[k]) {
			wall[k] = $3; cpu[k] = $5; scpu[k] = $6; mib[k] = $7
			rows[k] = $8; ins[k] = $9; upd[k] = $10; del[k] = $11; tx[k] = $12
		}
	}
	END {
		cs = "sysbench" SUBSEP "cham-stream"; mb = "sysbench" SUBSEP "mariadb-binlog"
		bcs = "big" SUBSEP "cham-stream"; bmb = "big" SUBSEP "mariadb-binlog"
		head(sprintf("binlog of sysbench oltp_write_only, %d threads, %d s: %s, %.1f MiB, %d transactions (%s per s)",
			threads, secs, range, rbytes / 1048576, sbtx, sbtps))
		for (i = 1; i <= n["sysbench"]; i++)
			line("sysbench", order["sysbench", i])
		if ((cs in wall) && (mb in wall)) {
			r = wall[mb] / wall[cs]
			printf "mariadb-binlog/cham-stream wall: %.2fx (target >= 1.00x: %s; stretch >= 2.00x: %s)\n",
				r, (r >= 1 ? "met" : "MISSED"), (r >= 2 ? "met" : "not met")
			if (cpu[cs] > 0)
				printf "mariadb-binlog/cham-stream CPU: %.2fx (user+system; steadier than wall on a busy machine)\n",
					cpu[mb] / cpu[cs]
			if (rows[cs] != rows[mb] || ins[cs] != ins[mb] || upd[cs] != upd[mb] || del[cs] != del[mb] ||
			    tx[cs] != tx[mb])
				printf "WARNING: unequal work: cham-stream %d rows in %d transactions, mariadb-binlog %d rows in %d\n",
					rows[cs], tx[cs], rows[mb], tx[mb]
			else
				printf "equal work: %d rows in %d transactions on both sides\n", rows[cs], tx[cs]
		}
		print ""
		head(sprintf("one transaction of %d rows: %s, %.1f MiB of binlog", bigrows, brange, bbytes / 1048576))
		for (i = 1; i <= n["big"]; i++)
			line("big", order["big", i])
		if ((bcs in rss) && (cs in rss)) {
			# flat: within 8 MiB of the peak over the sysbench range, which holds only small
			# transactions
			ok = rss[bcs] <= rss[cs] + 8
			printf "cham-stream peak RSS: %.1f MiB over the %d-row transaction, %.1f MiB over the sysbench range (target flat, within +8 MiB: %s)\n",
				rss[bcs], bigrows, rss[cs], (ok ? "met" : "MISSED")
		}
		if ((bcs in rows) && rows[bcs] != bigrows)
			printf "WARNING: cham-stream wrote %d rows of the big transaction, not %d\n", rows[bcs], bigrows
		print "CPU s is the tool'"'"'s user+system time, srv CPU the server'"'"'s; mdb/this is mariadb-binlog'"'"'s wall over this tool'"'"'s"
		exit (nf > 0 ? 1 : 0)
	}' "$results"
