#!/usr/bin/env bash
# soak.sh: the fault-injection test (tests/e2e/t0700-faults.sh) run long, with many more
# faults: cham-stream and cham-apply killed, MariaDB and PostgreSQL crashed and restarted,
# connections cut, refused, blackholed and stalled at the proxies, under a continuous
# writer; then the replica must catch up and the target equal the source.
#
# Usage: tests/soak.sh [BUILDDIR]          (make soak; BUILDDIR defaults to build)
#
# Environment:
#   FAULT_SECONDS=N   how long faults are injected (default 900)
#   FAULT_COUNT=N     the most faults injected (default 600); they come at random
#                     intervals averaging FAULT_SECONDS / FAULT_COUNT, until either is
#                     reached (the default test run: 45 s, 24 faults)
#   SOAK_ROUNDS=N     run the test N times in a row, stopping at the first failure
#                     (default 1)
#   CHAM_SANDBOX, CHAM_KEEP_TMP, ...  as for scripts/run-tests; CHAM_VERBOSE defaults to 1
#                     here, so that each fault and the totals are shown
#
# The summary line of each run reads "faults survived: N (stream kills ..., ...)".
# Exit status: 0 every run passed, 1 one failed (its files are kept), 2 bad usage.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}

export FAULT_SECONDS=${FAULT_SECONDS:-900}
export FAULT_COUNT=${FAULT_COUNT:-600}
export CHAM_VERBOSE=${CHAM_VERBOSE:-1}
rounds=${SOAK_ROUNDS:-1}
for v in "$FAULT_SECONDS" "$FAULT_COUNT" "$rounds"; do
	case $v in
	'' | *[!0-9]* | 0)
		echo "soak.sh: FAULT_SECONDS, FAULT_COUNT and SOAK_ROUNDS must be whole numbers above 0" >&2
		exit 2
		;;
	esac
done

for round in $(seq 1 "$rounds"); do
	echo "soak.sh: run $round of $rounds: faults for up to $FAULT_SECONDS s, at most $FAULT_COUNT" >&2
	CHAM_TESTS=t0700-faults "$top/scripts/run-tests" --e2e-only "$build" || exit 1
done
