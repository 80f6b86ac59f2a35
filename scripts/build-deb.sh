#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the libdevpriv-dkms Debian package (arch all; debhelper,
# dh-dkms) of this tree, then lintian on it.
#
#   scripts/build-deb.sh          build/deb/libdevpriv-dkms_<version>-1_all.deb
#
# The package's source is staged in build/deb/libdevpriv-<version>/: what
# "scripts/install.sh src" installs from (VERSION, libdevpriv/ without its
# tests, include/, scripts/packaging/) and debian/ from scripts/packaging/debian/, with a
# changelog written here from VERSION and the last commit, so that nothing
# the package build writes lands in the repository.  lintian fails the
# build on an error or warning and shows every other tag; the tags
# scripts/packaging/debian/libdevpriv-dkms.lintian-overrides accepts say why there.
# Prints "deb: build/deb/<file>" and exits 0 when both succeed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

die() { echo "deb: error: $*" >&2; exit 1; }

for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" >/dev/null ||
		die "$tool not found (run: make deps)"
done

version=$(cat VERSION)
out=$root/build/deb
src=$out/libdevpriv-$version
rm -rf "$out"
mkdir -p "$src/libdevpriv" "$src/scripts"

cp -a VERSION LICENSE include "$src/"
cp -a scripts/install.sh scripts/packaging "$src/scripts/"
cp -a libdevpriv/Kbuild libdevpriv/*.mk libdevpriv/*.[ch] libdevpriv/conftest.sh \
	"$src/libdevpriv/"
cp -a scripts/packaging/debian "$src/debian"

# dpkg-parsechangelog wants RFC 5322 dates; the commit's keeps the
# package reproducible.
{
	echo "libdevpriv ($version-1) unstable; urgency=medium"
	echo
	echo "  * Built from $(git describe --always --dirty 2>/dev/null || echo "a tree without git")."
	echo
	echo " -- libdevpriv <dev@libdevpriv.invalid>  $(git log -1 --format=%aD 2>/dev/null || date -R)"
} >"$src/debian/changelog"

(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "dpkg-buildpackage failed ($out/build.log)"; }
deb=$(cd "$out" && ls libdevpriv-dkms_"$version"-1_all.deb)

# Every tag down to pedantic is shown; errors and warnings fail.  A second
# run lists the overridden tags (--show-overrides changes the exit status).
rc=0
lintian --fail-on error,warning --display-info --pedantic \
	"$out/$deb" >"$out/lintian.log" 2>/dev/null || rc=$?
lintian --show-overrides "$out/$deb" 2>/dev/null | grep '^O: ' >>"$out/lintian.log" || true
sed 's/^/deb: lintian: /' "$out/lintian.log"
[ "$rc" -eq 0 ] || die "lintian reports errors or warnings ($out/lintian.log)"
echo "deb: build/deb/$deb"
