#!/usr/bin/env bash
# Dashboard benchmark (prints figures; not a pass/fail test): a collector
# serves a generated fleet of N servers (default 10,000) and Chromium
# loads the dashboard; prints the time to interactive (page load, API
# fetch, table drawn), a filter keystroke and a sort.
#   tests/bench/dashboard.sh BUILD_DIR [N]
set -euo pipefail
for t in node npm curl chromium; do command -v "$t" >/dev/null || { echo "dashboard: $t is missing (deploy/setup-deps.sh --test installs it)" >&2; exit 2; }; done
build=$(cd "$1" && pwd)
n=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/bs-dash-XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [ ! -d "$top/tests/browser/node_modules/playwright-core" ]; then
	(cd "$top/tests/browser" && npm ci --no-audit --no-fund >/dev/null)
fi
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
web_root = $top/web-static
CONF
"$build/collector/bindscope-collector" serve --config "$work/c.conf" 2>"$work/c.log" &
pid=$!
for _ in $(seq 300); do
	curl -sf "http://127.0.0.1:$port/api/summary" | grep -q "\"servers\":$n" && break
	sleep 0.2
done
cd "$top/tests/browser"
BASE_URL="http://127.0.0.1:$port/" SERVERS="$n" node "$here/dashboard_bench.mjs"
