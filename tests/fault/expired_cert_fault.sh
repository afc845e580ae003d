#!/usr/bin/env bash
# An agent certificate that expires is refused from its first report
# after notAfter, although the collector accepted (and cached) it moments
# before. The envelope is delivered over another agent's valid TLS
# identity, as any enrolled peer could, so the report's own certificate
# is what is judged.
#   tests/fault/expired_cert_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init expired "$1"

port=$((17300 + $$ % 100))
url="tls+tcp://127.0.0.1:$port"
# Long enough for two sweeps and a collector start on a loaded machine
# (the cached-duplicates check must run before it expires).
life=90
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
pki_enroll mbx01.corp.example
pki_enroll_until mbx04.corp.example "$life"
issued=$(date +%s)
expect "the short-lived certificate was issued" test -s "$work/id-mbx04.corp.example/agent.pem"
# Two signed reports from mbx04, spooled while nothing listens.
agent_conf "$work/a.conf" "tls+tcp://127.0.0.1:$((port + 1))" "$work/fleet/mbx04" "$work/state" \
	"$work/id-mbx04.corp.example"
for _ in 1 2; do "$agent" run --config "$work/a.conf" --once 2>>"$work/agent.log" || true; done
mapfile -t envs < <(ls "$work/state/spool/"*.env)
expect "two reports spooled" [ "${#envs[@]}" = 2 ]
for i in 0 1; do tail -c +49 "${envs[$i]}" >"$work/env$i.bin"; done
agent_port_conf "$work/c.conf" "$url" "$work/bs.db"
start_collector "$work/c.conf"
tls=("$work/id-mbx01.corp.example/ca.pem" "$work/id-mbx01.corp.example/agent.pem" "$work/id-mbx01.corp.example/agent.key")
expect "while valid: stored" bash -c "'$sendraw' '$url' '$work/env0.bin' ${tls[*]} | grep -q '^ACK_STORED'"
# Again, so that every verify thread has seen (and cached) the certificate.
for _ in $(seq 8); do "$sendraw" "$url" "$work/env0.bin" "${tls[@]}" >>"$work/again.out" || true; done
if [ "$(date +%s)" -ge $((issued + life)) ]; then
	echo "# the certificate expired before the duplicates were sent: the machine is too slow for life=$life"
fi
expect "and known thereafter (duplicates)" [ "$(grep -c '^ACK_DUPLICATE' "$work/again.out")" = 8 ]
wait_s=$((issued + life + 2 - $(date +%s)))
[ "$wait_s" -le 0 ] || sleep "$wait_s"
"$sendraw" "$url" "$work/env1.bin" "${tls[@]}" >"$work/after.out" || true
cat "$work/after.out"
figure "report signed by a certificate expired 2 s before" "$(cut -d' ' -f1 "$work/after.out")"
expect "after notAfter: refused at once, the reason says expired" grep -q '^ACK_REFUSED .*certificate has expired' "$work/after.out"
expect "nothing of it stored" [ "$(reports_in "$work/bs.db")" = 1 ]
stop_collector
e2e_done
