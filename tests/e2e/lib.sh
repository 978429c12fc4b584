# lib.sh: a small TAP library for the end-to-end tests, in the style of git's t/test-lib.sh.
#
# A test script starts with
#	. "$(dirname "$0")/lib.sh"
# then runs test_expect_success / test_expect_code, and ends with test_done.
# It runs in its own temporary directory ($TEST_TMPDIR, also the working directory), with
# the sandbox's environment (see scripts/cham-sandbox env) and $CHAM_BIN first in PATH.
#
# Each test body runs in a subshell under `set -e -o pipefail`; chain commands with && as
# in git's tests all the same, since set -e does not stop at a failing command inside an
# && list or a negation (`! cmd`), except at the end of the body.  A failing test prints
# its commands and their output to stderr (where prove shows them); CHAM_VERBOSE=1 shows
# the output of every test.

CHAM_TOP=${CHAM_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export CHAM_TOP
export CHAM_DATA=${CHAM_DATA:-$CHAM_TOP/../shared/data}
export CHAM_BUILD=${CHAM_BUILD:-$CHAM_TOP/build}
export CHAM_BIN=${CHAM_BIN:-$CHAM_BUILD/bin}
PATH=$CHAM_BIN:$PATH

test_count=0
test_failed=0
_test_done=
_test_name=$(basename "$0" .sh)

# bail_out REASON: stops this script and, through prove, the whole run.
bail_out()
{
	echo "Bail out! $_test_name: $*"
	_test_done=1
	exit 1
}

# skip_all REASON: skips every test of this script.
skip_all()
{
	echo "1..0 # SKIP $*"
	_test_done=1
	exit 0
}

# Standalone (not under scripts/run-tests): use the default sandbox, starting it if needed.
if [ -z "${CHAM_SANDBOX:-}" ] || [ -z "${CHAM_MYSQL_PORT:-}" ] || [ -z "${CHAM_PG_PORT:-}" ]; then
	if ! _test_env=$("$CHAM_TOP/scripts/cham-sandbox" env 2>/dev/null); then
		echo "# $_test_name: starting the sandbox (stop it with scripts/cham-sandbox down)" >&2
		"$CHAM_TOP/scripts/cham-sandbox" up >&2 || bail_out "could not start the sandbox"
		_test_env=$("$CHAM_TOP/scripts/cham-sandbox" env) || bail_out "no sandbox environment"
	fi
	eval "$_test_env"
	unset _test_env
fi

TEST_TMPDIR=$CHAM_SANDBOX/tmp/$_test_name.$$
_test_out=$CHAM_SANDBOX/tmp/.$_test_name.$$.out
rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR" || bail_out "could not create \"$TEST_TMPDIR\""
cd "$TEST_TMPDIR" || bail_out "could not enter \"$TEST_TMPDIR\""
export TEST_TMPDIR

# test_tmpdir: prints this script's temporary directory (removed by test_done when all
# passed, unless CHAM_KEEP_TMP=1).
test_tmpdir()
{
	echo "$TEST_TMPDIR"
}

_test_at_exit()
{
	local rc=$?
	rm -f "$_test_out"
	if [ -z "$_test_done" ]; then
		echo "# $_test_name: exited ($rc) before test_done" >&2
		[ "$rc" -ne 0 ] || exit 1
	fi
}
trap _test_at_exit EXIT

# _test_run WANT DESCRIPTION COMMANDS
_test_run()
{
	local want=$1 desc=$2 cmds=$3 rc
	test_count=$((test_count + 1))
	(
		set -e -o pipefail
		eval "$cmds"
	) </dev/null >"$_test_out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok $test_count - $desc"
		if [ "${CHAM_VERBOSE:-0}" = 1 ] && [ -s "$_test_out" ]; then
			sed 's/^/#   /' "$_test_out" >&2
		fi
		return 0
	fi
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $desc"
	{
		echo "# $_test_name: test $test_count failed: exit code $rc, expected $want"
		echo "# commands:"
		printf '%s\n' "$cmds" | sed 's/^/#   /'
		if [ -s "$_test_out" ]; then
			echo "# output:"
			sed 's/^/#   /' "$_test_out"
		fi
	} >&2
	return 1
}

# test_expect_success DESCRIPTION COMMANDS: passes when COMMANDS succeed.
test_expect_success()
{
	[ $# -eq 2 ] || bail_out "test_expect_success needs 2 arguments, got $#"
	_test_run 0 "$1" "$2"
}

# test_expect_code CODE DESCRIPTION COMMANDS: passes when COMMANDS exit with CODE.
test_expect_code()
{
	[ $# -eq 3 ] || bail_out "test_expect_code needs 3 arguments, got $#"
	_test_run "$1" "$2" "$3"
}

# test_skip DESCRIPTION REASON: a test not run here.
test_skip()
{
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_done: prints the plan; exits non-zero when a test failed.
test_done()
{
	_test_done=1
	echo "1..$test_count"
	if [ "$test_failed" -gt 0 ]; then
		echo "# $_test_name: $test_failed of $test_count failed; files kept in $TEST_TMPDIR" >&2
		exit 1
	fi
	if [ "${CHAM_KEEP_TMP:-0}" != 1 ]; then
		cd / && rm -rf "$TEST_TMPDIR"
	fi
	exit 0
}

# test_cmp EXPECTED ACTUAL: the two files are the same (shows the diff otherwise).
test_cmp()
{
	diff -u -- "$1" "$2"
}

# mysql_root [ARGS]: the mariadb client as root on the sandbox (socket), batch mode.
mysql_root()
{
	mariadb --defaults-file="$CHAM_MYSQL_ROOT_CNF" -N -B "$@"
}

# mysql_user [ARGS]: the mariadb client as chameleon over TCP (password from MYSQL_PWD).
# shellcheck disable=SC2153 # set by scripts/cham-sandbox env
mysql_user()
{
	mariadb --no-defaults --protocol=TCP -h "$CHAM_MYSQL_HOST" -P "$CHAM_MYSQL_PORT" \
		-u "$CHAM_MYSQL_USER" -N -B "$@"
}

# pg_admin [ARGS]: psql as the superuser on database postgres (another: -d "$CHAM_PG_ADMIN dbname=X").
pg_admin()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$CHAM_PG_ADMIN" "$@"
}

# pg_user [ARGS]: psql as chameleon on database chameleon, the tools' target.
pg_user()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$CHAM_TARGET" "$@"
}

# wait_until SECONDS CMD...: runs CMD every 0.2 s until it succeeds; fails after SECONDS.
wait_until()
{
	local limit=$(($1 * 5))
	shift
	for _ in $(seq 1 "$limit"); do
		"$@" && return 0
		sleep 0.2
	done
	echo "not within the time: $*" >&2
	return 1
}

# binlog_pos: the source's current binlog position (its end), FILE:POS.
binlog_pos()
{
	mysql_root -e "SHOW MASTER STATUS" | awk 'NR == 1 { print $1 ":" $2 }'
}

# target_position [SOURCE]: the position the target has applied for SOURCE (default "default").
target_position()
{
	pg_user -c "SELECT binlog_file || ':' || binlog_pos FROM sch_chameleon.positions WHERE source_name = '${1:-default}'"
}

# caught_up [FILE:POS]: the target is at that position (default: the source's binlog end).
caught_up()
{
	[ "$(target_position 2>/dev/null)" = "${1:-$(binlog_pos)}" ]
}
