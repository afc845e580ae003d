#!/usr/bin/env bash
# Cross-builds the Windows agent's dependencies, statically, with the
# mingw-w64 toolchain, from the upstream (orig) tarballs of Debian 12's own
# source packages, fetched from the Debian archive pool and checked against
# the SHA-256 pinned below. The result is cached outside the source tree,
# in BS_WIN_DEPS (default ~/.cache/bindscope-win64), under a key made of the
# pinned hashes and this script's build recipe: a second run reuses it, a
# changed pin builds anew.
#   deploy/windows/build-deps.sh          # prints the prefix when done
# Needs: gcc-mingw-w64-x86-64, cmake, make, perl, curl (deploy/setup-deps.sh --windows).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps=${BS_WIN_DEPS:-$HOME/.cache/bindscope-win64}
mirror=${BS_DEBIAN_MIRROR:-http://deb.debian.org}
jobs=$(nproc)
tc="$here/mingw64.cmake"

# One line per dependency: name, then candidates "pool-path sha256", tried in
# order. The security pool drops a version once it is superseded, so each
# dependency served from there also names the bookworm point-release copy.
# libinih 55 (what bookworm's libinih-dev is) is no longer in the pool;
# 59 and 61 are, with the same ini.c/ini.h interface.
pins=(
	"mbedtls debian/pool/main/m/mbedtls/mbedtls_2.28.3.orig.tar.gz 3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d"
	"nng debian/pool/main/n/nng/nng_1.5.2.orig.tar.gz f8b25ab86738864b1f2e3128e8badab581510fa8085ff5ca9bb980d317334c46"
	"protobuf-c debian/pool/main/p/protobuf-c/protobuf-c_1.4.1.orig.tar.gz 4cc4facd508172f3e0a4d3a8736225d472418aee35b4ad053384b137b220339f"
	"expat debian/pool/main/e/expat/expat_2.5.0.orig.tar.gz ab00ee05c7067fd10a35c5d2a4922ebba746ddd50ff83b79c828da17bbdf1757"
	"jansson debian/pool/main/j/jansson/jansson_2.14.orig.tar.gz c739578bf6b764aa0752db9a2fdadcfe921c78f1228c7ec0bb47fa804c55d17b"
	"libinih debian/pool/main/libi/libinih/libinih_61.orig.tar.gz 7caf26a2202a4ca689df3fe4175dfa74e0faa18fcca07331bba934fd0ecb8f12 debian/pool/main/libi/libinih/libinih_59.orig.tar.gz 062279922805f5e9a369551a08d5ddb506140fe50774183ffdbb7c22bb97e3f4"
	"openssl debian-security/pool/updates/main/o/openssl/openssl_3.0.22.orig.tar.gz 67ebca7e50d17383028045486653492195b83db95f8558709701bb47b5c1ef81 debian/pool/main/o/openssl/openssl_3.0.17.orig.tar.gz dfdd77e4ea1b57ff3a6dbde6b0bdc3f31db5ac99e7fdd4eaf9e1fbb6ec2db8ce"
)

# The cache key: the pins and the recipe's version. Bump the version when
# a build option below changes what is built.
recipe=1
key=$(printf '%s\n' "recipe $recipe" "${pins[@]}" | sha256sum | cut -c1-16)
prefix="$deps/prefix-$key"
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi
for t in x86_64-w64-mingw32-gcc cmake make perl curl sha256sum; do
	command -v "$t" >/dev/null || { echo "build-deps: $t is missing (run deploy/setup-deps.sh --windows)" >&2; exit 2; }
done
dl="$deps/dl"
work="$deps/work-$key"
rm -rf "$work" "$prefix"
mkdir -p "$dl" "$work/src" "$prefix"

# fetch NAME: downloads (or reuses) the first candidate whose hash matches,
# unpacks it and records the source folder in src_NAME.
fetch() {
	local name=$1 line p h f got tried=""
	for line in "${pins[@]}"; do
		set -- $line
		[ "$1" = "$name" ] || continue
		shift
		while [ $# -ge 2 ]; do
			p=$1 h=$2; shift 2
			f="$dl/${p##*/}"
			if [ ! -f "$f" ] || [ "$(sha256sum "$f" | cut -d' ' -f1)" != "$h" ]; then
				rm -f "$f"
				curl -fsS --retry 3 -o "$f.part" "$mirror/$p" 2>/dev/null && mv "$f.part" "$f" || rm -f "$f.part"
			fi
			got=$([ -f "$f" ] && sha256sum "$f" | cut -d' ' -f1 || echo none)
			if [ "$got" = "$h" ]; then
				mkdir -p "$work/src/$name"
				tar -xf "$f" -C "$work/src/$name" --strip-components=1
				return 0
			fi
			[ "$got" = none ] && tried+=" $mirror/$p: not served;" || tried+=" $mirror/$p: SHA-256 $got, pinned $h;"
			rm -f "$f"
		done
	done
	echo "build-deps: no pinned source for $name:$tried" >&2
	exit 3
}
for line in "${pins[@]}"; do fetch "${line%% *}"; done

# Each step's output goes to its log; a failing step shows the end of it.
step() { # NAME COMMAND...
	local name=$1; shift
	"$@" >>"$work/$name.log" 2>&1 || {
		echo "build-deps: building $name failed; the end of $work/$name.log:" >&2
		tail -30 "$work/$name.log" >&2
		exit 4
	}
}
cmake_dep() { # NAME SRC-DIR ARGS...
	local name=$1 d=$2; shift 2
	echo "building $name" >&2
	step "$name" cmake -S "$d" -B "$work/build/$name" -DCMAKE_TOOLCHAIN_FILE="$tc" -DBS_WIN_DEPS="$prefix" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF "$@"
	step "$name" cmake --build "$work/build/$name" -j"$jobs"
	step "$name" cmake --install "$work/build/$name"
}
s="$work/src"
cmake_dep mbedtls "$s/mbedtls" -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF \
	-DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DMBEDTLS_FATAL_WARNINGS=OFF
cmake_dep nng "$s/nng" -DNNG_ENABLE_TLS=ON -DNNG_TESTS=OFF -DNNG_TOOLS=OFF \
	-DNNG_ENABLE_NNGCAT=OFF -DMBEDTLS_ROOT_DIR="$prefix"
# expat's orig tarball is upstream's repository: the library is in expat/.
cmake_dep expat "$s/expat/expat" -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF \
	-DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF
cmake_dep jansson "$s/jansson" -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
	-DJANSSON_EXAMPLES=OFF
# protobuf-c: the runtime only (the generator runs on the build machine).
echo "building protobuf-c runtime" >&2
mkdir -p "$prefix/include/protobuf-c" "$prefix/lib" "$work/build/protobuf-c"
cp "$s/protobuf-c/protobuf-c/protobuf-c.h" "$prefix/include/protobuf-c/"
x86_64-w64-mingw32-gcc -O2 -c "$s/protobuf-c/protobuf-c/protobuf-c.c" -I"$s/protobuf-c" \
	-o "$work/build/protobuf-c/protobuf-c.o"
x86_64-w64-mingw32-ar rcs "$prefix/lib/libprotobuf-c.a" "$work/build/protobuf-c/protobuf-c.o"
# inih: one file, with its default options (as Debian's libinih-dev).
echo "building inih" >&2
mkdir -p "$work/build/inih"
cp "$s/libinih/ini.h" "$prefix/include/"
x86_64-w64-mingw32-gcc -O2 -c "$s/libinih/ini.c" -o "$work/build/inih/ini.o"
x86_64-w64-mingw32-ar rcs "$prefix/lib/libinih.a" "$work/build/inih/ini.o"
echo "building openssl (a few minutes)" >&2
cd "$s/openssl"
step openssl ./Configure mingw64 --cross-compile-prefix=x86_64-w64-mingw32- no-shared no-tests \
	--prefix="$prefix" --libdir=lib
step openssl make -j"$jobs" build_libs
step openssl make install_dev
cd "$here"
rm -rf "$work"
touch "$prefix/.complete"
echo "$prefix"
