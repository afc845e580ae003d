#!/usr/bin/env bash
# Fault: a log rotated by copy and then truncated in place (logrotate's
# copytruncate), written past the old cursor again before the next sweep.
# Before, the agent resumed at the old offset inside the new content and
# lost lines (641 of 10,920 in the field). Now the truncation is seen (the
# first bytes changed), the copy is read on from the cursor, the
# truncated file again from its start, and the report says so
# (LogSample.files_truncated). Lines lost: 0, none counted twice.
#   tests/fault/logtrunc_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init logtrunc-fault "$1"
port=18140
rounds=${BINDSCOPE_FAULT_SOAK:+20}
rounds=${rounds:-1}

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
root="$work/fleet/mbx01"
# Only the one log this test writes.
rm -rf "$root/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy"/*
rm -f "$root"/inetpub/logs/LogFiles/W3SVC*/*.log
log="$root/inetpub/logs/LogFiles/W3SVC1/u_ex$(date -u +%y%m%d).log"
printf '[collector]\nlisten = tcp://127.0.0.1:%s\ndb = %s\nlog_level = info\n[http]\nport = 0\n' \
	"$port" "$work/bs.db" >"$work/c.conf"
printf '[agent]\nroot = %s\ncollector = tcp://127.0.0.1:%s\nstate_dir = %s\nsend_timeout = 5s\nlog_level = info\n' \
	"$root" "$port" "$work/state" >"$work/agent.conf"
start_collector "$work/c.conf"

written=0
header() {
	printf '#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n#Date: %s\r\n' \
		"$(date -u '+%Y-%m-%d %H:%M:%S')" >>"$log"
	printf '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n' >>"$log"
}
lines() { # N: N requests, now, each line distinct
	local now
	now=$(date -u '+%Y-%m-%d %H:%M:%S')
	awk -v n="$1" -v now="$now" -v base="$written" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "%s 10.0.0.5 GET /owa/ id=%d 443 - 10.1.2.3 Mozilla/5.0 - 200 0 0 %d\r\n", now, base + i, i % 97
	}' >>"$log"
	written=$((written + $1))
}
sweep() {
	"$agent" run --config "$work/agent.conf" --once 2>>"$work/agent.log"
}

header
lines 4000
sweep
for r in $(seq "$rounds"); do
	lines 1460
	cp "$log" "$log.$r" # the rotation's copy (not a .log name: read only as the copy)
	truncate -s 0 "$log"  # same file, emptied in place
	header
	lines 5460            # past the old cursor before the next sweep
	sweep
done
sweep # nothing new: nothing counted twice
stop_collector

read_lines=$(sed -n 's/.*event=sweep_done .*log_lines=\([0-9]*\).*/\1/p' "$work/agent.log" | paste -sd+ | bc)
truncs=$(sed -n 's/.*event=sweep_done .*logs_truncated=\([0-9]*\).*/\1/p' "$work/agent.log" | paste -sd+ | bc)
acked=$(grep -c 'event=report_acked' "$work/agent.log" || true)
lost=$((written - read_lines))
expect "every sweep's report was acknowledged ($acked)" [ "$acked" = $((rounds + 2)) ]
expect "lines lost: $lost of $written (read $read_lines)" [ "$lost" = 0 ]
expect "the report says the file was truncated ($truncs time(s))" [ "$truncs" = "$rounds" ]
echo "figure: copy-truncated log: lines lost: $lost of $written; counted twice: $((read_lines > written ? read_lines - written : 0))"

e2e_done
