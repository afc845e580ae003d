#!/usr/bin/env bash
# The agent SIGKILLed at random moments of its sweep, spool write and
# delivery, over and over, while a collector runs and while none does:
# its spool stays readable (no torn file, nothing set aside on the next
# delivery), everything it saw acknowledged is stored, and what it had
# spooled is delivered once it runs again.
#   tests/fault/agent_kill_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init agentkill "$1"

port=$((17600 + $$ % 100))
url="tls+tcp://127.0.0.1:$port"
kills=12
soak && kills=200
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
pki_enroll mbx02.corp.example
agent_port_conf "$work/c.conf" "$url" "$work/bs.db"
agent_conf "$work/a.conf" "$url" "$work/fleet/mbx02" "$work/state" "$work/id-mbx02.corp.example" \
	"interval = 1s"
start_collector "$work/c.conf"
for k in $(seq "$kills"); do
	# Half the rounds with the collector down, so reports pile up in the spool.
	if [ "$k" = $((kills / 2)) ]; then stop_collector; fi
	"$agent" run --config "$work/a.conf" 2>>"$work/agent.log" &
	a=$!
	sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
	kill -9 "$a"
	wait "$a" 2>/dev/null || true
done
spooled=$(find "$work/state/spool" -maxdepth 1 -name '*.env' | wc -l)
start_collector "$work/c.conf"
expect "after $kills kills the agent delivers its spool" \
	timeout 120 "$agent" run --config "$work/a.conf" --once 2>>"$work/agent.log"
refused=$(find "$work/state/spool/refused" -type f 2>/dev/null | wc -l)
left=$(find "$work/state/spool" -maxdepth 1 -name '*.env' | wc -l)
acked=0 missing=0
while read -r name; do
	boot=${name#*-}
	boot=${boot%-*}
	acked=$((acked + 1))
	[ "$(reports_in "$work/bs.db" "where boot_id = '$boot' and sequence = $((10#${name##*-}))")" = 1 ] ||
		missing=$((missing + 1))
done < <(sed -n 's/.*event=report_acked file=\([^ ]*\)\.env.*/\1/p' "$work/agent.log" | sort -u)
stop_collector
figure "agent SIGKILLs: spooled reports left, then torn or refused on delivery" "$spooled, $refused"
figure "reports acknowledged across the kills" "$acked, $missing of them missing"
expect "no spool file was torn (nothing refused or set aside)" [ "$refused" = 0 ]
expect "the spool drained" [ "$left" = 0 ]
expect "every acknowledged report is stored" bash -c "[ $acked -gt 0 ] && [ $missing = 0 ]"
expect "no collection or spool error logged but the kills' send failures" \
	bash -c "! grep -E 'level=error' '$work/agent.log' | grep -v 'send_failed' | grep -q ."
e2e_done
