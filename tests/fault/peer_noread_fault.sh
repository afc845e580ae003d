#!/usr/bin/env bash
# A peer on the agent port that sends requests and never reads a reply
# (rawpeer noread) must not stop the collector answering anyone: honest
# agents (ingest_bench, each report distinct) keep being stored while it
# runs; the peer's requests beyond a few in progress and its replies not
# taken within reply_timeout are dropped. When it goes, its connection is
# closed and the collector still stops at once (NNG 1.5.2 could hang for
# good when a pipe closed while requests were still arriving: front.c).
#   tests/fault/peer_noread_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init noread "$1"

port=$((17000 + $$ % 100))
url="tcp://127.0.0.1:$port"
http=$((17700 + $$ % 100))
secs=8
soak && secs=60
pki_enroll mbx03.corp.example # the bench signs; plain tcp:// stores it unsigned
agent_port_conf "$work/c.conf" "$url" "$work/bs.db" "reply_timeout = 2s"
sed -i "s/^port = 0/port = $http/" "$work/c.conf"
start_collector "$work/c.conf" "http://127.0.0.1:$http/metrics"

"$rawpeer" noread 127.0.0.1 "$port" $((secs + 6)) >"$work/peer.out" &
peer=$!
sleep 3 # long enough for its unread replies to fill the socket buffers
before=$(reports_in "$work/bs.db")
"$ingest_bench" "$url" 4 "$secs" "$top/tests/fixtures/reports/mbx03.pb" \
	"$work/id-mbx03.corp.example/agent.key" "$work/id-mbx03.corp.example/agent.pem" >"$work/bench.out"
stored=$(($(reports_in "$work/bs.db") - before))
wait "$peer" || true
cat "$work/bench.out" "$work/peer.out"
figure "honest reports stored during the stall (4 agents, $secs s)" "$stored"
figure "never-reading peer" "$(cat "$work/peer.out")"
expect "honest agents were stored while the peer never read" [ "$stored" -gt 0 ]
expect "no honest send failed (each within the agents' 10 s)" grep -q ', 0 failed' "$work/bench.out"
expect "the collector dropped what the peer piled up (requests beyond its share, replies not taken)" \
	grep -Eq 'event=connections_dropped reason=(too_many_requests|reply_not_taken)' "$work/collector.log"
expect "and a new agent is still served afterwards" \
	bash -c "'$sendraw' '$url' '$top/tests/fixtures/reports/mbx03.pb' | grep -q '^ACK_'"
open_conns() { curl -s "http://127.0.0.1:$http/metrics" | sed -n 's/^bindscope_agent_connections //p'; }
for _ in $(seq 50); do [ "$(open_conns)" = 0 ] && break; sleep 0.1; done
expect "every connection closed once the peer and the agents left" [ "$(open_conns)" = 0 ]
stopped=0
stop_collector_within 10 && stopped=1
figure "collector stop after the peer left" "$stop_ms ms"
expect "the collector stopped within 10 s (every pipe reaped)" [ "$stopped" = 1 ]
e2e_done
