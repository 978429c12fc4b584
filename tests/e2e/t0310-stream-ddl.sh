#!/usr/bin/env bash
# t0310-stream-ddl: DDL between row events: every row event carries the columns its table had
# at that moment (names and values), the ddl events come in order with their SQL and default
# schema, statements on accounts and views are left out without stopping the stream, a
# transaction over two tables stays one transaction, a rolled-back one does not appear, and
# --tables / --exclude keep the rows of the tables asked for.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0310_ddl

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# my [ARGS]: the mariadb client as root, utf8mb4, batch mode.
my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# check_structure FILE: hello, then transactions (begin, rows, commit), ddl and heartbeats.
check_structure()
{
	jq -r .k "$1" | awk '
		NR == 1 { if ($0 != "hello") { print "line 1 is " $0 ", not hello"; bad = 1 } next }
		$0 == "begin" { if (t) { print "line " NR ": begin inside a transaction"; bad = 1 } t = 1; next }
		$0 == "commit" { if (!t) { print "line " NR ": commit without begin"; bad = 1 } t = 0; next }
		$0 == "insert" || $0 == "update" || $0 == "delete" {
			if (!t) { print "line " NR ": " $0 " outside a transaction"; bad = 1 } next }
		$0 == "ddl" || $0 == "heartbeat" { if (t) { print "line " NR ": " $0 " inside a transaction"; bad = 1 } next }
		{ print "line " NR ": unknown kind " $0; bad = 1 }
		END { if (t) { print "the stream ends inside a transaction"; bad = 1 } exit bad }'
}

# events FILE: the stream in short: one line per event (not hello), rows with their images
# as JSON in the order of the stream's keys.
events()
{
	jq -r '
		if .k == "hello" then empty
		elif .k == "ddl" then "ddl \(.s // "NULL") \(.sql)"
		elif .k == "insert" then "insert \(.t) \(.new | tojson)"
		elif .k == "update" then "update \(.t) \(.old | tojson) \(.new | tojson)"
		elif .k == "delete" then "delete \(.t) \(.old | tojson)"
		else .k end' "$1"
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`; DROP DATABASE IF EXISTS \`${db}_other\`; DROP USER IF EXISTS t0310_user@localhost"
}

test_expect_success 'setup: a database, the position before the DDL' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\`" &&
	binlog_pos >pos.start
'

test_expect_success 'tables altered, renamed, made and used between rows; accounts and views' '
	my "$db" <<-EOF &&
	CREATE TABLE t (id int PRIMARY KEY, a int);
	INSERT INTO t VALUES (1, 10);
	ALTER TABLE t ADD COLUMN b varchar(10) AFTER id;
	INSERT INTO t VALUES (2, '"'two'"', 20);
	ALTER TABLE t DROP COLUMN a;
	INSERT INTO t VALUES (3, '"'three'"');
	ALTER TABLE t CHANGE b c varchar(10);
	INSERT INTO t VALUES (4, '"'four'"');
	RENAME TABLE t TO t2;
	INSERT INTO t2 VALUES (5, '"'five'"');
	CREATE USER t0310_user@localhost IDENTIFIED BY '"'not-a-secret'"';
	GRANT SELECT ON $db.* TO t0310_user@localhost;
	CREATE VIEW v AS SELECT id, c FROM t2;
	CREATE OR REPLACE VIEW v AS SELECT c FROM t2;
	REVOKE SELECT ON $db.* FROM t0310_user@localhost;
	DROP VIEW v;
	DROP USER t0310_user@localhost;
	INSERT INTO t2 VALUES (6, '"'six'"');
	CREATE TABLE u (id int PRIMARY KEY, x varchar(10));
	CREATE TABLE m (id int PRIMARY KEY) ENGINE=MyISAM;
	BEGIN;
	INSERT INTO t2 VALUES (7, '"'seven'"');
	INSERT INTO u VALUES (1, '"'one'"');
	UPDATE t2 SET c = '"'SEVEN'"' WHERE id = 7;
	DELETE FROM u WHERE id = 1;
	INSERT INTO u VALUES (2, '"'two'"');
	COMMIT;
	BEGIN;
	INSERT INTO t2 VALUES (8, '"'eight'"');
	INSERT INTO u VALUES (3, '"'three'"');
	ROLLBACK;
	BEGIN;
	INSERT INTO u VALUES (4, '"'four'"');
	INSERT INTO m VALUES (1);
	ROLLBACK;
	EOF
	my -e "ALTER TABLE $db.u ADD COLUMN y int" &&
	my "$db" -e "INSERT INTO u VALUES (5, '"'five'"', 55)" &&
	binlog_pos >pos.end &&
	test "$(my "$db" -e "SELECT COUNT(*) FROM m")" = 1 &&
	test "$(my "$db" -e "SELECT COUNT(*) FROM u")" = 2
'

test_expect_success 'cham-stream reads it all and exits 0 (--stop-when-idle)' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-when-idle \
		>stream.jsonl 2>stream.err ||
	{ cat stream.err; exit 1; }
	cat stream.err &&
	check_structure stream.jsonl
'

test_expect_success 'each row has the columns of its table at that moment; ddl in order; accounts and views left out' '
	events stream.jsonl >actual &&
	cat >expect <<-EOF &&
	ddl $db CREATE TABLE t (id int PRIMARY KEY, a int)
	begin
	insert t {"id":"1","a":"10"}
	commit
	ddl $db ALTER TABLE t ADD COLUMN b varchar(10) AFTER id
	begin
	insert t {"id":"2","b":"two","a":"20"}
	commit
	ddl $db ALTER TABLE t DROP COLUMN a
	begin
	insert t {"id":"3","b":"three"}
	commit
	ddl $db ALTER TABLE t CHANGE b c varchar(10)
	begin
	insert t {"id":"4","c":"four"}
	commit
	ddl $db RENAME TABLE t TO t2
	begin
	insert t2 {"id":"5","c":"five"}
	commit
	begin
	insert t2 {"id":"6","c":"six"}
	commit
	ddl $db CREATE TABLE u (id int PRIMARY KEY, x varchar(10))
	ddl $db CREATE TABLE m (id int PRIMARY KEY) ENGINE=MyISAM
	begin
	insert t2 {"id":"7","c":"seven"}
	insert u {"id":"1","x":"one"}
	update t2 {"id":"7","c":"seven"} {"id":"7","c":"SEVEN"}
	delete u {"id":"1","x":"one"}
	insert u {"id":"2","x":"two"}
	commit
	begin
	insert m {"id":"1"}
	commit
	ddl NULL ALTER TABLE $db.u ADD COLUMN y int
	begin
	insert u {"id":"5","x":"five","y":"55"}
	commit
	EOF
	test_cmp expect actual
'

test_expect_success 'every row event names the schema; ddl, commit and begin carry positions and GTIDs' '
	test "$(jq -r "select(.k == \"insert\" or .k == \"update\" or .k == \"delete\") | .s" stream.jsonl | sort -u)" = "$db" &&
	jq -r "select(.k == \"ddl\" or .k == \"commit\") | .pos" stream.jsonl >pos.list &&
	test -s pos.list &&
	grep -v -E "^mysql-bin\.[0-9]{6}:[0-9]+$" pos.list >bad.pos || true
	test ! -s bad.pos &&
	awk -F: "{ if (NR > 1 && (\$1 < f || (\$1 == f && \$2 + 0 <= p + 0))) { print \"not increasing: \" \$0; bad = 1 }
		f = \$1; p = \$2 } END { exit bad }" pos.list &&
	test "$(tail -n 1 pos.list)" = "$(cat pos.end)" &&
	jq -r "select(.k == \"begin\" or .k == \"commit\") | \"\(.k) \(.gtid)\"" stream.jsonl |
		awk "/^begin/ { g = \$2; next } { if (\$2 != g || g == \"null\") { print \"begin \" g \" but \" \$0; bad = 1 } }
			END { exit bad }" &&
	test "$(jq -r "select(.k == \"ddl\") | .gtid" stream.jsonl | grep -c -E "^0-1-[0-9]+$")" = 8
'

test_expect_success 'no statement on accounts or views is in the stream, nor the password' '
	! grep -i -E "t0310_user|VIEW|not-a-secret" stream.jsonl
'

test_expect_success '--tables: only the rows of the tables asked for' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-when-idle --tables "$db.u" \
		>only-u.jsonl 2>only-u.err ||
	{ cat only-u.err; exit 1; }
	check_structure only-u.jsonl &&
	events only-u.jsonl | grep -E "^(insert|update|delete) " >actual &&
	cat >expect <<-EOF &&
	insert u {"id":"1","x":"one"}
	delete u {"id":"1","x":"one"}
	insert u {"id":"2","x":"two"}
	insert u {"id":"5","x":"five","y":"55"}
	EOF
	test_cmp expect actual
'

test_expect_success '--exclude with a wildcard: the rows of the other tables' '
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.start)" --stop-when-idle --exclude "$db.t*" \
		>no-t.jsonl 2>no-t.err ||
	{ cat no-t.err; exit 1; }
	check_structure no-t.jsonl &&
	events no-t.jsonl | grep -E "^(insert|update|delete) " >actual &&
	cat >expect <<-EOF &&
	insert u {"id":"1","x":"one"}
	delete u {"id":"1","x":"one"}
	insert u {"id":"2","x":"two"}
	insert m {"id":"1"}
	insert u {"id":"5","x":"five","y":"55"}
	EOF
	test_cmp expect actual
'

test_expect_success 'a stream started after the RENAME: the rows of t2 with their names' '
	pos=$(jq -r "select(.k == \"ddl\" and (.sql | startswith(\"RENAME\"))) | .pos" stream.jsonl) &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$pos" --stop-when-idle --tables "$db.t2" >t2.jsonl &&
	events t2.jsonl | grep -E "^(insert|update|delete) " >actual &&
	cat >expect <<-EOF &&
	insert t2 {"id":"5","c":"five"}
	insert t2 {"id":"6","c":"six"}
	insert t2 {"id":"7","c":"seven"}
	update t2 {"id":"7","c":"seven"} {"id":"7","c":"SEVEN"}
	EOF
	test_cmp expect actual
'

test_expect_success 'update and delete name the primary key, in key order, with the names of the moment' '
	binlog_pos >pos.key &&
	my "$db" <<-EOF &&
	CREATE TABLE k (a int, b int, v int, PRIMARY KEY (b, a));
	INSERT INTO k VALUES (1, 2, 3);
	UPDATE k SET v = 4;
	ALTER TABLE k CHANGE a a2 int;
	UPDATE k SET v = 5;
	DELETE FROM k;
	CREATE TABLE nk (a int, v int);
	INSERT INTO nk VALUES (1, 1);
	UPDATE nk SET v = 2;
	EOF
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.key)" --stop-when-idle >key.jsonl 2>key.err ||
	{ cat key.err; exit 1; }
	jq -c "select(.k == \"update\" or .k == \"delete\") | [.k, .t, .key]" key.jsonl >actual &&
	cat >expect <<-EOF &&
	["update","k",["b","a"]]
	["update","k",["b","a2"]]
	["delete","k",["b","a2"]]
	["update","nk",null]
	EOF
	test_cmp expect actual
'

test_expect_success 'CREATE OR REPLACE TABLE (MariaDB) is a ddl event, not left out' '
	binlog_pos >pos.cor &&
	my "$db" -e "CREATE OR REPLACE TABLE w (id int PRIMARY KEY); INSERT INTO w VALUES (1)" &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.cor)" --stop-when-idle >cor.jsonl 2>cor.err ||
	{ cat cor.err; exit 1; }
	events cor.jsonl >actual &&
	cat >expect <<-EOF &&
	ddl $db CREATE OR REPLACE TABLE w (id int PRIMARY KEY)
	begin
	insert w {"id":"1"}
	commit
	EOF
	test_cmp expect actual
'

test_expect_success 'TRUNCATE and DROP TABLE are ddl events' '
	binlog_pos >pos.tr &&
	my "$db" -e "TRUNCATE TABLE u; DROP TABLE m" &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.tr)" --stop-when-idle >tr.jsonl &&
	events tr.jsonl >actual &&
	cat >expect <<-EOF &&
	ddl $db TRUNCATE TABLE u
	ddl $db DROP TABLE \`m\` /* generated by server */
	EOF
	test_cmp expect actual
'

test_expect_success 'the database of the --source URI selects the rows, as it does for cham-dump' '
	my -e "DROP DATABASE IF EXISTS ${db}_other; CREATE DATABASE ${db}_other;
		CREATE TABLE ${db}_other.o (id int PRIMARY KEY)" &&
	binlog_pos >pos.other &&
	my -e "INSERT INTO ${db}_other.o VALUES (1); INSERT INTO $db.u VALUES (6, '"'six'"', 66)" &&
	cham-stream --source "$CHAM_SOURCE_URI/$db" --start "$(cat pos.other)" --stop-when-idle >other.jsonl 2>other.err ||
	{ cat other.err; exit 1; }
	events other.jsonl | grep -E "^(insert|update|delete) " >actual &&
	echo "insert u {\"id\":\"6\",\"x\":\"six\",\"y\":\"66\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'clean up' '
	cleanup
'

test_done
