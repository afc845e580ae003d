#!/usr/bin/env bash
# End to end, the operator's side: `config check` on good and bad files,
# the collector's log file reopened on SIGHUP (logrotate), an online
# backup taken while agents keep sending, and SIGTERM in the middle of a
# burst: the collector stops cleanly and every report an agent saw
# acknowledged is in the database.
#   tests/e2e/ops_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init ops "$1"
# The collector writes its log_file; stderr apart, so the file is seen to
# get the lines on its own.
collector_out="$work/collector.stderr"
collector_log="$work/collector.log"

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
port=$(test_port 3)
cat >"$work/collector.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$port
db = $work/bs.db
log_file = $work/collector.log
[http]
port = 0
CONF
for s in mbx01 mbx02 mbx03 mbx04; do
	cat >"$work/agent-$s.conf" <<CONF
[agent]
root = $work/fleet/$s
collector = tcp://127.0.0.1:$port
state_dir = $work/state-$s
send_timeout = 2s
log_level = debug
CONF
done

# config check
set +e
"$collector" config check --config "$work/collector.conf" >"$work/cc.out" 2>&1; rc1=$?
printf '[collector]\ndb = x.db\nlisten_url = tcp://127.0.0.1:1\n' >"$work/bad1.conf"
"$collector" config check --config "$work/bad1.conf" >"$work/cc1.err" 2>&1; rc2=$?
printf '[collector]\nlisten = tls+tcp://127.0.0.1:1\n[tls]\nca_file = %s/nope.pem\n' "$work" >"$work/bad2.conf"
"$collector" config check --config "$work/bad2.conf" >"$work/cc2.err" 2>&1; rc3=$?
"$agent" config check --config "$work/agent-mbx01.conf" >/dev/null 2>&1; rc4=$?
printf '[agent]\nroot = %s/nowhere\n' "$work" >"$work/bad3.conf"
"$agent" config check --config "$work/bad3.conf" >"$work/cc3.err" 2>&1; rc5=$?
set -e
expect "collector config check passes a good file" [ "$rc1" = 0 ]
expect "collector config check names file, line and key of a typo" \
	bash -c "[ $rc2 = 2 ] && grep -q 'bad1.conf:3: \[collector\] listen_url: unknown key' '$work/cc1.err'"
expect "collector config check names an unreadable TLS file" \
	bash -c "[ $rc3 = 2 ] && grep -q 'bad2.conf: \[tls\] ca_file: cannot read' '$work/cc2.err'"
expect "agent config check passes a good file" [ "$rc4" = 0 ]
expect "agent config check names a missing evidence root" \
	bash -c "[ $rc5 = 2 ] && grep -q 'bad3.conf: \[agent\] root: .*nowhere is not a folder' '$work/cc3.err'"

start_collector "$work/collector.conf"
expect "the log file gets the collector's lines" grep -q 'event=listening' "$work/collector.log"

# SIGHUP: logrotate moved the file; the collector writes a new one.
mv "$work/collector.log" "$work/collector.log.1"
kill -HUP "$pid"
until_ok 3 test -s "$work/collector.log" || true
expect "SIGHUP reopens the log file" grep -q 'event=log_reopened' "$work/collector.log"

# Agents keep sending while a backup is taken.
burst() { # ROUNDS
	for _ in $(seq "$1"); do
		for s in mbx01 mbx02 mbx03 mbx04; do
			"$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log" || true
		done
	done
}
burst 2
burst 6 &
bpid=$!
sleep 0.3
"$collector" backup --db "$work/bs.db" --out "$work/backup.db" >/dev/null
expect "online backup while agents send: intact, with the reports stored before it" \
	bash -c "[ \"\$(sqlite3 '$work/backup.db' 'pragma integrity_check')\" = ok ] && [ \$(sqlite3 '$work/backup.db' 'select count(*) from reports') -ge 8 ]"
wait "$bpid"

# SIGTERM in the middle of a burst: a clean stop, nothing acknowledged lost.
burst 6 &
bpid=$!
sleep 0.4
stop_collector
kill "$bpid" 2>/dev/null || true # no new sweeps; the one in flight spools and gives up
wait "$bpid" 2>/dev/null || true
no_agents() { ! pgrep -f "bs-ops-.*/agent-mbx0" >/dev/null; }
until_ok 30 no_agents || true
expect "SIGTERM: the collector stops cleanly" grep -q 'event=stopped clean=1' "$work/collector.log"
start_collector "$work/collector.conf"
burst 1 # drains what the agents spooled while it was down
grep -o 'event=report_acked file=[0-9]*-[0-9a-f]*-[0-9]*' "$work/agents.log" |
	sed 's/.*file=[0-9]*-\([0-9a-f]*\)-0*\([0-9]*\)$/\1 \2/' | sort -u >"$work/acked.txt"
sqlite3 "$work/bs.db" "select boot_id || ' ' || sequence from reports" | sort -u >"$work/stored.txt"
expect "every acknowledged report is stored ($(wc -l <"$work/acked.txt") acknowledged)" \
	bash -c "[ -s '$work/acked.txt' ] && [ -z \"\$(comm -23 '$work/acked.txt' '$work/stored.txt')\" ]"
expect "and none twice" [ "$(sqlite3 "$work/bs.db" 'select count(*) from reports')" = "$(wc -l <"$work/stored.txt")" ]
stop_collector

e2e_done
