#!/usr/bin/env bash
# Fleet analysis benchmark (prints figures; not a pass/fail test): stores
# generated fleets of 1,000, 10,000 and 100,000 servers, then times every
# rule plus the JSON report. Goal: under 1 s at 10,000, linear in size.
#   tests/bench/rules.sh BUILD_DIR [N...]
set -euo pipefail
build=$(cd "$1" && pwd)
shift
work=$(mktemp -d /tmp/bs-rules-XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then set -- 1000 10000 100000; fi
"$build/tests/rules_bench" "$work" "$@" 2> >(grep -v 'event=db_migrated' >&2)
