#!/usr/bin/env bash
# Fault: slow and idle connections on the dashboard port. 260 connections
# that each send a request line and then one header byte a second, spread
# over four source addresses (slowloris), against the default limits: the
# per-address cap keeps them from filling the total, the request deadline
# cuts off those let in, and an honest request is answered at once
# throughout. Refusals are counted in /metrics.
#   tests/fault/dashboard_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init dashboard-fault "$1"
port=18120
slowconn="$build/tests/slowconn"
hold=${BINDSCOPE_FAULT_SOAK:+120}
hold=${hold:-25}

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
"$collector" import --db "$work/bs.db" "$work"/fleet/mbx0* >/dev/null 2>&1
dashboard_conf "$work/c.conf" "$work/bs.db" "$port"
start_collector "$work/c.conf" "http://127.0.0.1:$port/"
url="http://127.0.0.1:$port/api/summary"

"$slowconn" "$port" 260 "$hold" 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 >"$work/slow.out" &
spid=$!
until_ok 10 grep -q accepted "$work/slow.out"
# Honest requests from another address while the slow ones hold on:
# once every two seconds for the whole attack.
worst=0
failed=0
n=0
end=$(($(date +%s) + hold - 3))
while [ "$(date +%s)" -lt "$end" ]; do
	r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 20 "$url" || true)
	code=${r%% *}
	t=${r#* }
	n=$((n + 1))
	[ "$code" = 200 ] || failed=$((failed + 1))
	if [ "$(echo "$t > $worst" | bc)" = 1 ]; then worst=$t; fi
	sleep 2
done
wait "$spid" || true
spid=""
accepted=$(sed -n 's/^accepted \([0-9]*\) .*/\1/p' "$work/slow.out")
closed=$(sed -n 's/^closed \([0-9]*\) of.*/\1/p' "$work/slow.out")
after=$(sed -n 's/.* after \([0-9.]*\) s.*/\1/p' "$work/slow.out")
expect "every honest request was answered 200 ($n tried, $failed not)" [ "$failed" = 0 ]
expect "each within 3 s (slowest $worst s)" [ "$(echo "$worst < 3" | bc)" = 1 ]
expect "the slow connections let in stayed within the per-address cap ($accepted of 260)" \
	[ "$accepted" -le 64 ]
expect "the server closed the slow ones ($closed closed, after $after s on average)" \
	[ "$closed" -ge 250 ]
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
expect "/metrics counts the connections refused at the cap" \
	grep -Eq '^bindscope_http_refused_total\{reason="connection_limit"\} [1-9]' "$work/metrics.txt"
expect "/metrics counts the requests cut off at the deadline" \
	grep -Eq '^bindscope_http_refused_total\{reason="request_timeout"\} [1-9]' "$work/metrics.txt"
echo "figure: honest request with 260 slow connections from 4 addresses: slowest of $n answered in $worst s"
echo "figure: slow connections accepted: $accepted of 260; closed by the server: $closed, after $after s on average"
stop_collector

e2e_done
