#!/usr/bin/env bash
# windows.collect: the Windows agent, under Wine, reads a "server" through
# the Windows API and reports the same facts as the Linux build reads from
# that server's exported evidence. The server is the example fleet's mbx03
# (the namespace certificate bound to 0.0.0.0:444) laid into a fresh
# prefix as an admin's tools would leave it: the .reg exports imported
# with `reg import` (REG_BINARY SslCertHash, Exchange Setup, Tcpip), the
# certificates added to LocalMachine\My, CA and Root with their
# FriendlyName by a helper (CertAddEncodedCertificateToStore),
# applicationHost.config and the HttpProxy and IIS logs under drive_c.
# Then `run --once` delivers a signed report over mutual TLS to a Linux
# collector on loopback, which stores it.
#   collect_test.sh WIN_BUILD LINUX_BUILD SOURCE_DIR
set -euo pipefail
# The server's name is the machine's name: Wine rewrites Tcpip\Hostname and
# Domain from the Linux host's whenever networking starts, so the test
# runs in a UTS namespace named like the server it stands for.
if [ -z "${BS_WIN_UTS:-}" ]; then
	BS_WIN_UTS=1 exec unshare --uts -- "$0" "$@"
fi
hostname mbx03.corp.example
win=$1 lin=$2 src=$3
exe=$win/agent/bindscope-agent.exe
. "$src/tests/windows/lib.sh"
tmp=$(mktemp -d)

# One .exe to copy: it imports only DLLs every Windows Server ships.
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | tr '\n' ' ')
extra=$(for d in $dlls; do
	case $d in
	kernel32.dll | advapi32.dll | crypt32.dll | ws2_32.dll | user32.dll | msvcrt.dll | httpapi.dll | \
		psapi.dll | bcrypt.dll | mswsock.dll | gdi32.dll | shell32.dll | ole32.dll | secur32.dll) ;;
	*) echo "$d" ;;
	esac
done)
[ -z "$extra" ] && ok "bindscope-agent.exe imports only Windows' own DLLs ($dlls)" ||
	bad "bindscope-agent.exe needs DLLs Windows does not ship: $extra"

win_setup
trap 'win_cleanup; [ -n "${cpid:-}" ] && kill "$cpid" 2>/dev/null; rm -rf "$tmp"' EXIT

"$src/deploy/gen-example-fleet.sh" "$tmp/fleet" >/dev/null
root=$tmp/fleet/mbx03
c=$(win_c)

# The registry, as `reg import` of the server's own exports.
for f in "$root"/registry/*.reg; do
	win_run reg import "$(win_path "$f")" >/dev/null 2>&1 || bad "reg import $(basename "$f")"
done
# The files, where Windows keeps them (Wine's drive_c; names match
# case-insensitively, as on Windows).
mkdir -p "$c/windows/system32/inetsrv/config" "$c/inetpub"
cp "$root/Windows/System32/inetsrv/config/applicationHost.config" "$c/windows/system32/inetsrv/config/"
cp -r "$root/inetpub/logs" "$c/inetpub/"
mkdir -p "$c/Program Files/Microsoft"
cp -r "$root/Program Files/Microsoft/Exchange Server" "$c/Program Files/Microsoft/"
# The certificates, into the machine stores.
for d in "$root"/certstore/LocalMachine/*/; do
	store=$(basename "$d")
	for cer in "$d"*.cer; do
		[ -f "$cer" ] || continue
		props=${cer%.cer}.json
		fn="" pk=""
		if [ -f "$props" ]; then
			fn=$(jq -r '.FriendlyName // ""' "$props")
			[ "$(jq -r '.HasPrivateKey // false' "$props")" = true ] && pk=--private-key
		fi
		win_run "$win/tests/windows/certimport.exe" "$store" "$(win_path "$cer")" "$fn" $pk ||
			bad "certimport $store $(basename "$cer")"
	done
done

# One sweep each: live under Wine, evidence root on Linux.
win_run "$exe" collect --json --since all --no-redact >"$tmp/live.json" 2>"$tmp/live.err" ||
	bad "live collect exited $? ($(head -3 "$tmp/live.err"))"
"$lin/agent/bindscope-agent" collect --root "$root" --json --since all --no-redact \
	>"$tmp/ev.json" 2>"$tmp/ev.err" || bad "evidence collect exited $?"

[ "$(jq -r .agent.source "$tmp/live.json")" = live ] && ok "the live report says source live" ||
	bad "source is $(jq -r .agent.source "$tmp/live.json")"
grep -q 'HttpQueryServiceConfiguration' "$tmp/live.err" &&
	echo "note Wine's httpapi does not answer HttpQueryServiceConfiguration: the registry did"
# Facts compared: host, sites with their joined bindings, http.sys bindings
# (all but the reader's name), the certificates the server's stores hold
# (Wine adds its own Root anchors: only the exported thumbprints count;
# file names exist only in an export), and the log counts.
norm='
  ($keep) as $keep | ($pk) as $pk |
  {host: .host, tls: .tls, vdirs: .vdirs,
   sites: .sites,
   ssl_bindings: (.ssl_bindings | map(del(.source)) | sort_by(.kind, .endpoint)),
   certificates: ([.certificates[] | select(.thumbprint as $t | $keep | index($t))
                   | del(.file, .file_name_matches)
                   | if (.thumbprint as $t | $pk | index($t)) then . else del(.has_private_key) end]
                  | sort_by(.store, .thumbprint)),
   log_samples: (.log_samples | map(del(.examples)) | sort_by(.kind, .name))}'
keep=$(jq -c '[.certificates[].thumbprint]' "$tmp/ev.json")
# Whether a key is attached is known live; an export says so only in its .json.
pk=$(jq -c '[.certificates[] | select(.has_private_key != null) | .thumbprint]' "$tmp/ev.json")
jq -S --argjson keep "$keep" --argjson pk "$pk" "$norm" "$tmp/ev.json" >"$tmp/ev.norm"
jq -S --argjson keep "$keep" --argjson pk "$pk" "$norm" "$tmp/live.json" >"$tmp/live.norm"
if diff -u "$tmp/ev.norm" "$tmp/live.norm" >"$tmp/diff"; then
	ok "live report equals the evidence-root report ($(jq '.certificates | length' "$tmp/ev.norm") certificates, $(jq '.ssl_bindings | length' "$tmp/ev.norm") http.sys bindings, $(jq '[.log_samples[].lines_read] | add' "$tmp/ev.norm") log lines)"
else
	bad "live and evidence-root reports differ:"
	head -60 "$tmp/diff"
fi
jq -e '.agent.sweep_cpu_us > 0 and .agent.peak_rss_kib > 1024' "$tmp/live.json" >/dev/null &&
	ok "live: the sweep's CPU time and peak working set (GetProcessTimes, GetProcessMemoryInfo): $(jq -r '"\(.agent.sweep_cpu_us / 1000) ms, \(.agent.peak_rss_kib) KiB"' "$tmp/live.json")" ||
	bad "live footprint missing: $(jq -c .agent "$tmp/live.json")"
[ "$(jq -r '.sites[] | select(.id == 2) | .bindings[] | select(.port == 444) | .cert_thumbprint' "$tmp/live.json")" = \
	"$(jq -r '.ssl_bindings[] | select(.endpoint == "0.0.0.0:444") | .cert_hash' "$tmp/live.json")" ] &&
	ok "live: Exchange Back End 444 joined to its http.sys certificate" || bad "live 444 join"
# Every My certificate's friendly name, in thumbprint order (the store and
# the export list them in their own orders).
fns='[.certificates[] | select(.store == "My")] | sort_by(.thumbprint) | map(.friendly_name) | join("|")'
[ "$(jq -r "$fns" "$tmp/live.json")" = "$(jq -r "$fns" "$tmp/ev.json")" ] &&
	[ -n "$(jq -r "$fns" "$tmp/ev.json" | tr -d '|')" ] &&
	ok "live: FriendlyName from the store's property" || bad "live FriendlyName"

# run --once: a signed report over mutual TLS to a Linux collector.
col=$lin/collector/bindscope-collector
"$col" pki init --dir "$tmp/pki" >/dev/null
"$col" pki issue --dir "$tmp/pki" --host mbx03.corp.example --out "$tmp/agent" >/dev/null
port=$(test_port 8)
cat >"$tmp/collector.conf" <<CONF
[collector]
listen = tls+tcp://127.0.0.1:$port
db = $tmp/fleet.db
[tls]
ca_file = $tmp/pki/ca.pem
cert_file = $tmp/pki/server.pem
key_file = $tmp/pki/server.key
[http]
port = 0
CONF
"$col" serve --config "$tmp/collector.conf" >"$tmp/collector.log" 2>&1 &
cpid=$!
for _ in $(seq 100); do
	grep -q 'event=listening' "$tmp/collector.log" 2>/dev/null && break
	sleep 0.1
done
cat >"$tmp/agent.conf" <<CONF
[agent]
collector = tls+tcp://127.0.0.1:$port
state_dir = $(win_path "$tmp/state")
[tls]
ca_file = $(win_path "$tmp/agent/ca.pem")
cert_file = $(win_path "$tmp/agent/agent.pem")
key_file = $(win_path "$tmp/agent/agent.key")
server_name = localhost
CONF
if win_run "$exe" run --once --config "$(win_path "$tmp/agent.conf")" >"$tmp/run.log" 2>&1; then
	ok "run --once delivered and was acknowledged"
else
	bad "run --once exited $?: $(tail -5 "$tmp/run.log")"
fi
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null || true
cpid=
"$col" report --db "$tmp/fleet.db" --format json >"$tmp/report.json" 2>"$tmp/report.err" || true
[ "$(jq -r '.servers[] | select(.fqdn == "mbx03.corp.example") | .fqdn' "$tmp/report.json")" = mbx03.corp.example ] &&
	ok "the collector stored the live report of mbx03.corp.example" ||
	bad "no stored report for mbx03 ($(grep -v db_migrated "$tmp/collector.log" | tail -3))"
jq -e '.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[] | select(.rule == "BACKEND_CERT_NAME_MISMATCH")' \
	"$tmp/report.json" >/dev/null && ok "the 444 finding came from the live report" ||
	bad "no BACKEND_CERT_NAME_MISMATCH for mbx03"
e2e_done
