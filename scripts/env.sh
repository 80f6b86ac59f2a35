#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build environment of libdevpriv: which kernel for which architecture,
# where its source and its test kernel build live, where this checkout's
# outputs for it go.  Two ways to use it:
#
#   source scripts/env.sh            # exports the variables below
#   scripts/env.sh --print VAR       # prints one value (for make)
#   scripts/env.sh [--print-all]     # prints VAR=value lines
#
# Parameters (environment):
#   KVER              kernel: the X.Y of a Debian linux-source-X.Y package;
#                     default $DEVPRIV_DEFAULT_KVER
#   ARCH              x86_64 (default; "x86" is taken too) or arm64 (cross-
#                     built, booted under qemu-system-aarch64)
#   DEVPRIV_CACHE     cache root, default ${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv
#   KCONFIG_EXTRA     fragment(s) merged last, for a variant kernel (make
#                     bench: scripts/kconfig/bench-kernel.config); later
#                     fragments win over earlier ones
#   DEVPRIV_VARIANT   a name for that variant's outputs (DEVPRIV_OUT and the
#                     VM logs get "-NAME"), so they do not mix with the test
#                     kernel's
#
# Variables:
#   DEVPRIV_KERNELS   the supported kernels, the default of make check's
#                     KERNELS (adding a kernel Debian packages is adding
#                     its X.Y here, plus scripts/kconfig/kernel-X.Y.config
#                     where its Kconfig differs)
#   DEVPRIV_ARCH      x86_64 or arm64 (from ARCH)
#   KARCH             kbuild's ARCH= for it (x86, arm64)
#   KMAKE_ARCH        (array, when sourced) ARCH= and CROSS_COMPILE= for
#                     kbuild
#   KMAKE             (array, when sourced) the kbuild make command: make
#                     "${KMAKE_ARCH[@]}", at nice 10 when cross-building
#                     (it runs beside x86 work in make check); every
#                     make -C $KSRC / $KBUILD of the scripts is "${KMAKE[@]}"
#   CROSS_COMPILE     empty on x86_64, aarch64-linux-gnu- on arm64
#   CC_TARGET         the C compiler for guest programs: ${CROSS_COMPILE}gcc
#   ELF_MACHINE       what file(1) says of a guest binary ("x86-64", "ARM aarch64")
#   KIMAGE_TARGET     the kernel image's make target (bzImage, Image)
#   KIMAGE            the booted image: $KBUILD/arch/$KARCH/boot/$KIMAGE_TARGET
#   GUEST_ROOT        where the guest's busybox and kmod come from: / on
#                     x86_64 (the host's), Debian's arm64 packages unpacked
#                     into the cache on arm64 (scripts/install-deps.sh)
#   DEVPRIV_ROOT      repository root
#   KSRC_PKG          linux-source-$KVER
#   KSRC_DEBVER       its Debian version, as scripts/fetch-source.sh fetched
#                     it into the cache ("not-fetched" before that)
#   KSRC_DEB          the .deb in $DEVPRIV_CACHE/debs
#   KSRC              extracted source: $DEVPRIV_CACHE/src/<pkg>_<debver>
#                     (one tree per version, for every architecture)
#   KCONFIG_FRAGMENTS the test kernel's fragments, in merge order, each
#                     where it exists: test-kernel.config (common),
#                     arch-$DEVPRIV_ARCH.config, kernel-$KVER.config,
#                     kernel-$KVER.$DEVPRIV_ARCH.config, then $KCONFIG_EXTRA
#   KCONFIG_SHA       short sha256 of the options they ask for (the last
#                     fragment setting an option wins, as with
#                     merge_config.sh; sorted): comments and moves between
#                     fragments do not rebuild a kernel
#   KBUILD            test kernel build dir (make O=), keyed by architecture,
#                     source version and options:
#                     $DEVPRIV_CACHE/kbuild/<arch>/<debver>-<sha>
#   DEVPRIV_OUT       this checkout's outputs for kernel and architecture:
#                     build/<kver>/<arch> (tree/: the mirror the modules
#                     are built in, stock/, ports/)
#   DEVPRIV_VM_OUT    the VM scenarios' logs: build/vm/<kver>/<arch>
#
# Nothing here hard-codes a point release, a suite or an ABI name: the
# version comes from the fetched package, the kernel release from the built
# tree ($KBUILD/include/config/kernel.release).

DEVPRIV_KERNELS="6.1 6.12 7.3"
DEVPRIV_DEFAULT_KVER=6.1

DEVPRIV_ARCHES="x86_64 arm64"

# kconfig_options FRAGMENT...: the options they set, "CONFIG_X=v" or
# "CONFIG_X=n" for "is not set", the last fragment winning; sorted.
kconfig_options() {
	awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { i = index($0, "="); v[substr($0, 1, i - 1)] = substr($0, i + 1) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { v[$2] = "n" }
		END { for (o in v) print o "=" v[o] }
	' "$@" | LC_ALL=C sort
}

_devpriv_env() {
	local here verdir frag
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	DEVPRIV_ROOT=$(cd "$here/.." && pwd)
	DEVPRIV_CACHE=${DEVPRIV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv}
	KVER=${KVER:-$DEVPRIV_DEFAULT_KVER}

	DEVPRIV_ARCH=${ARCH:-x86_64}
	case $DEVPRIV_ARCH in
	x86|x86_64)
		DEVPRIV_ARCH=x86_64 KARCH=x86 CROSS_COMPILE=
		ELF_MACHINE=x86-64 KIMAGE_TARGET=bzImage
		GUEST_ROOT=/
		;;
	arm64|aarch64)
		DEVPRIV_ARCH=arm64 KARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		ELF_MACHINE="ARM aarch64" KIMAGE_TARGET=Image
		# keyed by the package list of scripts/install-deps.sh
		GUEST_ROOT=$DEVPRIV_CACHE/userspace/arm64/$({ grep -s \
			'^GUEST_PACKAGES_arm64=' "$here/install-deps.sh" || true; } |
			sha256sum | cut -c1-12)/root
		;;
	*)
		echo "env.sh: unknown ARCH '$DEVPRIV_ARCH' (one of: $DEVPRIV_ARCHES)" >&2
		return 1
		;;
	esac
	# ARCH as kbuild wants it; one export for every script and make -C
	ARCH=$KARCH
	CC_TARGET=${CROSS_COMPILE}gcc

	KSRC_PKG=linux-source-$KVER
	KSRC_DEBVER=$(cat "$DEVPRIV_CACHE/debs/$KSRC_PKG.version" 2>/dev/null || true)
	[ -n "$KSRC_DEBVER" ] || KSRC_DEBVER=not-fetched
	# An epoch's ':' is not welcome in make paths.
	verdir=${KSRC_DEBVER//:/+}
	KSRC_DEB=$(compgen -G "$DEVPRIV_CACHE/debs/${KSRC_PKG}_${KSRC_DEBVER//:/%3a}_*.deb" |
		head -n1 || true)
	KSRC=$DEVPRIV_CACHE/src/${KSRC_PKG}_$verdir

	KCONFIG_FRAGMENTS=
	for frag in test-kernel arch-$DEVPRIV_ARCH kernel-$KVER kernel-$KVER.$DEVPRIV_ARCH; do
		frag=$DEVPRIV_ROOT/scripts/kconfig/$frag.config
		[ ! -f "$frag" ] || KCONFIG_FRAGMENTS="$KCONFIG_FRAGMENTS $frag"
	done
	[ -z "${KCONFIG_EXTRA:-}" ] || KCONFIG_FRAGMENTS="$KCONFIG_FRAGMENTS $KCONFIG_EXTRA"
	KCONFIG_FRAGMENTS=${KCONFIG_FRAGMENTS# }
	# A missing fragment counts as empty; build-test-kernel.sh refuses it.
	# shellcheck disable=SC2086
	KCONFIG_SHA=$(kconfig_options $KCONFIG_FRAGMENTS 2>/dev/null |
		sha256sum | cut -c1-12)
	KBUILD=$DEVPRIV_CACHE/kbuild/$DEVPRIV_ARCH/$verdir-$KCONFIG_SHA
	KIMAGE=$KBUILD/arch/$KARCH/boot/$KIMAGE_TARGET
	DEVPRIV_OUT=$DEVPRIV_ROOT/build/$KVER/$DEVPRIV_ARCH${DEVPRIV_VARIANT:+-$DEVPRIV_VARIANT}
	DEVPRIV_VM_OUT=$DEVPRIV_ROOT/build/vm/$KVER/$DEVPRIV_ARCH${DEVPRIV_VARIANT:+-$DEVPRIV_VARIANT}
	KMAKE_ARCH=(ARCH="$KARCH")
	KMAKE=(make)
	if [ -n "$CROSS_COMPILE" ]; then
		KMAKE_ARCH+=(CROSS_COMPILE="$CROSS_COMPILE")
		KMAKE=(nice -n 10 make)
	fi
	KMAKE+=("${KMAKE_ARCH[@]}")

	export DEVPRIV_KERNELS DEVPRIV_ARCHES DEVPRIV_ROOT DEVPRIV_CACHE KVER \
	       DEVPRIV_ARCH ARCH KARCH CROSS_COMPILE CC_TARGET ELF_MACHINE \
	       KIMAGE_TARGET KIMAGE GUEST_ROOT KSRC_PKG KSRC_DEBVER KSRC_DEB KSRC \
	       KCONFIG_FRAGMENTS KCONFIG_SHA KBUILD DEVPRIV_OUT DEVPRIV_VM_OUT
}

_DEVPRIV_VARS="DEVPRIV_KERNELS DEVPRIV_ARCHES DEVPRIV_ROOT DEVPRIV_CACHE KVER
DEVPRIV_ARCH KARCH CROSS_COMPILE CC_TARGET ELF_MACHINE KIMAGE_TARGET KIMAGE
GUEST_ROOT KSRC_PKG KSRC_DEBVER KSRC_DEB KSRC KCONFIG_FRAGMENTS KCONFIG_SHA
KBUILD DEVPRIV_OUT DEVPRIV_VM_OUT"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# Executed, not sourced.
	set -euo pipefail
	_devpriv_env
	case "${1:-}" in
	--print)
		var=${2:?usage: env.sh --print VAR}
		# shellcheck disable=SC2086,SC2116
		case " $(echo $_DEVPRIV_VARS) " in
		*" $var "*) printf '%s\n' "${!var}" ;;
		*) echo "env.sh: unknown variable '$var'" >&2; exit 1 ;;
		esac
		;;
	--print-all|"")
		for var in $_DEVPRIV_VARS; do
			printf '%s=%s\n' "$var" "${!var}"
		done
		;;
	*)
		echo "usage: env.sh [--print VAR | --print-all]" >&2
		exit 1
		;;
	esac
else
	_devpriv_env
fi
