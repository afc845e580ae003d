#!/usr/bin/env bash
# Log-scan benchmark (prints figures; not a pass/fail test): one HttpProxy
# log of SIZE_MIB (default 1024) in the page cache, scanned on one core by
# `wc -l`, by mawk counting (HttpStatus, BackEndStatus) pairs, and by
# bindscope's scanner; ratios printed.
#   tests/bench/logscan.sh BUILD_DIR [SIZE_MIB]
set -euo pipefail
for t in bc taskset mawk; do command -v "$t" >/dev/null || { echo "logscan: $t is missing (deploy/setup-deps.sh --test installs it)" >&2; exit 2; }; done
build=$(cd "$1" && pwd)
mib=${2:-1024}
here=$(cd "$(dirname "$0")" && pwd)
log="$build/bench-httpproxy-${mib}.LOG"
[ -f "$log" ] || "$here/gen_httpproxy.sh" "$log" "$mib"
cat "$log" >/dev/null # page cache
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
echo "file: $log ($(du -m "$log" | cut -f1) MiB)"
wc_s=$(t taskset -c 0 wc -l "$log")
awk_s=$(t taskset -c 0 mawk -F, '!/^#/ { c[$20 "," $21]++ } END { for (k in c) print k, c[k] }' "$log")
bs_s=$(t taskset -c 0 "$build/tests/logscan_bench" "$log")
taskset -c 0 "$build/tests/logscan_bench" "$log"
printf 'wc -l: %.3f s   mawk: %.3f s   bindscope: %.3f s\n' "$wc_s" "$awk_s" "$bs_s"
printf 'bindscope / wc -l = %.2fx (goal <= 2)   mawk / bindscope = %.2fx (goal >= 5)\n' \
	"$(echo "$bs_s / $wc_s" | bc -l)" "$(echo "$awk_s / $bs_s" | bc -l)"
