#!/usr/bin/env bash
# t0910-tls: the programs reach both servers over TLS with the sandbox's CA (scripts/cham-sandbox
# up makes it).  The connections are shown to be encrypted by accounts that cannot come in
# without TLS: a MariaDB user created REQUIRE SSL, and the PostgreSQL role that the sandbox's
# pg_hba.conf admits over TCP with TLS only (hostssl; hostnossl ... reject).  MySQL: ssl-mode
# REQUIRED, VERIFY_CA and VERIFY_IDENTITY in the mysql:// URI and ssl_mode/ssl_ca in a config
# file work for cham-dump and cham-stream; no ssl-mode or DISABLED is refused; VERIFY_CA with
# a CA that did not sign the server's certificate fails with a TLS message.  PostgreSQL:
# sslmode require, verify-ca and verify-full with sslrootcert work for cham-load, cham-apply,
# cham-stream --from-target and cham-detach; sslmode=disable is refused for that role;
# verify-ca with a wrong CA and verify-full against a wrong host name fail clearly.  Last, a
# whole cham-migrate runs with TLS on both sides.
#
# Exit statuses: a MySQL connection refused for TLS (or its lack) is reported at once with
# status 2 by cham-dump and cham-stream; a PostgreSQL one that fails on TLS is retried, then
# reported with status 1 (cham-load, cham-apply, cham-detach, cham-stream --from-target).
# The PostgreSQL checks accept 1 or 2, both "failed, nothing done" to a caller.
# shellcheck disable=SC2016,SC2034 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

if [ -z "${CHAM_TLS_CA:-}" ] || [ ! -r "${CHAM_TLS_CA:-}" ]; then
	skip_all "the sandbox has no TLS (no openssl when it was made, or made before it had TLS: scripts/cham-sandbox down, then up)"
fi
command -v openssl >/dev/null || skip_all "openssl is not installed (scripts/install-deps)"
command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"

db=t0910_tls
myuser=t0910_tls
pgrole=${CHAM_PG_TLS_ROLE:-cham_tlsonly}
pgdb=t0910_tls
pgdb_mig=t0910_mig
ca=$CHAM_TLS_CA
base="mysql://$myuser@127.0.0.1:$CHAM_MYSQL_PORT/$db"
tgt="host=127.0.0.1 port=$CHAM_PG_PORT user=$pgrole dbname=$pgdb"
tgt_mig="host=127.0.0.1 port=$CHAM_PG_PORT user=$pgrole dbname=$pgdb_mig"
migrate=$CHAM_TOP/scripts/cham-migrate

# The test's own passwords: MariaDB's in MYSQL_PWD, PostgreSQL's in a password file of the
# test (the sandbox's, which pg_admin needs, with a line for the role added).
hex=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
export MYSQL_PWD=tls-my-$hex
pg_pw=tls-pg-$hex
(
	umask 077
	{ cat "$PGPASSFILE" && echo "*:$CHAM_PG_PORT:*:$pgrole:$pg_pw"; } >pgpass
) || bail_out "could not write a password file"
export PGPASSFILE=$TEST_TMPDIR/pgpass

# fails_with CODES PATTERN NAME CMD...: CMD exits with one of CODES (e.g. "1 2") and its
# stderr (in NAME.err) matches the extended regex PATTERN.
fails_with()
{
	local codes=$1 pattern=$2 name=$3 rc=0
	shift 3
	"$@" >"$name.out" 2>"$name.err" || rc=$?
	echo "$name: exit status $rc"
	sed 's/^/    /' "$name.err"
	case " $codes " in
	*" $rc "*) ;;
	*)
		echo "$name: expected exit status $codes"
		return 1
		;;
	esac
	grep -Eq "$pattern" "$name.err"
}

# rows DB SQL: a query as $pgrole over TLS.
rows()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "host=127.0.0.1 port=$CHAM_PG_PORT user=$pgrole dbname=$1 sslmode=verify-full sslrootcert=$ca" -c "$2"
}

test_expect_success 'setup: both servers have TLS; a REQUIRE SSL MariaDB user, a TLS-only PostgreSQL role, a foreign CA' '
	test "$(mysql_root -e "SELECT @@have_ssl")" = YES &&
	test "$(pg_admin -c "SHOW ssl")" = on &&
	mysql_root <<-SQL &&
		SET SESSION sql_log_bin = 0;
		DROP DATABASE IF EXISTS $db;
		DROP USER IF EXISTS "$myuser"@"127.0.0.1";
		CREATE DATABASE $db;
		CREATE TABLE $db.t (id int PRIMARY KEY, v varchar(20));
		INSERT INTO $db.t VALUES (1, "one"), (2, "two");
		CREATE USER "$myuser"@"127.0.0.1" IDENTIFIED BY "$MYSQL_PWD" REQUIRE SSL;
		GRANT SELECT, RELOAD, LOCK TABLES, SHOW VIEW, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO "$myuser"@"127.0.0.1";
	SQL
	pg_admin <<-SQL &&
		DROP DATABASE IF EXISTS $pgdb;
		DROP DATABASE IF EXISTS $pgdb_mig;
		DROP ROLE IF EXISTS $pgrole;
		CREATE ROLE $pgrole LOGIN PASSWORD '"'"'$pg_pw'"'"';
		CREATE DATABASE $pgdb OWNER $pgrole;
		CREATE DATABASE $pgdb_mig OWNER $pgrole;
	SQL
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout wrong-ca.key -out wrong-ca.pem -days 2 -subj "/CN=not the sandbox CA" 2>/dev/null &&
	test -s wrong-ca.pem
'

test_expect_success 'the sandbox CA signed the server certificate, for 127.0.0.1 and localhost' '
	openssl s_client -connect "127.0.0.1:$CHAM_PG_PORT" -starttls postgres -CAfile "$ca" \
		-verify_return_error -verify_ip 127.0.0.1 </dev/null >s_client.out 2>&1 &&
	grep -q "Verify return code: 0 (ok)" s_client.out &&
	openssl x509 -in "$CHAM_SANDBOX/tls/server.pem" -noout -ext subjectAltName >san &&
	grep -q "IP Address:127.0.0.1" san && grep -q "DNS:localhost" san
'

test_expect_success 'MySQL without TLS: the REQUIRE SSL user is refused (no ssl-mode, DISABLED)' '
	fails_with 2 "Access denied" dump-plain cham-dump --source "$base" --output d0 &&
	fails_with 2 "Access denied" dump-disabled cham-dump --source "$base?ssl-mode=DISABLED" --output d0 &&
	fails_with 2 "Access denied" stream-plain cham-stream --source "$base" --start mysql-bin.000001:4 --stop-when-idle &&
	test ! -e d0/manifest.json
'

test_expect_success 'cham-dump with ssl-mode=REQUIRED, VERIFY_CA and VERIFY_IDENTITY' '
	cham-dump -q --source "$base?ssl-mode=REQUIRED" --output d1 &&
	cham-dump -q --source "$base?ssl-mode=VERIFY_CA&ssl-ca=$ca" --output d2 &&
	cham-dump -q --source "$base?ssl_mode=verify_identity&ssl_ca=$ca" --output d3 &&
	cham-dump -q --source "$base?ssl-mode=PREFERRED" --output d4 &&
	for d in d1 d2 d3 d4; do
		test "$(cat $d/data/$db.t.*.csv | wc -l)" -eq 2 || return 1
	done
'

test_expect_success 'MySQL ssl-mode=VERIFY_CA with a CA that did not sign the server certificate fails with a TLS error (exit 2)' '
	fails_with 2 "TLS|SSL|certificate" dump-wrong-ca cham-dump --source "$base?ssl-mode=VERIFY_CA&ssl-ca=$PWD/wrong-ca.pem" --output d5 &&
	fails_with 2 "TLS|SSL|certificate" dump-no-ca cham-dump --source "$base?ssl-mode=VERIFY_IDENTITY" --output d5 &&
	fails_with 2 "TLS|SSL|certificate" stream-wrong-ca cham-stream --source "$base?ssl-mode=VERIFY_CA&ssl-ca=$PWD/wrong-ca.pem" --from-dump d2 --stop-when-idle &&
	test ! -e d5/manifest.json
'

test_expect_success 'MySQL ssl_mode and ssl_ca in a configuration file (db_conn)' '
	{
		echo "sources:"
		echo "  tls:"
		echo "    db_conn:"
		echo "      host: \"127.0.0.1\""
		echo "      port: \"$CHAM_MYSQL_PORT\""
		echo "      user: \"$myuser\""
		echo "      ssl_mode: verify_ca"
		echo "      ssl_ca: \"$ca\""
		echo "    schema_mappings:"
		echo "      $db: $db"
	} >tls.yml &&
	cham-dump -q -c tls.yml --output d6 &&
	test "$(cat d6/data/$db.t.*.csv | wc -l)" -eq 2 &&
	sed "s#ssl_ca: .*#ssl_ca: \"$PWD/wrong-ca.pem\"#" tls.yml >tls-wrong.yml &&
	fails_with 2 "TLS|SSL|certificate" dump-cfg-wrong-ca cham-dump -c tls-wrong.yml --output d7
'

test_expect_success 'PostgreSQL without TLS: the TLS-only role is refused (sslmode=disable)' '
	fails_with "1 2" "no encryption" load-disable cham-load --target "$tgt sslmode=disable" d2 &&
	fails_with "1 2" "no encryption" apply-disable cham-apply --target "$tgt sslmode=disable" --input /dev/null &&
	! psql -X -At -d "$tgt sslmode=disable" -c "SELECT 1" 2>psql.err &&
	grep -q "no encryption" psql.err &&
	test "$(rows $pgdb "SELECT count(*) FROM pg_namespace WHERE nspname = \$\$$db\$\$")" = 0
'

test_expect_success 'cham-load with sslmode=verify-ca and sslrootcert; the session is encrypted' '
	cham-load -q --target "$tgt sslmode=verify-ca sslrootcert=$ca" d2 &&
	test "$(rows $pgdb "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.t")" = one,two &&
	test "$(rows $pgdb "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")" = t
'

test_expect_success 'cham-stream (MySQL VERIFY_CA, --from-target verify-full) | cham-apply (sslmode=require), cham-detach (verify-full)' '
	mysql_root "$db" -e "INSERT INTO t VALUES (3, \"three\"); UPDATE t SET v = \"uno\" WHERE id = 1" &&
	cham-stream -q --source "$base?ssl-mode=VERIFY_CA&ssl-ca=$ca" \
		--from-target "$tgt sslmode=verify-full sslrootcert=$ca" --stop-when-idle --output events.jsonl &&
	test "$(jq -r .k events.jsonl | grep -c -x commit)" -ge 1 &&
	cham-apply -q --target "$tgt sslmode=require" --input events.jsonl &&
	test "$(rows $pgdb "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.t")" = uno,two,three &&
	cham-detach -q --target "postgresql://$pgrole@127.0.0.1:$CHAM_PG_PORT/$pgdb?sslmode=verify-full&sslrootcert=$ca" &&
	test "$(rows $pgdb "SELECT status FROM sch_chameleon.sources")" = detached
'

test_expect_success 'PostgreSQL sslmode=verify-ca with a CA that did not sign the server certificate fails clearly' '
	fails_with "1 2" "certificate verify failed" load-wrong-ca cham-load --target "$tgt sslmode=verify-ca sslrootcert=$PWD/wrong-ca.pem" d2 &&
	fails_with "1 2" "certificate verify failed" apply-wrong-ca cham-apply --target "$tgt sslmode=verify-ca sslrootcert=$PWD/wrong-ca.pem" --input /dev/null &&
	fails_with "1 2" "certificate verify failed" detach-wrong-ca cham-detach --target "$tgt sslmode=verify-ca sslrootcert=$PWD/wrong-ca.pem"
'

test_expect_success 'PostgreSQL sslmode=verify-full against a wrong host name fails clearly' '
	wrong="hostaddr=127.0.0.1 host=wrong.example port=$CHAM_PG_PORT user=$pgrole dbname=$pgdb sslmode=verify-full sslrootcert=$ca" &&
	fails_with "1 2" "does not match host name \"wrong.example\"" load-wrong-host cham-load --target "$wrong" d2 &&
	fails_with "1 2" "does not match host name \"wrong.example\"" apply-wrong-host cham-apply --target "$wrong" --input /dev/null &&
	fails_with "1 2" "does not match host name \"wrong.example\"" stream-wrong-host cham-stream --source "$base?ssl-mode=REQUIRED" --from-target "$wrong" --stop-when-idle
'

test_expect_success 'PostgreSQL sslmode and sslrootcert in a configuration file (pg_conn)' '
	{
		echo "pg_conn:"
		echo "  host: \"127.0.0.1\""
		echo "  port: \"$CHAM_PG_PORT\""
		echo "  user: \"$pgrole\""
		echo "  database: \"$pgdb\""
		echo "  sslmode: verify-full"
		echo "  sslrootcert: \"$ca\""
		echo "sources:"
		echo "  default:"
		echo "    db_conn:"
		echo "      host: \"127.0.0.1\""
		echo "      port: \"$CHAM_MYSQL_PORT\""
		echo "      user: \"$myuser\""
		echo "      ssl_mode: required"
	} >pg-tls.yml &&
	cham-detach -q -c pg-tls.yml --drop-state &&
	test "$(rows $pgdb "SELECT count(*) FROM pg_namespace WHERE nspname = \$\$sch_chameleon\$\$")" = 0 &&
	sed "s#sslrootcert: .*#sslrootcert: \"$PWD/wrong-ca.pem\"#" pg-tls.yml >pg-tls-wrong.yml &&
	fails_with "1 2" "certificate verify failed" detach-cfg-wrong-ca cham-detach -c pg-tls-wrong.yml
'

test_expect_success 'cham-migrate with TLS on both sides (VERIFY_CA, verify-full)' '
	"$migrate" --source "$base?ssl-mode=VERIFY_CA&ssl-ca=$ca" \
		--target "$tgt_mig sslmode=verify-full sslrootcert=$ca" --work-dir mig -q >migrate.out 2>&1 ||
		{ cat migrate.out; false; } &&
	test "$(rows $pgdb_mig "SELECT string_agg(v, chr(44) ORDER BY id) FROM $db.t")" = uno,two,three &&
	test "$(rows $pgdb_mig "SELECT status FROM sch_chameleon.sources")" = detached
'

test_expect_success 'cleanup' '
	pg_admin <<-SQL &&
		DROP DATABASE IF EXISTS $pgdb;
		DROP DATABASE IF EXISTS $pgdb_mig;
		DROP ROLE IF EXISTS $pgrole;
	SQL
	mysql_root <<-SQL
		SET SESSION sql_log_bin = 0;
		DROP USER IF EXISTS "$myuser"@"127.0.0.1";
		DROP DATABASE IF EXISTS $db;
	SQL
'

test_done
