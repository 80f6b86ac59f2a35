#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make install, install-src, install-module: the library for drivers built
# outside this tree.  Honours DESTDIR and PREFIX (default /usr).
#
#   [DESTDIR=D] [PREFIX=P] scripts/install.sh src
#   [DESTDIR=D] [PREFIX=P] [KDIR=K] [INSTALL_MOD_DIR=extra] scripts/install.sh module
#
# src, everything but the module (what the Debian package ships):
#   P/src/libdevpriv-V/            V: the VERSION file.  DKMS's source tree
#     dkms.conf, dkms-post-build   and what embedding drivers compile:
#     Kbuild, VERSION              the library's sources without its tests,
#     libdevpriv/                  devpriv.mk, embed.mk, conftest.sh
#     include/devpriv/             the public headers
#     libdevpriv.mk                the Kbuild fragment drivers include
#   P/share/libdevpriv/libdevpriv.mk   includes the one of version V
#
# module: devpriv.ko for the kernel whose build tree is K (default the
# running kernel's, /lib/modules/$(uname -r)/build), built from the
# installed sources of src (a copy in build/install/<release>/, as DKMS
# does), so "make install" is src, then module:
#   /lib/modules/<release>/$INSTALL_MOD_DIR/devpriv.ko (then depmod, when
#       DESTDIR is empty)
#   P/lib/libdevpriv-V/<release>/Module.symvers and devpriv-conftest.h,
#       where libdevpriv.mk finds them
# ARCH and CROSS_COMPILE reach kbuild from the environment.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

die() { echo "install: error: $*" >&2; exit 1; }

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr}
version=$(cat "$root/VERSION")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "VERSION is not X.Y.Z: '$version'"
srcdir=$DESTDIR$PREFIX/src/libdevpriv-$version

install_src() {
	install -d "$srcdir/libdevpriv" "$srcdir/include/devpriv" \
		"$DESTDIR$PREFIX/share/libdevpriv"
	install -m644 "$root/VERSION" "$root/scripts/packaging/Kbuild" \
		"$root/scripts/packaging/libdevpriv.mk" "$srcdir/"
	install -m755 "$root/scripts/packaging/dkms-post-build" "$srcdir/"
	sed "s/#MODULE_VERSION#/$version/" "$root/scripts/packaging/dkms.conf" >"$srcdir/dkms.conf"
	chmod 644 "$srcdir/dkms.conf"
	install -m644 "$root"/libdevpriv/{Kbuild,devpriv.mk,embed.mk} \
		"$root"/libdevpriv/*.[ch] "$srcdir/libdevpriv/"
	install -m755 "$root/libdevpriv/conftest.sh" "$srcdir/libdevpriv/"
	install -m644 "$root"/include/devpriv/*.h "$srcdir/include/devpriv/"
	# relative, so that the tree works wherever it is unpacked
	cat >"$DESTDIR$PREFIX/share/libdevpriv/libdevpriv.mk" <<EOF
# SPDX-License-Identifier: GPL-2.0
# The installed libdevpriv, version $version: see libdevpriv.mk there.
include \$(abspath \$(dir \$(lastword \$(MAKEFILE_LIST)))../../src/libdevpriv-$version/libdevpriv.mk)
EOF
	chmod 644 "$DESTDIR$PREFIX/share/libdevpriv/libdevpriv.mk"
	echo "install: libdevpriv $version sources and headers in $srcdir"
}

install_module() {
	local kdir=${KDIR:-/lib/modules/$(uname -r)/build} release work
	[ -f "$srcdir/libdevpriv.mk" ] ||
		die "$srcdir is not installed (run: make install-src first)"
	[ -f "$kdir/include/config/kernel.release" ] ||
		die "no kernel build tree at $kdir (set KDIR)"
	release=$(cat "$kdir/include/config/kernel.release")
	work=$root/build/install/$release
	# The top Makefile exports ARCH even when unset; empty, kbuild would
	# look for arch//Makefile instead of taking the host's.
	[ -n "${ARCH:-}" ] || unset ARCH
	rm -rf "$work"
	mkdir -p "$work"
	cp -a "$srcdir/." "$work/"
	make -s -C "$kdir" M="$work" -j"$(nproc)" modules
	install -D -m644 "$work/libdevpriv/devpriv.ko" \
		"$DESTDIR/lib/modules/$release/${INSTALL_MOD_DIR:-extra}/devpriv.ko"
	install -D -m644 "$work/Module.symvers" \
		"$DESTDIR$PREFIX/lib/libdevpriv-$version/$release/Module.symvers"
	install -m644 "$work/libdevpriv/generated/devpriv-conftest.h" \
		"$DESTDIR$PREFIX/lib/libdevpriv-$version/$release/"
	[ -n "$DESTDIR" ] || depmod -a "$release"
	echo "install: devpriv.ko for $release in $DESTDIR/lib/modules/$release/${INSTALL_MOD_DIR:-extra}"
}

case ${1:-} in
src) install_src ;;
module) install_module ;;
*) echo "usage: $0 src|module" >&2; exit 2 ;;
esac
