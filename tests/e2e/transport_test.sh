#!/usr/bin/env bash
# End to end for the secure, lossless transport: enrollment, mutual TLS,
# signed reports, the spool across collector outages and a SIGKILL, and
# refusal of every forgery, each while the collector keeps serving.
#   tests/e2e/transport_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init transport "$1"
db_count() { sqlite3 "$work/bs.db" "select count(*) from reports ${1:-}"; }

port=$(test_port 0)
url="tls+tcp://127.0.0.1:$port"
"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null

# Enrollment: a CA, issued agents, and one that makes its own key (CSR).
"$collector" pki init --dir "$work/pki"
expect "pki init refuses to overwrite an existing CA" bash -c "! '$collector' pki init --dir '$work/pki' 2>/dev/null"
for s in mbx01 mbx02 mbx03; do
	"$collector" pki issue --dir "$work/pki" --host "$s.corp.example" --out "$work/id-$s"
done
"$agent" enroll --csr --host mbx04.corp.example --out "$work/id-mbx04" >/dev/null
"$collector" pki sign --dir "$work/pki" --csr "$work/id-mbx04/agent.csr" --out "$work/id-mbx04/agent.pem"
cp "$work/pki/ca.pem" "$work/id-mbx04/ca.pem"
expect "CSR enrollment: the key stayed with the agent (mode 0600)" \
	[ "$(stat -c %a "$work/id-mbx04/agent.key")" = 600 ]
expect "issued certificate: clientAuth, SAN = the FQDN" \
	bash -c "openssl x509 -in '$work/id-mbx04/agent.pem' -noout -ext extendedKeyUsage,subjectAltName | grep -q 'TLS Web Client Authentication' && openssl x509 -in '$work/id-mbx04/agent.pem' -noout -ext subjectAltName | grep -q 'DNS:mbx04.corp.example'"

cat >"$work/collector.conf" <<CONF
[collector]
listen = $url
db = $work/bs.db
[http]
port = 0
[tls]
ca_file = $work/pki/ca.pem
cert_file = $work/pki/server.pem
key_file = $work/pki/server.key
revoked_file = $work/pki/revoked.txt
CONF
agentconf() { # NAME EVIDENCE IDENTITY
	cat >"$work/agent-$1.conf" <<CONF
[agent]
root = $work/fleet/$2
collector = $url
state_dir = $work/state-$1
send_timeout = 2s
[tls]
ca_file = $work/id-$3/ca.pem
cert_file = $work/id-$3/agent.pem
key_file = $work/id-$3/agent.key
server_name = localhost
CONF
}
for s in mbx01 mbx02 mbx03 mbx04; do agentconf "$s" "$s" "$s"; done
spooled() { ls "$work/state-$1/spool/"*.env 2>/dev/null | wc -l; }
# 1. The collector is down: every sweep waits in the spool.
apids=()
for s in mbx01 mbx02 mbx03 mbx04; do
	"$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log" &
	apids+=($!)
done
for a in "${apids[@]}"; do wait "$a" && bad "delivered with no collector" || true; done
expect "collector down: each agent keeps its report in the spool" \
	bash -c "[ $(spooled mbx01) = 1 ] && [ $(spooled mbx02) = 1 ] && [ $(spooled mbx03) = 1 ] && [ $(spooled mbx04) = 1 ]"

# 2. The collector starts; agents restart with a non-empty spool.
start_collector "$work/collector.conf"
for s in mbx01 mbx02 mbx03 mbx04; do
	expect "$s: spool delivered after the collector came back" "$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log"
done
expect "every report arrived exactly once, all signed, signature and certificate kept" \
	bash -c "[ \$(sqlite3 '$work/bs.db' 'select count(*) from reports') = 8 ] && [ \$(sqlite3 '$work/bs.db' \"select count(*) from reports where provenance = 'agent, signed'\") = 8 ] && [ \$(sqlite3 '$work/bs.db' \"select count(*) from reports where length(signature) > 0 and length(signer_cert) > 0 and signature_alg <> ''\") = 8 ]"
expect "spools are empty" bash -c "[ $(spooled mbx01) = 0 ] && [ $(spooled mbx04) = 0 ]"

# 3. SIGKILL in the middle of a burst: nothing acknowledged is lost, nothing stored twice.
runs=8
for round in 1 2 3; do
	apids=()
	for s in mbx01 mbx02 mbx03 mbx04; do
		"$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log" &
		apids+=($!)
	done
	runs=$((runs + 4))
	if [ "$round" = 2 ]; then
		sleep 0.05
		kill -9 "$pid"
		wait "$pid" 2>/dev/null || true
		pid=""
		sleep 1
		start_collector "$work/collector.conf"
	fi
	for a in "${apids[@]}"; do wait "$a" || true; done
done
for s in mbx01 mbx02 mbx03 mbx04; do
	"$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log" || true
	runs=$((runs + 1))
done
expect "after SIGKILL and restart: every sweep stored exactly once ($runs)" \
	bash -c "[ \$(sqlite3 '$work/bs.db' 'select count(*) from reports') = $runs ] && [ \$(sqlite3 '$work/bs.db' 'select count(distinct boot_id || sequence) from reports') = $runs ]"
expect "nothing left in any spool" bash -c "[ $(spooled mbx01) = 0 ] && [ $(spooled mbx02) = 0 ] && [ $(spooled mbx03) = 0 ] && [ $(spooled mbx04) = 0 ]"
before=$(db_count)

# 4. Forgeries and strangers; the collector keeps serving the others.
"$collector" pki init --dir "$work/otherpki" >/dev/null
"$collector" pki issue --dir "$work/otherpki" --host mbx01.corp.example --out "$work/id-stranger"
cp "$work/pki/ca.pem" "$work/id-stranger/ca.pem" # it trusts our collector, we do not trust it
agentconf stranger mbx01 stranger
"$agent" run --config "$work/agent-stranger.conf" --once 2>>"$work/agents.log" || true
expect "certificate from another CA: nothing stored" [ "$(db_count)" = "$before" ]

agentconf liar mbx02 mbx01 # mbx01's identity on mbx02's evidence
"$agent" run --config "$work/agent-liar.conf" --once 2>>"$work/agents.log" || true
expect "report for another FQDN than the certificate's: refused and set aside" \
	bash -c "[ \$(ls '$work/state-liar/spool/refused/' | wc -l) = 1 ] && grep -q \"certificate is for 'mbx01.corp.example' but the report claims 'mbx02.corp.example'\" '$work/collector.log'"

"$collector" pki revoke --dir "$work/pki" --cert "$work/id-mbx03/agent.pem"
"$agent" run --config "$work/agent-mbx03.conf" --once 2>>"$work/agents.log" || true
expect "revoked agent: refused" grep -q "agent certificate 'mbx03.corp.example' is revoked" "$work/collector.log"

# An envelope altered after signing: take one from a spool, flip a byte.
sed -i "s|^collector = .*|collector = tls+tcp://127.0.0.1:$((port + 1))|" "$work/agent-mbx01.conf"
"$agent" run --config "$work/agent-mbx01.conf" --once 2>>"$work/agents.log" || true
sed -i "s|^collector = .*|collector = $url|" "$work/agent-mbx01.conf"
f=$(ls "$work/state-mbx01/spool/"*.env | head -1)
tail -c +49 "$f" >"$work/env.bin"
cp "$work/env.bin" "$work/altered.bin"
printf 'X' | dd of="$work/altered.bin" bs=1 seek=200 conv=notrunc 2>/dev/null
tls=("$work/id-mbx01/ca.pem" "$work/id-mbx01/agent.pem" "$work/id-mbx01/agent.key")
expect "altered report: refused, signature does not verify" \
	bash -c "timeout 60 '$sendraw' '$url' '$work/altered.bin' ${tls[*]} | grep -q 'ACK_REFUSED signature does not verify'"
head -c 4096 /dev/urandom >"$work/garbage.bin"
expect "garbage: refused" bash -c "timeout 60 '$sendraw' '$url' '$work/garbage.bin' ${tls[*]} | grep -q '^ACK_REFUSED'"
head -c $((9 * 1024 * 1024)) /dev/zero >"$work/big.bin"
expect "oversized message: dropped unanswered" bash -c "timeout 60 '$sendraw' '$url' '$work/big.bin' ${tls[*]} | grep -q '^NO_ANSWER'"
expect "the untouched envelope is accepted (or known): the collector still serves" \
	bash -c "timeout 60 '$sendraw' '$url' '$work/env.bin' ${tls[*]} | grep -Eq '^ACK_(STORED|DUPLICATE)'"
expect "and the agent's own delivery still works" "$agent" run --config "$work/agent-mbx02.conf" --once 2>>"$work/agents.log"
expect "refusals are logged with their reason" \
	[ "$(grep -c 'event=report_refused' "$work/collector.log")" -ge 4 ]

# 5. Offline: a spooled file imported on another collector is verified.
cp "$f" "$work/spooled.env"
"$collector" import --db "$work/import.db" --pki "$work/pki" "$work/spooled.env" >/dev/null
expect "imported spool file verified and marked signed" \
	[ "$(sqlite3 "$work/import.db" "select provenance from reports")" = "agent, signed" ]
cp "$f" "$work/torn.env" && truncate -s -10 "$work/torn.env"
expect "a torn spool file is refused on import" \
	bash -c "! '$collector' import --db '$work/import.db' --pki '$work/pki' '$work/torn.env' 2>/dev/null"

kill -TERM "$pid"; wait "$pid" || true; pid=""
expect "collector log free of sanitizer reports" bash -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' '$work/collector.log' '$work/agents.log'"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
