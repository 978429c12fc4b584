#!/usr/bin/env bash
# t0440-apply-reconnect: cham-apply's PostgreSQL session is ended by the server again and again
# while it applies a stream: it reconnects by itself, applies again what was not committed,
# and the target ends equal to the source, nothing twice.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0440_reconnect
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

test_expect_success 'setup: a loaded source and a stream of 3000 transactions' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.r (id int primary key, n int)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump &&
	for k in $(seq 1 3000); do echo "INSERT INTO r VALUES ($k, 0); UPDATE r SET n = n + 1 WHERE id = $(( (k + 1) / 2 ));"; done |
		mysql_root "$db" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl
'

test_expect_success 'the session ended by the server while it applies: reconnected, equal' '
	# Fed slowly, so that the sessions are ended in the middle of the work.
	awk '\''{ print; fflush(); if (NR % 100 == 0) system("sleep 0.05") }'\'' s.jsonl |
		cham-apply --target "$tgt" --batch-size 5 2>apply.err &
	applier=$!
	ended=0
	while kill -0 "$applier" 2>/dev/null && [ $ended -lt 6 ]; do
		sleep 0.4
		n=$(pg_admin -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\''chameleon-c'\''")
		ended=$((ended + n))
	done
	rc=0 && wait "$applier" || rc=$?
	echo "sessions ended: $ended, exit $rc"
	test "$rc" = 0
	test "$ended" -ge 1
	grep -q "reconnected" apply.err
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out
	! grep -q DIFFERENT verify.out
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
