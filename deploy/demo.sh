#!/usr/bin/env bash
# The demo fleet: installs what is needed, builds, generates the example
# evidence roots, starts a collector on 127.0.0.1, runs one agent sweep per
# example server, and leaves the dashboard served.
#   deploy/demo.sh           (as root on a fresh Debian 12 machine)
#   deploy/demo.sh --stop    stops the demo collector
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
demo="$build/demo"
port=${BINDSCOPE_DEMO_PORT:-8480}
nng_port=${BINDSCOPE_DEMO_NNG_PORT:-7400}

if [ "${1:-}" = "--stop" ]; then
	[ -f "$demo/collector.pid" ] && kill "$(cat "$demo/collector.pid")" 2>/dev/null || true
	rm -f "$demo/collector.pid"
	echo "demo collector stopped"
	exit 0
fi

"$top/deploy/setup-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBS_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# A previous demo: stop it and start clean.
[ -f "$demo/collector.pid" ] && kill "$(cat "$demo/collector.pid")" 2>/dev/null && sleep 0.5 || true
rm -rf "$demo"
mkdir -p "$demo"
"$top/deploy/gen-example-fleet.sh" "$demo/fleet" >/dev/null

# The secure configuration: a collector CA, mutual TLS, signed reports.
"$build/collector/bindscope-collector" pki init --dir "$demo/pki" >/dev/null
cat >"$demo/collector.conf" <<CONF
[collector]
listen = tls+tcp://127.0.0.1:$nng_port
db = $demo/bindscope.db
stale_after = 15m
[http]
address = 127.0.0.1
port = $port
web_root = $top/web-static
[tls]
ca_file = $demo/pki/ca.pem
cert_file = $demo/pki/server.pem
key_file = $demo/pki/server.key
revoked_file = $demo/pki/revoked.txt
CONF
nohup "$build/collector/bindscope-collector" serve --config "$demo/collector.conf" \
	>"$demo/collector.log" 2>&1 &
echo $! >"$demo/collector.pid"
for _ in $(seq 50); do
	grep -q 'event=dashboard' "$demo/collector.log" 2>/dev/null && break
	sleep 0.1
done
if ! kill -0 "$(cat "$demo/collector.pid")" 2>/dev/null; then
	echo "demo: the collector did not start:" >&2
	cat "$demo/collector.log" >&2
	exit 1
fi

for root in "$demo"/fleet/mbx*/; do
	name=$(basename "$root")
	"$build/collector/bindscope-collector" pki issue --dir "$demo/pki" \
		--host "$name.corp.example" --out "$demo/agent-$name"
	cat >"$demo/agent-$name.conf" <<CONF
[agent]
root = $root
collector = tls+tcp://127.0.0.1:$nng_port
state_dir = $demo/agent-$name/state
send_timeout = 10s
[tls]
ca_file = $demo/agent-$name/ca.pem
cert_file = $demo/agent-$name/agent.pem
key_file = $demo/agent-$name/agent.key
server_name = localhost
CONF
	"$build/agent/bindscope-agent" run --config "$demo/agent-$name.conf" --once \
		>>"$demo/agents.log" 2>&1 || { echo "demo: agent $name failed; see $demo/agents.log" >&2; exit 1; }
done

echo
"$build/collector/bindscope-collector" check --db "$demo/bindscope.db" --fail-on warning || true
echo
echo "Dashboard: http://127.0.0.1:$port/"
echo "Reports:   $build/collector/bindscope-collector report --db $demo/bindscope.db --format json|csv|html"
echo "Stop with: deploy/demo.sh --stop"
