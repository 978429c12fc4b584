#!/usr/bin/env bash
# bench/load.sh: cham-dump + cham-load against pgloader and against a psql floor, on the same
# data, in one run.
#
#   eval "$(scripts/cham-sandbox env)"
#   CHAM_BENCH_DB=bench_load CHAM_BENCH_SCALE=1 bench/dataset.sh; bench/load.sh [BUILDDIR]
#
# The source is the MariaDB database $CHAM_BENCH_LOAD_DB (default bench_load, built by
# bench/dataset.sh; bench/run picks it).  Each load goes into a fresh PostgreSQL database
# (created by the admin, owned by chameleon, dropped after its figures are taken), under
# `/usr/bin/time -v`, after a CHECKPOINT:
#   cham-dump      cham-dump --source $CHAM_SOURCE_URI/DB --output DIR --jobs 4 --chunk-rows 500000
#   cham-load-jN   cham-load --target ... --jobs N DIR, for each N of CHAM_BENCH_LOAD_JOBS
#   floor          psql -f pre-data.sql; the chunks by `psql -c "\copy T FROM 'F' (FORMAT csv)"`,
#                  2 at a time (xargs -P 2, biggest first); then post-data.sql section by
#                  section, each section's statements 2 at a time (as cham-load --jobs 2 does);
#                  the same session settings as cham-load (PGOPTIONS)
#   pgloader       pgloader LOADFILE: LOAD DATABASE FROM mysql://... INTO postgresql://...
#                  WITH prefetch rows = 10000, workers = 4, concurrency = 1 (its defaults
#                  otherwise: create tables, indexes, foreign keys, reset sequences)
#                  SET MySQL PARAMETERS net_read_timeout = '3600', net_write_timeout = '3600'
#                  (else, at scale 5, the server drops a reader that pgloader's full queue
#                  has kept waiting for net_write_timeout, 60 s, and pgloader fails)
# cham-dump+cham-load is the end-to-end figure to set against pgloader (which reads MySQL
# itself); cham-load alone is set against the floor (both read the same dump).
#
# Passwords: cham-dump reads MYSQL_PWD, cham-load and psql read $PGPASSFILE.  pgloader can
# only take them in its connection strings: they go into the load file, created mode 600
# in the output directory and removed after the run, never on a command line.
#
# The result table goes to stdout, progress to stderr.  Environment:
#   CHAM_BENCH_LOAD_DB     the MariaDB database to load (default bench_load)
#   CHAM_BENCH_LOAD_TOOLS  the runs, in order (default: cham floor pgloader; cham is
#                          cham-dump then each cham-load-jN)
#   CHAM_BENCH_LOAD_JOBS   cham-load --jobs values (default "2 4"); the best is the one compared
#   CHAM_BENCH_FLOOR_JOBS  the floor's parallel psql processes (default 2)
#   CHAM_BENCH_JOBS        cham-dump --jobs (default 4)
#   CHAM_BENCH_ROWS        cham-dump --chunk-rows (default 500000)
#   CHAM_BENCH_PGLOADER_WITH  pgloader's WITH clause (default
#                          "prefetch rows = 10000, workers = 4, concurrency = 1")
#   CHAM_BENCH_PGLOADER_MYSQL_SET  its SET MySQL PARAMETERS clause (default
#                          "net_read_timeout = '3600', net_write_timeout = '3600'")
#   CHAM_BENCH_REPEAT      runs of each (default 1); the table shows each one's fastest run
#                          and the highest peak RSS of its runs
#   CHAM_BENCH_KEEP_OUTPUT=1  leave the dump and the target databases in place
set -euo pipefail

prog=bench/load.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

# ------------------------------------------------------------------ the floor, run under time -v
# load.sh --floor DUMPDIR CONNINFO JOBS WORKDIR: what a careful shell script does with psql.
if [ "${1:-}" = --floor ]; then
	dump=$2 conn=$3 jobs=$4 work=$5
	rm -rf "$work"
	mkdir -p "$work/post"
	psql "$conn" -X -q -v ON_ERROR_STOP=1 -f "$dump/schema/pre-data.sql" >/dev/null
	echo "floor: pre-data done"
	# manifest.json holds a line per table: "pg_schema":"S","pg_table":"T", then its chunks'
	# "file":"F","rows":N,"bytes":B.  One \copy line per chunk, the biggest first.
	sed -n 's/.*"pg_schema":"\([^"]*\)","pg_table":"\([^"]*\)".*"chunks":\[\(.*\)\]}.*/\1 \2 \3/p' \
		"$dump/manifest.json" |
		while read -r schema table chunks; do
			echo "$chunks" | grep -o '"file":"[^"]*","rows":[0-9]*,"bytes":[0-9]*' |
				sed 's/"file":"\([^"]*\)","rows":[0-9]*,"bytes":\([0-9]*\)/\2 \1/' |
				while read -r bytes file; do
					case $dump/$file in *"'"*) echo "a quote in $dump/$file" >&2; exit 1 ;; esac
					printf '%s \\copy "%s"."%s" FROM '"'"'%s'"'"' (FORMAT csv)\n' \
						"$bytes" "$schema" "$table" "$dump/$file"
				done
		done | sort -k1,1nr | cut -d' ' -f2- >"$work/copy.list"
	[ -s "$work/copy.list" ] || { echo "no chunks found in $dump/manifest.json" >&2; exit 1; }
	xargs -d '\n' -P "$jobs" -I{} psql "$conn" -X -q -v ON_ERROR_STOP=1 -c {} <"$work/copy.list"
	echo "floor: data done ($(wc -l <"$work/copy.list") chunks)"
	# post-data.sql as cham-load reads it (lib/sqlscript.c): "-- section: NAME" lines start
	# the sections; a statement ends with a line ending in ";" followed by a blank line.
	awk -v dir="$work/post" '
		function flush() {
			if (stmt ~ /[^ \t\n]/ && sec > 0) {
				f = sprintf("%s/%02d/%04d.sql", dir, sec, ++n)
				printf "%s", stmt > f
				close(f)
			}
			stmt = ""
		}
		/^-- section:/ { flush(); sec++; system("mkdir -p " dir "/" sprintf("%02d", sec)); pending = 0; next }
		{
			if (pending && $0 ~ /^[ \t\r]*$/) { flush(); pending = 0; next }
			pending = 0
			if (sec > 0 && !($0 ~ /^--/ && stmt == ""))
				stmt = stmt $0 "\n"
			if ($0 ~ /;[ \t\r]*$/) pending = 1
		}
		END { flush() }' "$dump/schema/post-data.sql"
	for sec in "$work"/post/*/; do
		[ -d "$sec" ] || continue
		find "$sec" -name '*.sql' | sort |
			xargs -d '\n' -P "$jobs" -I{} psql "$conn" -X -q -v ON_ERROR_STOP=1 -f {} >/dev/null
		echo "floor: post-data section $(basename "$sec") done"
	done
	exit 0
fi

# ------------------------------------------------------------------ set-up

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/bench/load.sh
build=${1:-${CHAM_BUILD:-$top/build}}
case $build in /*) ;; *) build=$PWD/$build ;; esac
cham_dump=${CHAM_BIN:-$build/bin}/cham-dump
cham_load=${CHAM_BIN:-$build/bin}/cham-load

: "${CHAM_SANDBOX:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
: "${CHAM_SOURCE_URI:?run under the sandbox environment}"
: "${CHAM_MYSQL_HOST:?}" "${CHAM_MYSQL_PORT:?}" "${CHAM_MYSQL_USER:?}" "${MYSQL_PWD:?}"
: "${CHAM_MYSQL_ROOT_CNF:?}" "${CHAM_PG_HOST:?}" "${CHAM_PG_PORT:?}" "${CHAM_PG_ADMIN:?}" "${PGPASSFILE:?}"

srcdb=${CHAM_BENCH_LOAD_DB:-bench_load}
case $srcdb in '' | *[!a-z0-9_]*) die "CHAM_BENCH_LOAD_DB must be a database name in [a-z0-9_]" ;; esac
tools=${CHAM_BENCH_LOAD_TOOLS:-cham floor pgloader}
load_jobs=${CHAM_BENCH_LOAD_JOBS:-2 4}
floor_jobs=${CHAM_BENCH_FLOOR_JOBS:-2}
dump_jobs=${CHAM_BENCH_JOBS:-4}
chunk_rows=${CHAM_BENCH_ROWS:-500000}
pgl_with=${CHAM_BENCH_PGLOADER_WITH:-prefetch rows = 10000, workers = 4, concurrency = 1}
pgl_mysql_set=${CHAM_BENCH_PGLOADER_MYSQL_SET:-"net_read_timeout = '3600', net_write_timeout = '3600'"}
repeat=${CHAM_BENCH_REPEAT:-1}
case $repeat in '' | *[!0-9]* | 0) die "CHAM_BENCH_REPEAT must be a whole number above 0" ;; esac
for j in $load_jobs $floor_jobs; do
	case $j in '' | *[!0-9]* | 0) die "job counts must be whole numbers above 0, not \"$j\"" ;; esac
done
out=$CHAM_SANDBOX/bench-load
dumpdir=$out/cham-dump
timebin=/usr/bin/time
[ -x "$timebin" ] || die "$timebin not found (Debian package \"time\"; run scripts/install-deps --bench)"
mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"
command -v psql >/dev/null 2>&1 || die "psql not found"

# The session settings cham-load gives its sessions (lib/load.c, SESSION_SETTINGS), for the
# floor's psql sessions too.
floor_pgoptions="-c synchronous_commit=off -c maintenance_work_mem=512MB -c max_parallel_maintenance_workers=2"

# target_conn DB: the chameleon user's conninfo for a database (password from PGPASSFILE).
target_conn()
{
	echo "host=$CHAM_PG_HOST port=$CHAM_PG_PORT user=chameleon dbname=$1"
}

target_sql()
{
	local db=$1
	shift
	psql "$(target_conn "$db")" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# The source: its tables and their exact row count.
tables=$(root_sql -e "SELECT TABLE_NAME FROM information_schema.TABLES
	WHERE TABLE_SCHEMA = '$srcdb' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME") ||
	die "cannot list the tables of $srcdb"
[ -n "$tables" ] || die "no tables in the MariaDB database $srcdb: run CHAM_BENCH_DB=$srcdb bench/dataset.sh"
ntables=$(echo "$tables" | wc -l)
source_rows=$(root_sql -e "SELECT SUM(n) FROM ($(echo "$tables" |
	awk -v db="$srcdb" '{ printf "%sSELECT COUNT(*) AS n FROM `%s`.`%s`", (NR > 1 ? " UNION ALL " : ""), db, $0 }')) AS t")

# CPU time so far, in clock ticks: of one process (the MariaDB server), and of the whole
# PostgreSQL server (the postmaster with its reaped children, plus its live children).
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
my_pid=
pidfile=$(root_sql -e "SELECT @@pid_file" 2>/dev/null || true)
if [ -n "$pidfile" ] && [ -r "$pidfile" ]; then
	read -r my_pid <"$pidfile" || my_pid=
fi
pg_pid=$(admin_sql -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null || true)
if [ -n "$pg_pid" ] && [ -r "/proc/$pg_pid/stat" ]; then
	pg_pid=$(sed 's/.*) //' "/proc/$pg_pid/stat" | awk '{ print $2 }') # its parent, the postmaster
else
	pg_pid=
fi

pg_ticks()
{
	[ -n "$pg_pid" ] || { echo 0; return; }
	# the postmaster's own and its reaped children's (fields 12-15), plus its live children's
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

# The sandbox's PostgreSQL log (scripts/cham-sandbox), when there is one to read.
pg_log=$CHAM_SANDBOX/pg/postgresql.log

# A fresh target database, owned by chameleon.
fresh_db()
{
	admin_sql -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 OWNER chameleon" >/dev/null
}

drop_db()
{
	[ "${CHAM_BENCH_KEEP_OUTPUT:-0}" = 1 ] || admin_sql -c "DROP DATABASE IF EXISTS $1" >/dev/null
}

# What a target database holds, outside the system schemas and sch_chameleon:
# "ROWS TABLES INDEXES FKS FKS_NOT_VALID".
target_figures()
{
	target_sql "$1" -c "
	WITH t AS (SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sch_chameleon')
		AND n.nspname NOT LIKE 'pg_toast%')
	SELECT (SELECT coalesce(sum((xpath('/row/n/text()',
			query_to_xml(format('SELECT count(*) AS n FROM %I.%I', nspname, relname), false, true, '')))[1]::text::bigint), 0)
			FROM t)
		|| ' ' || (SELECT count(*) FROM t)
		|| ' ' || (SELECT count(*) FROM pg_index i JOIN t ON t.oid = i.indrelid)
		|| ' ' || (SELECT count(*) FROM pg_constraint k JOIN t ON t.oid = k.conrelid WHERE k.contype = 'f')
		|| ' ' || (SELECT count(*) FROM pg_constraint k JOIN t ON t.oid = k.conrelid
			WHERE k.contype = 'f' AND NOT k.convalidated)"
}

# validate_fks DB: validates the NOT VALID foreign keys; prints the seconds it took.
validate_fks()
{
	local t0 t1
	t0=$(date +%s.%N)
	target_sql "$1" -c "SELECT format('ALTER TABLE %I.%I VALIDATE CONSTRAINT %I', n.nspname, c.relname, k.conname)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE k.contype = 'f' AND NOT k.convalidated AND n.nspname <> 'sch_chameleon'" |
		while IFS= read -r stmt; do
			[ -z "$stmt" ] || target_sql "$1" -c "$stmt" >/dev/null
		done
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

results=$(mktemp "${TMPDIR:-/tmp}/cham-bench-load.XXXXXX")
restore_sql=
pgl_file=
cleanup()
{
	rm -f "$results"
	[ -z "$pgl_file" ] || rm -f "$pgl_file"
	[ -z "$restore_sql" ] || root_sql -e "$restore_sql" || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stamp T0: copies stdin to stdout, each line after the seconds since T0 ($EPOCHREALTIME).
stamp()
{
	local t0=${1/./} line t
	while IFS= read -r line || [ -n "$line" ]; do
		t=${EPOCHREALTIME/./}
		t=$(((t - t0) / 10000))
		printf '%d.%02d %s\n' $((t / 100)) $((t % 100)) "$line"
	done
}

# phases NAME LOG [AVC]: where the time of a load went, from the stamped log, as
# "NAME: part s, part s, ..." and the autovacuum workers cancelled (AVC).
phases()
{
	local p=
	case $1 in
	cham-load-*)
		# the first message comes after the checksums; "created the tables" after
		# pre-data.sql; the last "loaded" line ends the data; then post-data
		p=$(awk -v name="$1" '
			NR == 1 { first = $1 }
			/created the tables/ { pre = $1 }
			/: info: loaded "/ { data = $1 }
			/post-data .*: [0-9]+ statements in/ { last = $1 }
			END {
				if (pre == "" || data == "" || last == "") exit
				printf "%s: checksums %.1f, pre-data %.1f, data %.1f, post-data %.1f", name,
					first, pre - first, data - pre, last - data
			}' "$2")
		;;
	floor)
		p=$(awk '
			/floor: pre-data done/ { pre = $1 }
			/floor: data done/ { data = $1 }
			/floor: post-data section/ { last = $1 }
			END {
				if (pre == "" || data == "" || last == "") exit
				printf "floor: pre-data %.1f, data %.1f, post-data %.1f", pre, data - pre, last - data
			}' "$2")
		;;
	esac
	if [ -n "${3:-}" ]; then
		[ -n "$p" ] && p="$p; " || p="$1: "
		p="${p}autovacuum workers cancelled: $3"
	fi
	echo "$p"
}

# measure NAME TARGETDB CMD...: runs CMD under time -v (TARGETDB, when not "-", is created
# fresh before and its contents counted after); appends a line to $results:
#   NAME WALL RSS_KB CPU MY_CPU PG_CPU ROWS TABLES INDEXES FKS FKS_NOT_VALID FK_VALIDATE_S [PHASES...]
measure()
{
	local name=$1 db=$2 tv log wall rss user sys cpu m0 m1 p0 p1 fig rows val=- rc t0 l0 avc=
	shift 2
	tv=$out/$name.time
	log=$out/$name.log
	[ "$db" = - ] || fresh_db "$db"
	admin_sql -c CHECKPOINT >/dev/null
	sync
	note "$name: $*"
	m0=$(cpu_ticks "$my_pid")
	p0=$(pg_ticks)
	l0=0
	[ ! -r "$pg_log" ] || l0=$(wc -l <"$pg_log")
	t0=$EPOCHREALTIME
	set +e
	"$timebin" -v -o "$tv" "$@" 2>&1 | stamp "$t0" >"$log"
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		note "$name failed; the end of $log:"
		tail -n 15 "$log" | cut -c 1-300 >&2
		echo "$name FAILED" >>"$results"
		[ "$db" = - ] || drop_db "$db"
		return 1
	fi
	sleep 0.5 # the backends of the run exit and are reaped
	# DDL waiting for an autovacuum worker has it cancelled, after deadlock_timeout (1 s)
	[ ! -r "$pg_log" ] || [ "$db" = - ] || avc=$(tail -n +"$((l0 + 1))" "$pg_log" |
		grep -c 'canceling autovacuum task' || true)
	m1=$(cpu_ticks "$my_pid")
	p1=$(pg_ticks)
	wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tv" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")
	user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$tv")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	if [ "$db" = - ]; then
		# cham-dump: the rows its manifest says it wrote
		rows=$(grep -o '"total_rows"[[:space:]]*:[[:space:]]*[0-9]*' "$dumpdir/manifest.json" 2>/dev/null |
			head -n 1 | grep -o '[0-9]*$' || true)
		fig="${rows:--} - - - -"
	else
		fig=$(target_figures "$db")
		case $name in cham-load-*) val=$(validate_fks "$db") ;; esac
		drop_db "$db"
	fi
	echo "$name $wall $rss $cpu $(awk -v a="$m0" -v b="$m1" -v c="$p0" -v d="$p1" -v hz="$hz" \
		'BEGIN { printf "%.1f %.1f", (b - a) / hz, (d - c) / hz }') $fig $val $(phases "$name" "$log" "$avc")" >>"$results"
	note "$name: ${wall} s, peak RSS $((rss / 1024)) MiB; target: $fig (rows tables indexes fks not-valid)"
}

# pgloader's URI user-info: ":" and "@" in a password are written twice.
pgl_escape()
{
	printf '%s' "$1" | sed 's/:/::/g; s/@/@@/g'
}

# The chameleon user's PostgreSQL password, from PGPASSFILE (host:port:db:user:password,
# "*" matches anything; \: and \\ are escapes).
pg_password()
{
	awk -v h="$CHAM_PG_HOST" -v p="$CHAM_PG_PORT" -v u=chameleon '
		{
			line = $0; n = 0; f = ""
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1)
				if (c == "\\" && i < length(line)) { f = f substr(line, ++i, 1); continue }
				if (c == ":" && n < 4) { fld[n++] = f; f = ""; continue }
				f = f c
			}
			fld[n] = f
			if (n == 4 && (fld[0] == h || fld[0] == "*") && (fld[1] == p || fld[1] == "*") &&
				(fld[3] == u || fld[3] == "*")) { print fld[4]; exit }
		}' "$PGPASSFILE"
}

flush_dirty_pages 120

mkdir -p "$out"
note "source: $source_rows rows in $srcdb ($ntables tables)"
# A dump left by an earlier run (CHAM_BENCH_KEEP_OUTPUT=1) may be of another database.
rm -rf "$dumpdir"
have_dump=0
for run in $(seq 1 "$repeat"); do
	[ "$repeat" -eq 1 ] || note "run $run of $repeat"
	for tool in $tools; do
		case $tool in
		cham)
			[ -x "$cham_dump" ] || die "$cham_dump not found: build it with make"
			[ -x "$cham_load" ] || die "$cham_load not found: build it with make"
			rm -rf "$dumpdir"
			have_dump=0
			measure cham-dump - "$cham_dump" --source "$CHAM_SOURCE_URI/$srcdb" --output "$dumpdir" \
				--jobs "$dump_jobs" --chunk-rows "$chunk_rows" --force || continue
			have_dump=1
			for j in $load_jobs; do
				measure "cham-load-j$j" bench_t_cham_j"$j" \
					"$cham_load" --target "$(target_conn bench_t_cham_j"$j")" --jobs "$j" "$dumpdir" || true
			done
			;;
		floor)
			if [ "$have_dump" = 0 ]; then
				[ -x "$cham_dump" ] || die "$cham_dump not found: build it with make"
				note "floor: making its input with cham-dump first (not measured)"
				"$cham_dump" --source "$CHAM_SOURCE_URI/$srcdb" --output "$dumpdir" --jobs "$dump_jobs" \
					--chunk-rows "$chunk_rows" --force -q || die "cham-dump failed"
				have_dump=1
			fi
			measure floor bench_t_floor env PGOPTIONS="$floor_pgoptions" "$self" --floor "$dumpdir" \
				"$(target_conn bench_t_floor)" "$floor_jobs" "$out/floor-work" || true
			rm -rf "$out/floor-work"
			;;
		pgloader)
			command -v pgloader >/dev/null 2>&1 || {
				note "pgloader not found (scripts/install-deps --bench): skipped"
				continue
			}
			pgpw=$(pg_password)
			[ -n "$pgpw" ] || die "no password for chameleon@$CHAM_PG_HOST:$CHAM_PG_PORT in $PGPASSFILE"
			pgl_file=$out/pgloader.load
			rm -f "$pgl_file"
			(
				umask 077
				cat >"$pgl_file" <<EOF
LOAD DATABASE
  FROM mysql://$CHAM_MYSQL_USER:$(pgl_escape "$MYSQL_PWD")@$CHAM_MYSQL_HOST:$CHAM_MYSQL_PORT/$srcdb
  INTO postgresql://chameleon:$(pgl_escape "$pgpw")@$CHAM_PG_HOST:$CHAM_PG_PORT/bench_t_pgloader
WITH $pgl_with
SET MySQL PARAMETERS $pgl_mysql_set;
EOF
			)
			unset pgpw
			rm -rf "$out/pgloader-root"
			measure pgloader bench_t_pgloader pgloader --root-dir "$out/pgloader-root" \
				--summary "$out/pgloader.summary" "$pgl_file" || true
			rm -f "$pgl_file"
			pgl_file=
			;;
		*)
			die "unknown run \"$tool\" in CHAM_BENCH_LOAD_TOOLS (cham, floor, pgloader)"
			;;
		esac
	done
done
[ "${CHAM_BENCH_KEEP_OUTPUT:-0}" = 1 ] || rm -rf "$dumpdir"

# The table: each run's fastest wall time, its highest peak RSS; then cham-dump+cham-load
# (the best cham-load) end to end, and the targets.
awk -v total="$source_rows" -v ntab="$ntables" -v fjobs="$floor_jobs" '
	!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
	$2 == "FAILED" { nf++; next }
	{
		if ($3 / 1024 > rss[$1])
			rss[$1] = $3 / 1024
		if (!($1 in wall) || $2 < wall[$1]) {
			wall[$1] = $2; cpu[$1] = $4; mycpu[$1] = $5; pgcpu[$1] = $6
			rows[$1] = $7; tabs[$1] = $8; idx[$1] = $9; fk[$1] = $10; nv[$1] = $11; val[$1] = $12
			ph[$1] = ""
			for (i = 13; i <= NF; i++)
				ph[$1] = ph[$1] (i > 13 ? " " : "") $i
		}
	}
	function line(t, w, r, c, m, p, ro, ta, ix, f, vs) {
		printf "%-16s %8.2f %8.1f %7.1f %7.1f %7.1f %9.0f %9s %4s %4s %4s %9s\n", t, w, r, c, m, p,
			(w > 0 ? total / w : 0), ro, ta, ix, f, vs
	}
	END {
		best = ""
		for (i = 1; i <= n; i++)
			if (order[i] ~ /^cham-load-j/ && (order[i] in wall) && (best == "" || wall[order[i]] < wall[best]))
				best = order[i]
		printf "%-16s %8s %8s %7s %7s %7s %9s %9s %4s %4s %4s %9s\n", "run", "wall s", "RSS MiB", "CPU s",
			"my CPU", "pg CPU", "rows/s", "rows", "tab", "idx", "fk", "vs floor"
		for (i = 1; i <= n; i++) {
			t = order[i]
			if (!(t in wall)) { printf "%-16s %8s\n", t, "FAILED"; continue }
			vs = ("floor" in wall) && t != "cham-dump" && t != "pgloader" ?
				sprintf("%.2fx", wall[t] / wall["floor"]) : "-"
			line(t, wall[t], rss[t], cpu[t], mycpu[t], pgcpu[t], rows[t], tabs[t], idx[t], fk[t], vs)
		}
		e2e = ""
		if (best != "" && ("cham-dump" in wall)) {
			e2e = "cham-dump+" substr(best, 6)
			line(e2e, wall["cham-dump"] + wall[best], (rss["cham-dump"] > rss[best] ? rss["cham-dump"] : rss[best]),
				cpu["cham-dump"] + cpu[best], mycpu["cham-dump"] + mycpu[best], pgcpu["cham-dump"] + pgcpu[best],
				rows[best], tabs[best], idx[best], fk[best], "-")
		}
		printf "source rows: %d in %d tables; rows/s = source rows / wall; CPU s is the run'"'"'s own user+system\n", total, ntab
		printf "time (all its processes), my CPU the MariaDB server'"'"'s, pg CPU the PostgreSQL server'"'"'s\n"
		printf "(backends, autovacuum, checkpointer); floor = psql \\copy with %d processes, then\n", fjobs
		printf "post-data.sql with %d processes a section; fk: foreign keys (NOT VALID ones: %s)\n", fjobs,
			(best != "" ? nv[best] " in " best : "-")
		if (best != "" && ("floor" in wall) && wall["floor"] > 0) {
			r = wall[best] / wall["floor"]
			printf "%s/floor wall: %.2fx (target <= 1.15x: %s)\n", best, r, (r <= 1.15 ? "met" : "MISSED")
		}
		if (e2e != "" && ("pgloader" in wall)) {
			r = wall["pgloader"] / (wall["cham-dump"] + wall[best])
			printf "pgloader/(%s) wall: %.2fx faster (target >= 3x: %s)\n", e2e, r, (r >= 3 ? "met" : "MISSED")
		}
		m = 0
		for (t in rss)
			if (t ~ /^cham-/ && rss[t] > m)
				m = rss[t]
		if (m > 0)
			printf "cham-dump/cham-load peak RSS: %.1f MiB (target < 200 MiB: %s)\n", m, (m < 200 ? "met" : "MISSED")
		for (i = 1; i <= n; i++)
			if (ph[order[i]] != "")
				printf "phases (s): %s\n", ph[order[i]]
		if (best != "" && val[best] != "-")
			printf "cham-load leaves foreign keys NOT VALID; validating them afterwards took %s s (not counted)\n", val[best]
		bad = 0
		for (t in rows)
			if (t != "cham-dump" && rows[t] != total) {
				printf "WARNING: %s loaded %s rows, the source has %d\n", t, rows[t], total
				bad++
			} else if (t == "cham-dump" && rows[t] != "-" && rows[t] != total) {
				printf "WARNING: cham-dump wrote %s rows, the source has %d\n", rows[t], total
				bad++
			}
		if (!bad && length(rows) > 0)
			printf "row counts: every target holds the source'"'"'s %d rows\n", total
		exit (nf > 0 || bad > 0 ? 1 : 0)
	}' "$results"
