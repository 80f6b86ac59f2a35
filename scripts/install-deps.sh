#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages libdevpriv's build and test pipeline needs.
# Idempotent and non-interactive: when everything is there this only runs
# dpkg-query and exits; apt-get runs only for what is missing.
#
#   [ARCH=x86_64|arm64] scripts/install-deps.sh
#
# ARCH=arm64 adds the cross toolchain, the arm64 emulator and the arm64
# guest userspace: Debian's own arm64 busybox-static and kmod (kmod's
# insmod calls init_module once; busybox's retries a failed init), with the
# shared libraries kmod needs, fetched with "apt-get download" (which needs
# the arm64 architecture in dpkg, added once; package lists only) and
# unpacked with dpkg-deb -x into $GUEST_ROOT (scripts/env.sh: keyed by the
# GUEST_PACKAGES_arm64 line below).  They never run on the host, and
# nothing arm64 is installed into its dpkg database.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"

log() { echo "install-deps: $*"; }
die() { echo "install-deps: error: $*" >&2; exit 1; }

PACKAGES=(
	# what building the test kernels needs; their sources are not
	# installed: scripts/fetch-source.sh downloads linux-source-X.Y into
	# the cache through a private apt configuration (debian-archive-keyring
	# verifies it)
	build-essential xz-utils flex bison bc libelf-dev libssl-dev
	debian-archive-keyring
	# headers of the stock Debian kernel (stock-header builds)
	linux-headers-amd64
	# VM: emulator, guest userspace, initramfs packing
	qemu-system-x86 busybox-static cpio kmod
	# static analysis
	coccinelle sparse
	# check-cocci compiles the converted powerpc uvmem driver for ppc64le
	gcc-powerpc64le-linux-gnu
	# userspace unit tests: the kernel's radix-tree harness needs liburcu
	liburcu-dev
	# scripts, reports, benchmarks (file: the VM runner checks ELF types)
	python3 perl gnuplot-nox file
	# make deb and the dkms scenario: the Debian package, linted, and
	# DKMS building from it (scripts/build-deb.sh, scripts/build-dkms.sh)
	dkms debhelper dh-dkms lintian
)
# ARCH=arm64: cross gcc + binutils, static guest programs, the emulator
PACKAGES_arm64=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm)
# kmod's NEEDED closure on Debian 12 (tests/vm/mkinitramfs.sh refuses a
# library it cannot find in the unpacked root)
GUEST_PACKAGES_arm64=(busybox-static kmod libc6 liblzma5 libzstd1 libssl3)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		die "not root and sudo not available; install as root: apt-get install ${PACKAGES[*]}"
	SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
	[ "$updated" = 1 ] && return 0
	"${SUDO[@]}" apt-get update -q
	updated=1
}

# --- host packages -----------------------------------------------------------
wanted=("${PACKAGES[@]}")
[ "$DEVPRIV_ARCH" != arm64 ] || wanted+=("${PACKAGES_arm64[@]}")
missing=()
for pkg in "${wanted[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing missing packages: ${missing[*]}"
	apt_update
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- guest userspace (a foreign architecture) ---------------------------------
if [ "$GUEST_ROOT" = / ]; then
	log "all ${#wanted[@]} packages present"
	exit 0
fi
guest=$(dirname "$GUEST_ROOT")
if [ -f "$guest/.complete" ]; then
	log "all ${#wanted[@]} packages present, $DEVPRIV_ARCH guest userspace in $guest"
	exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx "$DEVPRIV_ARCH"; then
	log "adding the $DEVPRIV_ARCH architecture to dpkg (package lists only)"
	"${SUDO[@]}" dpkg --add-architecture "$DEVPRIV_ARCH"
	updated=0
fi
# Package lists for the architecture must be there before apt-get download.
apt-cache show "busybox-static:$DEVPRIV_ARCH" >/dev/null 2>&1 || apt_update

mkdir -p "$(dirname "$guest")"
tmp=$(mktemp -d "$(dirname "$guest")/.userspace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs" "$tmp/root"
arch_pkgs=()
for pkg in "${GUEST_PACKAGES_arm64[@]}"; do
	arch_pkgs+=("$pkg:$DEVPRIV_ARCH")
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
file -L "$tmp/root/bin/busybox" | grep -q "$ELF_MACHINE" ||
	die "busybox from busybox-static:$DEVPRIV_ARCH is not an $ELF_MACHINE binary"
rm -rf "$guest"
mv "$tmp" "$guest"
trap - EXIT
touch "$guest/.complete"
log "$DEVPRIV_ARCH guest userspace ready: $guest ($(paste -sd' ' "$guest/packages"))"
