#!/usr/bin/env bash
# Fault: the collector's database. A file with damaged pages: `serve`
# refuses it (naming the backup command) instead of acknowledging reports
# into it, and `check-db` reports it. A full file system under the
# database (RLIMIT_FSIZE, `ulimit -f`): the collector refuses reports it
# cannot commit, and every report an agent saw acknowledged is stored.
#   tests/fault/store_fault.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../e2e/lib.sh"
e2e_init store-fault "$1"
port=18110

"$top/deploy/gen-example-fleet.sh" "$work/fleet" >/dev/null
"$collector" import --db "$work/good.db" "$work"/fleet/mbx0* >/dev/null 2>&1
conf() { # FILE DB
	printf '[collector]\nlisten = tcp://127.0.0.1:%s\ndb = %s\nlog_level = info\n[http]\nport = 0\n' \
		"$port" "$2" >"$1"
}

# Damaged pages: two pages in the middle of the file overwritten.
cp "$work/good.db" "$work/bad.db"
dd if=/dev/urandom of="$work/bad.db" bs=4096 seek=2 count=2 conv=notrunc 2>/dev/null
conf "$work/bad.conf" "$work/bad.db"
set +e
timeout 10 "$collector" serve --config "$work/bad.conf" >"$work/bad.out" 2>&1
rc=$?
"$collector" check-db --db "$work/bad.db" >"$work/check-bad.out" 2>&1
rc_bad=$?
"$collector" check-db --db "$work/good.db" >"$work/check-good.out" 2>&1
rc_good=$?
set -e
expect "serve refuses a damaged database (exit 2, not left serving)" [ "$rc" = 2 ]
expect "and says so, naming the backup command" \
	grep -q "database .*bad.db is damaged (quick_check: Page .*bindscope-collector backup --db" "$work/bad.out"
expect "check-db reports the damage (exit 1) and names the backup command" \
	bash -c "[ $rc_bad = 1 ] && grep -q 'bad.db: damaged: Page' '$work/check-bad.out' && grep -q 'backup --db' '$work/check-bad.out'"
expect "check-db passes a sound database (exit 0)" \
	bash -c "[ $rc_good = 0 ] && grep -q 'good.db: ok' '$work/check-good.out'"
echo "figure: damaged database: serve exit $rc, check-db exit $rc_bad"

# A full file system: the collector may write at most 512 KiB per file.
conf "$work/full.conf" "$work/full.db"
for s in mbx01 mbx02 mbx03 mbx04; do
	printf '[agent]\nroot = %s\ncollector = tcp://127.0.0.1:%s\nstate_dir = %s\nsend_timeout = 2s\nlog_level = debug\n' \
		"$work/fleet/$s" "$port" "$work/state-$s" >"$work/agent-$s.conf"
done
start_limited() { # KIB
	: >>"$work/collector.log"
	local from
	from=$(wc -l <"$work/collector.log")
	bash -c "ulimit -f $1; exec '$collector' serve --config '$work/full.conf'" >>"$work/collector.log" 2>&1 &
	pid=$!
	until_ok 5 collector_ready event=listening "$work/collector.log" "$from"
}
burst() { # ROUNDS
	for _ in $(seq "$1"); do
		for s in mbx01 mbx02 mbx03 mbx04; do
			"$agent" run --config "$work/agent-$s.conf" --once 2>>"$work/agents.log" || true
		done
	done
}
start_limited 512
rounds=${BINDSCOPE_FAULT_SOAK:+60}
burst "${rounds:-4}"
alive=0
kill -0 "$pid" 2>/dev/null && alive=1
stop_collector
refused=$(grep -c 'event=send_failed\|event=report_refused' "$work/agents.log" || true)
expect "the collector stayed up under the file-size limit" [ "$alive" = 1 ]
expect "reports it could not commit were not acknowledged ($refused sends failed)" [ "$refused" -gt 0 ]
expect "the collector logged the failed commits" grep -q 'store' "$work/collector.log"
# Room again: the agents' spools drain into the same database.
start_limited unlimited
burst 1
stop_collector
grep -o 'event=report_acked file=[0-9]*-[0-9a-f]*-[0-9]*' "$work/agents.log" |
	sed 's/.*file=[0-9]*-\([0-9a-f]*\)-0*\([0-9]*\)$/\1 \2/' | sort -u >"$work/acked.txt"
sqlite3 "$work/full.db" "select boot_id || ' ' || sequence from reports" | sort -u >"$work/stored.txt"
lost=$(comm -23 "$work/acked.txt" "$work/stored.txt" | wc -l)
expect "every acknowledged report is stored ($(wc -l <"$work/acked.txt") acknowledged, $lost lost)" \
	bash -c "[ -s '$work/acked.txt' ] && [ $lost = 0 ]"
expect "the database is sound afterwards" "$collector" check-db --db "$work/full.db"
echo "figure: full file system: sends refused: $refused"
echo "figure: full file system: acknowledged reports lost: $lost"

e2e_done
