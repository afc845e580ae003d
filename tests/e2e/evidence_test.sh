#!/usr/bin/env bash
# End to end for the agent's readers: evidence roots shaped like real
# servers (2013/2016/2019, mixed-case paths, netsh fallback) and broken
# ones (deleted certificate, truncated .reg, invalid XML, unparsable
# certificate, misnamed file, missing store). Each must yield the named
# collection error and a complete report of the rest.
#   tests/e2e/evidence_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init evidence "$1"

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
cfg=Windows/System32/inetsrv/config/applicationHost.config

# collect NAME: JSON report of $work/NAME into $work/NAME.json, stderr to .err
collect() {
	set +e
	"$agent" collect --root "$work/$1" --json >"$work/$1.json" 2>"$work/$1.err"
	echo $? >"$work/$1.rc"
	set -e
}
variant() { rm -rf "${work:?}/$2"; cp -r "$work/fleet/$1" "$work/$2"; }
t444() { jq -r '.ssl_bindings[] | select(.endpoint == "0.0.0.0:444") | .cert_hash' "$work/mbx01.json"; }

# The healthy layouts: every site, binding, http.sys entry, certificate,
# all joined, no collection errors.
for s in mbx01 mbx04; do
	cp -r "$work/fleet/$s" "$work/$s"
	collect "$s"
	expect "$s: no collection errors, exit 0" jqtrue "$work/$s.json" '(.errors // []) | length == 0'
	expect "$s: 2 sites, 6 bindings, 3 http.sys entries, 5 certificates (the Auth certificate too)" jqtrue "$work/$s.json" \
		'(.sites | length) == 2 and ([.sites[].bindings[]] | length) == 6 and (.ssl_bindings | length) == 3 and (.certificates | length) == 5'
	expect "$s: every https binding joined" jqtrue "$work/$s.json" \
		'[.sites[].bindings[] | select(.protocol == "https") | .join] == ["JOIN_OK","JOIN_OK","JOIN_OK"]'
	expect "$s: the namespace certificate chains to the exported Root" jqtrue "$work/$s.json" \
		'[.certificates[] | select(.common_name == "mail.corp.example") | .chains_to_root] == ["TRI_YES"]'
	expect "$s: 444 certificate is self-signed, covers the FQDN, has its private key" jqtrue "$work/$s.json" \
		'[.certificates[] | select(.used_by == ["0.0.0.0:444"]) | [.self_signed, .covers_fqdn, .has_private_key, .friendly_name]] == [["TRI_YES","TRI_YES","TRI_YES","Microsoft Exchange"]]'
done
expect "mbx04: FQDN-only SAN still covers the FQDN, not the short name" jqtrue "$work/mbx04.json" \
	'[.certificates[] | select(.used_by == ["0.0.0.0:444"]) | [.covers_fqdn, .covers_hostname]] == [["TRI_YES","TRI_NO"]]'
expect "mbx04: Exchange 2016 build read" jqtrue "$work/mbx04.json" '.host.exchange_build == "15.1.2507.39"'

# Exchange 2013, with every path in another case (Windows matches
# case-insensitively).
variant mbx01 ex2013
mv "$work/ex2013/Windows" "$work/ex2013/WINDOWS"
mv "$work/ex2013/WINDOWS/System32/inetsrv/config/applicationHost.config" \
	"$work/ex2013/WINDOWS/System32/inetsrv/config/APPLICATIONHOST.CONFIG"
mv "$work/ex2013/certstore/LocalMachine" "$work/ex2013/certstore/localmachine"
mv "$work/ex2013/certstore/localmachine/My" "$work/ex2013/certstore/localmachine/MY"
for f in "$work"/ex2013/certstore/localmachine/MY/*.cer; do
	mv "$f" "$(dirname "$f")/$(basename "$f" .cer | tr A-F a-f).cer"
done
{ printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup]\r\n'
  printf '"MsiInstallPath"="C:\\\\Program Files\\\\Microsoft\\\\Exchange Server\\\\V15\\\\"\r\n'
  printf '"MsiProductMajor"=dword:0000000f\r\n"MsiProductMinor"=dword:00000000\r\n'
  printf '"MsiBuildMajor"=dword:000005d9\r\n"MsiBuildMinor"=dword:00000002\r\n'; } |
	{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$work/ex2013/registry/exchange-setup.reg"
collect ex2013
expect "ex2013: mixed-case paths and lower-case thumbprint names read without errors" \
	jqtrue "$work/ex2013.json" '((.errors // []) | length == 0) and (.certificates | length) == 5'
expect "ex2013: Exchange 2013 build 15.0.1497.2" jqtrue "$work/ex2013.json" '.host.exchange_build == "15.0.1497.2"'
expect "ex2013: joins still resolve (store name MY vs folder MY)" jqtrue "$work/ex2013.json" \
	'[.sites[].bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK")'

# netsh fallback: no http.sys registry export, `netsh http show sslcert`
# redirected by PowerShell 5.1 (UTF-16LE).
variant mbx01 netsh
rm "$work/netsh/registry/http-sslbindinginfo.reg"
mkdir -p "$work/netsh/netsh"
{
	printf '\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n'
	for ep in 0.0.0.0:443 0.0.0.0:444 127.0.0.1:443; do
		h=$(jq -r --arg ep "$ep" '.ssl_bindings[] | select(.endpoint == $ep) | .cert_hash' "$work/mbx01.json" | tr A-F a-f)
		printf '    IP:port                      : %s\r\n    Certificate Hash             : %s\r\n' "$ep" "$h"
		printf '    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\r\n'
		printf '    Certificate Store Name       : My\r\n    Verify Client Certificate Revocation : Enabled\r\n\r\n'
	done
} | { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$work/netsh/netsh/sslcert.txt"
collect netsh
expect "netsh: bindings read from netsh text, joined, no errors" jqtrue "$work/netsh.json" \
	'((.errors // []) | length == 0) and ([.ssl_bindings[] | .source] == ["netsh","netsh","netsh"]) and ([.sites[].bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK"))'

# netsh from cmd.exe (ANSI, CRLF) for bindings added without
# certstorename: netsh prints "(null)" (or nothing) and http.sys uses MY.
# Not a missing store: the bindings join, and the collector raises no
# certificate-not-in-store finding for them.
variant mbx01 netshnull
rm "$work/netshnull/registry/http-sslbindinginfo.reg"
mkdir -p "$work/netshnull/netsh"
{
	printf '\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n'
	for ep in 0.0.0.0:443 0.0.0.0:444 127.0.0.1:443; do
		h=$(jq -r --arg ep "$ep" '.ssl_bindings[] | select(.endpoint == $ep) | .cert_hash' "$work/mbx01.json" | tr A-F a-f)
		store='(null)'
		[ "$ep" = 127.0.0.1:443 ] && store=''
		printf '    IP:port                      : %s\r\n    Certificate Hash             : %s\r\n' "$ep" "$h"
		printf '    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\r\n'
		printf '    Certificate Store Name       : %s\r\n    Verify Client Certificate Revocation : Enabled\r\n' "$store"
		printf '    Ctl Identifier               : (null)\r\n    Ctl Store Name               : (null)\r\n\r\n'
	done
} >"$work/netshnull/netsh/sslcert.txt"
"$agent" collect --root "$work/netshnull" --out "$work/netshnull.pb" --json >"$work/netshnull.json" 2>/dev/null
expect "netsh (null) store: read as MY, every binding joined" jqtrue "$work/netshnull.json" \
	'((.errors // []) | length == 0) and ([.ssl_bindings[] | .store_name] | all(. == "MY")) and ([.ssl_bindings[] | .cert_status] | all(. == "JOIN_OK")) and ([.sites[].bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK"))'
"$collector" import --db "$work/netshnull.db" "$work/netshnull.pb" >/dev/null
"$collector" report --db "$work/netshnull.db" --format json --out "$work/netshnull-report.json"
expect "netsh (null) store: no certificate-not-in-store finding, nothing critical" jqtrue "$work/netshnull-report.json" \
	'[.servers[].findings[] | select((.rule | test("NOT_IN_STORE")) or .severity == "critical")] | length == 0'

# Deleted 444 certificate: the binding points at nothing.
variant mbx01 deleted
rm "$work/deleted/certstore/LocalMachine/My/$(t444).cer" "$work/deleted/certstore/LocalMachine/My/$(t444).json"
collect deleted
expect "deleted: 444 binding is JOIN_CERT_NOT_IN_STORE, 443 still OK" jqtrue "$work/deleted.json" \
	'([.sites[] | select(.id == 2) | .bindings[] | select(.protocol == "https") | .join] == ["JOIN_CERT_NOT_IN_STORE"]) and ([.sites[] | select(.id == 1) | .bindings[] | select(.protocol == "https") | .join] | all(. == "JOIN_OK"))'

# A store name that was not exported.
variant mbx01 nostore
sed 's/"SslCertStoreName"="MY"/"SslCertStoreName"="WebHosting"/' <(iconv -f UTF-16LE -t UTF-8 "$work/nostore/registry/http-sslbindinginfo.reg" | tail -c +4) |
	{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE; } >"$work/nostore/registry/x.reg"
rm "$work/nostore/registry/http-sslbindinginfo.reg"
collect nostore
expect "nostore: bindings naming an absent store are JOIN_STORE_MISSING" jqtrue "$work/nostore.json" \
	'[.ssl_bindings[] | .cert_status] | all(. == "JOIN_STORE_MISSING")'

# No certificate stores in the evidence at all: the certificates are
# unknown, not missing; the collector says they were not checked and
# claims no outage.
variant mbx01 nocertstore
rm -r "$work/nocertstore/certstore"
"$agent" collect --root "$work/nocertstore" --out "$work/nocertstore.pb" --json >"$work/nocertstore.json" 2>/dev/null || true
expect "no certstore: every http.sys binding is JOIN_STORES_NOT_READ, the folder named" jqtrue "$work/nocertstore.json" \
	'([.ssl_bindings[] | .cert_status] | all(. == "JOIN_STORES_NOT_READ")) and ([.errors[] | select(.source == "certstore") | .reason] | length == 1)'
"$collector" import --db "$work/nocertstore.db" "$work/nocertstore.pb" >/dev/null
"$collector" report --db "$work/nocertstore.db" --format json --out "$work/nocertstore-report.json"
expect "no certstore: CERT_STORES_NOT_READ names 444 and 443, nothing NOT_IN_STORE" jqtrue "$work/nocertstore-report.json" \
	'([.servers[0].findings[] | select(.rule | test("NOT_IN_STORE"))] | length == 0) and ([.servers[0].findings[] | select(.rule == "CERT_STORES_NOT_READ") | .evidence.bindings[].ssl_endpoint] | contains(["0.0.0.0:443", "0.0.0.0:444"]))'

# A truncated .reg export: the cut is named, the rest is kept.
variant mbx01 truncated
f="$work/truncated/registry/http-sslbindinginfo.reg"
head -c 1500 "$f" >"$f.cut" && mv "$f.cut" "$f"
collect truncated
expect "truncated: a registry error names the file and a line" jqtrue "$work/truncated.json" \
	'[.errors[] | select(.source == "registry" and .path == "registry/http-sslbindinginfo.reg" and .line > 0)] | length >= 1'
expect "truncated: sites and certificates still reported" jqtrue "$work/truncated.json" \
	'(.sites | length) == 2 and (.certificates | length) == 5 and .host.fqdn == "mbx01.corp.example"'

# Invalid XML: the line is named, certificates and http.sys still there.
variant mbx01 badxml
sed -i 's|<binding protocol="https" bindingInformation="\*:444:" sslFlags="0" />|<binding protocol="https" bindingInformation="*:444:" sslFlags="0" >|' "$work/badxml/$cfg"
collect badxml
expect "badxml: iis_config error at the line where the XML breaks" jqtrue "$work/badxml.json" \
	'[.errors[] | select(.source == "iis_config") | .line] == [33]'
expect "badxml: exit 0, certificates and http.sys bindings reported" \
	bash -c "[ \$(cat '$work/badxml.rc') = 0 ] && jq -e '(.certificates | length) == 5 and (.ssl_bindings | length) == 3' '$work/badxml.json' >/dev/null"

# A certificate file that does not parse, and one whose name lies.
variant mbx01 badcert
printf 'not a certificate' >"$work/badcert/certstore/LocalMachine/My/0000000000000000000000000000000000000000.cer"
cp "$work/badcert/certstore/LocalMachine/Root/"*.cer "$work/badcert/certstore/LocalMachine/Root/ABCDEF0123456789ABCDEF0123456789ABCDEF01.cer"
printf '{"FriendlyName": 7}' >"$work/badcert/certstore/LocalMachine/My/$(t444).json"
collect badcert
expect "badcert: unparsable certificate named" jqtrue "$work/badcert.json" \
	'[.errors[] | select(.path == "certstore/LocalMachine/My/0000000000000000000000000000000000000000.cer") | .reason | test("not a DER or PEM")] == [true]'
expect "badcert: misnamed file reported with its real thumbprint" jqtrue "$work/badcert.json" \
	'[.errors[] | select(.path == "certstore/LocalMachine/Root/ABCDEF0123456789ABCDEF0123456789ABCDEF01.cer") | .reason | test("does not match")] == [true]'
expect "badcert: bad store-properties JSON named" jqtrue "$work/badcert.json" \
	'[.errors[] | select(.path | endswith(".json")) | .reason] == ["FriendlyName is not a string"]'
expect "badcert: the good certificates are all still there" jqtrue "$work/badcert.json" '(.certificates | length) == 6'

# Log counts equal an independent count of the same files (mawk over the
# HttpStatus and BackEndStatus columns, which precede any quoted field).
owa_dir="$work/mbx01/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa"
"$agent" collect --root "$work/mbx01" --json --since all 2>/dev/null |
	jq -r '.log_samples[] | select(.name == "Owa") | .statuses[] | "\(.http_status),\(.backend_status // "") \(.count)"' |
	sort >"$work/ours.txt"
cat "$owa_dir"/*.LOG | mawk -F, '/^[0-9]/ { c[$20 "," $21]++ } END { for (k in c) print k, c[k] }' |
	sort >"$work/mawk.txt"
expect "Owa status pairs equal an independent mawk count" diff -u "$work/mawk.txt" "$work/ours.txt"
expect "the count is not trivially empty" [ "$(wc -l <"$work/ours.txt")" -ge 3 ]

# Exchange's log writer starts each file with a UTF-8 BOM: the same
# lines are read, none skipped, as without it.
variant mbx01 bom
find "$work/bom" -iname '*.log' | while read -r f; do
	{ printf '\xef\xbb\xbf'; cat "$f"; } >"$f.bom" && mv "$f.bom" "$f"
done
"$agent" collect --root "$work/bom" --json --since all 2>/dev/null |
	jq -c '[.log_samples[] | [.name, .lines_read, (.lines_skipped // 0)]]' >"$work/bom-counts.json"
"$agent" collect --root "$work/mbx01" --json --since all 2>/dev/null |
	jq -c '[.log_samples[] | [.name, .lines_read, (.lines_skipped // 0)]]' >"$work/plain-counts.json"
expect "BOM-first logs: every sample reads the same lines as without a BOM, none skipped" \
	bash -c "diff '$work/plain-counts.json' '$work/bom-counts.json' && jq -e 'length >= 5 and all(.[2] == 0)' '$work/bom-counts.json' >/dev/null"

# A byte budget that cannot cover the logs: the report says the window was cut.
variant mbx01 budget
big="$work/budget/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa"
f=$(ls "$big"/*.LOG)
for _ in $(seq 14); do sed -n '7,$p' "$f"; done >>"$f.more" && cat "$f.more" >>"$f" && rm "$f.more"
"$agent" collect --root "$work/budget" --json --since all --log-budget-mib 1 2>/dev/null >"$work/budget.json"
expect "budget: the cut is reported and the bytes stay within 1 MiB" jqtrue "$work/budget.json" \
	'([.log_samples[] | select(.budget_cut)] | length) >= 1 and ([.log_samples[].bytes_read // 0] | add) <= 1048576'

# Live probes, served by openssl s_server with the very certificates the
# evidence binds: as the front end reaches mbx03.corp.example:444.
keys="$work/fleet/_keys"
port=$(test_port 5)
accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1"); } # PORT
serve() { # CERT [CHAIN]: serves until unserve
	local extra=()
	[ -n "${2:-}" ] && extra=(-cert_chain "$keys/$2.pem")
	openssl s_server -quiet -accept "127.0.0.1:$port" -cert "$keys/$1.pem" -key "$keys/$1.key" \
		"${extra[@]}" </dev/null >/dev/null 2>&1 &
	spid=$!
	until_ok 5 accepts "$port" || true
}
unserve() { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true; spid=""; }
cp -r "$work/fleet/mbx03" "$work/mbx03"
serve namespace issuingca
"$agent" collect --root "$work/mbx03" --since 1m --probe "self:444@127.0.0.1:$port" --json 2>/dev/null >"$work/probe3.json"
unserve
expect "probe of mbx03:444: name mismatch, the bound certificate, chain trusted via the evidence's Root" jqtrue "$work/probe3.json" \
	'.probes[0] | .result == "PROBE_CERT_NAME_MISMATCH" and .port == 444 and .sni == "mbx03.corp.example" and .leaf_matches_binding == "TRI_YES" and .leaf_covers_name == "TRI_NO" and (.cert_problems == ["PROBE_CERT_NAME_MISMATCH"])'
serve self-mbx01
"$agent" collect --root "$work/mbx01" --since 1m --probe "self:444@127.0.0.1:$port" --json 2>/dev/null >"$work/probe1.json"
unserve
expect "probe of mbx01:444: its self-signed certificate, covering the FQDN, as bound" jqtrue "$work/probe1.json" \
	'.probes[0] | .result == "PROBE_CERT_SELF_SIGNED" and .leaf_matches_binding == "TRI_YES" and .leaf_covers_name == "TRI_YES"'
serve wildcard issuingca
set +e
"$agent" probe "127.0.0.1:$port" --name mbx01.corp.example --ca "$keys/rootca.pem" >"$work/probe-cli.txt"
rc=$?
set -e
unserve
expect "probe command: the wildcard verifies for mbx01.corp.example, exit 0" \
	bash -c "[ $rc = 0 ] && grep -q 'PROBE_OK' '$work/probe-cli.txt'"
set +e
"$agent" probe "127.0.0.1:$((port + 1))" --timeout 2s >"$work/probe-refused.txt"
rc=$?
set -e
expect "probe command: a closed port is refused, exit 1" \
	bash -c "[ $rc = 1 ] && grep -q 'PROBE_REFUSED' '$work/probe-refused.txt'"

# An auditor handed only applicationHost.config and a certificate export:
# no registry, so the server's name is unknown. What was read is still a
# report (exit 0) that says the FQDN is unknown; import refuses it, saying why.
variant mbx01 noname
rm -rf "$work/noname/registry"
set +e
"$agent" collect --root "$work/noname" --out "$work/noname.pb" --json >"$work/noname.json" 2>"$work/noname.err"
rc=$?
"$collector" import --db "$work/noname.db" "$work/noname.pb" >"$work/noname-import.out" 2>"$work/noname-import.err"
irc=$?
set -e
expect "no registry: exit 0, sites and certificates reported" \
	bash -c "[ $rc = 0 ] && jq -e '(.sites | length) == 2 and (.certificates | length) == 5 and (.host.fqdn // \"\") == \"\"' '$work/noname.json' >/dev/null"
expect "no registry: stderr says the FQDN is unknown" grep -q "FQDN is unknown" "$work/noname.err"
expect "no registry: nothing claims that nothing useful was read" bash -c "! grep -q 'nothing useful' '$work/noname.err'"
expect "no registry: import refuses the report, exit 1, naming the missing FQDN" \
	bash -c "[ $irc = 1 ] && grep -q 'noname.pb: refused: .*FQDN' '$work/noname-import.err'"
set +e
"$collector" import --db "$work/noname.db" "$work/noname" >/dev/null 2>"$work/noname-import2.err"
irc=$?
set -e
expect "no registry: import of the evidence folder itself refuses it the same way" \
	bash -c "[ $irc = 1 ] && grep -q 'noname: refused: host.fqdn missing: .*FQDN unknown' '$work/noname-import2.err'"

# Nothing useful: exit 1, and the errors say why.
mkdir -p "$work/empty"
collect empty
expect "empty root: exit 1 with the missing pieces named" \
	bash -c "[ \$(cat '$work/empty.rc') = 1 ] && grep -q 'applicationHost.config' '$work/empty.err' && grep -q 'registry' '$work/empty.err'"

e2e_done
