#!/usr/bin/env bash
# Installs the Debian 12 packages bindscope needs to build, run and test.
#   deploy/setup-deps.sh            build and run (deploy/demo.sh)
#   deploy/setup-deps.sh --test     also every tool the tests, lint, fuzzers
#                                   and benchmarks call (deploy/test.sh)
#   deploy/setup-deps.sh --windows  the Windows cross build (deploy/windows/)
# Flags combine. Run as root. Does nothing when everything is installed.
#
# A fresh Debian 12 minbase has little beyond coreutils, util-linux
# (taskset), findutils, grep, sed, mawk, gzip, tar, diffutils, libc-bin
# (iconv), bash and dpkg/apt; everything else a script calls is listed
# below with who calls it, so that nothing works only because a developer
# machine happens to have it.
set -euo pipefail

# The build and the demo.
base=(
	build-essential cmake pkg-config # the build
	protobuf-c-compiler              # protoc-c, run by the build
	libssl-dev libprotobuf-c-dev libnng-dev libexpat1-dev libsqlite3-dev
	libjansson-dev libmicrohttpd-dev libinih-dev libarchive-dev zlib1g-dev
	openssl # deploy/gen-example-fleet.sh makes the example certificates
	curl
)
# deploy/test.sh and what it runs.
test=(
	libcmocka-dev                         # unit tests
	clang libclang-rt-14-dev              # the ASan/UBSan suite and the libFuzzer harnesses
	clang-format clang-tidy git           # tests/lint.sh (git lists the tracked sources)
	jq sqlite3 curl openssl procps        # end-to-end tests (jq, sqlite3, curl, s_server, pgrep)
	dpkg-dev file                         # e2e.package: cpack's Debian generator (dpkg-shlibdeps, file)
	man-db systemd                        # e2e.package: man -l, systemd-analyze verify
	chromium ca-certificates              # tests/browser: Chromium; npm ci over https
	bc                                    # tests/bench/*.sh
)
# deploy/windows/build.sh, build-deps.sh and the tests under Wine.
windows=(
	gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools # the cross toolchain
	cmake make perl curl # build-deps.sh: the dependencies' builds (OpenSSL's Configure is perl), fetches
	wine64 wixl msitools # the tests under Wine, the .msi
)

pkgs=("${base[@]}")
for a in "$@"; do
	case $a in
	--test)
		pkgs+=("${test[@]}")
		# The browser tests run on Node.js; use the machine's own when it has one.
		command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
		;;
	--windows) pkgs+=("${windows[@]}") ;;
	*)
		echo "usage: $0 [--test] [--windows]" >&2
		exit 2
		;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
# Listed once each, in order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages: ${missing[*]}; run as root (sudo $0 $*)" >&2
	exit 2
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
