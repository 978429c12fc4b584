#!/usr/bin/env bash
# t0720-memory-bounds: peak memory stays flat on large input (bench/memory.sh at a test's
# size): a table and one transaction many times larger than the bound go through dump, load,
# stream and apply within 64 MiB each, and a 64 MB blob within 12 times its size.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

[ -x /usr/bin/time ] || skip_all "/usr/bin/time is not installed (Debian package time)"
# AddressSanitizer's shadow memory and quarantine are not the programs' own.
[ -z "${ASAN_OPTIONS:-}" ] || skip_all "peak memory is not measured under AddressSanitizer (make asan)"

test_expect_success 'a 256 MB table, a 256 MB transaction and a 64 MB blob: every peak RSS within its bound' '
	CHAM_BENCH_MEMORY_TABLE_MB=256 CHAM_BENCH_MEMORY_TXN_MB=256 CHAM_BENCH_MEMORY_BLOB_MB=64 \
		"$CHAM_TOP/bench/memory.sh" "$CHAM_BUILD" >memory.out 2>memory.err ||
		{ cat memory.out; tail -n 20 memory.err; false; } &&
	cat memory.out &&
	test "$(grep -c " yes$" memory.out)" = 8
'

test_done
