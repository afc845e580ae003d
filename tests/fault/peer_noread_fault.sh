#!/usr/bin/env bash
# A peer on the agent port that sends requests and never reads a reply
# (rawpeer noread) must not stop the collector answering anyone: honest
# agents (ingest_bench, each report distinct) keep being stored while it
# runs; the peer's requests beyond a few in progress and its replies not
# taken within reply_timeout are dropped.
#   tests/fault/peer_noread_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init noread "$1"

port=$((17000 + $$ % 100))
url="tcp://127.0.0.1:$port"
secs=8
soak && secs=60
pki_enroll mbx03.corp.example # the bench signs; plain tcp:// stores it unsigned
agent_port_conf "$work/c.conf" "$url" "$work/bs.db" "reply_timeout = 2s"
start_collector "$work/c.conf"

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
stop_collector
e2e_done
