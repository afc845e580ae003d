#!/usr/bin/env bash
# Builds the Windows agent on Debian 12: installs the cross toolchain,
# cross-builds the dependencies (cached, deploy/windows/build-deps.sh), the
# statically linked bindscope-agent.exe and the bindscope-agent.msi. The
# last two lines printed are the paths of the .exe and the .msi.
#   deploy/windows/build.sh [BUILD_DIR]      (default build-win64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build-win64}
"$top/deploy/setup-deps.sh" --windows
prefix=$("$here/build-deps.sh")
cmake -S "$top" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$here/mingw64.cmake" -DBS_WIN_DEPS="$prefix" \
	-DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
exe="$out/agent/bindscope-agent.exe"
msi="$out/deploy/windows/bindscope-agent.msi"
[ -f "$exe" ] || { echo "build.sh: $exe was not built" >&2; exit 1; }
[ -f "$msi" ] || { echo "build.sh: $msi was not built (wixl and msibuild come from msitools: deploy/setup-deps.sh --windows)" >&2; exit 1; }
echo "$exe"
echo "$msi"
