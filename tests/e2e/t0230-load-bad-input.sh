#!/usr/bin/env bash
# t0230-load-bad-input: cham-load refuses a bad dump (no manifest, a missing, changed or
# truncated chunk, a malformed manifest), a malformed chunk found on the careful path, a target
# role that may not create sch_chameleon, and bad usage: each with a clear message and exit
# code 2, the target left as it was, and no password ever printed.
. "$(dirname "$0")/lib.sh"

db=t0230_bad		# the MariaDB database, and the PostgreSQL schema it becomes
pgdb=t0230			# a PostgreSQL database of this script's own
role=t0230_nocreate	# a PostgreSQL role without CREATE on it
pw=t0230-Secret-pw	# its password (and the wrong one tried for chameleon)
target="${CHAM_TARGET/dbname=chameleon/dbname=$pgdb}"
nocreate="host=127.0.0.1 port=$CHAM_PG_PORT user=$role dbname=$pgdb"
export PGCLIENTENCODING=UTF8

command -v jq >/dev/null || skip_all "jq is not installed (scripts/install-deps)"
command -v xxhsum >/dev/null || skip_all "xxhsum is not installed (package xxhash)"
case $target in *"dbname=$pgdb"*) ;; *) skip_all "unexpected CHAM_TARGET form: $CHAM_TARGET" ;; esac
# The sandbox's password for chameleon, to check it is never printed.
sandbox_pw=$(awk -F: '$4 == "chameleon" { print $5; exit }' "$PGPASSFILE")

my()
{
	mysql_root --default-character-set=utf8mb4 "$@"
}

# pg [ARGS]: psql as chameleon on this script's database.
pg()
{
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$target" "$@"
}

# load_expect CODE ERRFILE ARGS...: cham-load ARGS with its stdout and stderr in ERRFILE (and
# shown); fails unless it exits with CODE, or when ERRFILE shows a password.
load_expect()
{
	local want=$1 err=$2 rc=0
	shift 2
	cham-load "$@" >"$err" 2>&1 || rc=$?
	sed 's/^/output: /' "$err"
	if [ "$rc" != "$want" ]; then
		echo "cham-load exited $rc, expected $want"
		return 1
	fi
	no_secret "$err"
}

# no_secret FILE...: neither the sandbox's password nor the test's appears in the files.
no_secret()
{
	! grep -F -e "$sandbox_pw" -e "$pw" "$@"
}

# untouched: the target database has no sch_chameleon and no schema of the dump.
untouched()
{
	test "$(pg -c "SELECT count(*) FROM pg_namespace WHERE nspname IN ('sch_chameleon', '$db')")" = 0
}

# bad_dump NAME: a copy of the good dump to spoil, in NAME.
bad_dump()
{
	rm -rf "$1" && cp -a dump "$1"
}

# chunk DIR TABLE [N]: the path of the Nth (default first) chunk file of TABLE in DIR.
chunk()
{
	echo "$1/$(jq -r --arg t "$2" ".tables[] | select(.table == \$t) | .chunks[${3:-0}].file" "$1/manifest.json")"
}

cleanup()
{
	my -e "DROP DATABASE IF EXISTS \`$db\`" &&
	pg_admin -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" &&
	pg_admin -c "DROP ROLE IF EXISTS $role"
}

test_expect_success 'setup: two tables in MariaDB, a dump of them, an empty target database' '
	cleanup &&
	my -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4" &&
	my "$db" <"$CHAM_TOP/tests/e2e/data/t0230-bad.sql" >/dev/null &&
	cham-dump -q --source "$CHAM_SOURCE_URI/$db" --output dump --chunk-rows 100 2>dump.err ||
	{ cat dump.err; false; }
	test "$(jq "[.tables[] | select(.table == \"t_a\") | .chunks[]] | length" dump/manifest.json)" -gt 1 &&
	grep -q "\"x,y\"" "$(chunk dump t_b)" &&
	pg_admin -c "CREATE DATABASE $pgdb OWNER chameleon" &&
	untouched
'

test_expect_success 'a directory without manifest.json: not a complete dump, exit 2, target untouched' '
	bad_dump nomanifest && rm nomanifest/manifest.json &&
	load_expect 2 err.nomanifest --target "$target" --source-name t0230 nomanifest &&
	grep "not a complete dump" err.nomanifest &&
	grep "manifest.json" err.nomanifest &&
	untouched
'

test_expect_success 'a directory that does not exist: exit 2, target untouched' '
	load_expect 2 err.nodir --target "$target" --source-name t0230 no-such-dir &&
	grep "no-such-dir" err.nodir &&
	untouched
'

test_expect_success 'a manifest naming a missing file: exit 2 naming the file, target untouched' '
	bad_dump missing && f=$(chunk missing t_a 1) && rm "$f" &&
	load_expect 2 err.missing --target "$target" --source-name t0230 missing &&
	grep -F "$f" err.missing | grep -i missing &&
	grep "does not match its manifest" err.missing &&
	untouched
'

test_expect_success 'a chunk with changed bytes but the same size: the checksum catches it, exit 2' '
	bad_dump changed && f=$(chunk changed t_a 1) &&
	size=$(stat -c %s "$f") &&
	sed -i "s/^\([0-9]*\),a/\1,b/" "$f" &&
	test "$(stat -c %s "$f")" = "$size" &&
	! cmp -s "$f" "$(chunk dump t_a 1)" &&
	load_expect 2 err.changed --target "$target" --source-name t0230 changed &&
	grep -F "$f" err.changed | grep "does not match its checksum" &&
	grep "nothing was loaded" err.changed &&
	untouched
'

test_expect_success 'a truncated chunk: its size differs from the manifest, exit 2' '
	bad_dump truncated && f=$(chunk truncated t_b) &&
	size=$(stat -c %s "$f") &&
	truncate -s $((size - 7)) "$f" &&
	load_expect 2 err.truncated --target "$target" --source-name t0230 truncated &&
	grep -F "$f" err.truncated | grep "$((size - 7)) bytes.*$size" &&
	untouched
'

test_expect_success 'a malformed manifest.json (cut short): exit 2 naming the file, target untouched' '
	bad_dump badjson && head -c 100 dump/manifest.json >badjson/manifest.json &&
	load_expect 2 err.badjson --target "$target" --source-name t0230 badjson &&
	grep "manifest.json" err.badjson | grep -i "json" &&
	untouched
'

test_expect_success 'a manifest without its tables, or pointing outside the dump: exit 2, target untouched' '
	bad_dump notables && jq "del(.tables)" dump/manifest.json >notables/manifest.json &&
	load_expect 2 err.notables --target "$target" --source-name t0230 notables &&
	grep "manifest.json.*malformed" err.notables &&
	bad_dump outside &&
	jq "(.tables[0].chunks[0].file) = \"../dump/data/x.csv\"" dump/manifest.json >outside/manifest.json &&
	load_expect 2 err.outside --target "$target" --source-name t0230 outside &&
	grep "outside the dump directory" err.outside &&
	untouched
'

test_expect_success 'bad usage: unknown option, --schema-only with --data-only, "-" without --table, no target' '
	load_expect 2 err.usage1 --no-such-option --target "$target" dump &&
	grep -i "unrecognized option\|unknown option" err.usage1 &&
	load_expect 2 err.usage2 --schema-only --data-only --target "$target" dump &&
	grep -- "--schema-only and --data-only" err.usage2 &&
	load_expect 2 err.usage3 --target "$target" - </dev/null &&
	grep -- "--table" err.usage3 &&
	load_expect 2 err.usage4 dump &&
	grep -i "no target" err.usage4 &&
	load_expect 2 err.usage5 --target "$target" &&
	grep -i "no dump directory" err.usage5 &&
	load_expect 2 err.usage6 --target "$target" --table "$db.t_a" dump &&
	load_expect 2 err.usage7 --target "$target" --jobs 0 dump &&
	untouched
'

test_expect_success 'setup: a role without CREATE on the target database, its password in a .pgpass of ours' '
	pg_admin -c "CREATE ROLE $role LOGIN PASSWORD '"'$pw'"'" &&
	test "$(pg_admin -c "SELECT has_database_privilege('"'$role'"', '"'$pgdb'"', '"'CREATE'"')")" = f &&
	cp "$PGPASSFILE" pgpass &&
	chmod 600 pgpass &&
	echo "127.0.0.1:$CHAM_PG_PORT:*:$role:$pw" >>pgpass &&
	PGPASSFILE=$PWD/pgpass psql -X -A -t -q -d "$nocreate" -c "SELECT current_user" >whoami &&
	test "$(cat whoami)" = "$role"
'

test_expect_success 'a target role without CREATE: a message naming the privilege, target untouched' '
	rc=0 &&
	PGPASSFILE=$PWD/pgpass cham-load --target "$nocreate" --source-name t0230 dump >err.nocreate 2>&1 || rc=$?
	cat err.nocreate &&
	echo "exit code $rc" >rc.nocreate &&
	test "$rc" != 0 &&
	grep "sch_chameleon" err.nocreate &&
	grep -i "permission denied\|may not create\|privilege" err.nocreate &&
	no_secret err.nocreate &&
	untouched
'

test_expect_success 'a target role without CREATE: exit 2 (bad input, nothing changed)' '
	cat rc.nocreate &&
	test "$(cat rc.nocreate)" = "exit code 2"
'

test_expect_success 'a target role without CREATE, pipe form (--table -): exit 2, target untouched' '
	PGPASSFILE=$PWD/pgpass load_expect 2 err.nocreate2 --target "$nocreate" --table "$db.t_a" - <"$(chunk dump t_a)" &&
	grep "sch_chameleon" err.nocreate2 &&
	untouched
'

test_expect_success 'a wrong password (conninfo and URI): a clear message, no password printed, nothing changed' '
	rc1=0 && rc2=0 &&
	cham-load --target "$target password=$pw" --source-name t0230 dump >err.pw1 2>&1 || rc1=$?
	cham-load --target "postgresql://chameleon:$pw@127.0.0.1:$CHAM_PG_PORT/$pgdb" --source-name t0230 dump >err.pw2 2>&1 || rc2=$?
	cat err.pw1 err.pw2 &&
	echo "exit codes $rc1 $rc2" | tee rc.pw &&
	test "$rc1" != 0 && test "$rc2" != 0 &&
	grep -i "password authentication failed" err.pw1 &&
	grep -i "password authentication failed" err.pw2 &&
	no_secret err.pw1 err.pw2 &&
	untouched
'

test_expect_success 'a wrong password: exit 2, as for cham-dump (a bad configuration, nothing changed)' '
	cat rc.pw &&
	test "$(cat rc.pw)" = "exit codes 2 2"
'

test_expect_success 'a dump schema owned by another role, without CREATE for chameleon: pre-data refused, nothing loaded' '
	pg_admin -d "$CHAM_PG_ADMIN dbname=$pgdb" -c "CREATE SCHEMA $db" &&
	rc=0 &&
	cham-load --target "$target" --source-name t0230 dump >err.noschema 2>&1 || rc=$?
	cat err.noschema &&
	echo "exit code $rc" >rc.noschema &&
	test "$rc" != 0 &&
	grep "pre-data.sql" err.noschema | grep -i "permission denied" &&
	test "$(pg -c "SELECT count(*) FROM pg_tables WHERE schemaname = '"'$db'"'")" = 0 &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.tables")" = 0 &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.sources WHERE status = '"'loaded'"'")" = 0
'

test_expect_success 'a dump schema without CREATE for chameleon: exit 2, as cham-load means (42501 is bad input)' '
	pg_admin -d "$CHAM_PG_ADMIN dbname=$pgdb" -c "DROP SCHEMA $db" -c "DROP SCHEMA sch_chameleon CASCADE" &&
	untouched &&
	cat rc.noschema &&
	test "$(cat rc.noschema)" = "exit code 2"
'

test_expect_success 'no password in the output of a load that works' '
	load_expect 0 err.ok -v --target "$target" --source-name t0230-ok dump &&
	load_expect 0 err.ok2 -v --target "postgresql://chameleon@127.0.0.1:$CHAM_PG_PORT/$pgdb" --source-name t0230-ok dump &&
	test "$(pg -c "SELECT count(*) FROM $db.t_a")" = "$(my -e "SELECT COUNT(*) FROM \`$db\`.t_a")" &&
	test "$(pg -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '"'t0230-ok'"'")" = loaded &&
	test "$(pg -c "SELECT mysql_address FROM sch_chameleon.sources WHERE source_name = '"'t0230-ok'"'")" != "" &&
	pg -c "SELECT * FROM sch_chameleon.sources" >sources.out &&
	no_secret sources.out &&
	pg -c "DROP SCHEMA sch_chameleon CASCADE" -c "DROP SCHEMA $db CASCADE" &&
	untouched
'

test_expect_success 'a chunk with an unterminated quote under --no-checksums: careful path, nothing of it loaded' '
	bad_dump unterminated && f=$(chunk unterminated t_b) &&
	size=$(stat -c %s "$f") &&
	sed -i "s/\"x,y\"/\"x,yz/" "$f" &&
	test "$(stat -c %s "$f")" = "$size" &&
	rc=0 &&
	cham-load --target "$target" --source-name t0230 --jobs 1 --no-checksums unterminated >err.unterminated 2>&1 || rc=$?
	cat err.unterminated &&
	echo "exit code $rc" >rc.unterminated &&
	test "$rc" != 0 && test "$rc" != 3 &&
	grep -F "$f" err.unterminated | grep -i "not valid CSV" &&
	exists=$(pg -c "SELECT to_regclass('"'$db.t_b'"') IS NOT NULL") &&
	{ test "$exists" = f || test "$(pg -c "SELECT count(*) FROM $db.t_b")" = 0; } &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.tables WHERE source_table = '"'t_b'"'")" = 0 &&
	test "$(pg -c "SELECT count(*) FROM sch_chameleon.discarded_rows")" = 0 &&
	test "$(pg -c "SELECT status FROM sch_chameleon.sources WHERE source_name = '"'t0230'"'")" != loaded
'

test_expect_success 'a chunk with an unterminated quote under --no-checksums: exit 2 (bad input)' '
	cat rc.unterminated &&
	test "$(cat rc.unterminated)" = "exit code 2"
'

test_expect_success 'the same chunk with checksums on: refused before the target is touched' '
	pg -c "DROP SCHEMA IF EXISTS sch_chameleon CASCADE" -c "DROP SCHEMA IF EXISTS $db CASCADE" &&
	load_expect 2 err.unterminated2 --target "$target" --source-name t0230 unterminated &&
	grep "does not match its checksum" err.unterminated2 &&
	untouched
'

test_expect_success 'clean up' '
	cleanup
'

test_done
