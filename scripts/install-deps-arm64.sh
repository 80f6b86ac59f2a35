#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the arm64 pipeline (scripts/check-arm64.sh) needs on top of
# scripts/install-deps.sh: a cross toolchain, the arm64 emulator, and the
# arm64 guest userspace.  Idempotent and non-interactive: with everything
# present it only runs dpkg-query and exits.
#
#   scripts/install-deps-arm64.sh
#
# Host packages (amd64): gcc-aarch64-linux-gnu (cross gcc + binutils),
# libc6-dev-arm64-cross (static hmm-tests and example programs),
# qemu-system-arm (qemu-system-aarch64).
#
# Guest userspace: Debian's own arm64 binaries, never run on the host.
# busybox-static:arm64 and kmod:arm64 (kmod's insmod calls init_module
# once; busybox's retries a failed init) with the shared libraries kmod
# needs.  They are fetched with "apt-get download" (which needs the arm64
# architecture in dpkg, added here once) and unpacked with dpkg-deb -x into
# $DEVPRIV_CACHE/arm64-userspace/<key>/root, next to the list of .debs it
# came from.  Nothing arm64 is installed into the host's dpkg database.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env-arm64.sh
source "$here/env-arm64.sh"

log() { echo "install-deps-arm64: $*"; }
die() { echo "install-deps-arm64: error: $*" >&2; exit 1; }

HOST_PACKAGES=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)
# kmod's NEEDED closure on Debian 12 (checked by tests/vm/arm64/mkinitramfs.sh,
# which refuses a library it cannot find in the unpacked root).
GUEST_PACKAGES=(busybox-static kmod libc6 liblzma5 libzstd1 libssl3)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		die "not root and sudo not available"
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
	[ "$updated" = 1 ] && return 0
	"${SUDO[@]}" apt-get update -q
	updated=1
}

# --- host packages ---------------------------------------------------------
missing=()
for pkg in "${HOST_PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	apt_update
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- guest userspace -----------------------------------------------------------
if [ -f "$ARM64_USERSPACE/.complete" ]; then
	log "all ${#HOST_PACKAGES[@]} host packages present, arm64 userspace in $ARM64_USERSPACE"
	exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	log "adding the arm64 architecture to dpkg (package lists only)"
	"${SUDO[@]}" dpkg --add-architecture arm64
	updated=0
fi
# Package lists for arm64 must be there before apt-get download.
if ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
	apt_update
fi

parent=$(dirname "$ARM64_USERSPACE")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.userspace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs" "$tmp/root"
arch_pkgs=()
for pkg in "${GUEST_PACKAGES[@]}"; do
	arch_pkgs+=("$pkg:arm64")
done
log "downloading ${arch_pkgs[*]}"
# apt-get download writes into the current directory; as root it would
# drop privileges to _apt, which cannot reach a directory under ~root.
sandbox=()
[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
(cd "$tmp/debs" && apt-get download -q "${sandbox[@]}" "${arch_pkgs[@]}" >/dev/null)
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root"
done
find "$tmp/debs" -name '*.deb' -printf '%f\n' | LC_ALL=C sort >"$tmp/packages"
rm -rf "$tmp/debs"
file -L "$tmp/root/bin/busybox" | grep -q 'ARM aarch64' ||
	die "busybox from busybox-static:arm64 is not an aarch64 binary"
rm -rf "$ARM64_USERSPACE"
mv "$tmp" "$ARM64_USERSPACE"
trap - EXIT
touch "$ARM64_USERSPACE/.complete"
log "arm64 userspace ready: $ARM64_USERSPACE ($(paste -sd' ' "$ARM64_USERSPACE/packages"))"
