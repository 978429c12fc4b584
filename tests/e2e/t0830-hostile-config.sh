#!/usr/bin/env bash
# t0830-hostile-config: configuration files with wrong types (a string where a number is
# expected, a list where a mapping is, a mapping where a list is), unknown and repeated keys,
# a source the file does not have, and files that are no YAML at all, given to every
# program: a clear message naming file:line:column and the key, exit 2, nothing written or
# changed; unknown and repeated keys are warnings with file:line, and the program goes on.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0830_cfg
tgt="$CHAM_TARGET"

# expect_config_error FILE-CONTENT LINE:COL KEY MESSAGE PROGRAM [ARGS]: the program, given
# the config (written to bad.yaml), exits 2 naming bad.yaml:LINE:COL, the key and the message.
expect_config_error()
{
	local content=$1 where=$2 key=$3 msg=$4 rc=0
	shift 4
	printf '%b' "$content" >bad.yaml &&
	"$@" >out 2>err || rc=$?
	cat err
	test "$rc" = 2 &&
	grep -F "bad.yaml:$where: " err &&
	{ test -z "$key" || grep -F "\"$key\"" err; } &&
	grep -F -e "$msg" err &&
	test ! -s out
}

target_state()
{
	pg_user -c "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('$db', 'sch_chameleon') AND c.relkind = 'r' ORDER BY 1" &&
	pg_user -c "SELECT count(*) FROM $db.t" &&
	pg_user -c "SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions"
}

test_expect_success 'setup: a loaded source, a stream of one change, the target state recorded' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db; CREATE TABLE $db.t (id int primary key)" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump &&
	mysql_root "$db" -e "INSERT INTO t VALUES (1)" &&
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle --output s.jsonl &&
	grep -q "\"k\":\"insert\"" s.jsonl &&
	target_state >before.state &&
	cat before.state
'

test_expect_success 'a string where a number is expected (replica_batch_size: many): cham-apply exit 2, nothing applied' '
	expect_config_error "sources:\n  default:\n    replica_batch_size: many\n" 3:25 \
		sources.default.replica_batch_size "\"many\" is not a whole number" \
		cham-apply -c bad.yaml --target "$tgt" --input s.jsonl &&
	target_state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'a number out of range (replica_batch_size: 0, my_server_id: -5): exit 2' '
	expect_config_error "sources:\n  default:\n    replica_batch_size: 0\n" 3:25 \
		sources.default.replica_batch_size "0 is out of range" \
		cham-apply -c bad.yaml --target "$tgt" --input s.jsonl &&
	expect_config_error "sources:\n  default:\n    my_server_id: -5\n" 3:19 \
		sources.default.my_server_id "-5 is out of range" \
		cham-stream -c bad.yaml --source "$CHAM_SOURCE_URI/$db" --start mysql-bin.000001:4 --output stream.jsonl &&
	test ! -e stream.jsonl
'

test_expect_success 'a port of 20 digits, a size that is no size, a boolean that is none: exit 2 each' '
	expect_config_error "sources:\n  default:\n    db_conn:\n      port: 99999999999999999999\n" 4:13 \
		sources.default.db_conn.port "is not a whole number" \
		cham-dump -c bad.yaml --output out1 &&
	test ! -e out1 &&
	expect_config_error "sources:\n  default:\n    copy_max_memory: lots\n" 3:22 \
		sources.default.copy_max_memory "is not a size" \
		cham-load -c bad.yaml --target "$tgt" dump &&
	expect_config_error "sources:\n  default:\n    gtid_enable: perhaps\n" 3:18 \
		sources.default.gtid_enable "is not a boolean" \
		cham-stream -c bad.yaml --source "$CHAM_SOURCE_URI/$db" --start mysql-bin.000001:4 --output stream.jsonl &&
	test ! -e stream.jsonl
'

test_expect_success 'a list where a mapping is expected (db_conn, pg_conn, sources): exit 2' '
	expect_config_error "sources:\n  default:\n    db_conn:\n      - host\n      - port\n" 4:7 \
		sources.default.db_conn "expected a mapping of keys, found a list" \
		cham-dump -c bad.yaml --output out2 &&
	test ! -e out2 &&
	expect_config_error "pg_conn: [a, b]\n" 1:10 pg_conn "expected a mapping of keys, found a list" \
		cham-detach -c bad.yaml &&
	expect_config_error "sources:\n  - mysql\n  - pgsql\n" 2:3 sources "expected a mapping of keys, found a list" \
		cham-load -c bad.yaml --target "$tgt" dump &&
	target_state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'a list where a single value is expected, a mapping where a list is: exit 2' '
	expect_config_error "sources:\n  default:\n    db_conn:\n      port: [1, 2]\n" 4:13 \
		sources.default.db_conn.port "expected a single value, found a list" \
		cham-dump -c bad.yaml --output out3 &&
	expect_config_error "sources:\n  default:\n    limit_tables:\n      a: b\n" 4:7 \
		sources.default.limit_tables "expected a list, found a mapping" \
		cham-dump -c bad.yaml --source "$CHAM_SOURCE_URI/$db" --output out3 &&
	expect_config_error "sources:\n  default:\n    skip_events:\n      insert: x\n" 4:15 \
		sources.default.skip_events.insert "expected a list, found a single value" \
		cham-apply -c bad.yaml --target "$tgt" --input s.jsonl &&
	expect_config_error "sources:\n  default:\n    schema_mappings:\n      a: [b]\n" 4:10 \
		sources.default.schema_mappings.a "expected a single value, found a list" \
		cham-stream -c bad.yaml --source "$CHAM_SOURCE_URI/$db" --start mysql-bin.000001:4 --output stream.jsonl &&
	expect_config_error "type_override: yes\n" 1:16 type_override "expected a mapping of keys, found a single value" \
		cham-dump -c bad.yaml --output out3 &&
	test ! -e out3 && test ! -e stream.jsonl &&
	target_state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'files that are no YAML (a tab, random bytes, SQL): exit 2 naming file:line' '
	expect_config_error "sources:\n\tdefault: x\n" 2:1 "" "indented with a tab" \
		cham-dump -c bad.yaml --output out4 &&
	head -c 300 /dev/urandom >noise.yaml &&
	{ rc=0; cham-dump -c noise.yaml --output out4 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 && grep -E "noise\.yaml:[0-9]+:[0-9]+: " err &&
	printf "x\"; DROP TABLE t; --: \x27); DELETE FROM t; --\n  - [\n" >sql.yaml &&
	{ rc=0; cham-apply -c sql.yaml --target "$tgt" --input s.jsonl 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 && grep -E "sql\.yaml:[0-9]+:[0-9]+: invalid YAML" err &&
	test ! -e out4 &&
	target_state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'a directory or an empty file as the config: exit 2 naming it' '
	{ rc=0; cham-dump -c . --output out5 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 && grep -F "Is a directory" err &&
	: >empty.yaml &&
	{ rc=0; cham-load -c empty.yaml --target "$tgt" dump 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 && grep -F "\"empty.yaml\" is empty" err &&
	test ! -e out5
'

# with_config CONFIG WANT-IN-STDERR PROGRAM [ARGS]: PROGRAM -c CONFIG ARGS exits 2 with the text.
with_config()
{
	local cfg=$1 want=$2 prog=$3 rc=0
	shift 3
	"$prog" -c "$cfg" "$@" >out 2>err || rc=$?
	cat err
	test "$rc" = 2 && grep -F -e "$want" err
}

test_expect_success 'a source the file does not have (--source-name): exit 2, the sources listed, nothing done' '
	printf "sources:\n  one:\n    db_conn:\n      host: 127.0.0.1\n" >one.yaml &&
	want="source \"two\" is not in config file \"one.yaml\"" &&
	with_config one.yaml "$want" cham-dump --source-name two --output out6 &&
	with_config one.yaml "$want" cham-load --source-name two --target "$tgt" dump &&
	with_config one.yaml "$want" cham-apply --source-name two --target "$tgt" --input s.jsonl &&
	with_config one.yaml "$want" cham-stream --source-name two --start mysql-bin.000001:4 --output stream.jsonl &&
	with_config one.yaml "$want" cham-detach --source-name two --target "$tgt" &&
	grep -F "the sources in \"one.yaml\" are \"one\"" err &&
	test ! -e out6 && test ! -e stream.jsonl &&
	target_state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'no source and no target at all (no --source, a config without pg_conn): exit 2' '
	{ rc=0; cham-dump --output out7 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 && grep -F "no source given" err &&
	printf "sources:\n  default:\n    replica_batch_size: 5\n" >notarget.yaml &&
	with_config notarget.yaml "no target given" cham-load dump &&
	with_config notarget.yaml "no target given" cham-apply --input s.jsonl &&
	with_config notarget.yaml "no target given" cham-detach &&
	test ! -e out7
'

test_expect_success 'an unknown key: a warning naming file:line and the key, and the program goes on' '
	printf "# pg_chameleon with a typo and a key of the future\nsources:\n  default:\n    lmit_tables: [x.y]\n    colour: blue\n" >unknown.yaml &&
	cham-dump -c unknown.yaml --source "$CHAM_SOURCE_URI/$db" --output out8 2>err &&
	cat err &&
	grep -F "unknown.yaml:4:5: unknown key \"sources.default.lmit_tables\" ignored" err &&
	grep -F "unknown.yaml:5:5: unknown key \"sources.default.colour\" ignored" err &&
	test -f out8/manifest.json
'

test_expect_success 'a key given twice: a warning naming both lines, the later value used' '
	printf "sources:\n  default:\n    replica_batch_size: 5\n    replica_batch_size: 6\n" >twice.yaml &&
	cham-apply -c twice.yaml --target "$tgt" --input s.jsonl 2>err &&
	cat err &&
	grep -F "twice.yaml:4:5: key \"sources.default.replica_batch_size\" given again: this one replaces the one at line 3" err &&
	test "$(pg_user -c "SELECT count(*) FROM $db.t")" = 1
'

test_expect_success 'a password in a bad config is never shown' '
	printf "sources:\n  default:\n    db_conn:\n      password: hostile-s3cr3t\n      port: [1]\n" >pw.yaml &&
	{ rc=0; cham-dump -c pw.yaml --output out9 2>err || rc=$?; } &&
	cat err && test "$rc" = 2 &&
	! grep -F "hostile-s3cr3t" err
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
