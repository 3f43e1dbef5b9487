#!/usr/bin/env bash
# Runs every test of Rudder: go vet, all Go tests (SQLite and a throw-away
# PostgreSQL cluster, browser tests with Debian's Chromium, fuzz seed corpora)
# and the web UI's tests. Used by `make test` and CI.
#
# Installs what is missing when run as root (postgresql, chromium,
# fonts-noto-cjk; the UI's npm packages), otherwise says what to install.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh
# shellcheck source=scripts/pg-cluster.sh
source scripts/pg-cluster.sh

CHROMIUM=${RUDDER_TEST_CHROMIUM:-/usr/bin/chromium}
GO=${GO:-go}
started=$SECONDS
declare -a summary=()
failed=0
failed_steps=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rudder-test.XXXXXX")
cleanup() {
	local rc=$?
	pg_cluster_stop
	rm -rf -- "$WORK"
	return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step NAME CMD... runs one step, records its result and keeps going.
step() {
	local name=$1 t0=$SECONDS rc=0
	shift
	log "$name"
	"$@" || rc=$?
	if ((rc == 0)); then
		summary+=("$(printf '  %-10s ok      (%ds)' "$name" $((SECONDS - t0)))")
	else
		summary+=("$(printf '  %-10s FAILED  (exit %d, %ds)' "$name" "$rc" $((SECONDS - t0)))")
		failed=1
		failed_steps=$((failed_steps + 1))
	fi
}

# 1. Prerequisites.
command -v "$GO" >/dev/null 2>&1 || die "go not found on PATH (need Go >= 1.26; try PATH=/usr/local/go/bin:\$PATH)"
missing=()
need_postgres missing
[[ -x $CHROMIUM ]] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
ensure_debian_packages "${missing[@]}"
[[ -n $(pg_bindir) ]] || die "PostgreSQL server binaries still missing after install"
[[ -x $CHROMIUM ]] || die "$CHROMIUM still missing after install"

# The Go browser tests serve the embedded UI: build it when needed.
step "ui build" bash scripts/ui.sh --if-needed

# 2. Throw-away PostgreSQL cluster (stopped and removed by the EXIT trap).
pg_cluster_start

# 3. Tests. Required means a test helper fails, not skips, when unusable.
export RUDDER_TEST_REQUIRE_PG=1
export RUDDER_TEST_CHROMIUM=$CHROMIUM
export RUDDER_TEST_REQUIRE_BROWSER=1

# go test -json condensed by scripts/testjson (short output plus test counts);
# plain go test if that helper does not build.
go_test() {
	if "$GO" build -o "$WORK/testjson" ./scripts/testjson; then
		"$GO" test -json -count=1 -timeout 30m ./... | "$WORK/testjson" | tee "$WORK/go-test.log"
	else
		"$GO" test -count=1 -timeout 30m ./...
	fi
}

npm_test() {
	(cd web && NO_COLOR=1 npm test) 2>&1 | tee "$WORK/npm-test.log"
}

# count LOG WORD prints the number before WORD on the test-count line of LOG.
count() {
	local line
	line=$(grep -E "$2" "$1" 2>/dev/null | tail -n 1 || true)
	[[ $line =~ ([0-9]+)\ $3 ]] && printf '%s' "${BASH_REMATCH[1]}" || printf 0
}

step "go vet" "$GO" vet ./...
step "go test" go_test
if [[ -f web/package.json ]] && grep -q '"test"[[:space:]]*:' web/package.json; then
	step "npm test" npm_test
else
	summary+=("  npm test   skipped (web/package.json has no test script)")
fi
pg_cluster_stop

total_pass=0 total_fail=0 total_skip=0
for kind in go npm; do
	log_file=$WORK/$kind-test.log
	[[ -f $log_file ]] || continue
	if [[ $kind == go ]]; then pattern='^go test: '; else pattern='^[[:space:]]*Tests[[:space:]]'; fi
	p=$(count "$log_file" "$pattern" passed)
	f=$(count "$log_file" "$pattern" failed)
	s=$(count "$log_file" "$pattern" skipped)
	summary+=("$(printf '  %-10s %d passed, %d failed, %d skipped' "$kind tests" "$p" "$f" "$s")")
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
done

# A step that failed without a failing test (vet, a build, npm) still counts.
if ((failed && total_fail == 0)); then
	total_fail=$failed_steps
fi

printf '\n==================== make test summary ====================\n'
printf '%s\n' "${summary[@]}"
printf '  PostgreSQL %s, Chromium %s\n' "$(basename "$(dirname "$PG_CLUSTER_BIN")")" \
	"$("$CHROMIUM" --version 2>/dev/null | awk '{print $2}' || echo '?')"
printf 'tests: %d passed, %d failed, %d skipped\n' "$total_pass" "$total_fail" "$total_skip"
if ((failed)); then
	printf 'RESULT: FAILED after %ds\n' $((SECONDS - started))
	exit 1
fi
printf 'RESULT: all steps passed in %ds\n' $((SECONDS - started))
