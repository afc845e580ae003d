#!/usr/bin/env bash
# Ingest benchmark (prints figures; not a pass/fail test): AGENTS
# concurrent agents (default 200) send realistic signed reports to one
# collector for SECONDS (default 10), over mutual TLS and then over plain
# tcp://, each report a durable SQLite commit; prints both rates and
# their ratio.   tests/bench/ingest.sh BUILD_DIR [AGENTS] [SECONDS]
set -euo pipefail
for t in bc sqlite3; do command -v "$t" >/dev/null || { echo "ingest: $t is missing (deploy/setup-deps.sh --test installs it)" >&2; exit 2; }; done
build=$(cd "$1" && pwd)
agents=${2:-200}
secs=${3:-10}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/bs-ingest-XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
c="$build/collector/bindscope-collector"
"$c" pki init --dir "$work/pki" >/dev/null
"$c" pki issue --dir "$work/pki" --host mbx03.corp.example --out "$work/id"
report="$top/tests/fixtures/reports/mbx03.pb"
run() { # MODE PORT
	local url="$1://127.0.0.1:$2" out
	cat >"$work/c.conf" <<CONF
[collector]
listen = $url
db = $work/$1-$2.db
log_level = warn
[http]
port = 0
[tls]
ca_file = $work/pki/ca.pem
cert_file = $work/pki/server.pem
key_file = $work/pki/server.key
CONF
	"$c" serve --config "$work/c.conf" 2>"$work/$1.log" &
	pid=$!
	sleep 0.5
	if [ "$1" = tls+tcp ]; then
		out=$("$build/tests/ingest_bench" "$url" "$agents" "$secs" "$report" "$work/id/agent.key" "$work/id/agent.pem" "$work/id/ca.pem")
	else
		out=$("$build/tests/ingest_bench" "$url" "$agents" "$secs" "$report" "$work/id/agent.key" "$work/id/agent.pem")
	fi
	kill "$pid"; wait "$pid" || true; pid=""
	echo "$out"
	echo "  stored: $(sqlite3 "$work/$1-$2.db" 'select count(*) from reports')" >&2
}
# Agents signing as they send (their work shares these two cores), then
# pre-signed (as real agents do at sweep time, on their own machines): the
# second is the collector's own capacity, compared with plain tcp.
live=$(run tls+tcp $((30000 + $$ % 10000)))
echo "$live"
export BS_BENCH_PRESIGN=$((secs * 40))
tls=$(run tls+tcp $((31000 + $$ % 10000)))
echo "$tls"
tcp=$(run tcp $((40000 + $$ % 10000)))
echo "$tcp"
a=$(echo "$tls" | sed 's/.*(\([0-9]*\)\/s).*/\1/')
b=$(echo "$tcp" | sed 's/.*(\([0-9]*\)\/s).*/\1/')
echo "mutual TLS / plain tcp = $(echo "scale=2; $a / $b" | bc)"
