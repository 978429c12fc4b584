#!/usr/bin/env bash
# bench/memory.sh: the peak memory (RSS) of each program on large input: a big table through
# cham-dump and cham-load, one big transaction through cham-stream and cham-apply, and one
# big blob through all four. Memory must stay flat: bounded whatever the size of the data.
#
#   eval "$(scripts/cham-sandbox env)"; bench/memory.sh [BUILDDIR]
#
# In the database bench_memory (dropped and rebuilt every run):
#   wide     CHAM_BENCH_MEMORY_TABLE_MB of rows (id, 1000 bytes of text), dumped and loaded;
#   big      one transaction inserting CHAM_BENCH_MEMORY_TXN_MB of rows, streamed and applied;
#   blobs    one row with a CHAM_BENCH_MEMORY_BLOB_MB longblob, through all four programs.
# Each program runs under /usr/bin/time -v; the table gives its peak RSS. The bounds checked:
#   every run but the blob's: CHAM_BENCH_MEMORY_BOUND_MB (default 64);
#   the blob's: 12 x the blob + the bound: a row is held whole, as its binlog bytes, its
#   value, its hex text and its JSON (each in a buffer that grows by doubling).
# Defaults are a quick run (table 256 MB, transaction 128 MB, blob 64 MB); the issue's figures
# came from CHAM_BENCH_MEMORY_TABLE_MB=10240 CHAM_BENCH_MEMORY_TXN_MB=1024.
# Exit status: 0, or 1 when a run failed or a bound was passed.
set -euo pipefail

prog=bench/memory.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${CHAM_BUILD:-$top/build}}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=${CHAM_BIN:-$build/bin}

: "${CHAM_SANDBOX:?run under the sandbox environment: eval \"\$(scripts/cham-sandbox env)\"}"
: "${CHAM_SOURCE_URI:?}" "${CHAM_MYSQL_ROOT_CNF:?}" "${CHAM_PG_ADMIN:?}" "${CHAM_TARGET:?}"

table_mb=${CHAM_BENCH_MEMORY_TABLE_MB:-256}
txn_mb=${CHAM_BENCH_MEMORY_TXN_MB:-128}
blob_mb=${CHAM_BENCH_MEMORY_BLOB_MB:-64}
bound_mb=${CHAM_BENCH_MEMORY_BOUND_MB:-64}
for v in table_mb txn_mb blob_mb bound_mb; do whole "$v" "${!v}"; done
timebin=/usr/bin/time
[ -x "$timebin" ] || die "$timebin not found (Debian package \"time\")"
mariadb=$(command -v mariadb || command -v mysql) || die "the mariadb client was not found"

db=bench_memory
out=$CHAM_SANDBOX/bench-out/memory
results=$out/results
rm -rf "$out"
mkdir -p "$out"
cleanup()
{
	admin_sql -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	root_sql -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	[ "${CHAM_BENCH_KEEP_OUTPUT:-0}" = 1 ] || rm -rf "$out"
}
trap cleanup EXIT
tgt="$(echo "$CHAM_TARGET" | sed 's/\(^\|[[:space:]]\)dbname=[^[:space:]]*//g') dbname=$db"

# measured NAME BOUND_MB CMD...: CMD under time -v; a line "NAME RSS_KB WALL BOUND" in $results.
measured()
{
	local name=$1 bound=$2 tv=$out/$1.time
	shift 2
	note "$name: $*"
	if ! "$timebin" -v -o "$tv" "$@" 2>"$out/$name.log"; then
		tail -n 5 "$out/$name.log" >&2
		echo "$name FAILED - $bound" >>"$results"
		return 1
	fi
	echo "$name $(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tv")" \
		"$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tv")" "$bound" >>"$results"
}

status=0
note "building $db: $table_mb MB table, $txn_mb MB transaction, $blob_mb MB blob"
root_sql -e "SET GLOBAL max_allowed_packet = 1073741824"
root_sql -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
	CREATE TABLE $db.wide (id bigint primary key, pad varchar(1000));
	CREATE TABLE $db.big (id bigint primary key, pad varchar(1000));
	CREATE TABLE $db.blobs (id int primary key, b longblob)"
rows=$((table_mb * 1024))
root_sql "$db" -e "INSERT INTO wide SELECT seq, REPEAT(CHAR(97 + seq % 26), 1000) FROM seq_1_to_$rows"
admin_sql -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER chameleon" >/dev/null

measured cham-dump "$bound_mb" "$bin/cham-dump" -q --source "$CHAM_SOURCE_URI/$db" --tables "$db.wide,$db.big,$db.blobs" \
	--output "$out/dump" || status=1
measured cham-load "$bound_mb" "$bin/cham-load" -q --target "$tgt" "$out/dump" || status=1
rm -rf "$out/dump"

note "one transaction of $txn_mb MB"
root_sql "$db" -e "INSERT INTO big SELECT seq, REPEAT(CHAR(97 + seq % 26), 1000) FROM seq_1_to_$((txn_mb * 1024))"
measured cham-stream "$bound_mb" sh -c '"$1" -q --source "$2" --from-target "$3" --stop-when-idle --output "$4"' _ \
	"$bin/cham-stream" "$CHAM_SOURCE_URI/$db" "$tgt" "$out/txn.jsonl" || status=1
measured cham-apply "$bound_mb" "$bin/cham-apply" -q --target "$tgt" --input "$out/txn.jsonl" || status=1
rm -f "$out/txn.jsonl"

note "one row with a $blob_mb MB blob"
blob_bound=$((12 * blob_mb + bound_mb))
root_sql "$db" -e "INSERT INTO blobs VALUES (1, REPEAT(X'00FF', $((blob_mb * 512 * 1024))))"
measured cham-stream-blob "$blob_bound" sh -c '"$1" -q --source "$2" --from-target "$3" --stop-when-idle --output "$4"' _ \
	"$bin/cham-stream" "$CHAM_SOURCE_URI/$db" "$tgt" "$out/blob.jsonl" || status=1
measured cham-apply-blob "$blob_bound" "$bin/cham-apply" -q --target "$tgt" --input "$out/blob.jsonl" || status=1
rm -f "$out/blob.jsonl"
measured cham-dump-blob "$blob_bound" "$bin/cham-dump" -q --source "$CHAM_SOURCE_URI/$db" --tables "$db.blobs" \
	--output "$out/blobdump" || status=1
psql "$tgt" -XAtqc "TRUNCATE $db.blobs" >/dev/null
measured cham-load-blob "$blob_bound" "$bin/cham-load" -q --target "$tgt" --data-only "$out/blobdump" || status=1
n=$(psql "$tgt" -XAtqc "SELECT count(*) || ' ' || coalesce(sum(length(b)), 0) FROM $db.blobs")
[ "$n" = "1 $((blob_mb * 1024 * 1024))" ] || { note "the blob did not arrive whole: $n"; status=1; }

awk -v t="$table_mb" -v x="$txn_mb" -v b="$blob_mb" '
	BEGIN {
		printf "table %d MB, one transaction of %d MB, one blob of %d MB\n", t, x, b
		printf "%-18s %10s %10s %10s  %s\n", "run", "peak MiB", "bound MiB", "wall", "flat"
	}
	$2 == "FAILED" { printf "%-18s %10s\n", $1, "FAILED"; bad = 1; next }
	{
		mib = $2 / 1024
		ok = mib <= $4
		if (!ok) bad = 1
		printf "%-18s %10.1f %10d %10s  %s\n", $1, mib, $4, $3, ok ? "yes" : "NO"
	}
	END { exit bad }' "$results" || status=1
exit $status
