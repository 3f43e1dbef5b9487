# shellcheck shell=bash
# Helpers shared by scripts/*.sh. Source it; it defines functions only.

# log prints a timestamped progress line to stderr.
log() {
	printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# die prints an error and exits 1.
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# pg_bindir prints the bin directory of the newest installed PostgreSQL
# server (Debian layout: /usr/lib/postgresql/<major>/bin), or nothing.
pg_bindir() {
	local d best="" best_ver=0 ver
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/initdb" && -x "$d/pg_ctl" ]] || continue
		ver=${d#/usr/lib/postgresql/}
		ver=${ver%%/*}
		ver=${ver%%.*}
		[[ $ver =~ ^[0-9]+$ ]] || continue
		if ((ver > best_ver)); then
			best_ver=$ver
			best=$d
		fi
	done
	[[ -n $best ]] && printf '%s\n' "$best"
	return 0
}

# ensure_debian_packages NAME... installs the given Debian packages when
# running as root (one `apt-get update`, then one install), or exits 1 with a
# message naming them when not root. Call it with the missing packages only.
ensure_debian_packages() {
	(($# > 0)) || return 0
	if ((EUID != 0)); then
		die "missing system packages: $* -- install them with: sudo apt-get install -y $*"
	fi
	command -v apt-get >/dev/null 2>&1 || die "missing system packages: $* (and no apt-get to install them)"
	log "installing missing packages: $*"
	if [[ -z ${RUDDER_APT_UPDATED:-} ]]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		RUDDER_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need_postgres adds "postgresql" to the named array when no server binaries exist.
need_postgres() {
	local -n _missing=$1
	[[ -n $(pg_bindir) ]] || _missing+=(postgresql)
}
