#!/usr/bin/env bash
# t0820-hostile-stream: cham-apply given a stream with garbage, truncated, empty and huge
# lines (100 MB of garbage; a valid value of 50 MB), JSON that is no event, duplicate keys
# in an event, events out of order (a row outside a transaction, a begin inside a begin,
# a commit without a begin) and kinds it does not know. A bad line is an error naming its
# line number, exit 2; nothing of its transaction is applied, the transactions before it are.
# Duplicate keys in an object: the last one wins (as in JSON.parse and jq); cham-stream never
# writes them.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0820_stream
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# rows: the target's rows as "id:v" (long values as their length), comma-separated.
rows()
{
	pg_user -c "SELECT coalesce(string_agg(id || ':' || CASE WHEN length(v) > 20 THEN 'len' || length(v) ELSE v END,
		',' ORDER BY id), '') FROM $db.t"
}

position()
{
	pg_user -c "SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions"
}

# reset: the target as the load left it (no rows, the position of the dump).
reset()
{
	pg_user -c "DELETE FROM $db.t" \
		-c "UPDATE sch_chameleon.positions SET binlog_file = split_part('$(cat loaded.pos)', ':', 1),
			binlog_pos = split_part('$(cat loaded.pos)', ':', 2)::bigint, gtid = NULLIF('$(cat loaded.gtid)', '')"
}

# apply_lines WANT-RC LINE...: reset, write the lines as a stream, apply it; the exit code must be WANT-RC.
apply_lines()
{
	local want=$1 rc=0
	shift
	reset &&
	printf '%s\n' "$@" >in.jsonl &&
	cham-apply -q --target "$tgt" --input in.jsonl 2>err || rc=$?
	cat err
	echo "exit $rc, rows $(rows), at $(position)"
	test "$rc" = "$want"
}

test_expect_success 'setup: a loaded table and a stream of three transactions' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id int primary key, v longtext)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump &&
	position >loaded.pos &&
	pg_user -c "SELECT coalesce(gtid, '\'''\'') FROM sch_chameleon.positions" >loaded.gtid &&
	mysql_root "$db" -e "INSERT INTO t VALUES (1, \"a\"); INSERT INTO t VALUES (2, \"b\");
		BEGIN; INSERT INTO t VALUES (3, \"c\"); UPDATE t SET v = \"B\" WHERE id = 2; COMMIT" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl &&
	cat s.jsonl &&
	test "$(jq -r .k s.jsonl | tr "\n" " ")" = "hello begin insert commit begin insert commit begin insert update commit " &&
	for i in $(seq 1 11); do sed -n "${i}p" s.jsonl >"l$i"; done
'

# The lines: l1 hello; l2-l4 transaction 1 (insert 1); l5-l7 transaction 2 (insert 2);
# l8-l11 transaction 3 (insert 3, update 2).
L() { cat "l$1"; }

test_expect_success 'the stream as it is applies (the control)' '
	apply_lines 0 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$(L 6)" "$(L 7)" "$(L 8)" "$(L 9)" "$(L 10)" "$(L 11)" &&
	test "$(rows)" = "1:a,2:B,3:c" &&
	test "$(position)" = "$(jq -r .pos l11)"
'

test_expect_success 'a garbage line inside a transaction: exit 2 naming line 6, transaction 1 applied, not 2' '
	apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "xx{garbage; DROP TABLE t; --" "$(L 6)" "$(L 7)" >out &&
	cat out &&
	grep -F "line 6 of the stream is not an event" out &&
	test "$(rows)" = "1:a" &&
	test "$(position)" = "$(jq -r .pos l4)"
'

test_expect_success 'a line cut short (a copy cut mid-line, more lines after it): exit 2 naming it' '
	cut6=$(head -c 30 l6) &&
	apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$cut6" "$(L 7)" "$(L 8)" >out &&
	cat out &&
	grep -F "line 6 of the stream is not an event" out &&
	test "$(rows)" = "1:a" &&
	test "$(position)" = "$(jq -r .pos l4)"
'

test_expect_success 'the last line cut short, without its newline: exit 2, its transaction not applied' '
	reset &&
	{ cat l1 l2 l3 l4 l5 l6 && head -c 40 l7; } >cut.jsonl &&
	{ rc=0; cham-apply -q --target "$tgt" --input cut.jsonl 2>err || rc=$?; } &&
	cat err &&
	test "$rc" = 2 &&
	grep -F "line 7 of the stream is not an event" err &&
	test "$(rows)" = "1:a"
'

test_expect_success 'an empty line: exit 2 naming it' '
	apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "" "$(L 6)" "$(L 7)" >out &&
	cat out &&
	grep -F "line 6 of the stream is not an event" out &&
	test "$(rows)" = "1:a"
'

test_expect_success 'JSON that is no event (an array, a string, a number, null, no "k", "k" a number): exit 2 each' '
	for bad in "[1,2]" "\"insert\"" "42" "null" "{\"s\":\"$db\",\"t\":\"t\"}" "{\"k\":5}" "{\"k\":null}"; do
		apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$bad" "$(L 6)" "$(L 7)" >out || exit 1
		cat out &&
		grep -F "line 6 of the stream is not an event" out &&
		test "$(rows)" = "1:a" || exit 1
	done
'

test_expect_success 'a line of 100 MB of garbage: exit 2 naming it, in bounded time, the transaction before it applied' '
	reset &&
	{ cat l1 l2 l3 l4 l5 && head -c 100000000 /dev/zero | tr "\0" "x" && echo && cat l6 l7; } >huge.jsonl &&
	test "$(wc -c <huge.jsonl)" -gt 100000000 &&
	start=$(date +%s) &&
	{ rc=0; cham-apply -q --target "$tgt" --input huge.jsonl 2>err || rc=$?; } &&
	echo "$(($(date +%s) - start)) s" &&
	head -c 500 err &&
	test "$rc" = 2 &&
	grep -F "line 6 of the stream is not an event" err &&
	test "$(wc -c <err)" -lt 2000 &&
	test "$(rows)" = "1:a" &&
	test $(($(date +%s) - start)) -lt 60 &&
	rm -f huge.jsonl
'

test_expect_success 'a valid value of 50 MB on one line is applied whole' '
	reset &&
	{ cat l1 l2 &&
	  printf "{\"k\":\"insert\",\"s\":\"%s\",\"t\":\"t\",\"new\":{\"id\":\"9\",\"v\":\"" "$db" &&
	  head -c 50000000 /dev/zero | tr "\0" "y" &&
	  printf "\"}}\n" && cat l4; } >long.jsonl &&
	cham-apply -q --target "$tgt" --input long.jsonl &&
	test "$(rows)" = "9:len50000000" &&
	test "$(pg_user -c "SELECT v ~ '\''^y+$'\'' FROM $db.t WHERE id = 9")" = t &&
	rm -f long.jsonl
'

test_expect_success 'a row outside a transaction (after a commit): exit 2 naming it, nothing of it applied' '
	apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 6)" "$(L 5)" "$(L 6)" "$(L 7)" >out &&
	cat out &&
	grep -F "line 5 of the stream is a row event outside a transaction" out &&
	test "$(rows)" = "1:a" &&
	test "$(position)" = "$(jq -r .pos l4)"
'

test_expect_success 'a row before any begin (right after hello): exit 2 naming line 2' '
	apply_lines 2 "$(L 1)" "$(L 3)" "$(L 2)" "$(L 3)" "$(L 4)" >out &&
	cat out &&
	grep -F "line 2 of the stream is a row event outside a transaction" out &&
	test "$(rows)" = ""
'

test_expect_success 'a begin inside a begin: the first transaction, whose commit never came, is dropped' '
	apply_lines 0 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 5)" "$(L 6)" "$(L 7)" &&
	test "$(rows)" = "2:b" &&
	test "$(position)" = "$(jq -r .pos l7)"
'

test_expect_success 'a commit without a begin: exit 2 naming it, nothing applied, the position kept' '
	apply_lines 2 "$(L 1)" "$(L 4)" &&
	grep -q "line 2 of the stream is a malformed event: a commit without its begin" err &&
	test "$(rows)" = "" &&
	test "$(position)" = "$(cat loaded.pos)"
'

test_expect_success 'malformed events: each exit 2 naming its line, the transaction before it applied' '
	bad()
	{
		apply_lines 2 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$1" &&
		grep -q "line 6 of the stream is a malformed event: $2" err &&
		test "$(rows)" = "1:a"
	}
	bad "{\"k\":\"insert\",\"s\":\"$db\",\"t\":\"t\"}" "no \"new\" object" &&
	bad "{\"k\":\"delete\",\"s\":\"$db\",\"t\":\"t\"}" "no \"old\" object" &&
	bad "{\"k\":\"insert\",\"t\":\"t\",\"new\":{\"id\":\"9\"}}" "no \"s\" and \"t\"" &&
	bad "{\"k\":\"insert\",\"s\":\"$db\",\"t\":\"t\",\"new\":{\"id\":9}}" "a value that is neither" &&
	bad "$(L 6) garbage" "text after the event" &&
	bad "{\"k\":\"insert\",\"s\":\"$db\",\"t\":\"t\",\"new\":{\"id\":\"9\"},\"key\":[1]}" "a \"key\" entry"
'

test_expect_success 'a delete carrying a "new" image and no key is applied by its old values' '
	apply_lines 0 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$(L 6)" "$(L 7)" \
		"{\"k\":\"begin\",\"pos\":\"$(jq -r .pos l7 | cut -d: -f1):$(($(jq -r .pos l7 | cut -d: -f2) + 1))\"}" \
		"{\"k\":\"delete\",\"s\":\"$db\",\"t\":\"t\",\"old\":{\"id\":\"1\",\"v\":\"a\"},\"new\":{\"id\":\"7\"}}" \
		"{\"k\":\"commit\",\"pos\":\"$(jq -r .pos l7 | cut -d: -f1):$(($(jq -r .pos l7 | cut -d: -f2) + 2))\"}" &&
	test "$(rows)" = "2:b"
'

test_expect_success 'duplicate "k" in an event: the last one wins ({"k":"insert","k":"delete"} deletes)' '
	dup_del="{\"k\":\"insert\",\"k\":\"delete\",\"s\":\"$db\",\"t\":\"t\",\"old\":{\"id\":\"1\",\"v\":\"a\"}}" &&
	apply_lines 0 "$(L 1)" "$(L 2)" "$(L 3)" "$(L 4)" "$(L 5)" "$dup_del" "$(L 6)" "$(L 7)" &&
	test "$(rows)" = "2:b"
'

test_expect_success 'duplicate "k" the other way, and a duplicate column: the last one wins' '
	dup_ins="{\"k\":\"delete\",\"k\":\"insert\",\"s\":\"$db\",\"t\":\"t\",\"new\":{\"id\":\"5\",\"v\":\"first\",\"v\":\"last\"}}" &&
	apply_lines 0 "$(L 1)" "$(L 2)" "$dup_ins" "$(L 4)" &&
	test "$(rows)" = "5:last"
'

test_expect_success 'a kind this version does not know, and unknown keys, are skipped; the rest applies' '
	apply_lines 0 "$(L 1)" "$(L 2)" "{\"k\":\"frobnicate\",\"sql\":\"DROP TABLE t\"}" "$(L 3)" "$(L 4)" \
		"{\"k\":\"note\",\"x\":[1,{\"y\":null}]}" "$(jq -c ". + {\"future\":{\"a\":1}}" l5)" "$(L 6)" "$(L 7)" &&
	test "$(rows)" = "1:a,2:b" &&
	test "$(position)" = "$(jq -r .pos l7)"
'

test_expect_success 'garbage through a pipe (stdin), as from cham-stream: exit 2 naming the line' '
	reset &&
	{ rc=0; { cat l1 l2 l3 l4; echo "not json"; } | cham-apply -q --target "$tgt" 2>err || rc=$?; } &&
	cat err &&
	test "$rc" = 2 &&
	grep -F "line 5 of the stream is not an event" err &&
	test "$(rows)" = "1:a"
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
