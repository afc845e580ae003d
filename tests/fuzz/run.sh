#!/usr/bin/env bash
# Runs each libFuzzer harness for a bounded time, seeded from the test
# fixtures. A crash, leak or timeout fails the run and leaves the input
# in the corpus folder.
#   tests/fuzz/run.sh FUZZ_BUILD_DIR SECONDS
set -euo pipefail

bin=$1
secs=$2
src=$(cd "$(dirname "$0")" && pwd)
fx="$src/../fixtures"

declare -A seeds=(
	[reg_file]="$fx/reg"
	[iis_config]="$fx/iis"
	[netsh]="$fx/netsh"
	[cert]="$fx/certs"
	[logs]="$fx/logs"
	[http]="$fx/http"
	[dashboard]="$fx/dashboard"
	[report]="$fx/reports"
	[zip_path]="$fx/zip_names"
	[zip]="$fx/zip"
	[handshake]="$fx/handshake"
	[listen_url]="$fx/listen_urls"
)
for h in reg_file iis_config netsh cert logs report http dashboard zip_path zip handshake listen_url; do
	corpus="$bin/corpus-$h"
	mkdir -p "$corpus"
	echo "fuzz_$h: ${secs}s"
	seed=${seeds[$h]}
	[ -d "$seed" ] || seed=""
	"$bin/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=0 -artifact_prefix="$bin/crash-$h-" \
		"$corpus" $seed 2>"$bin/fuzz_$h.log" || {
		tail -40 "$bin/fuzz_$h.log"
		echo "fuzz_$h FAILED (input saved under $bin/crash-$h-*)"
		exit 1
	}
	grep -E "^#[0-9]+.*(DONE|pulse)" "$bin/fuzz_$h.log" | tail -1 || true
done
echo "fuzzers: no crash"
