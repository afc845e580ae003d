#!/usr/bin/env bash
# End to end: a real collector on loopback, real agent sweeps over the
# example fleet, and the outputs a user reads (JSON report, gate, CSV,
# HTML file, dashboard and API), then a collector restart.
#   tests/e2e/fleet_test.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init e2e "$1"

# The dashboard API serves the collector's analysis snapshot, refreshed
# about every second: fetch until the snapshot shows the expected report.
api_fetch() { curl -sS "$2" -o "$1" && jqtrue "$1" "$3"; } # FILE URL FILTER
api_until() { until_ok 10 api_fetch "$@" || true; }

# Ports from the PID so parallel runs do not collide.
nng_port=$(test_port 1)
http_port=$((nng_port + 1))

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
cat >"$work/collector.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$nng_port
db = $work/bs.db
[http]
address = 127.0.0.1
port = $http_port
web_root = $top/web-static
CONF

start_collector "$work/collector.conf" event=dashboard

for s in mbx01 mbx02 mbx03 mbx04; do
	printf '[agent]\nroot = %s\ncollector = tcp://127.0.0.1:%s\nsend_timeout = 10s\nstate_dir = %s\n' \
		"$work/fleet/$s" "$nng_port" "$work/state-$s" >"$work/agent-$s.conf"
	expect "agent sweep of $s acknowledged" "$agent" run --config "$work/agent-$s.conf" --once
done

"$collector" report --db "$work/bs.db" --format json --out "$work/report.json"
r="$work/report.json"
expect "report lists four servers" jqtrue "$r" '.servers | length == 4'
expect "mbx03 flagged BACKEND_CERT_NAME_MISMATCH, critical on the peers' proxy evidence" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[] | select(.rule == "BACKEND_CERT_NAME_MISMATCH") | .severity] == ["critical"]'
expect "mbx03 has exactly the mismatch and the peers' failures, both critical" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[] | .rule + ":" + .severity] == ["BACKEND_CERT_NAME_MISMATCH:critical","BACKEND_UNREACHABLE_FROM_PEERS:critical"]'
expect "mbx03 evidence names the front ends that failed to reach it" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[0].evidence.hop_evidence[] | select(.kind == "peer_httpproxy") | .peer] | unique == ["mbx01.corp.example","mbx02.corp.example","mbx04.corp.example"]'
expect "mbx03 evidence: TrustFailure from the proxy logs" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[0].evidence.hop_evidence[] | select(.kind == "peer_httpproxy") | .web_exception] | all(. == "TrustFailure")'
expect "mbx03 finding names the namespace certificate as evidence" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .findings[0].evidence.certificate.subject] == ["CN=mail.corp.example,O=Corp Example,C=US"]'
expect "mbx03 status is not clean" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx03.corp.example") | .status] == ["critical"]'
expect "mbx01 and mbx04 have no findings" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx01.corp.example" or .fqdn == "mbx04.corp.example") | .findings | length] == [0, 0]'
expect "mbx02 (wildcard on 444) has only the informational finding" jqtrue "$r" \
	'[.servers[] | select(.fqdn == "mbx02.corp.example") | .findings[] | .rule + ":" + .severity] == ["BACKEND_CERT_NOT_SELF_SIGNED:info"]'
expect "no warning or critical outside mbx03" jqtrue "$r" \
	'[.servers[] | select(.fqdn != "mbx03.corp.example") | .findings[] | select(.severity != "info")] | length == 0'
expect "AD site where the export has it, empty (unknown) where not" jqtrue "$r" \
	'[.servers[].ad_site] == ["HQ-Amsterdam","HQ-Amsterdam","HQ-Amsterdam",""]'
expect "report has generated_at and exchange builds" jqtrue "$r" \
	'(.generated_at | test("^20[0-9-]+T")) and ([.servers[].exchange_build] == ["15.2.1544.4","15.2.1544.4","15.2.1544.4","15.1.2507.39"])'

set +e
"$collector" check --db "$work/bs.db" --fail-on warning >"$work/check.out"; rc1=$?
"$collector" check --db "$work/bs.db" --fail-on critical >/dev/null; rc2=$?
"$collector" check --db "$work/bs.db" --fail-on warning --server mbx01.corp.example >/dev/null; rc3=$?
"$collector" check --db "$work/bs.db" --fail-on warning --server nosuch.corp.example 2>/dev/null; rc4=$?
"$collector" check --db "$work/missing.db" --fail-on warning 2>/dev/null; rc5=$?
set -e
expect "check --fail-on warning exits 1" [ "$rc1" = 1 ]
expect "check output names mbx03" grep -q "BACKEND_CERT_NAME_MISMATCH.*mbx03.corp.example" "$work/check.out"
expect "check --fail-on critical exits 1" [ "$rc2" = 1 ]
expect "check on healthy mbx01 exits 0" [ "$rc3" = 0 ]
expect "check on an unknown server exits 2" [ "$rc4" = 2 ]
expect "check on a missing database exits 2" [ "$rc5" = 2 ]

"$collector" report --db "$work/bs.db" --format csv --out "$work/report.csv"
expect "CSV has a header and one row per finding" [ "$(grep -c $'\r$' "$work/report.csv")" = 4 ]
"$collector" report --db "$work/bs.db" --format html --out "$work/report.html"
expect "HTML file is self-contained (no external references)" \
	bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$work/report.html'"
expect "HTML file carries the SHA-256 footer" grep -q "SHA-256 of the report data: <code>[0-9a-f]\{64\}</code>" "$work/report.html"

# The dashboard and its API.
base="http://127.0.0.1:$http_port"
curl -sS -D "$work/h" -o "$work/index.html" "$base/"
expect "dashboard index served" grep -q "<title>bindscope" "$work/index.html"
expect "CSP header present" grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$work/h"
expect "nosniff header present" grep -qi "^x-content-type-options: nosniff" "$work/h"
api_until "$work/mbx03.json" "$base/api/servers/mbx03.corp.example" '.findings | length > 0'
expect "API server page has the finding and the joined report" jqtrue "$work/mbx03.json" \
	'(.findings[0].rule == "BACKEND_CERT_NAME_MISMATCH") and ([.report.sites[] | select(.name == "Exchange Back End") | .bindings[] | select(.protocol == "https") | .join] == ["JOIN_OK"])'
api_until "$work/summary.json" "$base/api/summary" '.servers == 4'
expect "API summary counts" jqtrue "$work/summary.json" '.servers == 4 and .critical == 1 and .warning == 0 and .clean == 3'
# /metrics in the Prometheus text format: every line parses.
curl -sS -D "$work/mh" "$base/metrics" -o "$work/metrics.txt"
expect "metrics served as Prometheus text 0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$work/mh"
expect "every metrics line is a HELP, a TYPE or a sample" awk '
	/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/ { next }
	/^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/ { next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+]+$/ { next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*\{le="\+Inf"\} [0-9]+$/ { next }
	{ print "bad metrics line: " $0; bad = 1 }
	END { exit bad }' "$work/metrics.txt"
metric() { awk -v k="$1" '$1 == k { print $2 }' "$work/metrics.txt"; }
expect "metrics: four reports accepted, latency observed" \
	bash -c "[ '$(metric 'bindscope_reports_total{result="accepted"}')' -ge 4 ] && [ '$(metric bindscope_ingest_latency_seconds_count)' -ge 4 ]"
expect "metrics: servers by status and findings by rule" \
	bash -c "[ '$(metric 'bindscope_servers{status="critical"}')' = 1 ] && [ '$(metric 'bindscope_findings{rule="BACKEND_CERT_NAME_MISMATCH",severity="critical"}')' = 1 ]"
expect "metrics: each agent's sweep CPU and peak memory" \
	bash -c "[ \$(grep -c '^bindscope_agent_peak_memory_bytes{server=\"mbx0[1-4].corp.example\"} [1-9]' '$work/metrics.txt') = 4 ] && grep -q '^bindscope_agent_sweep_cpu_seconds{server=\"mbx01.corp.example\"} ' '$work/metrics.txt'"
expect "metrics: report age and spool backlog per server, database size" \
	bash -c "[ \$(grep -c '^bindscope_server_last_report_age_seconds{server=' '$work/metrics.txt') = 4 ] && [ '$(metric 'bindscope_agent_spooled_reports{server="mbx01.corp.example"}')' = 0 ] && [ '$(metric bindscope_database_bytes)' -gt 0 ]"
expect "unknown path is 404" [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/../../etc/passwd")" = 404 ]
expect "encoded traversal is 404" [ "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$base/%2e%2e/%2e%2e/etc/passwd")" = 404 ]
expect "unknown server is 404" [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/servers/nosuch.example")" = 404 ]
expect "POST is 405" [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$base/api/summary")" = 405 ]

# Personal data from the logs never leaves the server by default.
curl -sS "$base/api/servers/mbx01.corp.example" -o "$work/mbx01.json"
expect "the agent's footprint is shown: CPU per sweep, peak memory, not cut short" jqtrue "$work/mbx01.json" \
	'(.agent.sweep_cpu_ms >= 0) and (.agent.peak_memory_mib > 1) and (.agent.peak_memory_mib < 64) and .agent.cut_short == false'
expect "log samples reached the collector" jqtrue "$work/mbx01.json" \
	'([.report.log_samples[] | select(.kind == "LOG_HTTPPROXY")] | length) == 3 and ([.report.log_samples[].lines_read] | add) == 960'
expect "no user name or client IP in the stored report" \
	bash -c "! grep -Eq 'user[0-9]{3}|10\\.1\\.[0-9]+\\.[0-9]+' '$work/mbx01.json'"
expect "examples carry pseudonyms instead" grep -q ',h:[0-9a-f]\{12\},' "$work/mbx01.json"

# Garbage on the report port is refused and the collector keeps serving.
printf 'this is not nng' | timeout 2 bash -c "cat > /dev/tcp/127.0.0.1/$nng_port" 2>/dev/null || true
expect "agent sweep after garbage still acknowledged" "$agent" run --config "$work/agent-mbx01.conf" --once

# The second sweep read only what was new (nothing); a new line is read once.
api_until "$work/mbx01-2.json" "$base/api/servers/mbx01.corp.example" ".report.agent.boot_id != $(jq .report.agent.boot_id "$work/mbx01.json")"
expect "second sweep reads no old log lines" jqtrue "$work/mbx01-2.json" \
	'([.report.log_samples[].lines_read // 0] | add) == 0 and .report.agent.sequence == 1'
owa=$(ls "$work/fleet/mbx01/Program Files/Microsoft/Exchange Server/V15/Logging/HttpProxy/Owa/"*.LOG)
printf '%s,ffff,15,2,1544,4,,Owa,mail.corp.example,/owa/,,Negotiate,True,CORP\\late,,,Mozilla/5.0,10.9.9.9,MBX01,503,,ConnectFailure,POST,Proxy,mbx04.corp.example,,,,,,0,0,0,0,,0,0,,0,,0,,0,0,,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,5,5,0,12,0,,,,,,,,0,\r\n' \
	"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" >>"$owa"
"$agent" run --config "$work/agent-mbx01.conf" --once 2>/dev/null
api_until "$work/mbx01-3.json" "$base/api/servers/mbx01.corp.example" ".report.agent.boot_id != $(jq .report.agent.boot_id "$work/mbx01-2.json")"
expect "third sweep reads exactly the appended line" jqtrue "$work/mbx01-3.json" \
	'([.report.log_samples[].lines_read // 0] | add) == 1 and ([.report.log_samples[] | select(.name == "Owa") | .statuses[0] | [.http_status, .error_code, .count]] == [[503, "ConnectFailure", 1]])'

# A log file that shrank (rewritten) is read again from its start.
{ sed -n '1,6p' "$owa"; sed -n '7,8p' "$owa"; } >"$work/owa.new" && cat "$work/owa.new" >"$owa" # in place: same inode, smaller
"$agent" run --config "$work/agent-mbx01.conf" --once 2>/dev/null
api_until "$work/mbx01-4.json" "$base/api/servers/mbx01.corp.example" ".report.agent.boot_id != $(jq .report.agent.boot_id "$work/mbx01-3.json")"
expect "a truncated log is read from its start" jqtrue "$work/mbx01-4.json" \
	'[.report.log_samples[] | select(.name == "Owa") | .lines_read] == [2]'

# Offline audit: collect --out, import into another database.
"$agent" collect --root "$work/fleet/mbx04" --out "$work/mbx04.pb" 2>"$work/collect.err"
expect "collect --out on a clean root reports no collection errors" [ ! -s "$work/collect.err" ]
"$collector" import --db "$work/offline.db" "$work/mbx04.pb" >/dev/null
"$collector" report --db "$work/offline.db" --format json --out "$work/offline.json"
expect "imported report is marked offline evidence" jqtrue "$work/offline.json" \
	'.servers[0].provenance == "offline evidence, unsigned" and .servers[0].fqdn == "mbx04.corp.example"'
set +e
"$agent" collect --root "$work/empty-root-does-not-exist" --json >/dev/null 2>"$work/empty.err"; rc=$?
set -e
expect "collect on a missing root exits 1 with a named error" \
	bash -c "[ $rc = 1 ] && grep -q 'empty-root-does-not-exist' '$work/empty.err'"

# Restart: SIGTERM stops cleanly, everything committed is still there.
stop_collector
expect "collector stopped cleanly on SIGTERM" grep -q "event=stopped clean=1" "$work/collector.log"
start_collector "$work/collector.conf" event=dashboard
expect "agent sweep after restart acknowledged" "$agent" run --config "$work/agent-mbx02.conf" --once
"$collector" report --db "$work/bs.db" --format json --out "$work/after.json"
expect "all four servers survive the restart" jqtrue "$work/after.json" '.servers | length == 4'
expect "database holds every acknowledged report" \
	[ "$(sqlite3 "$work/bs.db" 'select count(*) from reports')" = 8 ]

stop_collector
# Under the sanitizer build, the collector reports leaks and errors at exit.
expect "collector log free of sanitizer reports" \
	bash -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' '$work/collector.log'"

e2e_done
