#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the base initramfs of the test VM and print its path.
#
#   tests/vm/mkinitramfs.sh          # uses $KBUILD from scripts/env.sh
#
# Contents: busybox-static (all applets as symlinks), kmod's insmod, rmmod,
# modprobe, lsmod, modinfo (dynamically linked: with the shared libraries
# ldd lists), the test kernel's modules under /lib/modules/<release>
# (depmod'ed, for modprobe kunit), tests/vm/guest/init as /init and
# tests/vm/guest/lib.sh as /t/lib.sh.  Scenario files are added by
# run-scenario.sh as a second cpio archive.
#
# The archive is cached in $DEVPRIV_CACHE/initramfs/ under a key hashed from
# every input (binaries, libraries, guest scripts, this script, the kernel
# build's stamp and module files), so an unchanged rebuild costs a hash.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/../../scripts/env.sh"

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }

[ -f "$KBUILD/.devpriv-stamp" ] ||
	die "test kernel not built in $KBUILD (run: make kernel)"

busybox=$(command -v busybox) || die "busybox not found (busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	die "$busybox is not static (install busybox-static)"
kmod=$(command -v kmod) || die "kmod not found"
kmod=$(readlink -f "$kmod")

# Shared objects of kmod (absolute paths as ldd prints them).
mapfile -t libs < <(ldd "$kmod" | awk '
	$2 == "=>" && $3 ~ /^\// { print $3 }
	$1 ~ /^\// { print $1 }')
[ ${#libs[@]} -gt 0 ] || die "ldd found no libraries for $kmod"

release=$(cat "$KBUILD/include/config/kernel.release")
modules=()
if [ -f "$KBUILD/modules.order" ]; then
	while read -r m; do
		m=${m%.o}.ko
		[ -f "$KBUILD/$m" ] && modules+=("$KBUILD/$m")
	done <"$KBUILD/modules.order"
fi

key=$( {
	echo "$release"
	cat "$KBUILD/.devpriv-stamp"
	sha256sum "$busybox" "$kmod" "${libs[@]}" "$0" \
		"$here/guest/init" "$here/guest/lib.sh" "${modules[@]}" |
		sed "s|  $KBUILD/|  KBUILD/|"
} | sha256sum | cut -c1-16)

outdir=$DEVPRIV_CACHE/initramfs
out=$outdir/base-$key.cpio
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$outdir"
stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf "$stage" "${tmp:-}"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,t,root,etc,lib,lib64}
cp "$busybox" "$stage/bin/busybox"
# One symlink per applet, at the path busybox itself reports.
while read -r applet; do
	case ${applet##*/} in
	busybox|insmod|rmmod|modprobe|lsmod|modinfo|depmod) continue ;;
	esac
	ln -sf /bin/busybox "$stage/$applet"
done < <("$stage/bin/busybox" --list-full)

cp "$kmod" "$stage/bin/kmod"
for tool in insmod rmmod modprobe lsmod modinfo depmod; do
	ln -sf /bin/kmod "$stage/sbin/$tool"
done
for lib in "${libs[@]}"; do
	mkdir -p "$stage/$(dirname "$lib")"
	cp -L "$lib" "$stage/$lib"
done

# The kernel's own modules (kunit.ko, test_hmm.ko, ...), with modules.dep.
make -s -C "$KBUILD" INSTALL_MOD_PATH="$stage" modules_install >/dev/null
depmod -b "$stage" "$release"
[ -f "$stage/lib/modules/$release/modules.dep" ] ||
	die "depmod did not produce modules.dep"
# Dangling links into the build tree.
rm -f "$stage/lib/modules/$release/build" "$stage/lib/modules/$release/source"

install -m 0755 "$here/guest/init" "$stage/init"
install -m 0644 "$here/guest/lib.sh" "$stage/t/lib.sh"

# Sanity check on the host: the dynamically linked kmod runs in the image.
if [ "$(id -u)" -eq 0 ] && command -v chroot >/dev/null; then
	chroot "$stage" /sbin/modprobe --version >/dev/null ||
		die "kmod does not run inside the initramfs (missing library?)"
fi

# A private temporary name: scenarios may build the same image at once.
tmp=$(mktemp "$outdir/.base.XXXXXX")
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 >"$tmp")
mv "$tmp" "$out"
# Keep the cache small: the 8 most recent base images.
ls -1t "$outdir"/base-*.cpio 2>/dev/null | tail -n +9 | xargs -r rm -f
echo "$out"
