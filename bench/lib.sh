# lib.sh: what the benchmark scripts share: messages, the servers' SQL clients, CPU counters.
# Sourced by each script after it sets prog; needs the sandbox environment
# (scripts/cham-sandbox env) and $mariadb, the MariaDB client, for the SQL helpers.

note()
{
	echo "$prog: $*" >&2
}

die()
{
	echo "$prog: $*" >&2
	exit 1
}

root_sql()
{
	"$mariadb" --defaults-file="$CHAM_MYSQL_ROOT_CNF" -N -B "$@"
}

admin_sql()
{
	PGOPTIONS="-c client_min_messages=warning" psql "$CHAM_PG_ADMIN" -X -q -A -t -v ON_ERROR_STOP=1 "$@"
}

# The root option file's [client] values (sysbench takes no option file).
cnf_value()
{
	sed -n "/^\[client\]/,/^\[/{s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p}" "$CHAM_MYSQL_ROOT_CNF" | head -n 1
}

whole()
{
	case $2 in '' | *[!0-9]* | 0) die "$1 must be a whole number above 0, not \"$2\"" ;; esac
}

# cpu_ticks PID: user+system clock ticks the process has used so far (0 when unknown).
cpu_ticks()
{
	local f
	# after the command name (in parentheses), utime and stime are fields 12 and 13
	if [ -n "$1" ] && f=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null); then
		echo "$f" | awk '{ print $12 + $13 }'
	else
		echo 0
	fi
}

# dirty_pages: the InnoDB buffer pool pages not yet written to disk.
dirty_pages()
{
	root_sql -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | awk '{ print $2 + 0 }'
}

# flush_dirty_pages SECONDS: a freshly built dataset leaves InnoDB flushing dirty pages for a
# while (at the default innodb_io_capacity, a full 256 MiB buffer pool takes over a minute),
# which would slow whichever tool runs first. InnoDB flushes them all now, at its full I/O
# capacity (innodb_max_dirty_pages_pct = 0, restored afterwards, also by the caller's
# cleanup through $restore_sql), waited for SECONDS at most.
flush_dirty_pages()
{
	local max_dirty start=$SECONDS
	[ "$(dirty_pages)" -gt 0 ] || return 0
	max_dirty=$(root_sql -e "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
	note "waiting for InnoDB to flush its $(dirty_pages) dirty pages"
	restore_sql="SET GLOBAL innodb_max_dirty_pages_pct = $max_dirty"
	root_sql -e "SET GLOBAL innodb_max_dirty_pages_pct = 0"
	while [ "$(dirty_pages)" -gt 0 ] && [ $((SECONDS - start)) -lt "$1" ]; do
		sleep 1
	done
	root_sql -e "$restore_sql"
	restore_sql=
	note "flushed in $((SECONDS - start)) s"
}
