# lib-faults.sh: helpers of the fault-injection test (t0700-faults.sh, and tests/soak.sh
# through it), sourced after lib.sh.  Everything here runs in the test's own directory and
# keeps its state in files there, since each test body is a subshell of its own: pid files
# (NAME.pid), logs (NAME.log), and stop files that ask a background loop to end.
# shellcheck shell=bash disable=SC2153 # CHAM_* are set by scripts/cham-sandbox env

# ---------------------------------------------------------------- small things

# nap MIN_MS MAX_MS: sleeps a random time between the two.
nap()
{
	local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# live_pid FILE NAME: the pid in FILE when that process lives and is NAME (a pid file
# left behind may name a pid that another program took since).
live_pid()
{
	local pid comm
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[ "$comm" = "$2" ] || return 1
	echo "$pid"
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL when it has not ended in time.
stop_pid()
{
	local pid=$1 limit=$((${2:-10} * 5))
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 "$limit"); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.2
	done
	echo "pid $pid did not end on SIGTERM: SIGKILL" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

# count NAME [N]: adds N (default 1) to the counter in the file NAME.count.
count()
{
	echo $(($(cat "$1.count" 2>/dev/null || echo 0) + ${2:-1})) >"$1.count"
}

counted()
{
	cat "$1.count" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- the proxy

# proxy_build: tests/tools/faultproxy.c, compiled here.
proxy_build()
{
	"${CC:-cc}" -O2 -o faultproxy "$CHAM_TOP/tests/tools/faultproxy.c"
}

# proxy_start NAME TARGET_PORT: a proxy in front of 127.0.0.1:TARGET_PORT, on a port of its
# own choosing (proxy_port NAME).
proxy_start()
{
	rm -f "$1.port"
	./faultproxy --port-file "$1.port" --control "$1.ctl" 0 "$2" </dev/null >/dev/null 2>>"$1.log" &
	echo $! >"$1.pid"
	wait_until 10 test -s "$1.port"
}

proxy_port()
{
	cat "$1.port"
}

# proxy_ctl NAME COMMAND: cut | refuse SECONDS | blackhole SECONDS | stall SECONDS | forward
# (see tests/tools/faultproxy.c).
proxy_ctl()
{
	local pid
	pid=$(live_pid "$1.pid" faultproxy) || {
		echo "proxy $1 is not running" >&2
		return 1
	}
	echo "$2" >"$1.ctl.new" && mv -f "$1.ctl.new" "$1.ctl" && kill -HUP "$pid"
}

proxy_stop()
{
	local pid
	pid=$(live_pid "$1.pid" faultproxy) && stop_pid "$pid"
	rm -f "$1.pid"
}

# proxy_cuts NAME: how many connections the proxy cut so far.
proxy_cuts()
{
	sed -n 's/.*faultproxy: cut \([0-9]*\) connection.*/\1/p; s/.*faultproxy: reset \([0-9]*\) blackholed.*/\1/p' \
		"$1.log" | awk '{ n += $1 } END { print n + 0 }'
}

# ---------------------------------------------------------------- the servers

# sandbox_up: starts what is down, on the same ports (the proxies point at them).
sandbox_up()
{
	local env
	"$CHAM_TOP/scripts/cham-sandbox" up >>sandbox.log 2>&1 || {
		tail -n 20 sandbox.log >&2
		return 1
	}
	env=$("$CHAM_TOP/scripts/cham-sandbox" env) &&
	case $env in
	*"CHAM_MYSQL_PORT=$CHAM_MYSQL_PORT"*"CHAM_PG_PORT=$CHAM_PG_PORT"*) ;;
	*)
		echo "the sandbox came back on other ports: the proxies point at the old ones" >&2
		return 1
		;;
	esac
}

# wait_gone PID SECONDS
wait_gone()
{
	wait_until "$2" eval "! kill -0 $1 2>/dev/null"
}

# restart_mariadb SIGNAL: KILL (a crash) or TERM (a clean shutdown); down for up to 1 s.
restart_mariadb()
{
	local pid
	pid=$(cat "$CHAM_SANDBOX/mysql/mariadb.pid") &&
	kill "-$1" "$pid" &&
	wait_gone "$pid" 60 &&
	nap 0 1000 &&
	sandbox_up
}

# restart_postgres SIGNAL: INT (fast shutdown) or QUIT (immediate: a crash, recovered at
# start; with synchronous_commit off, the last commits may be lost, positions with them).
restart_postgres()
{
	local pid
	pid=$(head -n 1 "$CHAM_SANDBOX/pg/data/postmaster.pid") &&
	kill "-$1" "$pid" &&
	wait_gone "$pid" 60 &&
	nap 0 1000 &&
	sandbox_up
}

# ---------------------------------------------------------------- the load

# writer_loop DB: until writer.stop exists, small batches of transactions (inserts,
# updates, deletes, on a table with a primary key and one without, with duplicate rows),
# each batch through a client of its own, so that a server going away costs a batch and
# not the writer.  Ids only grow: a batch lost half way leaves nothing to collide with.
writer_loop()
{
	local i=1000 sql batches=0 failed=0
	while [ ! -e writer.stop ]; do
		sql=
		for _ in 1 2 3 4 5; do
			i=$((i + 1))
			case $((i % 5)) in
			0)
				# a larger transaction, so that kills land inside one
				sql+="BEGIN; UPDATE pk SET n = n + 1 WHERE id BETWEEN $((i - 80)) AND $i;
					INSERT INTO nopk SELECT a, CONCAT(b, '~') FROM nopk WHERE a = $((i % 7)) LIMIT 3;
					INSERT INTO pk VALUES ($i, 'big $i', 0); COMMIT;"
				;;
			1)
				# autocommit statements
				sql+="INSERT INTO pk VALUES ($i, 'auto $i', 0);
					UPDATE pk SET v = CONCAT(v, '+') WHERE id = $((i - 7));
					INSERT INTO nopk VALUES ($((i % 7)), 'dup');"
				;;
			*)
				sql+="BEGIN; INSERT INTO pk VALUES ($i, 'v$i', 0);
					UPDATE pk SET n = n + 1, v = CONCAT(v, '*') WHERE id = $((i / 2));
					DELETE FROM pk WHERE id = $((i - 3));
					INSERT INTO nopk VALUES ($((i % 7)), 'dup'), ($i, 'b$i');
					UPDATE nopk SET b = CONCAT(b, '!') WHERE a = $((i % 7)) AND b = 'dup' LIMIT 1;
					DELETE FROM nopk WHERE a = $(((i + 3) % 7)) AND b LIKE 'dup%' LIMIT 1; COMMIT;"
				;;
			esac
		done
		batches=$((batches + 1))
		if ! printf '%s\n' "$sql" | mysql_root "$1" >>writer.log 2>&1; then
			failed=$((failed + 1))
			sleep 0.2
		fi
		sleep 0.05
	done
	echo "$batches batches of 5 transactions up to id $i, $failed of them cut short" >writer.done
}

# ---------------------------------------------------------------- the replica

# pair_once SOURCE TARGET: one cham-stream --from-target | cham-apply, as a supervisor
# starts it; their pids in stream.pid and apply.pid while they run.  When cham-apply ends
# first, cham-stream is stopped, as it may be waiting on a source that is away and would
# only notice the broken pipe at its next write.
pair_once()
{
	rm -f stream.pid apply.pid stream.rc apply.rc
	{
		cham-stream --source "$1" --from-target "$2" --heartbeat 1 2>>stream.log &
		echo $! >stream.pid
		wait $! && echo 0 >stream.rc || echo $? >stream.rc
	} | {
		cham-apply --target "$2" --batch-size 20 0<&0 2>>apply.log &
		echo $! >apply.pid
		wait $! && echo 0 >apply.rc || echo $? >apply.rc
		pid=$(live_pid stream.pid cham-stream) && stop_pid "$pid"
	}
}

# replica_loop SOURCE TARGET: pair_once again and again until replica.stop exists, with a
# short pause between (a supervisor's backoff); each ending is logged in replica.log.
replica_loop()
{
	local n=0
	while [ ! -e replica.stop ]; do
		n=$((n + 1))
		echo "pair $n started at $SECONDS s" >>replica.log
		pair_once "$1" "$2"
		echo "pair $n ended: cham-stream $(cat stream.rc 2>/dev/null), cham-apply $(cat apply.rc 2>/dev/null)" >>replica.log
		rm -f stream.pid apply.pid
		[ -e replica.stop ] || sleep 0.5
	done
	echo "$n pairs" >replica.done
}

# kill_half stream|apply: SIGKILL to the running cham-stream or cham-apply (waiting up to
# 10 s for a pair to be up).
kill_half()
{
	local pid
	wait_until 10 live_pid "$1.pid" "cham-$1" >/dev/null &&
	pid=$(live_pid "$1.pid" "cham-$1") &&
	kill -KILL "$pid"
}
