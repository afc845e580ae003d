#!/usr/bin/env bash
# End to end over a fleet with seeded faults (gen-example-fleet.sh
# --faults): agents collect each evidence root, the collector imports the
# reports, and the audit lists exactly the seeded faults, at the right
# severity, with evidence and remediation, and nothing on the healthy
# servers. Then a certificate swap on 444 enters the change log with its
# time, a mute takes a finding out of the gate and back, and a [severity]
# setting turns a rule off.
#   tests/e2e/faults_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init faults "$1"

"$top/deploy/gen-example-fleet.sh" "$work/fleet" --faults >/dev/null
servers=$(cd "$work/fleet" && ls -d mbx*)
for s in $servers; do
	"$agent" collect --root "$work/fleet/$s" --out "$work/$s.pb" 2>>"$work/collect.log"
done
# The certificate and binding faults are judged in their own fleet of ten
# (fleet rules weigh the majority, so the fleet's size is part of the
# fixture); mbx11..mbx26 (TLS, Extended Protection, Auth certificate,
# HSTS) join it further down.
ten="mbx01 mbx02 mbx03 mbx04 mbx05 mbx06 mbx07 mbx08 mbx09 mbx10"
"$collector" import --db "$work/bs.db" $(for s in $ten; do echo "$work/$s.pb"; done) >/dev/null 2>>"$work/import.log"
"$collector" report --db "$work/bs.db" --format json --out "$work/r1.json"

# The exact findings per server: the seeded fault, plus what the fleet
# rules must say about a fleet where most 444 certificates are self-signed.
cat >"$work/want.json" <<'JSON'
{
 "mbx01.corp.example": [],
 "mbx02.corp.example": ["BACKEND_CERT_NOT_SELF_SIGNED:info", "BACKEND_CERT_OUTLIER:warning"],
 "mbx03.corp.example": ["BACKEND_CERT_NAME_MISMATCH:critical", "BACKEND_CERT_OUTLIER:warning",
                        "BACKEND_UNREACHABLE_FROM_PEERS:critical"],
 "mbx04.corp.example": [],
 "mbx05.corp.example": ["BACKEND_CERT_NOT_IN_STORE:critical"],
 "mbx06.corp.example": ["CERT_EXPIRING:critical"],
 "mbx07.corp.example": ["BACKEND_BINDING_NOT_ALL_UNASSIGNED:warning",
                        "EXTENDED_PROTECTION_PRECONDITION:critical"],
 "mbx08.corp.example": ["VERSION_DRIFT:warning"],
 "mbx09.corp.example": ["CERT_WEAK_KEY:warning"],
 "mbx10.corp.example": ["BACKEND_BINDING_MISSING:critical"]
}
JSON
jq -S '[.servers[] | {key: .fqdn, value: ([.findings[] | .rule + ":" + .severity] | sort)}] | from_entries' \
	"$work/r1.json" >"$work/got.json"
if jq -S . "$work/want.json" | diff - "$work/got.json" >"$work/diff.txt"; then
	ok "exactly the seeded findings on each of the ten servers"
else
	bad "exactly the seeded findings on each of the ten servers"
	cat "$work/diff.txt"
fi
expect "no collection errors on any root" [ ! -s "$work/collect.log" ]
expect "every finding has evidence, remediation, a doc anchor and a first seen" jqtrue "$work/r1.json" \
	'[.servers[].findings[] | (.evidence | length > 0) and (.remediation | length > 40) and (.doc | length > 0) and (.first_seen | test("^20"))] | all'
expect "mbx05 evidence names the dangling thumbprint and the store" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx05.corp.example") | .findings[0].evidence | (.cert_thumbprint | length == 40) and .store_name == "MY"] == [true]'
expect "mbx06 evidence: days left under 7" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx06.corp.example") | .findings[0].evidence.days_left < 7] == [true]'
expect "mbx07 evidence: the IP-specific binding" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx07.corp.example") | .findings[0].evidence.binding_information] == ["10.0.0.7:444:"]'
expect "mbx03 fix: no certificate in its My covers its name, so it makes the self-signed one and binds it" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[] | select(.rule == "BACKEND_CERT_NAME_MISMATCH") | .fix | (.powershell | test("New-ExchangeCertificate -Server .mbx03[.]corp[.]example. -SubjectName .cn=mbx03.") and test("netsh http add sslcert ipport=0.0.0.0:444 certhash=\\$thumb")) and .placeholders == []] == [true]'
expect "mbx10 fix binds its self-signed certificate by thumbprint" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx10.corp.example") | .findings[] | select(.rule == "BACKEND_BINDING_MISSING") | .fix | (.powershell | test("\\(Microsoft Exchange, valid until") and test("\\$thumb = .[0-9A-F]{40}.\n")) and .placeholders == []] == [true]'
expect "every fix block names its server; the only value left out is a CA's answer" jqtrue "$work/r1.json" \
	'[.servers[] | .fqdn as $s | .findings[] | select(.fix.powershell != "") | (.fix.powershell | contains($s)) and ((.fix.placeholders - ["<issued certificate file>"]) == [])] | all'
expect "mbx07: Extended Protection is on, so its IP-specific binding is also a precondition failure" jqtrue "$work/r1.json" \
	'[.servers[] | select(.fqdn == "mbx07.corp.example") | .findings[] | select(.rule == "EXTENDED_PROTECTION_PRECONDITION") | .evidence.binding_information] == ["10.0.0.7:444:"]'
expect "summary: 5 critical, 3 warning, 2 clean" jqtrue "$work/r1.json" \
	'.summary.critical == 5 and .summary.warning == 3 and .summary.clean == 2'

# The whole fleet: the sixteen TLS and Extended Protection servers change
# nothing on the first ten, and the traps among them (mbx22..mbx26) raise
# nothing of their own: mbx25's older build is VERSION_DRIFT, no more.
"$collector" import --db "$work/all.db" "$work"/mbx*.pb >/dev/null 2>>"$work/import.log"
"$collector" report --db "$work/all.db" --format json --out "$work/all.json"
per_server='[.servers[] | {key: .fqdn, value: ([.findings[] | .rule + ":" + .severity] | sort)}] | from_entries'
expect "26 servers: mbx01..mbx10 keep exactly their findings" \
	diff -u "$work/got.json" <(jq -S "$per_server | with_entries(select(.key < \"mbx11\"))" "$work/all.json")
expect "the traps raise nothing new (mbx22 0xffffffff, mbx23 no .NET files, mbx24 EWS None + allowUnlisted false, mbx25 older build, mbx26 TLS 1.3 off)" \
	diff -u <(printf '%s\n' '{"mbx22.corp.example":[],"mbx23.corp.example":[],"mbx24.corp.example":[],"mbx25.corp.example":["VERSION_DRIFT:warning"],"mbx26.corp.example":[]}' | jq -S .) \
	<(jq -S "$per_server | with_entries(select(.key >= \"mbx22\"))" "$work/all.json")
# mbx11..mbx21: each seeded difference raises its rule, and the fleet
# rules name the server whose TLS value or Extended Protection differs.
cat >"$work/want11.json" <<'JSON'
{
 "mbx11.corp.example": ["TLS_LEGACY_ENABLED:warning", "TLS_SETTINGS_INCONSISTENT:warning",
                        "TLS_SETTINGS_INCONSISTENT:warning"],
 "mbx12.corp.example": ["TLS_PROTOCOL_HALF_DISABLED:warning"],
 "mbx13.corp.example": ["TLS12_NOT_USABLE:critical", "TLS_SETTINGS_INCONSISTENT:warning",
                        "TLS_SETTINGS_INCONSISTENT:warning"],
 "mbx14.corp.example": ["DOTNET_TLS_NOT_SYSTEM_DEFAULT:warning", "TLS_SETTINGS_INCONSISTENT:warning"],
 "mbx15.corp.example": ["EXTENDED_PROTECTION_BREAKS_CLIENTS:critical",
                        "EXTENDED_PROTECTION_INCONSISTENT:warning"],
 "mbx16.corp.example": ["EXTENDED_PROTECTION_EXPOSED:warning", "EXTENDED_PROTECTION_INCONSISTENT:warning"],
 "mbx17.corp.example": ["EXTENDED_PROTECTION_PRECONDITION:critical"],
 "mbx18.corp.example": ["HSTS_BREAKS_EXCHANGE:critical"],
 "mbx19.corp.example": ["HSTS_MISCONFIGURED:warning"],
 "mbx20.corp.example": ["AUTH_CERT_EXPIRING:warning", "AUTH_CERT_INCONSISTENT:warning"],
 "mbx21.corp.example": ["TLS_SETTINGS_INCONSISTENT:warning"]
}
JSON
expect "26 servers: exactly the seeded TLS, Extended Protection, HSTS and Auth certificate findings on mbx11..mbx21" \
	diff -u <(jq -S . "$work/want11.json") \
	<(jq -S "$per_server | with_entries(select(.key >= \"mbx11\" and .key < \"mbx22\"))" "$work/all.json")
f26() { jq -c --arg s "$1" --arg r "$2" '[.servers[] | select(.fqdn == $s) | .findings[] | select(.rule == $r)]' "$work/all.json"; }
expect "mbx21: AllowInsecureRenegoClients differs, and mbx21 alone has its value" \
	jqtrue <(f26 mbx21.corp.example TLS_SETTINGS_INCONSISTENT) \
	'length == 1 and .[0].evidence.setting == "AllowInsecureRenegoClients" and .[0].evidence.value == "1" and .[0].evidence.fleet_value == "absent" and .[0].evidence.servers_with_this_value == ["mbx21.corp.example"]'
expect "no other server is told its renegotiation setting differs" \
	jqtrue "$work/all.json" '[.servers[].findings[] | select(.rule == "TLS_SETTINGS_INCONSISTENT" and .evidence.setting == "AllowInsecureRenegoClients") | .server] == ["mbx21.corp.example"]'
expect "mbx21's fix removes the value on mbx21 (the fleet has none), no placeholders" \
	jqtrue <(f26 mbx21.corp.example TLS_SETTINGS_INCONSISTENT) \
	'.[0].fix.placeholders == [] and (.[0].fix.powershell | test("mbx21.corp.example") and test("Remove-ItemProperty -Path .HKLM:.*SCHANNEL. -Name .AllowInsecureRenegoClients."))'
expect "mbx15: the front-end EWS directory is set back to Allow" \
	jqtrue <(f26 mbx15.corp.example EXTENDED_PROTECTION_BREAKS_CLIENTS) \
	'length == 1 and .[0].evidence.location == "Default Web Site/EWS" and .[0].evidence.expected == "Allow" and (.[0].fix.powershell | test("-Location .Default Web Site/EWS.") and test("-Value .Allow."))'
expect "mbx16: the back-end owa directory is raised to Require" \
	jqtrue <(f26 mbx16.corp.example EXTENDED_PROTECTION_EXPOSED) \
	'.[0].evidence.location == "Exchange Back End/owa" and (.[0].fix.powershell | test("-Value .Require."))'
expect "mbx17: LmCompatibilityLevel 2 is named and set to 5" \
	jqtrue <(f26 mbx17.corp.example EXTENDED_PROTECTION_PRECONDITION) \
	'.[0].evidence.LmCompatibilityLevel == 2 and (.[0].fix.powershell | test("LmCompatibilityLevel. -Value 5"))'
expect "mbx20: its Auth certificate differs from the one the other 25 Mailbox servers hold" \
	jqtrue <(f26 mbx20.corp.example AUTH_CERT_INCONSISTENT) \
	'.[0].evidence.servers_with_it == 25 and (.[0].evidence.held_here | length) == 1 and (.[0].fix.powershell | test("Import-ExchangeCertificate -Server .mbx20.corp.example."))'
expect "mbx20: it expires within 60 days with nothing newer staged" \
	jqtrue <(f26 mbx20.corp.example AUTH_CERT_EXPIRING) '.[0].evidence.days_left < 31 and .[0].severity == "warning"'
expect "every TLS, Extended Protection, HSTS and Auth certificate fix names its server and leaves no placeholder" \
	jqtrue "$work/all.json" \
	'[.servers[] | .fqdn as $s | .findings[] | select(.rule | test("^(TLS|DOTNET|EXTENDED|HSTS|AUTH)")) | (.fix.powershell | contains($s)) and .fix.placeholders == []] | all'

# A certificate swap on mbx01: the namespace certificate bound to 444.
ns=$(iconv -f UTF-16LE -t UTF-8 "$work/fleet/mbx01/registry/http-sslbindinginfo.reg" | tr -d '\r' |
	awk '/^\[/{on = ($0 ~ /0\.0\.0\.0:443\]/)} on && /SslCertHash/{print; exit}')
iconv -f UTF-16LE -t UTF-8 "$work/fleet/mbx01/registry/http-sslbindinginfo.reg" | tr -d '\r' |
	awk -v ns="$ns" '/^\[/{on = ($0 ~ /0\.0\.0\.0:444\]/)} on && /SslCertHash/{print ns; next} {print}' \
		>"$work/swap.reg"
mv "$work/swap.reg" "$work/fleet/mbx01/registry/http-sslbindinginfo.reg"
sleep 1 # a later collection time than the first report
"$agent" collect --root "$work/fleet/mbx01" --out "$work/mbx01-swap.pb" 2>>"$work/collect.log"
"$collector" import --db "$work/bs.db" "$work/mbx01-swap.pb" >/dev/null 2>>"$work/import.log"
"$collector" report --db "$work/bs.db" --format json --out "$work/r2.json"
m1='.servers[] | select(.fqdn == "mbx01.corp.example")'
expect "after the swap mbx01 has the mismatch (no traffic failing yet) and CONFIG_CHANGED" jqtrue "$work/r2.json" \
	"[$m1 | .findings[] | .rule + \":\" + .severity] | sort == [\"BACKEND_CERT_NAME_MISMATCH:warning\",\"CONFIG_CHANGED:info\"]"
expect "the change log shows the 444 certificate swap with before, after and time" jqtrue "$work/r2.json" \
	"[$m1 | .recent_changes[] | select(.kind == \"certificate_changed\" and .object == \"0.0.0.0:444\") | (.before | test(\"CN=MBX01\")) and (.after | test(\"CN=mail.corp.example\")) and (.seen_at > .previous_report_at)] == [true]"
expect "CONFIG_CHANGED says what changed" jqtrue "$work/r2.json" \
	"[$m1 | .findings[] | select(.rule == \"CONFIG_CHANGED\") | .title | test(\"certificate on 0.0.0.0:444 changed from [0-9A-F]{40} \\\\(CN=MBX01\\\\) to\")] == [true]"

# A mute takes mbx05's finding out of the gate, with the reason shown.
set +e
"$collector" check --db "$work/bs.db" --fail-on critical --server mbx05.corp.example >/dev/null; rc1=$?
"$collector" mute --db "$work/bs.db" --server mbx05.corp.example --rule BACKEND_CERT_NOT_IN_STORE \
	--reason "CHG0042: certificate re-issued tonight" --for 2d --by alice >/dev/null; rcm=$?
"$collector" check --db "$work/bs.db" --fail-on critical --server mbx05.corp.example >"$work/check.out"; rc2=$?
"$collector" report --db "$work/bs.db" --format json --out "$work/r3.json"
"$collector" unmute --db "$work/bs.db" --id 1 --by bob >/dev/null
"$collector" check --db "$work/bs.db" --fail-on critical --server mbx05.corp.example >/dev/null; rc3=$?
"$collector" mute --db "$work/bs.db" --server mbx05.corp.example --rule NO_SUCH_RULE \
	--reason x --for 1d 2>/dev/null; rc4=$?
"$collector" mute --db "$work/bs.db" --server mbx05.corp.example --rule PROBE_FAILED \
	--reason x --for 400d 2>/dev/null; rc5=$?
set -e
expect "the gate fails on mbx05 before the mute" [ "$rc1" = 1 ]
expect "mute accepted" [ "$rcm" = 0 ]
expect "the gate passes on mbx05 while muted, and says one is muted" \
	bash -c "[ $rc2 = 0 ] && grep -q '1 more muted' '$work/check.out'"
expect "the muted finding stays in the report with reason, who and until" jqtrue "$work/r3.json" \
	'[.servers[] | select(.fqdn == "mbx05.corp.example") | .status, (.findings[0].muted | .reason, .by)] == ["clean", "CHG0042: certificate re-issued tonight", "alice"]'
expect "the gate fails again after unmute" [ "$rc3" = 1 ]
expect "an unknown rule cannot be muted" [ "$rc4" = 2 ]
expect "a mute longer than a year is refused" [ "$rc5" = 2 ]
"$collector" audit --db "$work/bs.db" >"$work/audit.json"
expect "the audit log has the mute by alice and the unmute by bob" jqtrue "$work/audit.json" \
	'[.[] | .action + ":" + .actor] == ["mute:alice", "unmute:bob"]'

# [severity] in the collector's configuration: VERSION_DRIFT off.
printf '[severity]\nVERSION_DRIFT = off\nCERT_WEAK_KEY = critical\n' >"$work/c.conf"
"$collector" report --db "$work/bs.db" --format json --config "$work/c.conf" --out "$work/r4.json"
expect "[severity] turns a rule off and raises another" jqtrue "$work/r4.json" \
	'[.servers[] | select(.fqdn == "mbx08.corp.example" or .fqdn == "mbx09.corp.example") | [.findings[] | .rule + ":" + .severity]] == [[], ["CERT_WEAK_KEY:critical"]]'
printf '[severity]\nVERSION_DRIFTT = off\n' >"$work/bad.conf"
set +e
"$collector" report --db "$work/bs.db" --format json --config "$work/bad.conf" 2>"$work/bad.err" >/dev/null; rcb=$?
set -e
expect "a misspelt rule in [severity] is refused with file, line and key" \
	bash -c "[ $rcb = 2 ] && grep -q 'bad.conf:2: \[severity\] VERSION_DRIFTT: unknown key' '$work/bad.err'"

# The dashboard over HTTPS with basic auth, serving this database: the
# change log and the server page carry the swap.
"$collector" pki init --dir "$work/pki" >/dev/null
echo "correct horse battery" | "$collector" http-user --file "$work/users" --user auditor >/dev/null
port=$(test_port 2)
dashboard_conf "$work/serve.conf" "$work/bs.db" "$port" \
	"tls_cert_file = $work/pki/server.pem" "tls_key_file = $work/pki/server.key" \
	"users_file = $work/users"
base="https://127.0.0.1:$port"
collector_out="$work/serve.log" start_collector "$work/serve.conf" "$base/api/summary"
expect "HTTPS dashboard refuses a request without credentials" \
	[ "$(curl -sk -o /dev/null -w '%{http_code}' "$base/api/summary")" = 401 ]
expect "and a wrong password" \
	[ "$(curl -sk -u auditor:wrong-password -o /dev/null -w '%{http_code}' "$base/api/summary")" = 401 ]
expect "the 401 asks for basic auth" bash -c "curl -sk -D - -o /dev/null '$base/' | grep -qi '^www-authenticate: basic realm=\"bindscope\"'"
curl -sk --cacert "$work/pki/ca.pem" -u "auditor:correct horse battery" "$base/api/changes" -o "$work/changes.json" || true
expect "/api/changes lists the 444 swap, newest first" jqtrue "$work/changes.json" \
	'.[0].server == "mbx01.corp.example" and .[0].kind == "certificate_changed" and .[0].object == "0.0.0.0:444"'
curl -sk -u "auditor:correct horse battery" "$base/api/servers/mbx01.corp.example" -o "$work/mbx01.json" || true
expect "the server page carries its change history" jqtrue "$work/mbx01.json" \
	'[.changes[] | .kind] == ["certificate_changed"]'
expect "plain HTTP to the HTTPS port gets no answer" \
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)" = 000 ]
stop_collector

e2e_done
