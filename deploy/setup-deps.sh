#!/usr/bin/env bash
# Installs the Debian 12 packages bindscope needs to build, run and test.
#   deploy/setup-deps.sh          build and run
#   deploy/setup-deps.sh --test   also the test tools (cmocka, clang/libFuzzer, jq, curl)
#   deploy/setup-deps.sh --windows  the mingw-w64 cross toolchain, Wine, wixl (deploy/windows/)
# Flags combine: --test --windows.
# Run as root. Does nothing when everything is already installed.
set -euo pipefail

pkgs=(build-essential cmake pkg-config openssl
	libssl-dev libprotobuf-c-dev protobuf-c-compiler libnng-dev libexpat1-dev
	libsqlite3-dev libjansson-dev libmicrohttpd-dev libinih-dev libarchive-dev curl)
args=" $* "
if [[ $args == *" --test "* ]]; then
	pkgs+=(libcmocka-dev clang libclang-rt-14-dev clang-format clang-tidy jq sqlite3 procps
		chromium
		dpkg-dev man-db systemd) # the package test: cpack's dependency scan, man, systemd-analyze
	# The browser tests run on Node.js; use the machine's own when it has one.
	command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
if [[ $args == *" --windows "* ]]; then
	pkgs+=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-tools perl make curl
		wine64 wixl msitools) # cross build, the .msi, the tests under Wine
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages: ${missing[*]}; run as root (sudo $0 $*)" >&2
	exit 2
fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
