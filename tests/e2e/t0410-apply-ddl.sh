#!/usr/bin/env bash
# t0410-apply-ddl: DDL made on the source while it replicates is translated by cham-apply with
# the dump's type mapping, recorded in sch_chameleon.ddl_log, and the DML that uses the new
# shape follows: both sides end equal. A statement it does not understand is logged as
# skipped and the replica goes on; with --stop-on-ddl it stops there.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

db=t0410_ddl
tgt="$CHAM_TARGET"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

# catch_up: streams from the target's position to the binlog's end and applies it.
catch_up()
{
	cham-stream -q --source "$CHAM_SOURCE_URI/$db" --from-target "$tgt" --stop-when-idle >>stream.jsonl &&
	cham-apply -q --target "$tgt" --input stream.jsonl "$@"
}

# verify_equal: every table of the source as it is now (a fresh dump's catalog) equals the target.
verify_equal()
{
	rm -rf now &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output now 2>/dev/null &&
	"$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump now >verify.out &&
	! grep -q DIFFERENT verify.out
}

test_expect_success 'setup: a loaded source' '
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db;
		CREATE TABLE $db.a (id int primary key, x varchar(10));
		INSERT INTO $db.a VALUES (1, \"one\"), (2, \"two\")" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump 2>/dev/null &&
	cham-load -q --target "$tgt" dump
'

test_expect_success 'ALTER TABLE clauses, then rows of the new shape' '
	mysql_root "$db" -e "ALTER TABLE a ADD COLUMN y int NOT NULL DEFAULT 7 AFTER id, ADD COLUMN z datetime(6);
		INSERT INTO a VALUES (3, 30, \"three\", \"2024-01-02 03:04:05.5\");
		ALTER TABLE a CHANGE x label varchar(40);
		UPDATE a SET label = \"renamed\" WHERE id = 1;
		ALTER TABLE a MODIFY y bigint unsigned;
		INSERT INTO a (id, y, label) VALUES (4, 18446744073709551615, \"big\");
		ALTER TABLE a DROP COLUMN z" &&
	catch_up &&
	verify_equal &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.ddl_log WHERE applied")" -ge 4
'

test_expect_success 'CREATE TABLE, RENAME TABLE, TRUNCATE and DROP TABLE' '
	mysql_root "$db" -e "CREATE TABLE b (id bigint auto_increment primary key, v enum(\"p\",\"q\") NOT NULL, d decimal(10,2));
		INSERT INTO b (v, d) VALUES (\"p\", 1.5), (\"q\", -2.25);
		RENAME TABLE b TO c;
		INSERT INTO c (v, d) VALUES (\"q\", 3);
		CREATE TABLE t (k int primary key); INSERT INTO t VALUES (1); TRUNCATE t; INSERT INTO t VALUES (2);
		CREATE TABLE gone (k int primary key); DROP TABLE gone" &&
	catch_up &&
	verify_equal &&
	test "$(pg_user -c "SELECT count(*) FROM $db.c")" = 3 &&
	test "$(pg_user -c "SELECT to_regclass('\''$db.gone'\'') IS NULL")" = t
'

test_expect_success 'an ENUM gains a label: the check follows, the new value is accepted' '
	mysql_root "$db" -e "CREATE TABLE e (id int primary key, v enum(\"x\",\"y\") NOT NULL);
		INSERT INTO e VALUES (1, \"y\");
		ALTER TABLE e MODIFY v enum(\"x\",\"y\",\"z\") NOT NULL;
		INSERT INTO e VALUES (2, \"z\")" &&
	catch_up &&
	verify_equal &&
	test "$(pg_user -c "SELECT v FROM $db.e WHERE id = 2")" = z &&
	! pg_user -c "INSERT INTO $db.e VALUES (3, '\''w'\'')" 2>/dev/null
'

test_expect_success 'generated columns: plain columns in PostgreSQL, their values replicated' '
	mysql_root "$db" -e "CREATE TABLE g (id int primary key, a int, s int AS (a * 2) STORED, v varchar(30) AS (concat(\"a=\", a)) VIRTUAL);
		INSERT INTO g (id, a) VALUES (1, 10), (2, 20);
		UPDATE g SET a = 11 WHERE id = 1;
		CREATE TABLE g2 (id int primary key, a int);
		ALTER TABLE g2 ADD COLUMN twice int GENERATED ALWAYS AS (a + a) STORED;
		INSERT INTO g2 (id, a) VALUES (1, 4)" &&
	catch_up 2>err &&
	verify_equal &&
	test "$(pg_user -c "SELECT s || v FROM $db.g WHERE id = 1")" = 22a=11 &&
	test "$(pg_user -c "SELECT twice FROM $db.g2")" = 8 &&
	pg_user -c "SELECT col_description('\''$db.g'\''::regclass, 3)" | grep -q "GENERATED ALWAYS AS" &&
	grep -q "generated column \"twice\": re-sync the table" err
'

test_expect_success 'the other forms: LIKE, IF NOT EXISTS, qualified names, keys and indexes added and dropped, several renames and drops, table options' '
	mysql_root "$db" -e "CREATE TABLE IF NOT EXISTS $db.k1 (id int NOT NULL, w varchar(20), n int) ENGINE=InnoDB ROW_FORMAT=DYNAMIC;
		CREATE TABLE IF NOT EXISTS k1 (id int);
		INSERT INTO k1 VALUES (1, \"a\", 1), (2, \"b\", 2);
		ALTER TABLE k1 ADD PRIMARY KEY (id), ADD UNIQUE KEY uw (w), ADD INDEX inn (n);
		UPDATE k1 SET n = 5 WHERE id = 2;
		CREATE TABLE k2 LIKE k1;
		INSERT INTO k2 SELECT * FROM k1;
		CREATE INDEX i2 ON k2 (n, w);
		DROP INDEX i2 ON k2;
		ALTER TABLE k2 DROP INDEX uw, DROP PRIMARY KEY, ENGINE=InnoDB, COMMENT=\"x\";
		DELETE FROM k2 WHERE id = 1;
		RENAME TABLE k1 TO k1r, k2 TO k2r;
		ALTER TABLE k1r RENAME TO k1s;
		INSERT INTO k1s VALUES (3, \"c\", 3);
		UPDATE k2r SET w = \"bb\" WHERE id = 2;
		CREATE TABLE d1 (i int); CREATE TABLE d2 (i int);
		DROP TABLE IF EXISTS d1, d2, never_there" &&
	catch_up &&
	verify_equal &&
	test "$(pg_user -c "SELECT count(*) FROM $db.k1s")" = 3 &&
	test "$(pg_user -c "SELECT w FROM $db.k2r")" = bb &&
	test "$(pg_user -c "SELECT count(*) FROM pg_indexes WHERE schemaname = '\''$db'\'' AND tablename = '\''k2r'\''")" = 1 &&
	test "$(pg_user -c "SELECT to_regclass('\''$db.d1'\'') IS NULL AND to_regclass('\''$db.d2'\'') IS NULL")" = t
'

test_expect_success 'a statement it does not understand: logged as skipped, the replica goes on' '
	mysql_root "$db" -e "CREATE TABLE u (id int primary key); ALTER TABLE u PARTITION BY HASH(id) PARTITIONS 2; INSERT INTO u VALUES (5)" &&
	catch_up 2>err &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.ddl_log WHERE NOT applied AND statement LIKE '\''%PARTITION BY%'\''")" = 1 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.u")" = 1
'

test_expect_success 'with --stop-on-ddl it stops at the statement it does not understand' '
	mysql_root "$db" -e "ALTER TABLE u REMOVE PARTITIONING; INSERT INTO u VALUES (6)" &&
	rc=0 && catch_up --stop-on-ddl 2>err || rc=$? &&
	test "$rc" = 1 &&
	test "$(pg_user -c "SELECT count(*) FROM $db.u")" = 1 &&
	grep -q "stopping at the DDL" err
'

test_expect_success 'clean up' '
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE $db"
'

test_done
