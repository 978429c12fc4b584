#!/usr/bin/env bash
# t0700-faults: faults injected at random moments into a live replica under a continuous
# writer: cham-stream and cham-apply killed (-9), MariaDB and PostgreSQL restarted (crashed
# or shut down), the connections cut, refused or blackholed at loopback proxies in front of
# both servers; the pair is started again from the target's position each time it ends, as
# a supervisor would.  Then it catches up, and the target equals the source: no row lost,
# none applied twice, the table without a key equal as a multiset.  A dump directory on a
# full disk makes cham-dump fail clearly, with no manifest, and cham-load refuse it.
#
# FAULT_SECONDS (default 45) and FAULT_COUNT (default 24) bound the faults: they come at
# random intervals averaging FAULT_SECONDS / FAULT_COUNT, until either is reached.
# tests/soak.sh runs this script with larger values.
# shellcheck disable=SC2016,SC2154 # the test bodies are expanded when they run; lib.sh sets _test_name
. "$(dirname "$0")/lib.sh"
. "$CHAM_TOP/tests/e2e/lib-faults.sh" || bail_out "no lib-faults.sh"

db=t0700_faults
full_db=t0700_full
tgt="$CHAM_TARGET"
FAULT_SECONDS=${FAULT_SECONDS:-45}
FAULT_COUNT=${FAULT_COUNT:-24}
export db full_db tgt FAULT_SECONDS FAULT_COUNT

command -v "${CC:-cc}" >/dev/null || skip_all "no C compiler (\$CC or cc) to build tests/tools/faultproxy.c"
case $FAULT_SECONDS$FAULT_COUNT in
*[!0-9]*) bail_out "FAULT_SECONDS and FAULT_COUNT must be whole numbers" ;;
esac
if [ "$FAULT_COUNT" -lt 1 ] || [ "$FAULT_SECONDS" -lt 1 ]; then
	bail_out "FAULT_SECONDS and FAULT_COUNT must be at least 1"
fi

# The pair reaches PostgreSQL through a proxy on a port of its own: a password file that
# serves any port of 127.0.0.1, private to this test.
(umask 077 && sed "s/^127\\.0\\.0\\.1:$CHAM_PG_PORT:/127.0.0.1:*:/" "$PGPASSFILE" >pgpass) ||
	bail_out "could not copy the password file"
export PGPASSFILE=$TEST_TMPDIR/pgpass

# pair_target, pair_source: the pair's connections, through the proxies.
pair_target()
{
	echo "host=127.0.0.1 port=$(proxy_port pgproxy) user=chameleon dbname=chameleon"
}

pair_source()
{
	echo "mysql://chameleon@127.0.0.1:$(proxy_port myproxy)/$db"
}

# rows_arrive SECONDS: a row the writer inserts from now on reaches the target in time.
rows_arrive()
{
	local want
	want=$(mysql_root -e "SELECT max(id) FROM $db.pk") &&
	wait_until "$1" target_reaches "$want"
}

target_reaches()
{
	[ "$(pg_user -c "SELECT coalesce(max(id), 0) FROM $db.pk" 2>/dev/null)" -ge "$1" ] 2>/dev/null
}

# stop_everything: what a test that failed half way may have left running.
stop_everything()
{
	local pid name
	touch writer.stop replica.stop
	for name in writer replica; do
		pid=$(cat "$name.loop.pid" 2>/dev/null) || continue
		# the loops are bash; their own stop files end them
		wait_until 30 eval "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
	done
	pid=$(live_pid stream.pid cham-stream) && stop_pid "$pid"
	pid=$(live_pid apply.pid cham-apply) && stop_pid "$pid"
	proxy_stop myproxy
	proxy_stop pgproxy
	if mountpoint -q small 2>/dev/null; then
		umount small || true
	fi
	return 0
}

test_expect_success 'setup: a source of two tables (one without a primary key), dumped and loaded; proxies in front of both servers' '
	proxy_build &&
	pg_user -c "DROP SCHEMA IF EXISTS $db CASCADE" -c "DROP SCHEMA IF EXISTS $full_db CASCADE" \
		-c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" 2>/dev/null &&
	mysql_root -e "DROP DATABASE IF EXISTS $full_db; DROP DATABASE IF EXISTS $db; CREATE DATABASE $db" &&
	mysql_root "$db" -e "
		CREATE TABLE pk (id int primary key, v varchar(250), n int);
		CREATE TABLE nopk (a int, b varchar(250));
		INSERT INTO pk SELECT seq, CONCAT(\"seed \", seq), 0 FROM seq_1_to_500;
		INSERT INTO nopk SELECT seq % 7, \"dup\" FROM seq_1_to_50;" &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump &&
	cham-load -q --target "$tgt" dump &&
	proxy_start myproxy "$CHAM_MYSQL_PORT" &&
	proxy_start pgproxy "$CHAM_PG_PORT" &&
	test "$(mysql_user -h 127.0.0.1 -P "$(proxy_port myproxy)" -e "SELECT count(*) FROM $db.pk")" = 500 &&
	test "$(psql -X -A -t -q -d "$(pair_target)" -c "SELECT count(*) FROM $db.pk")" = 500
'

test_expect_success 'the proxy cuts connections, refuses new ones for a while, then forwards again' '
	port=$(proxy_port myproxy)
	mysql_user -P "$port" -e "SELECT SLEEP(5)" >cut.out 2>&1 &
	wait_until 10 eval "mysql_root -e \"SHOW PROCESSLIST\" | grep -q SLEEP" &&
	proxy_ctl myproxy "refuse 1" &&
	sleep 0.2 &&
	! mysql_user -P "$port" --connect-timeout=3 -e "SELECT 1" 2>refused.err &&
	cat refused.err &&
	wait_until 10 grep -q "ERROR" cut.out &&
	cat cut.out &&
	wait_until 10 mysql_user -P "$port" -e "SELECT 1" &&
	test "$(proxy_cuts myproxy)" = 1
'

if [ "$(id -u)" = 0 ] && mkdir -p small && mount -t tmpfs -o size=2m tmpfs small 2>mount.err; then
	test_expect_success 'a dump directory on a full disk: cham-dump fails clearly (exit 1), no manifest; cham-load refuses it (exit 2)' '
		mysql_root -e "CREATE DATABASE $full_db" &&
		mysql_root "$full_db" -e "
			CREATE TABLE wide (id int primary key, v varchar(300));
			INSERT INTO wide SELECT seq, REPEAT(CHAR(65 + seq % 26), 200) FROM seq_1_to_20000;
			CREATE TABLE small (id int primary key)" &&
		rc=0 && cham-dump --source "$CHAM_SOURCE_URI/$full_db" --jobs 2 --output small/dump 2>dump.err || rc=$?
		cat dump.err &&
		df -k small &&
		test "$rc" = 1 &&
		grep -q "error:.*No space left on device" dump.err &&
		test -d small/dump &&
		test ! -e small/dump/manifest.json &&
		rc=0 && cham-load --target "$tgt" small/dump 2>load.err || rc=$?
		cat load.err &&
		test "$rc" = 2 &&
		grep -q "manifest" load.err &&
		test -z "$(pg_user -c "SELECT 1 FROM pg_namespace WHERE nspname = '\''$full_db'\''")" &&
		umount small &&
		mysql_root -e "DROP DATABASE $full_db"
	'
else
	test_skip 'a dump directory on a full disk: cham-dump fails clearly, cham-load refuses it' \
		"no small filesystem to fill: mounting a 2 MB tmpfs needs root ($(cat mount.err 2>/dev/null || echo "not root"))"
fi

test_expect_success 'the writer and the replica (cham-stream | cham-apply, restarted from the target) run through the proxies' '
	rm -f writer.stop replica.stop
	( set +e; writer_loop "$db" ) </dev/null >/dev/null 2>writer.err &
	echo $! >writer.loop.pid
	( set +e; replica_loop "$(pair_source)" "$(pair_target)" ) </dev/null >/dev/null 2>replica.err &
	echo $! >replica.loop.pid
	rows_arrive 30 &&
	kill -0 "$(cat writer.loop.pid)" &&
	kill -0 "$(cat replica.loop.pid)"
'

test_expect_success "faults at random moments ($FAULT_COUNT at most, within $FAULT_SECONDS s), the replica recovering after each round" '
	kinds="stream apply mariadb postgres cut-source cut-target" &&
	mean_ms=$((FAULT_SECONDS * 1000 / FAULT_COUNT)) &&
	deadline=$((SECONDS + FAULT_SECONDS)) &&
	n=0 && round=0 && cut_kind=0 &&
	while [ "$n" -lt "$FAULT_COUNT" ] && [ "$SECONDS" -lt "$deadline" ]; do
		round=$((round + 1))
		for kind in $(shuf -e $kinds); do
			[ "$n" -lt "$FAULT_COUNT" ] && [ "$SECONDS" -lt "$deadline" ] || break
			# the faults take time too (a restart about 1 s): the naps average half the mean
			nap $((mean_ms / 8)) $((mean_ms * 7 / 8))
			n=$((n + 1))
			t=$SECONDS
			case $kind in
			stream | apply)
				kill_half "$kind" && count "kill-cham-$kind" ;;
			mariadb)
				# a crash and a clean shutdown in turn
				sig=KILL && [ $(($(counted restart-mariadb) % 2)) = 1 ] && sig=TERM
				restart_mariadb $sig && count restart-mariadb && count "restart-mariadb-$sig" ;;
			postgres)
				sig=QUIT && [ $(($(counted restart-postgres) % 2)) = 1 ] && sig=INT
				restart_postgres $sig && count restart-postgres && count "restart-postgres-$sig" ;;
			cut-*)
				proxy=myproxy && [ "$kind" = cut-target ] && proxy=pgproxy
				cut_kind=$((cut_kind + 1))
				case $((cut_kind % 4)) in
				0) what=cut ;;
				1) what="refuse $((1 + RANDOM % 2))" ;;
				2) what="blackhole $((1 + RANDOM % 2))" ;;
				3) what="stall 1" ;;
				esac
				proxy_ctl $proxy "$what" && count "$kind" ;;
			esac
			# shellcheck disable=SC2181 # the status of the case above
			[ $? = 0 ] || echo "fault $n ($kind) could not be injected"
			echo "$t s: fault $n: $kind ${sig:-}${what:-} ($((SECONDS - t)) s)"
			sig= what=
		done
		# a fault that left the replica unable to go on shows here, not only at the end
		rows_arrive 60 || { echo "no progress after round $round"; exit 1; }
		echo "round $round: the replica goes on (target at $(target_position))"
	done &&
	echo "$n" >faults.count &&
	test "$n" -ge 1 &&
	kill -0 "$(cat writer.loop.pid)" &&
	kill -0 "$(cat replica.loop.pid)"
'

test_expect_success 'the writer stopped: the replica catches up with SHOW MASTER STATUS; the pair ends cleanly' '
	proxy_ctl myproxy forward && proxy_ctl pgproxy forward &&
	touch writer.stop &&
	wait_until 30 test -e writer.done &&
	cat writer.done &&
	end=$(binlog_pos) &&
	t0=$SECONDS &&
	wait_until $((60 + FAULT_SECONDS / 5)) caught_up "$end" &&
	echo "caught up with $end in $((SECONDS - t0)) s" &&
	touch replica.stop &&
	pid=$(live_pid stream.pid cham-stream) && kill -TERM "$pid" &&
	wait_until 30 test -e replica.done &&
	cat replica.done &&
	tail -n 1 replica.log | grep "cham-stream 0, cham-apply 0"
'

test_expect_success 'the target equals the source: no row lost or applied twice, the keyless table equal as a multiset, none discarded' '
	rc=0 && "$CHAM_TOP/scripts/cham-verify" --source "$CHAM_SOURCE_URI" --target "$tgt" --dump dump >verify.out || rc=$?
	cat verify.out &&
	test "$rc" = 0 &&
	test "$(grep -c " equal\$" verify.out)" = 2 &&
	for t in pk nopk; do
		my=$(mysql_root -e "SELECT count(*) FROM $db.$t") &&
		pg=$(pg_user -c "SELECT count(*) FROM $db.$t") &&
		echo "$t: $my rows in MariaDB, $pg in PostgreSQL" &&
		test "$my" = "$pg" || exit 1
	done &&
	mysql_root -e "SELECT a, b, count(*) FROM $db.nopk GROUP BY a, b" | LC_ALL=C sort >nopk.my &&
	pg_user -F "	" -c "SELECT a, b, count(*) FROM $db.nopk GROUP BY a, b" | LC_ALL=C sort >nopk.pg &&
	test_cmp nopk.my nopk.pg &&
	test "$(awk -F "	" "\$3 > 1" nopk.my | wc -l)" -gt 0 &&
	test "$(pg_user -c "SELECT count(*) FROM sch_chameleon.discarded_rows")" = 0 &&
	test "$(mysql_root -e "SELECT count(*) FROM $db.pk WHERE id > 1000")" -gt 100
'

test_expect_success 'every kind of fault happened and was survived' '
	pairs=$(grep -c "started at" replica.log) &&
	cuts_my=$(proxy_cuts myproxy) && cuts_pg=$(proxy_cuts pgproxy) &&
	reconnects=$({ grep -h "reconnect" stream.log apply.log || true; } | wc -l) &&
	summary="faults survived: $(cat faults.count) (stream kills $(counted kill-cham-stream), apply kills $(counted kill-cham-apply), MariaDB restarts $(counted restart-mariadb) ($(counted restart-mariadb-KILL) crashed), PostgreSQL restarts $(counted restart-postgres) ($(counted restart-postgres-QUIT) crashed), connection faults $(($(counted cut-source) + $(counted cut-target))) (source $(counted cut-source), target $(counted cut-target)); $pairs pairs started, $((cuts_my + cuts_pg)) connections cut, $reconnects reconnections)" &&
	echo "$summary" >faults.summary &&
	echo "$summary" &&
	grep "ended" replica.log | sed "s/^pair [0-9]* //" | sort | uniq -c | sort -rn &&
	test "$(cat faults.count)" = $(($(counted kill-cham-stream) + $(counted kill-cham-apply) + $(counted restart-mariadb) + $(counted restart-postgres) + $(counted cut-source) + $(counted cut-target))) &&
	# A kill of each half can land on the same pair: one restart then follows both.
	test "$pairs" -gt 1 &&
	test "$(grep -c "ended: .*137" replica.log)" -ge 1 &&
	if [ "$(cat faults.count)" -ge 6 ]; then
		for c in kill-cham-stream kill-cham-apply restart-mariadb restart-postgres cut-source cut-target; do
			test "$(counted $c)" -ge 1 || { echo "no $c"; exit 1; }
		done &&
		test $((cuts_my + cuts_pg)) -ge 1
	fi
'

[ -s faults.summary ] && echo "# $_test_name: $(cat faults.summary)" >&2

test_expect_success 'clean up' '
	stop_everything &&
	sandbox_up &&
	pg_user -c "DROP SCHEMA $db CASCADE" -c "DROP SCHEMA sch_chameleon CASCADE" 2>/dev/null &&
	pg_user -c "DROP SCHEMA IF EXISTS $full_db CASCADE" &&
	mysql_root -e "DROP DATABASE $db; DROP DATABASE IF EXISTS $full_db"
'

test_done
