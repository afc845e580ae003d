#!/usr/bin/env bash
# Keeps the tree clean under .clang-format and .clang-tidy.
#   tests/lint.sh BUILD_DIR [WIN_BUILD_DIR]
# BUILD_DIR is a configured Linux build with compile_commands.json; the
# Windows variants (*_win32.c) are checked against the
# Windows build's, as mingw-w64 targets, when WIN_BUILD_DIR is given.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
winbuild=${2:-}
cd "$top"
for t in git clang-format clang-tidy; do
	command -v "$t" >/dev/null || { echo "lint: $t is missing (deploy/setup-deps.sh --test installs it)" >&2; exit 2; }
done
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "lint: $top is not a git checkout: the tracked sources cannot be listed" >&2; exit 2; }
fail=0
for f in $(git ls-files '*.c' '*.h'); do
	clang-format --dry-run --Werror "$f" 2>/dev/null || { echo "not clang-format clean: $f"; fail=1; }
done
# clang-tidy's findings are read from its output: its exit status also
# reports files it could not analyse.
tidy() { # BUILD_DIR EXTRA-ARGS... < files
	xargs -P"$(nproc)" -n4 clang-tidy -p "$1" --quiet "${@:2}" 2>/dev/null | grep -E "(warning|error):" || true
}
# Sources only (tests use cmocka's macros, which trip the analyzer).
out=$(git ls-files '*.c' | grep -v '^tests/' | grep -v '_win32\.c$' | tidy "$build")
if [ -n "$winbuild" ]; then
	out+=$(git ls-files '*_win32.c' |
		tidy "$winbuild" --extra-arg=--target=x86_64-w64-mingw32)
else
	echo "lint: no Windows build given: *_win32.c not analysed"
fi
if [ -n "$out" ]; then
	echo "$out"
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
