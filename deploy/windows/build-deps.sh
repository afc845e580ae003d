#!/usr/bin/env bash
# Cross-builds the Windows agent's dependencies, statically, from Debian's
# own source packages (the versions the Linux build uses), with the
# mingw-w64 toolchain. The result is cached outside the source tree, in
# BS_WIN_DEPS (default ~/.cache/bindscope-win64); a second run reuses it.
#   deploy/windows/build-deps.sh          # prints the prefix when done
# Needs: gcc-mingw-w64-x86-64, cmake, make, perl, a deb-src entry (added
# for the run, for the suite the machine uses).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps=${BS_WIN_DEPS:-$HOME/.cache/bindscope-win64}
src="$deps/src"
prefix="$deps/prefix"
jobs=$(nproc)
tc="$here/mingw64.cmake"
mkdir -p "$src" "$prefix"
if [ -f "$prefix/.complete" ]; then echo "$prefix"; exit 0; fi

# The unpacked source of a package (upstream tarballs may name it
# differently: libexpat-R_2_5_0).
dir() { find "$src" -mindepth 1 -maxdepth 1 -type d -name "*$1*" | sort | head -1; }

# Debian's source packages, for the suite this machine runs. Where a
# mirror serves only the upstream tarball (security updates are sometimes
# missing their Debian parts), the upstream source is used as is.
pkgs="nng mbedtls protobuf-c openssl expat jansson libinih"
list=/etc/apt/sources.list.d/bindscope-src.sources
if [ ! -f "$list" ]; then
	sed -n '/^Types: deb$/,/^$/p' /etc/apt/sources.list.d/debian.sources |
		sed 's/^Types: deb$/Types: deb-src/' >"$list"
	trap 'rm -f "$list"; apt-get update -qq || true' EXIT
fi
apt-get update -qq
for p in $pkgs; do
	[ -n "$(dir "$p")" ] && continue
	(cd "$src" && apt-get source -qq "$p" >/dev/null 2>&1) ||
		(cd "$src" && apt-get source -qq --download-only "$p" >/dev/null 2>&1) || true
	if [ -z "$(dir "$p")" ]; then
		orig=$(ls "$src/${p}_"*.orig.tar.* 2>/dev/null | head -1 || true)
		if [ -z "$orig" ]; then
			echo "build-deps: the Debian mirror serves no source for $p" >&2
			exit 3
		fi
		tar -xf "$orig" -C "$src"
	fi
done
cmake_dep() { # NAME SRC-DIR ARGS...
	local name=$1 d=$2; shift 2
	cmake -S "$d" -B "$deps/build/$name" -DCMAKE_TOOLCHAIN_FILE="$tc" -DBS_WIN_DEPS="$prefix" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF "$@" >/dev/null
	cmake --build "$deps/build/$name" -j"$jobs" >/dev/null
	cmake --install "$deps/build/$name" >/dev/null
}

echo "building mbedtls" >&2
cmake_dep mbedtls "$(dir mbedtls)" -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF \
	-DUSE_STATIC_MBEDTLS_LIBRARY=ON -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DMBEDTLS_FATAL_WARNINGS=OFF
echo "building nng" >&2
cmake_dep nng "$(dir nng)" -DNNG_ENABLE_TLS=ON -DNNG_TESTS=OFF -DNNG_TOOLS=OFF \
	-DNNG_ENABLE_NNGCAT=OFF -DMBEDTLS_ROOT_DIR="$prefix"
echo "building expat" >&2
cmake_dep expat "$(dir expat)/expat" -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF \
	-DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF
echo "building jansson" >&2
cmake_dep jansson "$(dir jansson)" -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
	-DJANSSON_EXAMPLES=OFF
# protobuf-c: the runtime only (the generator runs on the build machine).
echo "building protobuf-c runtime" >&2
pc=$(dir protobuf-c)
mkdir -p "$prefix/include/protobuf-c" "$deps/build/protobuf-c"
cp "$pc/protobuf-c/protobuf-c.h" "$prefix/include/protobuf-c/"
x86_64-w64-mingw32-gcc -O2 -c "$pc/protobuf-c/protobuf-c.c" -I"$pc" -o "$deps/build/protobuf-c/protobuf-c.o"
x86_64-w64-mingw32-ar rcs "$prefix/lib/libprotobuf-c.a" "$deps/build/protobuf-c/protobuf-c.o"
# inih: one file.
echo "building inih" >&2
ih=$(dir libinih)
mkdir -p "$deps/build/inih"
cp "$ih/ini.h" "$prefix/include/"
x86_64-w64-mingw32-gcc -O2 -c "$ih/ini.c" -o "$deps/build/inih/ini.o"
x86_64-w64-mingw32-ar rcs "$prefix/lib/libinih.a" "$deps/build/inih/ini.o"
echo "building openssl (a few minutes)" >&2
os=$(dir openssl)
(cd "$os" && ./Configure mingw64 --cross-compile-prefix=x86_64-w64-mingw32- no-shared no-tests \
	--prefix="$prefix" --libdir=lib >/dev/null && make -j"$jobs" build_libs >/dev/null &&
	make install_dev >/dev/null)
touch "$prefix/.complete"
echo "$prefix"
