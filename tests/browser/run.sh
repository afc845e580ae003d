#!/usr/bin/env bash
# Browser tests: prepares a fleet with a broken binding (mbx04: its 444
# certificate deleted), a TLS setting only mbx03 has, hostile strings (mbx03: a certificate subject
# with <script> and a friendly name with an onerror payload), a change and
# a mute and log files truncated in place (mbx01), an AD site name that
# would end a script block (mbx02), serves it,
# writes the auditor's HTML file, and runs dashboard.test.mjs in Chromium.
#   tests/browser/run.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib.sh"
e2e_init browser "$1"

if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm ci --no-audit --no-fund >/dev/null)
fi

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
# mbx04: the 444 certificate is gone (deleted or renewed without rebinding).
my4="$work/fleet/mbx04/certstore/LocalMachine/My"
t444=$("$agent" collect --root "$work/fleet/mbx04" --json 2>/dev/null |
	jq -r '.ssl_bindings[] | select(.endpoint == "0.0.0.0:444") | .cert_hash')
rm "$my4/$t444.cer" "$my4/$t444.json"
# mbx03: hostile strings where agents' data is shown.
my3="$work/fleet/mbx03/certstore/LocalMachine/My"
# On its bound 444 certificate, which the report shows (My holds others,
# the Auth certificate among them).
t3=$("$agent" collect --root "$work/fleet/mbx03" --json 2>/dev/null |
	jq -r '.ssl_bindings[] | select(.endpoint == "0.0.0.0:444") | .cert_hash')
printf '{"FriendlyName": "<img src=x onerror=alert(2)>", "HasPrivateKey": true}\n' >"$my3/$t3.json"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-subj '/CN=<script>alert(1)<\/script>' -days 30 -outform DER -out "$work/xss.cer" 2>/dev/null
xt=$(openssl x509 -inform DER -in "$work/xss.cer" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
cp "$work/xss.cer" "$my3/$xt.cer"

# mbx03: one TLS value differs from the fleet (a later export wins per
# value, as reg import would).
{ printf '\xff\xfe'; printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL]\r\n"AllowInsecureRenegoClients"=dword:00000001\r\n\r\n' |
	iconv -f UTF-8 -t UTF-16LE; } >"$work/fleet/mbx03/registry/zz-renego.reg"

# mbx02: an AD site name that would end the page's boot block (the table's
# first page travels inside index.html) were it not escaped.
{ printf '\xff\xfe'; printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Netlogon\\Parameters]\r\n"DynamicSiteName"="</script><script>alert(3)</script><!--"\r\n\r\n' |
	iconv -f UTF-8 -t UTF-16LE; } >"$work/fleet/mbx02/registry/zz-site.reg"

for s in mbx01 mbx02 mbx03 mbx04; do
	"$agent" collect --root "$work/fleet/$s" --out "$work/$s.pb" 2>/dev/null
done
"$collector" import --db "$work/bs.db" "$work"/mbx0*.pb >/dev/null
# mbx01: a second report with one more binding (the change history), and
# CONFIG_CHANGED muted with a reason (the mute note).
sed -i 's|<binding protocol="http" bindingInformation="\*:80:" />|&\r\n                    <binding protocol="http" bindingInformation="*:8080:" />|' \
	"$work/fleet/mbx01/Windows/System32/inetsrv/config/applicationHost.config"
sleep 1
"$agent" collect --root "$work/fleet/mbx01" --out "$work/mbx01-2.pb" 2>/dev/null
# ... whose Mapi log files the agent found copy-truncated and re-read.
"$build/tests/settrunc" "$work/mbx01-2.pb" "$work/mbx01-2.pb" Mapi 2
"$collector" import --db "$work/bs.db" "$work/mbx01-2.pb" >/dev/null
"$collector" mute --db "$work/bs.db" --server mbx01.corp.example --rule CONFIG_CHANGED \
	--reason "CHG-7 test binding" --for 1d --by tester >/dev/null
"$collector" report --db "$work/bs.db" --format html --out "$work/report.html"
port=$((19000 + ($$ % 400) * 2))
dashboard_conf "$work/c.conf" "$work/bs.db" "$port"
collector_out="$work/c.log" start_collector "$work/c.conf" "http://127.0.0.1:$port/api/summary"
cd "$here"
BASE_URL="http://127.0.0.1:$port/" REPORT_HTML="$work/report.html" node --test dashboard.test.mjs
