#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages libdevpriv's build and test pipeline needs.
# Idempotent and non-interactive: when every package is already installed
# this only runs dpkg-query and exits; apt-get runs only for missing ones.
set -euo pipefail

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
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	if [ "$status" != "installed" ]; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

echo "install-deps: installing missing packages: ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "install-deps: error: not root and sudo not available;" \
		     "install as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
