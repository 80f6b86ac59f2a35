#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the base initramfs of the arm64 test VM; print its path.
#
#   tests/vm/arm64/mkinitramfs.sh
#
# The same guest as on x86 (tests/vm/guest/init as the scenario driver,
# tests/vm/guest/lib.sh as /t/lib.sh), with Debian's arm64 binaries from
# scripts/install-deps-arm64.sh ($ARM64_USERSPACE/root):
#   /bin/busybox     busybox-static:arm64.  It cannot run on the host to
#                    list its applets, so /init here is a small wrapper
#                    that runs "busybox --install -s" (which leaves existing
#                    files alone; it reads /proc/self/exe) and then execs
#                    the shared init, installed as /sbin/devpriv-init.
#   /bin/kmod        kmod:arm64 (insmod, rmmod, modprobe, lsmod, modinfo,
#                    depmod as links in /sbin), with its shared libraries:
#                    the NEEDED closure, read with readelf from the unpacked
#                    packages, and the dynamic loader.
#   /lib/modules/<release>/  the arm64 test kernel's modules, depmod'ed.
# Cached in $DEVPRIV_CACHE/initramfs-arm64/ under a key hashed from every
# input.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
guest=$(cd "$here/../guest" && pwd)
# shellcheck source=scripts/env-arm64.sh
source "$here/../../../scripts/env-arm64.sh"

die() { echo "mkinitramfs-arm64: error: $*" >&2; exit 1; }

[ -f "$ARM64_KBUILD/.devpriv-stamp" ] ||
	die "arm64 test kernel not built (run: scripts/build-test-kernel-arm64.sh)"
root=$ARM64_USERSPACE/root
[ -f "$ARM64_USERSPACE/.complete" ] ||
	die "no arm64 userspace in $ARM64_USERSPACE (run: scripts/install-deps-arm64.sh)"
busybox=$root/bin/busybox
kmod=$root/bin/kmod
[ -f "$busybox" ] && [ -f "$kmod" ] || die "busybox or kmod missing in $root"

# Where a library named NAME lives in the unpacked root.
find_lib() {
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
		if [ -e "$root/$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

# The NEEDED closure of kmod, as paths relative to $root.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
interp=$(readelf -l "$kmod" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ -n "$interp" ] && [ -e "$root$interp" ] || die "kmod's loader '$interp' is not in $root"
libs=()
queue=("$kmod")
declare -A seen=()
while [ ${#queue[@]} -gt 0 ]; do
	obj=${queue[0]}
	queue=("${queue[@]:1}")
	while read -r soname; do
		[ -n "$soname" ] && [ -z "${seen[$soname]:-}" ] || continue
		seen[$soname]=1
		rel=$(find_lib "$soname") || die "library $soname (needed by kmod) not in $root"
		libs+=("$rel")
		queue+=("$root/$rel")
	done < <(needed "$obj")
done

release=$(cat "$ARM64_KBUILD/include/config/kernel.release")
modules=()
if [ -f "$ARM64_KBUILD/modules.order" ]; then
	while read -r m; do
		m=${m%.o}.ko
		[ -f "$ARM64_KBUILD/$m" ] && modules+=("$ARM64_KBUILD/$m")
	done <"$ARM64_KBUILD/modules.order"
fi

key=$( {
	echo "$release"
	cat "$ARM64_KBUILD/.devpriv-stamp"
	(cd "$root" && sha256sum "bin/busybox" "bin/kmod" ".$interp" "${libs[@]}")
	sha256sum "$0" "$guest/init" "$guest/lib.sh" "${modules[@]}" |
		sed "s|  $ARM64_KBUILD/|  KBUILD/|; s|  $DEVPRIV_ROOT/|  |"
} | sha256sum | cut -c1-16)

outdir=$DEVPRIV_CACHE/initramfs-arm64
out=$outdir/base-$key.cpio
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$outdir"
stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
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

make -s -C "$ARM64_KBUILD" ARCH=arm64 INSTALL_MOD_PATH="$stage" \
	modules_install >/dev/null
depmod -b "$stage" "$release"
[ -f "$stage/lib/modules/$release/modules.dep" ] ||
	die "depmod did not produce modules.dep"
rm -f "$stage/lib/modules/$release/build" "$stage/lib/modules/$release/source"

install -m 0755 "$guest/init" "$stage/sbin/devpriv-init"
install -m 0644 "$guest/lib.sh" "$stage/t/lib.sh"
cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
/bin/busybox umount /proc
exec /sbin/devpriv-init
EOF
chmod 0755 "$stage/init"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 >"$out.tmp")
mv "$out.tmp" "$out"
echo "$out"
