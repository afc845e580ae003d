#!/usr/bin/env bash
# Connections beyond the caps on the agent port: peers that connect and
# never send a request (rawpeer slow: the SP header, then nothing) from a
# few addresses, then from many, while an honest agent must still be
# served; refused and expired connections are counted in /metrics. Then
# what the caps cannot see, TLS handshakes that never start, beyond the
# default descriptor limit.
#   tests/fault/conn_limits_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init connlimits "$1"

port=$((17100 + $$ % 100 * 2))
http=$((port + 1))
url="tcp://127.0.0.1:$port"
hold=6
soak && hold=60
pki_enroll mbx03.corp.example
agent_port_conf "$work/c.conf" "$url" "$work/bs.db" "max_connections = 100" \
	"max_connections_per_address = 16" "login_timeout = 3s" "log_level = warn"
sed -i "s/^port = 0/port = $http/" "$work/c.conf"
start_collector "$work/c.conf" "http://127.0.0.1:$http/metrics"
metric() { curl -s "http://127.0.0.1:$http/metrics" | sed -n "s/^bindscope_agent_connections_dropped_total{reason=\"$1\"} //p"; }
honest() { # SECONDS: one honest agent sending distinct signed reports
	"$ingest_bench" "$url" 1 "$1" "$top/tests/fixtures/reports/mbx03.pb" \
		"$work/id-mbx03.corp.example/agent.key" "$work/id-mbx03.corp.example/agent.pem"
}

# 1. 200 silent connections from 4 addresses (50 each): 16 per address admitted.
"$rawpeer" slow 127.0.0.1 "$port" 200 "$hold" 50 >"$work/slow1.out" &
peer=$!
sleep 1.5
open=$(curl -s "http://127.0.0.1:$http/metrics" | sed -n 's/^bindscope_agent_connections //p')
honest 2 >"$work/honest1.out"
wait "$peer"
cat "$work/slow1.out" "$work/honest1.out"
figure "silent connections from 4 addresses admitted (cap 16 per address)" "$open of 200"
expect "per-address cap: 4 x 16 admitted, the other 136 refused" \
	bash -c "[ '$open' = 64 ] && [ '$(metric per_address)' = 136 ]"
expect "an honest agent from another address is served meanwhile" \
	bash -c "grep -Eq ' [1-9][0-9]* reports acknowledged.*, 0 failed' '$work/honest1.out'"
expect "connections that never sent a request are closed after login_timeout" \
	bash -c "[ '$(metric login_timeout)' = 64 ] && grep -q 'closed by the collector 200' '$work/slow1.out'"

# 2. 300 from 30 addresses (under the per-address cap): the total cap holds.
"$rawpeer" slow 127.0.0.1 "$port" 300 "$hold" 10 >"$work/slow2.out" &
peer=$!
sleep 1.5
open=$(curl -s "http://127.0.0.1:$http/metrics" | sed -n 's/^bindscope_agent_connections //p')
served() { "$sendraw" "$url" "$top/tests/fixtures/reports/mbx03.pb" | grep -q '^ACK_'; }
start=$(date +%s%N)
until_ok 20 served || true
waited=$((($(date +%s%N) - start) / 1000000))
wait "$peer"
cat "$work/slow2.out"
figure "silent connections from 30 addresses admitted (cap 100 in total)" "$open of 300"
figure "honest agent behind a full connection table (login_timeout 3 s): answered after" "$waited ms"
expect "total cap: 100 admitted, the other 200 (and the honest agent's tries) refused" \
	bash -c "[ '$open' = 100 ] && [ '$(metric total)' -ge 200 ]"
expect "the honest agent is served once the silent ones time out" [ "$waited" -lt 20000 ]

# 3. TLS handshakes that never start: NNG 1.5.2 shows no pipe before the
# handshake is over, so the collector's front door (collector/ingest/front.c)
# holds them: 1,100 from 22 addresses (50 each) against a collector started with the
# default soft limit of 1,024 descriptors (it raises it to the hard limit),
# handshake_timeout = 3s; an enrolled agent must be served meanwhile, and
# every stalled one closed by the deadline.
stop_collector
agent_port_conf "$work/t.conf" "tls+tcp://127.0.0.1:$port" "$work/bs.db" "handshake_timeout = 3s"
sed -i "s/^port = 0/port = $http/" "$work/t.conf"
printf '#!/bin/sh\nulimit -Sn 1024\nexec "%s" "$@"\n' "$collector" >"$work/lowfd.sh"
chmod +x "$work/lowfd.sh"
collector_bin="$work/lowfd.sh" start_collector "$work/t.conf" "http://127.0.0.1:$http/metrics"
"$rawpeer" idle 127.0.0.1 "$port" 1100 $((hold + 6)) 50 >"$work/idle.out" &
peer=$!
sleep 1.5
expect "1,100 stalled TLS handshakes: an enrolled agent is still served" \
	bash -c "'$sendraw' 'tls+tcp://127.0.0.1:$port' '$top/tests/fixtures/reports/mbx03.pb' '$work/pki/ca.pem' '$work/id-mbx03.corp.example/agent.pem' '$work/id-mbx03.corp.example/agent.key' | grep -q '^ACK_'"
rss=$(ps -o rss= -p "$pid" | tr -d ' ')
wait "$peer"
cat "$work/idle.out"
closed=$(sed 's/.*collector //' "$work/idle.out")
figure "agent port drops after the stalled handshakes" "$(curl -s "http://127.0.0.1:$http/metrics" | grep "^bindscope_agent_connections_dropped_total" | grep -v " 0$" | sed "s/.*reason=//" | tr "\n" " ")"
figure "collector memory with 1,100 stalled TLS handshakes" "$((rss / 1024)) MiB"
figure "stalled TLS handshakes closed by the collector within $((hold + 6)) s (handshake_timeout 3 s)" "$closed of 1100"
expect "all 1,100 closed: 22 addresses x 32 admitted and closed by handshake_timeout, 396 refused by the per-address cap" \
	bash -c "[ '$closed' = 1100 ] && [ '$(metric handshake_timeout)' = 704 ] && [ '$(metric per_address)' = 396 ]"

# 4. 100 silent TCP connections from one address, before any handshake:
# the per-address cap holds there too (NNG never sees them).
"$rawpeer" idle 127.0.0.1 "$port" 100 4 100 >"$work/idle1.out" &
peer=$!
sleep 1.5
open=$(curl -s "http://127.0.0.1:$http/metrics" | sed -n 's/^bindscope_agent_connections //p')
wait "$peer"
figure "silent pre-handshake connections from one address admitted (cap 32 per address)" "$open of 100"
expect "per-address cap before the handshake: 32 admitted" [ "$open" = 32 ]
stop_collector
e2e_done
