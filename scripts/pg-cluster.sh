# shellcheck shell=bash
# A throw-away PostgreSQL cluster for tests and benchmarks.
#
# Source this file (after scripts/common.sh), then:
#   trap pg_cluster_stop EXIT
#   pg_cluster_start          # exports RUDDER_TEST_PG, sets PG_CLUSTER_DIR/PORT
#
# The cluster listens only on 127.0.0.1 on a spare port, keeps its unix socket
# inside its own temp dir, trusts local connections (user "postgres") and runs
# with fsync off: it is for tests only. pg_cluster_stop stops it and removes the
# directory; it is safe to call more than once and when start failed halfway.
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# "postgres" system user (created if missing) and runs through runuser.

PG_CLUSTER_DIR=""
PG_CLUSTER_PORT=""
PG_CLUSTER_BIN=""

# _pg_as_owner runs a command as the cluster's owner.
_pg_as_owner() {
	if ((EUID == 0)); then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# _port_in_use PORT succeeds when something listens on 127.0.0.1:PORT.
_port_in_use() {
	local port=$1
	if command -v ss >/dev/null 2>&1; then
		[[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
		return
	fi
	# No ss: try to connect; a refused connection means the port is free.
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local i port
	for ((i = 0; i < 200; i++)); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! _port_in_use "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
	done
	die "no free TCP port found on 127.0.0.1"
}

pg_cluster_start() {
	PG_CLUSTER_BIN=$(pg_bindir)
	[[ -n $PG_CLUSTER_BIN ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"

	if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
		log "creating system user postgres"
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin postgres
	fi

	PG_CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rudder-pg.XXXXXX")
	mkdir -p "$PG_CLUSTER_DIR/sock"
	if ((EUID == 0)); then
		chown -R postgres: "$PG_CLUSTER_DIR"
	fi

	log "initdb ($PG_CLUSTER_BIN) in $PG_CLUSTER_DIR"
	if ! _pg_as_owner "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres \
		--auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
		>"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
		cat "$PG_CLUSTER_DIR/initdb.log" >&2
		die "initdb failed"
	fi

	local attempt port
	for attempt in 1 2 3 4 5; do
		port=$(free_port)
		if _pg_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" \
			-l "$PG_CLUSTER_DIR/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $PG_CLUSTER_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
			start >/dev/null; then
			PG_CLUSTER_PORT=$port
			break
		fi
		log "PostgreSQL did not start on port $port (attempt $attempt); server log:"
		tail -n 20 "$PG_CLUSTER_DIR/server.log" >&2 || true
	done
	[[ -n $PG_CLUSTER_PORT ]] || die "could not start PostgreSQL"

	export RUDDER_TEST_PG="postgres://postgres@127.0.0.1:$PG_CLUSTER_PORT/postgres?sslmode=disable"
	log "PostgreSQL $("$PG_CLUSTER_BIN/postgres" --version | awk '{print $3}') ready: $RUDDER_TEST_PG"
}

pg_cluster_stop() {
	[[ -n $PG_CLUSTER_DIR && -d $PG_CLUSTER_DIR ]] || return 0
	if [[ -f $PG_CLUSTER_DIR/data/postmaster.pid ]]; then
		if ! _pg_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
			# pg_ctl could not stop it: kill the postmaster by its recorded pid.
			local pid
			pid=$(head -n 1 "$PG_CLUSTER_DIR/data/postmaster.pid" 2>/dev/null || true)
			if [[ $pid =~ ^[0-9]+$ ]]; then
				kill -QUIT "$pid" 2>/dev/null || true
				sleep 2
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
	fi
	rm -rf -- "$PG_CLUSTER_DIR"
	log "PostgreSQL test cluster stopped and removed"
	PG_CLUSTER_DIR=""
}
