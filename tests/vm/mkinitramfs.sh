#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the base initramfs of the test VM and print its path.
#
#   [KVER=X.Y] [ARCH=x86_64|arm64] tests/vm/mkinitramfs.sh
#
# Contents, from $GUEST_ROOT (scripts/env.sh: the host's / on x86_64,
# Debian's arm64 packages unpacked by scripts/install-deps.sh on arm64):
#   /bin/busybox     busybox-static.  It need not run on the host: /init is
#                    a small wrapper that runs "busybox --install -s" (which
#                    leaves existing files alone; it reads /proc/self/exe)
#                    and then execs tests/vm/guest/init, installed as
#                    /sbin/devpriv-init.
#   /bin/kmod        kmod (insmod, rmmod, modprobe, lsmod, modinfo, depmod as
#                    links in /sbin), with its shared libraries: the NEEDED
#                    closure, read with readelf, and the dynamic loader.
#   /lib/modules/<release>/  the test kernel's modules, depmod'ed (modprobe
#                    kunit).
#   /t/lib.sh        tests/vm/guest/lib.sh.
# Scenario files are added by run-scenario.sh as a second cpio archive.
#
# The archive is cached in $DEVPRIV_CACHE/initramfs/<arch>/ under a key
# hashed from every input (binaries, libraries, guest scripts, this script,
# the kernel build's stamp and module files), so an unchanged rebuild costs
# a hash.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
guest=$here/guest
# shellcheck source=scripts/env.sh
source "$here/../../scripts/env.sh"

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }

[ -f "$KBUILD/.devpriv-stamp" ] ||
	die "test kernel $KVER/$DEVPRIV_ARCH not built in $KBUILD (run: make kernel KVER=$KVER ARCH=$DEVPRIV_ARCH)"
root=${GUEST_ROOT%/}
if [ "$GUEST_ROOT" = / ]; then
	busybox=$(command -v busybox) || die "busybox not found (busybox-static)"
	kmod=$(command -v kmod) || die "kmod not found"
	busybox=$(readlink -f "$busybox")
	kmod=$(readlink -f "$kmod")
else
	[ -f "$(dirname "$GUEST_ROOT")/.complete" ] ||
		die "no $DEVPRIV_ARCH userspace in $GUEST_ROOT (run: ARCH=$DEVPRIV_ARCH scripts/install-deps.sh)"
	busybox=$root/bin/busybox
	kmod=$root/bin/kmod
fi
[ -f "$busybox" ] && [ -f "$kmod" ] || die "busybox or kmod missing in $GUEST_ROOT"
for b in "$busybox" "$kmod"; do
	file -L "$b" | grep -q "$ELF_MACHINE" || die "$b is not an $ELF_MACHINE program"
done
file -L "$busybox" | grep -q 'statically linked' ||
	die "$busybox is not static (busybox-static)"
triplet=$("$CC_TARGET" -dumpmachine)

# Where a library named NAME lives under the root, relative to it.
find_lib() {
	local d
	for d in lib/$triplet usr/lib/$triplet lib64 lib usr/lib; do
		if [ -e "$root/$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# The NEEDED closure of kmod, as paths relative to the root.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
interp=$(readelf -l "$kmod" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] && [ -e "$root$interp" ] || die "kmod's loader '$interp' is not in $GUEST_ROOT"
libs=()
queue=("$kmod")
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
	obj=${queue[0]}
	queue=("${queue[@]:1}")
	while read -r soname; do
		[ -n "$soname" ] && [ -z "${seen[$soname]:-}" ] || continue
		seen[$soname]=1
		rel=$(find_lib "$soname") || die "library $soname (needed by kmod) not in $GUEST_ROOT"
		libs+=("$rel")
		queue+=("$root/$rel")
	done < <(needed "$obj")
done

release=$(cat "$KBUILD/include/config/kernel.release")
modules=()
if [ -f "$KBUILD/modules.order" ]; then
	while read -r m; do
		m=${m%.o}.ko
		[ -f "$KBUILD/$m" ] && modules+=("$KBUILD/$m")
	done <"$KBUILD/modules.order"
fi

key=$( {
	echo "$DEVPRIV_ARCH $release"
	cat "$KBUILD/.devpriv-stamp"
	(cd "$root/" && sha256sum "$busybox" "$kmod" ".$interp" "${libs[@]}")
	sha256sum "$0" "$guest/init" "$guest/lib.sh" "${modules[@]}" |
		sed "s|  $KBUILD/|  KBUILD/|; s|  $DEVPRIV_ROOT/|  |"
} | sha256sum | cut -c1-16)

outdir=$DEVPRIV_CACHE/initramfs/$DEVPRIV_ARCH
out=$outdir/base-$key.cpio
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$outdir"
stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf "$stage" "${tmp:-}"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,t,root,etc,lib}

cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$kmod" "$stage/bin/kmod"
for tool in insmod rmmod modprobe lsmod modinfo depmod; do
	ln -s /bin/kmod "$stage/sbin/$tool"
done
for rel in ".$interp" "${libs[@]}"; do
	mkdir -p "$stage/$(dirname "$rel")"
	cp -L "$root/$rel" "$stage/$rel"
done

"${KMAKE[@]}" -s -C "$KBUILD" INSTALL_MOD_PATH="$stage" \
	modules_install >/dev/null
depmod -b "$stage" "$release"
[ -f "$stage/lib/modules/$release/modules.dep" ] ||
	die "depmod did not produce modules.dep"
# Dangling links into the build tree.
rm -f "$stage/lib/modules/$release/build" "$stage/lib/modules/$release/source"

install -m 0755 "$guest/init" "$stage/sbin/devpriv-init"
install -m 0644 "$guest/lib.sh" "$stage/t/lib.sh"
cat >"$stage/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
/bin/busybox umount /proc
exec /sbin/devpriv-init
INIT
chmod 0755 "$stage/init"

# Sanity check on the host, where it can run: kmod works in the image.
if [ "$GUEST_ROOT" = / ] && [ "$(id -u)" -eq 0 ] && command -v chroot >/dev/null; then
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
