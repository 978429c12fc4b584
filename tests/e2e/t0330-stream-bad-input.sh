#!/usr/bin/env bash
# t0330-stream-bad-input: cham-stream refuses bad usage and settings with exit 2 and a clear
# message before it writes anything (no start, two starts, malformed positions and GTIDs, the
# source's own server id, a user without REPLICATION SLAVE, unknown options), a start the
# server no longer has with exit 1 and the oldest position it has; no password is ever shown.
# shellcheck disable=SC2016 # the test bodies are expanded when they run
. "$(dirname "$0")/lib.sh"

user=t0330_norepl
# A password for the user made here, random, never on a command line.
user_pw=t0330-$(od -A n -t x1 -N 8 /dev/urandom | tr -d ' \n')

# my [ARGS]: the mariadb client as root, batch mode.
my()
{
	mysql_root "$@"
}

# stream_fails WANT NAME ARG...: runs cham-stream ARG... (at most 60 s), its output in out.NAME;
# shows the output, and succeeds when the exit status is WANT.
stream_fails()
{
	local want=$1 name=$2 rc=0
	shift 2
	timeout 60 cham-stream "$@" >"out.$name" 2>&1 || rc=$?
	cat "out.$name"
	echo "exit status $rc"
	[ "$rc" = "$want" ] && [ -s "out.$name" ]
}

# A position the server has: the start of its oldest binlog.
# shellcheck disable=SC2034 # used in the test bodies
start_ok=$(mysql_root -e "SHOW BINARY LOGS" | awk 'NR == 1 { print $1 ":4" }')

cleanup()
{
	my -e "DROP USER IF EXISTS '$user'@'127.0.0.1'"
}

test_expect_success 'no start: exit 2, the message names the start options' '
	stream_fails 2 nostart --source "$CHAM_SOURCE_URI" --stop-when-idle &&
	grep -i "start" out.nostart &&
	grep -e "--start" out.nostart
'

test_expect_success 'two starts: exit 2' '
	stream_fails 2 twostarts --source "$CHAM_SOURCE_URI" --start "$start_ok" --start-gtid 0-1-1 --stop-when-idle &&
	grep -i "one start" out.twostarts &&
	stream_fails 2 twostarts2 --source "$CHAM_SOURCE_URI" --start "$start_ok" --from-dump . --stop-when-idle
'

for bad in garbage mysql-bin.000001 mysql-bin.000001: :4 mysql-bin.000001:x4 mysql-bin.000001:-4 mysql-bin.000001:3; do
	test_expect_success "--start $bad: exit 2, the message shows FILE:POS" '
		stream_fails 2 start --source "$CHAM_SOURCE_URI" --start '"'$bad'"' --stop-when-idle &&
		grep -F -e "--start" out.start &&
		grep -F "FILE:POS" out.start
	'
done

test_expect_success '--stop-at garbage: exit 2' '
	stream_fails 2 stopat --source "$CHAM_SOURCE_URI" --start "$start_ok" --stop-at nope &&
	grep -F -e "--stop-at" out.stopat
'

test_expect_success '--start-gtid in MySQL form (uuid:1-5): exit 2, the message says why' '
	stream_fails 2 mysqlgtid --source "$CHAM_SOURCE_URI" --start-gtid 3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5 \
		--stop-when-idle &&
	grep -F "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5" out.mysqlgtid &&
	grep -i "gtid" out.mysqlgtid
'

test_expect_success '--start-gtid that is no GTID at all: exit 2 (a bad input format, not a runtime failure)' '
	stream_fails 2 badgtid --source "$CHAM_SOURCE_URI" --start-gtid garbage --stop-when-idle &&
	grep -F "garbage" out.badgtid
'

test_expect_success '--server-id equal to the source'"'"'s own: exit 2, nothing written' '
	test "$(my -e "SELECT @@server_id")" = 1 &&
	stream_fails 2 serverid --source "$CHAM_SOURCE_URI" --start "$start_ok" --server-id 1 --stop-when-idle \
		--output serverid.jsonl &&
	grep -i "server id" out.serverid &&
	test ! -e serverid.jsonl
'

test_expect_success 'bad numbers: --server-id 0 or abc, --heartbeat 0: exit 2' '
	stream_fails 2 sid0 --source "$CHAM_SOURCE_URI" --start "$start_ok" --server-id 0 &&
	stream_fails 2 sidabc --source "$CHAM_SOURCE_URI" --start "$start_ok" --server-id abc &&
	stream_fails 2 hb0 --source "$CHAM_SOURCE_URI" --start "$start_ok" --heartbeat 0 &&
	grep -F -e "--heartbeat" out.hb0
'

test_expect_success 'a user without REPLICATION SLAVE: exit 2, the message names the privilege, nothing written' '
	cleanup &&
	binlog_pos >pos.user &&
	my <<-EOF &&
	CREATE USER '"'$user'"'@'"'127.0.0.1'"' IDENTIFIED BY '"'$user_pw'"';
	GRANT SELECT, BINLOG MONITOR ON *.* TO '"'$user'"'@'"'127.0.0.1'"';
	EOF
	MYSQL_PWD=$user_pw stream_fails 2 norepl --source "mysql://$user@$CHAM_MYSQL_HOST:$CHAM_MYSQL_PORT" \
		--start "$start_ok" --stop-when-idle --output norepl.jsonl &&
	grep "REPLICATION SLAVE" out.norepl &&
	test ! -e norepl.jsonl
'

test_expect_success 'a wrong password: exit 2' '
	MYSQL_PWD=not-the-password stream_fails 2 wrongpw --source "mysql://$user@$CHAM_MYSQL_HOST:$CHAM_MYSQL_PORT" \
		--start "$start_ok" --stop-when-idle &&
	grep -i "denied\|password" out.wrongpw
'

test_expect_success 'an unknown option, a stray argument, no source: exit 2' '
	stream_fails 2 unknown --source "$CHAM_SOURCE_URI" --start "$start_ok" --no-such-option &&
	grep -F -e "--no-such-option" out.unknown &&
	stream_fails 2 stray --source "$CHAM_SOURCE_URI" --start "$start_ok" stray-argument &&
	grep -F "stray-argument" out.stray &&
	stream_fails 2 nosource --start "$start_ok" &&
	grep -i "source" out.nosource
'

test_expect_success '--from-dump of a directory that is no complete dump: exit 2' '
	mkdir notadump &&
	stream_fails 2 notadump --source "$CHAM_SOURCE_URI" --from-dump notadump --stop-when-idle &&
	grep -F "notadump" out.notadump
'

test_expect_success 'an --output file that cannot be created: exit 2, as cham-dump does' '
	stream_fails 2 output --source "$CHAM_SOURCE_URI" --start "$start_ok" --stop-when-idle \
		--output no/such/dir/stream.jsonl &&
	grep -F "no/such/dir/stream.jsonl" out.output
'

test_expect_success 'a start the server does not have (mysql-bin.999999:4): exit 1, the oldest position named' '
	oldest=$(my -e "SHOW BINARY LOGS" | head -n 1 | cut -f 1) &&
	test -n "$oldest" &&
	stream_fails 1 purged --source "$CHAM_SOURCE_URI" --start mysql-bin.999999:4 --stop-when-idle &&
	grep -i "oldest" out.purged &&
	grep -F "$oldest:4" out.purged
'

test_expect_success 'a GTID the server does not have: exit 1, the oldest position named' '
	stream_fails 1 futuregtid --source "$CHAM_SOURCE_URI" --start-gtid 0-1-999999999 --stop-when-idle &&
	grep -i "oldest" out.futuregtid
'

test_expect_success 'a server that does not answer: exit 1 after retries' '
	stream_fails 1 unreachable --source "mysql://chameleon@127.0.0.1:1" --start "$start_ok" --stop-when-idle
'

test_expect_success 'a password in the URI is never shown' '
	stream_fails 2 uripw --source "mysql://chameleon:$MYSQL_PWD@$CHAM_MYSQL_HOST:$CHAM_MYSQL_PORT" \
		--start "$start_ok" --server-id 1 --stop-when-idle &&
	stream_fails 1 uripw2 --source "mysql://chameleon:$MYSQL_PWD@$CHAM_MYSQL_HOST:$CHAM_MYSQL_PORT" \
		--start mysql-bin.999999:4 --stop-when-idle
'

test_expect_success 'cham-stream -v over a CREATE USER ... IDENTIFIED BY: the password is not logged' '
	cham-stream --source "$CHAM_SOURCE_URI" --start "$(cat pos.user)" --stop-when-idle -v \
		>verbose.jsonl 2>verbose.err ||
	{ cat verbose.err; exit 1; }
	grep -a -i "dropped\|statement" verbose.err | cut -c 1-200 &&
	! grep -a -F -e "$user_pw" -e "${user_pw:0:14}" verbose.err verbose.jsonl
'

test_expect_success 'no password appears in any output' '
	test -n "$MYSQL_PWD" &&
	ls out.* &&
	! grep -l -F -e "$MYSQL_PWD" -e "$user_pw" out.* ./*.jsonl 2>/dev/null
'

test_expect_success 'clean up' '
	cleanup
'

test_done
