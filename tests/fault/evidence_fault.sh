#!/usr/bin/env bash
# Fault: an evidence root that is not what it seems. FIFOs where the
# agent expects files (a certificate, applicationHost.config, a registry
# export) used to hang `collect` forever; links out of the root (a CA
# file, a log folder) were followed and read. Now each is named in a
# collection error, nothing outside is read, and collect ends at once; a
# link that stays inside is followed.
#   tests/fault/evidence_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init evidence-fault "$1"

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
root="$work/fleet/mbx01"
mkdir -p "$work/outside/logs"
# What lies outside: a CA certificate and a log folder with a log in it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/outside/k.pem" \
	-out "$work/outside/ca.pem" -subj /CN=outside-the-root -days 3 2>/dev/null
cp "$root"/inetpub/logs/LogFiles/W3SVC1/*.log "$work/outside/logs/"

mkfifo "$root/certstore/LocalMachine/My/X.cer" "$root/registry/zz-fifo.reg"
conf="$root/Windows/System32/inetsrv/config/applicationHost.config"
mv "$conf" "$work/applicationHost.config"
mkfifo "$conf"
ln -s "$work/outside/ca.pem" "$root/certstore/LocalMachine/Root/OUTSIDE.cer"
rm -rf "$root/inetpub/logs/LogFiles/W3SVC1"
ln -s "$work/outside/logs" "$root/inetpub/logs/LogFiles/W3SVC1"

t0=$(date +%s.%N)
set +e
timeout 30 "$agent" collect --root "$root" --json --since all >"$work/fifo.json" 2>"$work/fifo.err"
rc=$?
set -e
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
expect "collect with FIFOs in the root ends (exit $rc, not the 30 s timeout)" [ "$rc" != 124 ]
for p in certstore/LocalMachine/My/X.cer registry/zz-fifo.reg \
	Windows/System32/inetsrv/config/applicationHost.config; do
	expect "the FIFO $p is named: not a regular file" grep -q "$p: cannot read: not a regular file" "$work/fifo.err"
done
expect "the link to a CA outside is named and not read" \
	grep -q "certstore/LocalMachine/Root/OUTSIDE.cer: leads outside the evidence root (a link to $work/outside/ca.pem)" "$work/fifo.err"
expect "no certificate from outside the root in the report" \
	bash -c "! grep -q outside-the-root '$work/fifo.json'"
echo "figure: collect over FIFOs and escaping links: $secs s (exit $rc)"

# Links that stay inside are followed: applicationHost.config linked to a
# copy elsewhere in the root.
rm "$conf"
cp "$work/applicationHost.config" "$root/appHost.copy"
ln -s ../../../../appHost.copy "$conf"
set +e
timeout 30 "$agent" collect --root "$root" --json --since all >"$work/inside.json" 2>"$work/inside.err"
set -e
expect "a link inside the root is followed (sites read)" \
	bash -c "[ \"\$(jq '.sites | length' '$work/inside.json')\" -gt 0 ]"
expect "the link to a log folder outside is named and not read" \
	grep -q "inetpub/logs/LogFiles/W3SVC1: leads outside the evidence root" "$work/inside.err"
expect "no log sample from outside the root" \
	bash -c "[ \"\$(jq '[.log_samples[]? | select(.name == \"W3SVC1\")] | length' '$work/inside.json')\" = 0 ]"

e2e_done
