#!/usr/bin/env bash
# Installs the web UI's npm packages when needed and builds the UI into
# web/embedded/dist (where the Go binary embeds it from).
#
#   scripts/ui.sh              npm ci if needed, then always npm run build
#   scripts/ui.sh --if-needed  npm ci if needed, build only when the output is
#                              missing or older than any source file in web/
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/common.sh
source scripts/common.sh

WEB=web
DIST=${RUDDER_UI_DIST:-web/embedded/dist}

if_needed=0
case "${1:-}" in
"") ;;
--if-needed) if_needed=1 ;;
*) die "usage: $0 [--if-needed]" ;;
esac

[[ -f $WEB/package.json ]] || die "$WEB/package.json not found"
command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js >= 20"

# npm ci only when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json at the end of every install).
#
# `npm ci` first. The registry this project's machines reach serves only the
# Linux builds of platform-specific optional packages (rollup's, esbuild's), so
# a lockfile made here lacks the other platforms' entries and npm ci may call
# it out of sync; then `npm install --no-save` installs the same locked
# versions without touching package-lock.json.
if [[ ! -d $WEB/node_modules || $WEB/package-lock.json -nt $WEB/node_modules/.package-lock.json ]]; then
	log "npm ci in $WEB/"
	if ! (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error 2>"$WEB/.npm-ci.log"); then
		log "npm ci refused the lockfile ($(grep -m1 -o 'Missing: [^ ]*' "$WEB/.npm-ci.log" || echo 'see web/.npm-ci.log')); installing the locked versions with npm install --no-save"
		(cd "$WEB" && npm install --no-save --no-audit --no-fund --loglevel=error)
	fi
	rm -f "$WEB/.npm-ci.log"
	touch "$WEB/node_modules/.package-lock.json"
fi

ui_is_stale() {
	[[ -f $DIST/index.html && -d $DIST/assets ]] || return 0
	local newer
	newer=$(find "$WEB" \( -path "$WEB/node_modules" -o -path "$DIST" \) -prune -o \
		-type f -newer "$DIST/index.html" -print -quit)
	[[ -n $newer ]]
}

if ((if_needed)) && ! ui_is_stale; then
	log "UI in $DIST is up to date"
	exit 0
fi

log "npm run build in $WEB/"
(cd "$WEB" && npm run build)
[[ -f $DIST/index.html ]] || die "UI build did not produce $DIST/index.html"
