#!/usr/bin/env bash
# Dashboard benchmark (prints figures; not a pass/fail test): for each N
# (default 1,000 and 10,000) a collector serves a generated fleet of N
# servers and Chromium loads the dashboard; prints the time to interactive
# (page load, summary and the table's first page drawn), a filter keystroke
# and a sort (dashboard_bench.mjs).
#   tests/bench/dashboard.sh BUILD_DIR [N...]
# WEB_ROOT=DIR serves another dashboard (an older web-static, to compare).
# FLOORS=1 also times, in the same Chromium, the dashboard's first screen
# saved as a static page and a page with next to nothing on it: what is
# left of each figure that no change to the dashboard can take away.
set -euo pipefail
for t in node npm curl chromium; do command -v "$t" >/dev/null || { echo "dashboard: $t is missing (deploy/setup-deps.sh --test installs it)" >&2; exit 2; }; done
build=$(cd "$1" && pwd)
shift
sizes=("$@")
[ $# -gt 0 ] || sizes=(1000 10000)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/bs-dash-XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [ ! -d "$top/tests/browser/node_modules/playwright-core" ]; then
	(cd "$top/tests/browser" && npm ci --no-audit --no-fund >/dev/null)
fi
# serve N WEB_ROOT: a collector over the fleet of N, its dashboard from WEB_ROOT.
serve() {
	cat >"$work/c.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$((port + 1))
db = $work/fleet-$1.db
log_level = warn
stale_after = 30d
[http]
port = $port
web_root = $2
CONF
	"$build/collector/bindscope-collector" serve --config "$work/c.conf" 2>"$work/c.log" &
	pid=$!
	for _ in $(seq 300); do
		curl -sf "http://127.0.0.1:$port/api/summary" | grep -q "\"servers\":$1," && break
		sleep 0.2
	done
}
unserve() {
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
}
bench() { # N [ENV=VALUE...]
	(cd "$top/tests/browser" && env BASE_URL="http://127.0.0.1:$port/" SERVERS="$1" "${@:2}" node "$here/dashboard_bench.mjs")
}
port=$((19000 + ($$ % 400) * 2))
for n in "${sizes[@]}"; do
	BS_BENCH_KEEP=1 "$build/tests/rules_bench" "$work" "$n" 2>/dev/null | head -1
	mkdir -p "$work/static" "$work/minimal"
	serve "$n" "${WEB_ROOT:-$top/web-static}"
	bench "$n" SAVE_STATIC="$work/static"
	unserve
	if [ -n "${FLOORS:-}" ]; then
		# What Chromium takes for the same first screen as a static page,
		# and for a page with next to nothing on it.
		cp "$top/web-static/style.css" "$work/static/"
		serve "$n" "$work/static"
		bench "$n" FLOOR="the same first screen as static HTML"
		unserve
		printf '%s\n' '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>floor</title>' \
			'<link rel="stylesheet" href="/style.css"><script src="/app.js" defer></script></head>' \
			'<body data-loaded="false"><h1>bindscope</h1><p>A paragraph of text.</p>' \
			'<table id="servers" data-busy="false"><tr><td>one cell</td></tr></table></body></html>' >"$work/minimal/index.html"
		cp "$work/static/app.js" "$work/minimal/"
		: >"$work/minimal/style.css"
		serve "$n" "$work/minimal"
		bench "$n" FLOOR="a heading, a paragraph and a one-cell table"
		unserve
	fi
	rm -f "$work/fleet-$n.db"*
done
