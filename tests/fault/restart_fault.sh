#!/usr/bin/env bash
# Restart under load: agents sweep and send every second while the
# collector is SIGKILLed and restarted; after each restart a new agent is
# served at once, and at the end every report any agent saw acknowledged
# is in the database once (nothing acknowledged lost) and the spools have
# drained.
#   tests/fault/restart_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init restart "$1"

port=$((17500 + $$ % 100))
url="tls+tcp://127.0.0.1:$port"
cycles=3
soak && cycles=25
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
pki_enroll mbx01.corp.example mbx02.corp.example mbx03.corp.example mbx04.corp.example
agent_port_conf "$work/c.conf" "$url" "$work/bs.db"
start_collector "$work/c.conf"
apids=()
for s in mbx01 mbx02 mbx03; do
	agent_conf "$work/$s.conf" "$url" "$work/fleet/$s" "$work/state-$s" "$work/id-$s.corp.example" \
		"interval = 1s"
	"$agent" run --config "$work/$s.conf" 2>>"$work/agent-$s.log" &
	apids+=($!)
done
served_all=1
for c in $(seq "$cycles"); do
	sleep 2.5
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	sleep 0.3
	start_collector "$work/c.conf"
	# A new agent (its first connection): served within its own retries.
	agent_conf "$work/new$c.conf" "$url" "$work/fleet/mbx04" "$work/state-new$c" \
		"$work/id-mbx04.corp.example"
	t0=$(date +%s%N)
	if timeout 60 "$agent" run --config "$work/new$c.conf" --once 2>>"$work/agent-new.log"; then
		figure "new agent served after restart $c" "$((($(date +%s%N) - t0) / 1000000)) ms"
	else
		served_all=0
		figure "new agent served after restart $c" "not within 60 s"
	fi
done
expect "after every restart a new agent was served" [ "$served_all" = 1 ]
# Let the agents deliver what they spooled meanwhile, then stop them. How
# long that takes is the agents' timing, not a fixed figure: a request in
# flight at the kill waits out send_timeout (3 s), then the interval (1 s),
# then NNG's redial (up to 5 s apart): so wait up to 30 s for each agent's
# spool to hold at most the sweep in flight, with a report acknowledged
# since the last restart (a fixed 3 s sleep failed under a loaded suite).
spooled() { find "$work/state-$1/spool" -maxdepth 1 -name '*.env' | wc -l; }
acks() { grep -c 'event=report_acked' "$work/agent-$1.log" || true; }
declare -A acks0
for s in mbx01 mbx02 mbx03; do acks0[$s]=$(acks "$s"); done
t0=$(date +%s%N)
drained=0
for ((i = 0; i < 300; i++)); do
	drained=1
	for s in mbx01 mbx02 mbx03; do
		{ [ "$(acks "$s")" -gt "${acks0[$s]}" ] && [ "$(spooled "$s")" -le 1 ]; } || drained=0
	done
	[ "$drained" = 0 ] || break
	sleep 0.1
done
if [ "$drained" = 1 ]; then
	figure "agents' spools drained after the last restart" "$((($(date +%s%N) - t0) / 1000000)) ms"
else
	figure "agents' spools drained after the last restart" "not within 30 s"
fi
for a in "${apids[@]}"; do kill -TERM "$a" 2>/dev/null || true; done
for a in "${apids[@]}"; do wait "$a" 2>/dev/null || true; done
# Every acknowledged report (spool name: <ms>-<boot>-<sequence>.env) is stored.
acked=0 missing=0
while read -r name; do
	boot=${name#*-}
	boot=${boot%-*}
	sequence=$((10#${name##*-}))
	acked=$((acked + 1))
	[ "$(reports_in "$work/bs.db" "where boot_id = '$boot' and sequence = $sequence")" = 1 ] ||
		missing=$((missing + 1))
done < <(sed -n 's/.*event=report_acked file=\([^ ]*\)\.env.*/\1/p' "$work"/agent-mbx0*.log | sort -u)
figure "reports acknowledged across $cycles SIGKILL restarts (3 agents)" "$acked, $missing of them missing"
expect "every acknowledged report is stored" bash -c "[ $acked -gt 0 ] && [ $missing = 0 ]"
expect "nothing stored twice" [ "$(reports_in "$work/bs.db")" = "$(sqlite3 "$work/bs.db" 'select count(distinct boot_id || sequence) from reports')" ]
stop_collector
most=0
for s in mbx01 mbx02 mbx03; do
	n=$(spooled "$s")
	[ "$n" -le "$most" ] || most=$n
done
expect "the agents' spools drained after the last restart (at most the sweep in flight left)" \
	bash -c "[ $drained = 1 ] && [ $most -le 1 ]"
e2e_done
