#!/usr/bin/env bash
# windows.service: `bindscope-agent service` under Wine's Service Control
# Manager, as an admin would use it on a server: install registers the
# service (LocalSystem, automatic start, the command line naming the
# config) and its Event Log source; start runs it until it has swept the
# server live and spooled the report; its events reach the Event Log with
# their types (Wine prints each ReportEventW: trace = information, warn =
# warning, err = error) and its log file; stop ends it until_ok a bound; a
# config it cannot load stops it with status 2 and an error event naming
# the file and key; uninstall removes the service and the source.
# Not checked here (Wine cannot show them): restart on failure (Wine's SCM
# answers ERROR_INVALID_LEVEL), the folders' ACL, Event Viewer's text.
#   service_test.sh WIN_BUILD LINUX_BUILD SOURCE_DIR
set -euo pipefail
win=$1 src=$3
exe=$win/agent/bindscope-agent.exe
. "$src/tests/windows/lib.sh"
tmp=$(mktemp -d)

# Event Viewer's text comes from the message table in the .exe: one
# message, id 1, whose text is the event's own line (%1).
if command -v x86_64-w64-mingw32-windres >/dev/null; then
	x86_64-w64-mingw32-windres -i "$exe" -O rc >"$tmp/res.rc" 2>/dev/null || true
	if grep -q 'RT_MESSAGETABLE' "$tmp/res.rc" && grep -q 'MessageId = 0x1' "$tmp/res.rc" &&
		grep -q '^   %1' "$tmp/res.rc"; then
		ok "the .exe carries the Event Log message table (id 1: %1)"
	else
		bad "no message table with id 1 = %1 in the .exe"
	fi
fi

win_setup
trap 'win_cleanup; rm -rf "$tmp"' EXIT
WINEDEBUG=-all,+eventlog win_fresh_server "$tmp/events.txt"
c=$(win_c)
wexe=$(win_path "$exe")
svc_key='HKLM\SYSTEM\CurrentControlSet\Services\bindscope-agent'
src_key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\bindscope-agent'
agent() { win_run "$exe" "$@"; }

# install: the default config under %ProgramData%\bindscope.
agent service install >"$tmp/install.out" 2>&1 && ok "service install" ||
	bad "service install: $(cat "$tmp/install.out")"
grep -q 'does not exist yet' "$tmp/install.out" &&
	ok "install says the config is still to be written" ||
	bad "install did not say C:\\ProgramData\\bindscope\\agent.conf is missing"
win_run reg query "$svc_key" >"$tmp/svc.reg" 2>&1 || true
tr -d '\r' <"$tmp/svc.reg" >"$tmp/svc.txt"
grep -qF "ImagePath    REG_SZ    \"$wexe\" service run --config \"C:\\ProgramData\\bindscope\\agent.conf\"" \
	"$tmp/svc.txt" && ok "registered: the command line names this .exe and the default config" ||
	bad "service key: $(grep -i imagepath "$tmp/svc.txt" || cat "$tmp/svc.txt")"
grep -q 'Start    REG_DWORD    0x2' "$tmp/svc.txt" && grep -q 'ObjectName    REG_SZ    LocalSystem' "$tmp/svc.txt" &&
	ok "automatic start, as LocalSystem" || bad "start type or account: $(cat "$tmp/svc.txt")"
win_run reg query "$src_key" 2>&1 | tr -d '\r' >"$tmp/src.txt" || true
grep -qF "EventMessageFile    REG_EXPAND_SZ    $wexe" "$tmp/src.txt" &&
	grep -q 'TypesSupported    REG_DWORD    0x7' "$tmp/src.txt" &&
	ok "Event Log source registered (messages in the .exe; error, warning, information)" ||
	bad "Event Log source: $(cat "$tmp/src.txt")"
[ -d "$c/ProgramData/bindscope/state/spool" ] && ok "install made ProgramData\\bindscope\\state\\spool" ||
	bad "no $c/ProgramData/bindscope/state/spool"
agent service status >/dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" = 3 ] && ok "status: installed, not running (3)" || bad "status before start: $rc"

# A config the agent cannot load: the service stops with status 2 and
# says why in the Event Log, as an error.
printf '[agent]\r\nintervall = 5m\r\n' >"$c/ProgramData/bindscope/agent.conf"
agent service start >"$tmp/start-bad.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 1 ] && grep -q 'exited with status 2' "$tmp/start-bad.out" &&
	ok "a bad config: start fails, the service exited with status 2" ||
	bad "start with a bad config: rc $rc: $(cat "$tmp/start-bad.out")"
until_ok 10 grep -q 'err:eventlog:ReportEventW.*event=config_invalid.*agent.conf:2: \[agent\] intervall: unknown key' \
	"$tmp/events.txt" && ok "error event names the file, line and key" ||
	bad "no error event for the bad config: $(grep eventlog "$tmp/events.txt" | tail -3)"

# A config it runs with: live collection, a collector that is not there
# (the report waits in the spool, the agent keeps trying to send it).
printf '[agent]\r\ncollector = tcp://127.0.0.1:9\r\ninterval = 10m\r\n' \
	>"$c/ProgramData/bindscope/agent.conf"
agent service start >"$tmp/start.out" 2>&1 && ok "service start: $(cat "$tmp/start.out")" ||
	bad "service start: $(cat "$tmp/start.out")"
log=$c/ProgramData/bindscope/agent.log
spooled() { ls "$c/ProgramData/bindscope/state/spool/"*.env >/dev/null 2>&1; }
until_ok 120 grep -q 'event=sweep_done' "$log" && until_ok 60 spooled &&
	ok "swept the server live and spooled the report ($(grep -o 'certificates=[0-9]*' "$log" | head -1))" ||
	bad "no sweep in $log / no report in the spool: $(tail -5 "$log" 2>/dev/null)"
agent service status >"$tmp/status.out" 2>&1 && grep -q running "$tmp/status.out" &&
	ok "status: running (0)" || bad "status while running: $(cat "$tmp/status.out")"
grep -q 'level=info event=service_start config="C:\\\\ProgramData\\\\bindscope\\\\agent.conf"' "$log" &&
	ok "its log file has the service's events" || bad "agent.log: $(head -3 "$log")"
grep -q 'trace:eventlog:ReportEventW L"level=info event=service_start' "$tmp/events.txt" &&
	grep -q 'warn:eventlog:ReportEventW L"level=warn event=insecure_transport' "$tmp/events.txt" &&
	ok "Event Log: information as information, warnings as warnings" ||
	bad "Event Log events: $(grep eventlog "$tmp/events.txt" | tail -5)"

# stop: until_ok a bound, even while a send waits for the absent collector
# (send_timeout 30 s): the service cuts it after 10 s, and the report
# stays in the spool.
t0=$(date +%s)
agent service stop >"$tmp/stop.out" 2>&1 && rc=0 || rc=$?
took=$(($(date +%s) - t0))
[ "$rc" = 0 ] && [ "$took" -le 20 ] && ok "service stop: stopped in ${took} s" ||
	bad "service stop: rc $rc after ${took} s: $(cat "$tmp/stop.out")"
agent service status >/dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" = 3 ] && ok "status: stopped (3)" || bad "status after stop: $rc"
if until_ok 10 grep -q 'event=service_stop status=0' "$log"; then
	ok "it logged a clean stop"
elif grep -q 'event=stop_forced after_s=10' "$log"; then
	ok "it logged that it cut a send in flight (stop_forced)"
else
	bad "no service_stop or stop_forced in the log: $(tail -3 "$log")"
fi
spooled && ok "the unsent report is still in the spool" || bad "the spool is empty after the stop"

# run is for the SCM only.
agent service run >/dev/null 2>"$tmp/run.err" && rc=0 || rc=$?
[ "$rc" = 2 ] && grep -q 'only the Service Control Manager' "$tmp/run.err" &&
	ok "service run from a console: refused with the command to use" ||
	bad "service run from a console: rc $rc: $(cat "$tmp/run.err")"

# uninstall: the service and the source go; config and state stay.
agent service uninstall >"$tmp/uninstall.out" 2>&1 && ok "service uninstall" ||
	bad "service uninstall: $(cat "$tmp/uninstall.out")"
until_ok 10 bash -c "! timeout 60 '$WINE' reg query '$svc_key' >/dev/null 2>&1" &&
	ok "service key gone" || bad "the service key is still there"
win_run reg query "$src_key" >/dev/null 2>&1 && bad "the Event Log source is still there" ||
	ok "Event Log source gone"
[ -f "$c/ProgramData/bindscope/agent.conf" ] && ok "config kept" || bad "uninstall removed the config"
agent service status >/dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" = 4 ] && ok "status: not installed (4)" || bad "status after uninstall: $rc"

e2e_done
