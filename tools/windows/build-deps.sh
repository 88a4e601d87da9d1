#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Cross-builds modemflash's libraries for x86_64-w64-mingw32 from Debian's own
# source packages (apt-get source), as static libraries in one prefix:
#   zlib, expat, json-c, OpenSSL libcrypto, libarchive (zlib only).
# Nothing prebuilt comes from outside: the toolchain is Debian's mingw-w64, the
# sources are the .dsc packages with Debian's patches applied.
#
# Cached between runs under $MF_WIN_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/modemflash-win): src/ keeps the unpacked sources
# (one directory per source version), prefix-<key>/ the install, where <key>
# is a digest of every source version, so a new Debian upload rebuilds.
# A per-library stamp skips what is already built. Prints the prefix last.
#
# usage: build-deps.sh [--print-prefix]   (MF_WIN_JOBS, default 2)
set -euo pipefail

HOST=x86_64-w64-mingw32
JOBS=${MF_WIN_JOBS:-2}
CACHE=${MF_WIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modemflash-win}
NICE="nice -n 19"
PKGS="zlib expat json-c openssl libarchive"
SRC_LIST=/etc/apt/sources.list.d/modemflash-deb-src.sources

log() { echo "build-deps: $*" >&2; }
die() { log "$*"; exit 1; }

need_tools() {
	local missing=""
	for t in $HOST-gcc $HOST-ar $HOST-windres cmake ninja make perl dpkg-source; do
		command -v "$t" >/dev/null || missing="$missing $t"
	done
	[ -z "$missing" ] || die "missing tools:$missing (make windows-deps installs them)"
}

# deb-src entries mirroring the deb ones, in a file of our own
enable_deb_src() {
	if apt-get source --print-uris -qq zlib >/dev/null 2>&1; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "no deb-src entries and not root: add deb-src for $(. /etc/os-release; echo "$VERSION_CODENAME") or run as root"
	local main=/etc/apt/sources.list.d/debian.sources
	[ -r "$main" ] || die "$main not found: cannot mirror its entries as deb-src"
	log "adding deb-src entries in $SRC_LIST"
	sed -e 's/^Types:.*/Types: deb-src/' "$main" >"$SRC_LIST"
	apt-get update -qq
}

# versions of source package $1 in the apt lists, newest first (with their
# epochs, which apt-get source PKG=VER needs)
src_versions() {
	apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -u |
		while read -r v; do echo "$v"; done |
		python3 -c 'import sys,functools,subprocess as sp
vs=[l.strip() for l in sys.stdin if l.strip()]
gt=lambda a,b: sp.run(["dpkg","--compare-versions",a,"gt",b]).returncode==0
vs.sort(key=functools.cmp_to_key(lambda a,b: -1 if gt(a,b) else (1 if gt(b,a) else 0)))
print("\n".join(vs))'
}

# unpacks source $1 under $CACHE/src once, the newest version that can be
# fetched (a security upload's source is not always on the mirror: such a
# version is marked .unavailable and skipped; delete the mark to retry).
# Sets SRC_DIR and SRC_VER.
fetch_src() {
	local pkg=$1 ver dir
	for ver in $(src_versions "$pkg"); do
		dir="$CACHE/src/${pkg}_${ver//:/_}"
		[ -e "$dir.unavailable" ] && continue
		if [ ! -f "$dir/.unpacked" ]; then
			rm -rf "$dir"
			mkdir -p "$dir"
			log "apt-get source $pkg=$ver"
			if ! (cd "$dir" && apt-get source -qq "$pkg=$ver" >"$dir.fetch.log" 2>&1); then
				log "$pkg $ver: source not fetchable ($(grep -m1 '^E:' "$dir.fetch.log" || true)); trying an older one"
				rm -rf "$dir"
				mv "$dir.fetch.log" "$dir.unavailable"
				continue
			fi
			rm -f "$dir.fetch.log"
			touch "$dir/.unpacked"
		fi
		SRC_VER=$ver
		# the one directory dpkg-source made
		SRC_DIR=$(find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n1)
		return 0
	done
	die "no source of $pkg could be fetched (deb-src entries: $SRC_LIST)"
}

build_zlib() {
	local s=$1
	cd "$s"
	make distclean >/dev/null 2>&1 || true
	# zlib's configure knows mingw when CHOST says so
	CHOST=$HOST CC=$HOST-gcc AR=$HOST-ar RANLIB=$HOST-ranlib \
		./configure --static --prefix="$PREFIX"
	$NICE make -j"$JOBS" libz.a
	make install-libs install-headers >/dev/null 2>&1 || make install
	# zlib's configure writes zlib.pc only with its Makefile install
	[ -f "$PREFIX/lib/pkgconfig/zlib.pc" ] || make install-pc 2>/dev/null || true
}

# a CMake cross build of the project in $1 into $PREFIX, static, with the
# options that follow
cmake_build() {
	local s=$1
	shift
	rm -rf "$s/build-mingw"
	mkdir "$s/build-mingw" && cd "$s/build-mingw"
	cmake -G Ninja "$s" -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER=$HOST-gcc \
		-DCMAKE_RC_COMPILER=$HOST-windres -DCMAKE_FIND_ROOT_PATH="/usr/$HOST;$PREFIX" \
		-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY \
		-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release "$@"
	[ -z "${CMAKE_POST:-}" ] || $CMAKE_POST
	$NICE ninja -j"$JOBS"
	ninja install
}

# Debian's patches test "#if XML_DTD == 1" as autotools defines it; CMake's
# header defines XML_DTD and XML_NS empty
expat_config_fix() {
	sed -i -e 's/^#define XML_DTD$/#define XML_DTD 1/' -e 's/^#define XML_NS$/#define XML_NS 1/' \
		expat_config.h
}

# Debian's expat source has no generated configure: its CMake build, in expat/
build_expat() {
	CMAKE_POST=expat_config_fix cmake_build "$1/expat" -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF \
		-DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF \
		-DEXPAT_BUILD_FUZZERS=OFF
	# a static library on Windows: the headers must not say dllimport
	sed -i 's/^Cflags: .*/& -DXML_STATIC/' "$PREFIX/lib/pkgconfig/expat.pc"
}

build_json_c() {
	cmake_build "$1" -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_TESTING=OFF \
		-DBUILD_APPS=OFF -DDISABLE_WERROR=ON -DENABLE_THREADING=OFF
}

OPENSSL_OFF="no-aria no-bf no-blake2 no-camellia no-cast no-chacha no-cmac no-cms
	no-comp no-ct no-des no-dh no-dsa no-ec2m no-gost no-idea no-md4 no-mdc2 no-ocb
	no-ocsp no-poly1305 no-rc2 no-rc4 no-rmd160 no-scrypt no-seed no-siphash no-siv
	no-sm2 no-sm3 no-sm4 no-srp no-ts no-whirlpool no-async no-sock no-ui-console
	no-legacy"

build_openssl() {
	local s=$1
	cd "$s"
	make distclean >/dev/null 2>&1 || true
	# libcrypto only, static, nothing loaded at run time (no engines, modules, DSO)
	# and none of the ciphers and protocols modemflash never uses: it needs
	# digests (MD5, SHA-256/384) and X.509 parsing (RSA and EC keys)
	./Configure mingw64 --cross-compile-prefix=$HOST- --prefix="$PREFIX" --libdir=lib \
		no-shared no-tests no-engine no-module no-dso $OPENSSL_OFF
	$NICE make -j"$JOBS" build_generated
	$NICE make -j"$JOBS" libcrypto.a libcrypto.pc
	mkdir -p "$PREFIX/include" "$PREFIX/lib/pkgconfig"
	cp -r include/openssl "$PREFIX/include/"
	cp libcrypto.a "$PREFIX/lib/"
	cp libcrypto.pc "$PREFIX/lib/pkgconfig/"
}

# CMake, not configure: Debian's patches touch configure.ac, so its make
# would want autotools. zlib only: every other codec and the tools off
# (bzip2, xz, zstd, lz4, b2, iconv, xml, crypto backends, ACL/xattr).
# Its one run-time probe (ZLIB_WINAPI) cannot run here: /bin/false as the
# emulator answers "no", which is right for the zlib built above, and keeps
# cmake 3.25 from crashing on the probe.
build_libarchive() {
	local s=$1 v
	rm -rf "$s/build-mingw"
	mkdir "$s/build-mingw" && cd "$s/build-mingw"
	cmake -G Ninja "$s" -DCMAKE_SYSTEM_NAME=Windows -DCMAKE_C_COMPILER=$HOST-gcc \
		-DCMAKE_RC_COMPILER=$HOST-windres -DCMAKE_FIND_ROOT_PATH="/usr/$HOST;$PREFIX" \
		-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY \
		-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY \
		-DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_BUILD_TYPE=Release \
		-DZLIB_LIBRARY="$PREFIX/lib/libz.a" -DZLIB_INCLUDE_DIR="$PREFIX/include" \
		-DENABLE_ZLIB=ON -DENABLE_MBEDTLS=OFF -DENABLE_NETTLE=OFF -DENABLE_OPENSSL=OFF \
		-DENABLE_LIBB2=OFF -DENABLE_LZ4=OFF -DENABLE_LZO=OFF -DENABLE_LZMA=OFF \
		-DENABLE_ZSTD=OFF -DENABLE_BZip2=OFF -DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF \
		-DENABLE_PCREPOSIX=OFF -DENABLE_LIBGCC=OFF -DENABLE_CNG=OFF -DENABLE_TAR=OFF \
		-DENABLE_CPIO=OFF -DENABLE_CAT=OFF -DENABLE_XATTR=OFF -DENABLE_ACL=OFF \
		-DENABLE_ICONV=OFF -DENABLE_TEST=OFF -DENABLE_WERROR=OFF -DPOSIX_REGEX_LIB=NONE \
		-DCMAKE_CROSSCOMPILING_EMULATOR=/bin/false
	$NICE ninja -j"$JOBS" archive_static
	mkdir -p "$PREFIX/include" "$PREFIX/lib/pkgconfig"
	cp "$s/libarchive/archive.h" "$s/libarchive/archive_entry.h" "$PREFIX/include/"
	cp libarchive/libarchive_static.a "$PREFIX/lib/libarchive.a"
	v=$(sed -n 's/^#define ARCHIVE_VERSION_ONLY_STRING "\(.*\)"/\1/p' "$s/libarchive/archive.h")
	# a static library on Windows: the headers must not say dllimport
	cat >"$PREFIX/lib/pkgconfig/libarchive.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libarchive
Description: library that can create and read several streaming archive formats
Version: $v
Cflags: -I\${includedir} -DLIBARCHIVE_STATIC
Libs: -L\${libdir} -larchive
Requires.private: zlib
PC
}

main() {
	need_tools
	enable_deb_src
	mkdir -p "$CACHE/src"
	local key="" p
	declare -A VER DIR
	for p in $PKGS; do
		fetch_src "$p"
		VER[$p]=$SRC_VER
		DIR[$p]=$SRC_DIR
		key="$key $p=$SRC_VER"
	done
	# this script is the recipe: a change of it builds a new prefix
	key="$key $(sha256sum "$0" | cut -c1-16)"
	PREFIX="$CACHE/prefix-$(echo "$key" | sha256sum | cut -c1-12)"
	mkdir -p "$PREFIX/.stamps"
	export PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig"
	for p in $PKGS; do
		local v=${VER[$p]} s=${DIR[$p]} stamp="$PREFIX/.stamps/$p" t0 t1
		if [ -f "$stamp" ]; then
			log "$p $v: built ($(cut -d' ' -f3- "$stamp"))"
			continue
		fi
		t0=$(date +%s)
		log "$p $v: building in $s"
		# in the background, so that set -e holds inside (it does not
		# in a subshell on the left of ||)
		("build_${p//-/_}" "$s") >"$CACHE/$p.log" 2>&1 &
		wait $! ||
			die "$p $v failed; last lines of $CACHE/$p.log:
$(tail -n 30 "$CACHE/$p.log")"
		t1=$(date +%s)
		echo "$p $v $((t1 - t0)) s" >"$stamp"
		log "$p $v: done in $((t1 - t0)) s"
	done
	# what went into the build, for the dist folder
	(cd "$PREFIX/.stamps" && for p in $PKGS; do cat "$p"; done) >"$PREFIX/VERSIONS"
	echo "$PREFIX"
}

main "$@"
