#!/usr/bin/env bash
# Builds and runs every test: unit and end-to-end tests with
# -Wall -Wextra -Werror, the same suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer, then each libFuzzer harness for a bounded
# time. Installs what it needs first (as root on a fresh Debian 12).
#   deploy/test.sh
# BINDSCOPE_FUZZ_SECONDS (default 20) bounds each fuzzer's run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
fuzz_seconds=${BINDSCOPE_FUZZ_SECONDS:-20}

"$top/deploy/setup-deps.sh" --test --windows

echo "== Windows agent (mingw-w64, -Werror; dependencies cached in ~/.cache/bindscope-win64)"
"$top/deploy/windows/build.sh" "$top/build-win64" | tail -2

echo "== build and test (-Werror, optimised: GCC warns more at -O2; the Windows agent under Wine)"
cmake -S "$top" -B "$top/build-test" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBS_WERROR=ON \
	-DBS_WIN_BUILD="$top/build-win64" >/dev/null
cmake --build "$top/build-test" -j"$jobs"
ctest --test-dir "$top/build-test" --output-on-failure -j"$jobs"

echo "== lint (.clang-format, .clang-tidy)"
"$top/tests/lint.sh" "$top/build-test" "$top/build-win64"

echo "== build and test under ASan + UBSan"
cmake -S "$top" -B "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug -DBS_SANITIZE=ON \
	-DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$top/build-asan" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir "$top/build-asan" --output-on-failure -j"$jobs"

echo "== fuzz (${fuzz_seconds}s per harness)"
cmake -S "$top" -B "$top/build-fuzz" -DCMAKE_BUILD_TYPE=Debug -DBS_FUZZ=ON -DBS_TESTS=ON \
	-DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$top/build-fuzz" -j"$jobs" --target fuzzers
"$top/tests/fuzz/run.sh" "$top/build-fuzz/tests/fuzz" "$fuzz_seconds"
echo "== all tests passed"
# Reached only when every stage passed (set -e): the -Werror suite, the
# lint, the sanitizer suite and the fuzzers.
echo "stages: 4 passed, 0 failed"
