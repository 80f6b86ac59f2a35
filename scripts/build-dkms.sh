#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The artefacts of the VM scenario "dkms" for $KVER (x86_64): libdevpriv
# and a driver built only against it as installed from its Debian package,
# by DKMS, for the test kernel.
#
#   [KVER=X.Y] scripts/build-dkms.sh
#
# 1. build/deb/libdevpriv-dkms_<version>-1_all.deb (make deb, lintian
#    included), rebuilt when one of its inputs is newer.
# 2. The package unpacked into a throw-away root, $DEVPRIV_OUT/dkms/root,
#    and beside it, as its own package would install it, the consumer
#    tests/dkms/consumer (devpriv-examples: the example drivers importing
#    devpriv.ko and embedding the library).
# 3. dkms add, build, install (as root only) of both for the test
#    kernel's release against its build tree (--kernelsourcedir $KBUILD),
#    every DKMS tree (--sourcetree, --dkmstree, --installtree) inside that
#    root and no depmod: nothing outside it is written.  libdevpriv's
#    build runs the conftest probes against that kernel; the consumer
#    finds the library through DKMS's trees.
# 4. The installed (without root: the built) modules are copied to
#    $DEVPRIV_OUT/dkms/ with the static hello-user programs (the embedded
#    driver's copy names its module) and devpriv.ko's probe results; then
#    dkms remove --all, which must leave nothing of either in the trees.
#
# The outputs are reused while the package, the consumer's sources, this
# script and the test kernel stay the same ($DEVPRIV_OUT/dkms/.complete).
# Other architectures have no dkms scenario: nothing to do.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

log() { echo "build-dkms: $*"; }
die() { echo "build-dkms: error: $*" >&2; exit 1; }

if [ "$DEVPRIV_ARCH" != x86_64 ]; then
	log "no dkms scenario on $DEVPRIV_ARCH: nothing to build"
	exit 0
fi
[ -f "$KBUILD/.devpriv-stamp" ] ||
	die "test kernel $KVER not built (run: make kernel KVER=$KVER)"
command -v dkms >/dev/null || die "dkms not found (run: make deps)"

t0=$(date +%s)
version=$(cat VERSION)
release=$(cat "$KBUILD/include/config/kernel.release")
machine=$(uname -m)
out=$DEVPRIV_OUT/dkms
root=$out/root

# --- 1. the package --------------------------------------------------------
deb=build/deb/libdevpriv-dkms_${version}-1_all.deb
mkdir -p build
exec 9>build/.deb.lock
flock 9
if [ ! -f "$deb" ] || [ -n "$(find VERSION LICENSE include scripts/packaging libdevpriv \
	scripts/install.sh scripts/build-deb.sh -newer "$deb" -print -quit)" ]; then
	scripts/build-deb.sh
fi
flock -u 9

# Up to date when the package, the consumer's inputs, this script and the
# test kernel are those of the last complete run: a warm make check reuses
# its modules, as it reuses the other builds.
stamp=$(cat "$deb" tests/dkms/consumer/* examples/hello/hello.c \
	examples/hello/hello_uapi.h examples/hello/hello-user.c \
	examples/dmirror/dmirror.c "$0" "$KBUILD/.devpriv-stamp" |
	sha256sum | cut -c1-16)
if [ "$(cat "$out/.complete" 2>/dev/null)" = "$stamp" ]; then
	log "$KVER: up to date (${out#"$DEVPRIV_ROOT"/})"
	exit 0
fi

# --- 2. the throw-away root --------------------------------------------------
rm -rf "$out"
mkdir -p "$root"
dpkg-deb -x "$deb" "$root"
csrc=$root/usr/src/devpriv-examples-$version
mkdir -p "$csrc"
cp tests/dkms/consumer/Kbuild examples/hello/hello.c \
	examples/hello/hello_uapi.h examples/dmirror/dmirror.c "$csrc/"
sed "s/#MODULE_VERSION#/$version/; s/#DEVPRIV_VERSION#/$version/" \
	tests/dkms/consumer/dkms.conf >"$csrc/dkms.conf"
sed '/^MODULE_IMPORT_NS(DEVPRIV);$/d' examples/hello/hello.c >"$csrc/hello_embed.c"
! grep -q MODULE_IMPORT_NS "$csrc/hello_embed.c" ||
	die "hello_embed.c still imports DEVPRIV: examples/hello/hello.c changed its MODULE_IMPORT_NS line"

# --- 3. DKMS --------------------------------------------------------------------
# The test kernels do not sign modules (no CONFIG_MODULE_SIG), but DKMS
# signs whenever Debian's sign-file exists, generating its key in
# /var/lib/dkms first: a sign_file that does not exist turns that off.
export sign_file=/nonexistent
dk=(dkms --sourcetree "$root/usr/src" --dkmstree "$root/var/lib/dkms"
	--installtree "$root/lib/modules" --no-depmod)
mkdir -p "$root/var/lib/dkms" "$root/lib/modules/$release"
# dkms install refuses anyone but root, even into a tree of their own:
# without root the scenario boots the modules DKMS built and saved.
actions="add build install"
[ "$(id -u)" = 0 ] || actions="add build"
for m in libdevpriv devpriv-examples; do
	for action in $actions; do
		args=(-m "$m" -v "$version")
		[ "$action" = add ] || args+=(-k "$release" --kernelsourcedir "$KBUILD")
		if ! "${dk[@]}" "$action" "${args[@]}" >"$out/dkms-$action-$m.log" 2>&1; then
			tail -n 20 "$out/dkms-$action-$m.log"
			find "$root/var/lib/dkms/$m" -name make.log -exec tail -n 30 {} + 2>/dev/null || true
			die "dkms $action $m failed ($out/dkms-$action-$m.log)"
		fi
	done
done
kept=$root/var/lib/dkms/libdevpriv/$version/$release/$machine
for f in Module.symvers devpriv-conftest.h; do
	[ -f "$kept/$f" ] || die "libdevpriv's POST_BUILD kept no $f in $kept"
done
grep -q "^#define DEVPRIV_VERSION \"$version\"$" "$kept/devpriv-conftest.h" ||
	die "devpriv.ko's probe results do not state version $version"

# --- 4. what the scenario boots --------------------------------------------------
mods=$root/lib/modules/$release/updates/dkms
for m in devpriv devpriv_hello devpriv_hello_embed devpriv_dmirror; do
	if [ "$(id -u)" != 0 ]; then
		case $m in
		devpriv) mods=$kept/module ;;
		*) mods=$root/var/lib/dkms/devpriv-examples/$version/$release/$machine/module ;;
		esac
	fi
	[ -f "$mods/$m.ko" ] || die "DKMS left no $m.ko in $mods"
	cp "$mods/$m.ko" "$out/"
done
cp "$kept/devpriv-conftest.h" "$out/"
"$CC_TARGET" -static -O2 -Wall -o "$out/hello-user" examples/hello/hello-user.c
sed 's|/devpriv_hello"|/devpriv_hello_embed"|; s|/devpriv_hello/|/devpriv_hello_embed/|' \
	examples/hello/hello-user.c >"$out/hello-user-embed.c"
grep -q devpriv_hello_embed/stats "$out/hello-user-embed.c" ||
	die "hello-user.c's device paths changed: hello-user-embed.c names no devpriv_hello_embed"
"$CC_TARGET" -static -O2 -Wall -Iexamples/hello -o "$out/hello-user-embed" \
	"$out/hello-user-embed.c"

for m in devpriv-examples libdevpriv; do
	"${dk[@]}" remove -m "$m" -v "$version" --all >"$out/dkms-remove-$m.log" 2>&1 ||
		die "dkms remove $m failed ($out/dkms-remove-$m.log)"
done
left=$(find "$root/var/lib/dkms" "$root/lib/modules" -mindepth 1 \
	\( -name '*.ko' -o -name Module.symvers -o -name 'devpriv*' -o -name 'libdevpriv*' \) | head -n 5)
[ -z "$left" ] || die "dkms remove --all left: $left"

echo "$stamp" >"$out/.complete"
log "$KVER: devpriv.ko and devpriv-examples $version built by DKMS for $release from the package in $(($(date +%s) - t0)) s (${out#"$DEVPRIV_ROOT"/})"
