#!/usr/bin/env bash
# windows.msi: bindscope-agent.msi under `wine msiexec`, pushed the way
# SCCM or Intune would: /i /qn COLLECTOR=... installs the .exe and the
# example config to Program Files\bindscope, writes
# ProgramData\bindscope\agent.conf from the example with that collector,
# registers the service and its Event Log source and starts it; an upgrade
# (a later ProductVersion, same UpgradeCode) replaces the product in place
# and keeps the admin's edited config; /x removes the program, the service
# and the source and keeps the config. The installed service delivers to a
# Linux collector on loopback (plain tcp://: enrollment is another test's).
# Not checked here: the folders' ACL, restart on failure (Wine has none),
# and msiexec stopping a running service itself (Wine's does not wait for
# it: the test stops the service first).
#   msi_test.sh WIN_BUILD LINUX_BUILD SOURCE_DIR
set -euo pipefail
win=$1 lin=$2 src=$3
msi=$win/deploy/windows/bindscope-agent.msi
. "$src/tests/windows/lib.sh"
tmp=$(mktemp -d)
[ -f "$msi" ] || {
	echo "FAIL $msi was not built (wixl: deploy/setup-deps.sh --windows)"
	exit 1
}

# The package itself: the project's version, the fixed UpgradeCode, and
# the properties a managed install may pass.
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$win/CMakeCache.txt")
upgrade=$(sed -n 's/.*UpgradeCode="\([^"]*\)".*/{\1}/p' "$src/deploy/windows/bindscope-agent.wxs")
msiinfo export "$msi" Property | tr -d '\r' >"$tmp/props.txt"
grep -q "^ProductVersion	$version\$" "$tmp/props.txt" && ok "ProductVersion $version (the CMake project version)" ||
	bad "ProductVersion: $(grep ProductVersion "$tmp/props.txt"), project $version"
grep -qi "^UpgradeCode	$upgrade\$" "$tmp/props.txt" && ok "UpgradeCode $upgrade" ||
	bad "UpgradeCode: $(grep UpgradeCode "$tmp/props.txt"), wxs $upgrade"
grep -q '^SecureCustomProperties	.*COLLECTOR;CONFIG' "$tmp/props.txt" &&
	ok "COLLECTOR and CONFIG are secure properties" || bad "$(grep SecureCustom "$tmp/props.txt")"

win_setup
trap 'win_cleanup; [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null; rm -rf "$tmp"' EXIT
win_fresh_server
col=$lin/collector/bindscope-collector
port=$(test_port 6)
printf '[collector]\nlisten = tcp://127.0.0.1:%s\ndb = %s\n[http]\nport = 0\n' "$port" "$tmp/fleet.db" \
	>"$tmp/collector.conf"
"$col" serve --config "$tmp/collector.conf" >"$tmp/collector.log" 2>&1 &
cpid=$!
until_ok 10 grep -q 'event=listening' "$tmp/collector.log" || bad "the collector did not start: $(tail -3 "$tmp/collector.log")"
url=tcp://127.0.0.1:$port
c=$(win_c)
cp "$msi" "$tmp/bindscope-agent.msi"
wmsi=$(win_path "$tmp/bindscope-agent.msi")
iexe='C:\Program Files\bindscope\bindscope-agent.exe'
conf=$c/ProgramData/bindscope/agent.conf
svc_key='HKLM\SYSTEM\CurrentControlSet\Services\bindscope-agent'
src_key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\bindscope-agent'
running() { win_run "$iexe" service status >/dev/null 2>&1; }
products() {
	win_run reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
		tr -d '\r' | grep -c 'DisplayName    REG_SZ    bindscope agent' || true
}

WIN_TIMEOUT=300 win_run msiexec /i "$wmsi" /qn /l*v "$(win_path "$tmp/install.log")" \
	COLLECTOR="$url" >"$tmp/install.out" 2>&1 && ok "msiexec /i /qn COLLECTOR=$url" ||
	bad "msiexec /i failed: $(tail -5 "$tmp/install.out"); $(grep -a 'Return value 3' "$tmp/install.log" | head -3)"
cmp -s "$win/agent/bindscope-agent.exe" "$c/Program Files/bindscope/bindscope-agent.exe" &&
	ok "the .exe is in Program Files\\bindscope" || bad "no (or another) .exe in $c/Program Files/bindscope"
sed 's/$/\r/' "$src/deploy/windows/agent.conf" >"$tmp/example.conf"
cmp -s "$tmp/example.conf" "$c/Program Files/bindscope/agent.conf.example" &&
	ok "the example config (CRLF) is beside it" || bad "no agent.conf.example as shipped in Program Files\\bindscope"
# The config: the example with the collector line set, nothing else.
sed "s|^collector = .*|collector = $url\r|" "$tmp/example.conf" >"$tmp/want.conf"
cmp -s "$tmp/want.conf" "$conf" && ok "config installed with COLLECTOR applied, every other line as shipped (CRLF)" ||
	bad "config: $(diff <(tr -d '\r' <"$tmp/want.conf") <(tr -d '\r' <"$conf" 2>/dev/null) | head -5)"
win_run "$iexe" config check --config 'C:\ProgramData\bindscope\agent.conf' >"$tmp/check.out" 2>&1 &&
	ok "$(tr -d '\r' <"$tmp/check.out")" || bad "config check: $(cat "$tmp/check.out")"
win_run reg query "$svc_key" 2>&1 | tr -d '\r' >"$tmp/svc.txt" || true
grep -q 'ImagePath    REG_SZ    .*\\bindscope\\bindscope-agent.exe"\? service run --config ""' "$tmp/svc.txt" &&
	grep -q 'Start    REG_DWORD    0x2' "$tmp/svc.txt" &&
	ok "service registered: automatic, service run --config \"\" (the default config)" ||
	bad "service key: $(cat "$tmp/svc.txt")"
win_run reg query "$src_key" 2>&1 | tr -d '\r' >"$tmp/src.txt" || true
grep -qF 'EventMessageFile    REG_EXPAND_SZ    C:\Program Files\bindscope\bindscope-agent.exe' "$tmp/src.txt" &&
	ok "Event Log source registered" || bad "Event Log source: $(cat "$tmp/src.txt")"
until_ok 60 running && ok "the service runs after the install" || bad "the service is not running"
log=$c/ProgramData/bindscope/agent.log
acks() { grep -c 'event=report_acked' "$log" 2>/dev/null || true; }
# Counted on every try: "$(acks)" as until_ok's argument would be counted
# once, before the service had a chance (seen on a loaded machine).
acked() { [ "$(acks)" -ge "$1" ]; }
until_ok 120 acked 1 && ok "the service delivered its report to the COLLECTOR given" ||
	bad "no report acknowledged: $(tail -3 "$log" 2>/dev/null)"

# An upgrade: a later version, no COLLECTOR this time, over a config the
# admin has edited since.
IFS=. read -r ma mi pa <<<"$version"
v2=$ma.$mi.$((pa + 1))
mkdir "$tmp/v2"
cp "$win/deploy/windows/bindscope-agent.exe" "$win/deploy/windows/agent.conf" "$tmp/v2/"
(cd "$tmp/v2" && wixl -a x64 -D Version="$v2" -D Exe=bindscope-agent.exe -D Conf=agent.conf \
	-o bindscope-agent.msi "$src/deploy/windows/bindscope-agent.wxs") >"$tmp/wixl.out" 2>&1 ||
	bad "wixl for $v2: $(tail -3 "$tmp/wixl.out")"
printf '; edited by the admin\r\n' >>"$conf"
# Wine's msiexec does not wait for a service it stops before it deletes it
# and replaces the .exe (Windows Installer waits up to 30 s, and the agent
# stops until_ok 10 s): stop it first, as Windows would have.
win_run "$iexe" service stop >/dev/null 2>&1 || bad "service stop before the upgrade"
WIN_TIMEOUT=300 win_run msiexec /i "$(win_path "$tmp/v2/bindscope-agent.msi")" /qn \
	/l*v "$(win_path "$tmp/upgrade.log")" >"$tmp/upgrade.out" 2>&1 && ok "msiexec /i of $v2 over $version" ||
	bad "upgrade failed: $(tail -5 "$tmp/upgrade.out")"
n=$(products)
win_run reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' |
	grep -q "DisplayVersion    REG_SZ    $v2" && [ "$n" = 1 ] && ok "one product installed, version $v2 (upgraded in place)" ||
	bad "after the upgrade: $n products named bindscope agent, $v2 listed: $(win_run reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' | grep -c "$v2")"
grep -q '^; edited by the admin' "$conf" && grep -q "^collector = $url" "$conf" &&
	ok "the edited config (and its collector) survived the upgrade" ||
	bad "the upgrade replaced the edited config: $(tail -2 "$conf" | tr -d '\r')"
win_run reg query "$svc_key" >/dev/null 2>&1 && until_ok 60 running && until_ok 120 acked 2 &&
	ok "the upgraded service runs and delivers again" ||
	bad "after the upgrade: service $(win_run "$iexe" service status 2>&1 | tr -d '\r'); $(acks) reports acknowledged; $(tail -2 "$log")"

# /x: program, service and source go; the config (and key, state) stay.
win_run "$iexe" service stop >/dev/null 2>&1 || bad "service stop before /x"
WIN_TIMEOUT=300 win_run msiexec /x "$(win_path "$tmp/v2/bindscope-agent.msi")" /qn >"$tmp/x.out" 2>&1 &&
	ok "msiexec /x" || bad "msiexec /x failed: $(tail -5 "$tmp/x.out")"
[ ! -e "$c/Program Files/bindscope/bindscope-agent.exe" ] && ok "the .exe is gone" || bad "the .exe is still there"
win_run reg query "$svc_key" >/dev/null 2>&1 && bad "the service is still registered" || ok "the service is gone"
win_run reg query "$src_key" >/dev/null 2>&1 && bad "the Event Log source is still there" ||
	ok "the Event Log source is gone"
[ "$(products)" = 0 ] && ok "no product left" || bad "$(products) products left"
[ -f "$conf" ] && ok "the config stays (with the key and state beside it)" || bad "uninstall removed the config"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null || true
cpid=
n=$("$col" report --db "$tmp/fleet.db" --format json 2>/dev/null | jq '.servers | length')
[ "$n" = 1 ] && ok "the collector stored the server's reports" || bad "the collector has $n servers"

e2e_done
