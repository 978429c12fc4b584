#!/usr/bin/env bash
# t0990-fuzz-smoke: the short fuzz pass (make fuzz-smoke): every libFuzzer target replays the
# inputs that once broke it, then runs a fixed seed and number of inputs; none may fail.
# Skipped without a clang that has libFuzzer (scripts/install-deps installs it).
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

command -v "${FUZZ_CC:-clang}" >/dev/null || skip_all "no ${FUZZ_CC:-clang}: the fuzz targets need clang's libFuzzer"

test_expect_success 'every fuzz target: its regressions and a fixed short run, no failure' '
	make -C "$CHAM_TOP" --no-print-directory fuzz-smoke >fuzz.out 2>&1 || { cat fuzz.out; false; } &&
	cat fuzz.out &&
	! grep -q "FAILED\|fails again" fuzz.out &&
	{ grep -q "fuzz-smoke: skipped" fuzz.out || test "$(grep -c " executions in " fuzz.out)" = 5; }
'

test_done
