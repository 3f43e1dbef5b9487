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

# The in-process Go benchmarks: the whole handler stack (middleware, auth,
# huma, SQL) per request without the network, on SQLite and PostgreSQL.
log "go benchmarks"
# The lead-list, funnel and 1M-import benchmarks write a million rows per database:
# they run last, in a run of their own (allowed 90 minutes), so the gigabytes
# they write and drop do not weigh on the others' numbers.
heavy='BenchmarkLeadList1M|BenchmarkFunnel|BenchmarkImportLeads1M'
go_bench=$(
	go test -run '^$' -bench . -skip "$heavy" -benchtime 2s -benchmem ./internal/api/ 2>&1 | grep -E '^(Benchmark|goos|goarch|cpu)'
	go test -run '^$' -bench "$heavy" -benchtime 2s -benchmem -timeout 90m ./internal/api/ 2>&1 | grep -E '^Benchmark'
)
awk -f scripts/bench-goals.awk <<<"$go_bench" >>BENCHMARKS.md
{
	printf '\n## Go benchmarks (in-process handler, no network)\n\n'
	printf 'Rerun: `go test -run %s -bench . -benchmem ./internal/api/` (with RUDDER_TEST_PG set for PostgreSQL).\n\n' "'^\$'"
	printf '```\n%s\n```\n' "$go_bench"
} >>BENCHMARKS.md
