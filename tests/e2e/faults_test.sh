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
"$collector" import --db "$work/bs.db" "$work"/mbx*.pb >/dev/null 2>>"$work/import.log"
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
 "mbx07.corp.example": ["BACKEND_BINDING_NOT_ALL_UNASSIGNED:warning"],
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
expect "summary: 4 critical, 4 warning, 2 clean" jqtrue "$work/r1.json" \
	'.summary.critical == 4 and .summary.warning == 4 and .summary.clean == 2'

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
port=$((21000 + ($$ % 20000)))
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
