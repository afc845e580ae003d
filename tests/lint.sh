#!/usr/bin/env bash
# Keeps the tree clean under .clang-format and .clang-tidy.
#   tests/lint.sh BUILD_DIR   (a configured build with compile_commands.json)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
cd "$top"
fail=0
for f in $(git ls-files '*.c' '*.h'); do
	clang-format --dry-run --Werror "$f" 2>/dev/null || { echo "not clang-format clean: $f"; fail=1; }
done
# Sources only (tests use cmocka's macros, which trip the analyzer).
if ! git ls-files '*.c' | grep -v '^tests/' | xargs -P"$(nproc)" -n4 \
	clang-tidy -p "$build" --quiet 2>/dev/null | grep -E "(warning|error):"; then
	:
else
	fail=1
fi
# The collector's rooms: the SQL stays in store/, and each room includes
# only the rooms below it (arrows point one way: no circles).
for f in $(git ls-files 'collector/*.c' 'collector/*.h' | grep -v '^collector/store/'); do
	if grep -q '#include <sqlite3.h>' "$f"; then echo "sqlite3.h outside collector/store/: $f"; fail=1; fi
done
declare -A may
while read -r room below; do may[$room]="$room $below"; done <<'ROOMS'
store
analysis store/rows.h
ingest store
output analysis store ingest/server.h
upkeep output analysis store
http upkeep output ingest analysis store
cli http upkeep output ingest analysis store
ROOMS
for f in $(git ls-files 'collector/*/*.c' 'collector/*/*.h' 'collector/*/*/*.c' 'collector/*/*/*.h'); do
	room=${f#collector/}
	room=${room%%/*}
	for inc in $(sed -n 's|^#include "\([a-z_]*/[a-z_/]*\.h\)".*|\1|p' "$f"); do
		ok=0
		for m in ${may[$room]:-}; do
			case $inc in "$m" | "$m"/*) ok=1 ;; esac
		done
		[ $ok -eq 1 ] || { echo "$f: includes $inc, above or beside its room ($room)"; fail=1; }
	done
done
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
