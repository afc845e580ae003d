#!/usr/bin/env bash
# De-duplication is bound to the verified identity. mbx01 runs an agent
# (one boot, a sweep a second); mbx03's enrolled key signs reports that
# claim mbx01's boot id and its next seven sequence numbers, first as
# mbx01's agent_id (refused: not its certificate's), then under its own
# (stored as mbx03's, no collision). Every one of mbx01's genuine reports
# must still be stored.
#   tests/fault/forged_dedup_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init forged "$1"

port=$((17400 + $$ % 100))
url="tls+tcp://127.0.0.1:$port"
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
pki_enroll mbx01.corp.example mbx03.corp.example
agent_port_conf "$work/c.conf" "$url" "$work/bs.db"
start_collector "$work/c.conf"
agent_conf "$work/a.conf" "$url" "$work/fleet/mbx01" "$work/state" "$work/id-mbx01.corp.example" \
	"interval = 1s"
"$agent" run --config "$work/a.conf" 2>>"$work/agent.log" &
spid=$!
q() { sqlite3 "$work/bs.db" "select $1 from reports r join servers s on s.id = r.server_id where s.fqdn = 'mbx01.corp.example'"; }
until_ok 20 bash -c "[ \"\$(sqlite3 '$work/bs.db' 'select count(*) from reports' 2>/dev/null)\" -ge 1 ]"
boot=$(q "boot_id" | head -1)
seq=$(q "max(sequence)")
a=("$work/id-mbx03.corp.example/agent.key" "$work/id-mbx03.corp.example/agent.pem")
tls=("$work/id-mbx03.corp.example/ca.pem" "$work/id-mbx03.corp.example/agent.pem" "$work/id-mbx03.corp.example/agent.key")
report="$top/tests/fixtures/reports/mbx03.pb"
for i in $(seq $((seq + 1)) $((seq + 7))); do
	"$forge" "$report" "${a[@]}" mbx01.corp.example "$boot" "$i" "$work/as-mbx01.env"
	"$sendraw" "$url" "$work/as-mbx01.env" "${tls[@]}" >>"$work/as-mbx01.out" || true
	"$forge" "$report" "${a[@]}" mbx03.corp.example "$boot" "$i" "$work/as-mbx03.env"
	"$sendraw" "$url" "$work/as-mbx03.env" "${tls[@]}" >>"$work/as-mbx03.out" || true
done
until_ok 30 bash -c "[ \"\$(sqlite3 '$work/bs.db' \"select max(sequence) from reports where boot_id = '$boot' and agent_id = 'mbx01.corp.example' and provenance = 'agent, signed' and raw is not null and server_id = (select id from servers where fqdn = 'mbx01.corp.example')\")\" -ge $((seq + 8)) ]" || true
kill "$spid"
wait "$spid" 2>/dev/null || true
spid=""
genuine=$(q "count(*)" | tail -1)
next7=$(sqlite3 "$work/bs.db" "select count(*) from reports r join servers s on s.id = r.server_id where s.fqdn = 'mbx01.corp.example' and r.boot_id = '$boot' and r.sequence between $((seq + 1)) and $((seq + 7))")
sort "$work/as-mbx01.out" | uniq -c
figure "mbx01's next 7 genuine reports stored while mbx03's key claimed them" "$next7 of 7"
expect "claiming mbx01's agent_id with mbx03's certificate: refused, each of the 7" \
	[ "$(grep -c "^ACK_REFUSED certificate is for 'mbx03.corp.example' but the report's agent_id is 'mbx01.corp.example'" "$work/as-mbx01.out")" = 7 ]
expect "under its own agent_id, the same boot and sequences are mbx03's own (stored)" \
	[ "$(grep -c '^ACK_STORED' "$work/as-mbx03.out")" = 7 ]
expect "every one of mbx01's next 7 genuine reports stored" [ "$next7" = 7 ]
expect "no genuine report answered duplicate" bash -c "! grep -q 'status=duplicate' '$work/agent.log'"
figure "mbx01 reports stored in the run" "$genuine"
stop_collector
e2e_done
