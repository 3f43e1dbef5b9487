#!/usr/bin/env bash
# Runs the load benchmarks against SQLite and a throw-away PostgreSQL cluster
# and writes BENCHMARKS.md. Used by `make bench`; expects bin/rudder and
# bin/rudder-bench to be built. Extra arguments go to rudder-bench
# (e.g. --quick).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
# shellcheck source=scripts/pg-cluster.sh
source scripts/pg-cluster.sh

[[ -x bin/rudder ]] || die "bin/rudder not built (run: make build)"
[[ -x bin/rudder-bench ]] || die "bin/rudder-bench not built"

missing=()
need_postgres missing
ensure_debian_packages "${missing[@]}"

trap pg_cluster_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
pg_cluster_start

bin/rudder-bench --rudder bin/rudder --out BENCHMARKS.md "$@"
