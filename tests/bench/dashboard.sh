#!/usr/bin/env bash
# Dashboard benchmark (prints figures; not a pass/fail test): for each N
# (default 1,000 and 10,000) a collector serves a generated fleet of N
# servers and Chromium loads the dashboard; prints the time to interactive
# (page load, summary and the table's first page drawn), a filter keystroke
# and a sort (dashboard_bench.mjs).
#   tests/bench/dashboard.sh BUILD_DIR [N...]
# WEB_ROOT=DIR serves another dashboard (an older web-static, to compare).
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
for n in "${sizes[@]}"; do
	BS_BENCH_KEEP=1 "$build/tests/rules_bench" "$work" "$n" 2>/dev/null | head -1
	port=$((19000 + ($$ % 400) * 2))
	cat >"$work/c.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$((port + 1))
db = $work/fleet-$n.db
log_level = warn
stale_after = 30d
[http]
port = $port
web_root = ${WEB_ROOT:-$top/web-static}
CONF
	"$build/collector/bindscope-collector" serve --config "$work/c.conf" 2>"$work/c.log" &
	pid=$!
	for _ in $(seq 300); do
		curl -sf "http://127.0.0.1:$port/api/summary" | grep -q "\"servers\":$n," && break
		sleep 0.2
	done
	(cd "$top/tests/browser" && BASE_URL="http://127.0.0.1:$port/" SERVERS="$n" node "$here/dashboard_bench.mjs")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
	rm -f "$work/fleet-$n.db"*
done
