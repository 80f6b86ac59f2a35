#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build environment of libdevpriv: which kernel, where its source and its
# test kernel build live, where this checkout's outputs for it go.  Two
# ways to use it:
#
#   source scripts/env.sh            # exports the variables below
#   scripts/env.sh --print VAR       # prints one value (for make)
#   scripts/env.sh [--print-all]     # prints VAR=value lines
#
# Parameters (environment):
#   KVER              kernel: the X.Y of a Debian linux-source-X.Y package;
#                     default $DEVPRIV_DEFAULT_KVER
#   DEVPRIV_CACHE     cache root, default ${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv
#   KCONFIG_EXTRA     fragment(s) merged last, for a variant kernel (make
#                     bench: scripts/kconfig/bench-kernel.config); later
#                     fragments win over earlier ones
#
# Variables:
#   DEVPRIV_KERNELS   the supported kernels, the default of make check's
#                     KERNELS (adding a kernel Debian packages is adding
#                     its X.Y here, plus scripts/kconfig/kernel-X.Y.config)
#   DEVPRIV_ROOT      repository root
#   KSRC_PKG          linux-source-$KVER
#   KSRC_DEBVER       its Debian version, as scripts/fetch-source.sh fetched
#                     it into the cache ("not-fetched" before that)
#   KSRC_DEB          the .deb in $DEVPRIV_CACHE/debs
#   KSRC              extracted source: $DEVPRIV_CACHE/src/<pkg>_<debver>
#   KCONFIG_FRAGMENTS the test kernel's fragments: test-kernel.config, then
#                     kernel-$KVER.config where it exists, then $KCONFIG_EXTRA
#   KCONFIG_SHA       short sha256 over the fragments' contents
#   KBUILD            test kernel build dir (make O=), keyed by source
#                     version and fragment sha:
#                     $DEVPRIV_CACHE/build/<debver>-<sha>
#   DEVPRIV_OUT       this checkout's outputs for the kernel:
#                     build/<kver>/x86_64 (tree/: the mirror the modules
#                     are built in, stock/, ports/, vm/ logs)
#
# Nothing here hard-codes a point release, a suite or an ABI name: the
# version comes from the fetched package, the kernel release from the built
# tree ($KBUILD/include/config/kernel.release).

DEVPRIV_KERNELS="6.1 6.12 7.3"
DEVPRIV_DEFAULT_KVER=6.1

_devpriv_env() {
	local here verdir frag
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	DEVPRIV_ROOT=$(cd "$here/.." && pwd)
	DEVPRIV_CACHE=${DEVPRIV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv}
	KVER=${KVER:-$DEVPRIV_DEFAULT_KVER}

	KSRC_PKG=linux-source-$KVER
	KSRC_DEBVER=$(cat "$DEVPRIV_CACHE/debs/$KSRC_PKG.version" 2>/dev/null || true)
	[ -n "$KSRC_DEBVER" ] || KSRC_DEBVER=not-fetched
	# An epoch's ':' is not welcome in make paths.
	verdir=${KSRC_DEBVER//:/+}
	KSRC_DEB=$(compgen -G "$DEVPRIV_CACHE/debs/${KSRC_PKG}_${KSRC_DEBVER//:/%3a}_*.deb" |
		head -n1 || true)
	KSRC=$DEVPRIV_CACHE/src/${KSRC_PKG}_$verdir

	KCONFIG_FRAGMENTS=$DEVPRIV_ROOT/scripts/kconfig/test-kernel.config
	frag=$DEVPRIV_ROOT/scripts/kconfig/kernel-$KVER.config
	[ ! -f "$frag" ] || KCONFIG_FRAGMENTS="$KCONFIG_FRAGMENTS $frag"
	[ -z "${KCONFIG_EXTRA:-}" ] || KCONFIG_FRAGMENTS="$KCONFIG_FRAGMENTS $KCONFIG_EXTRA"
	# A missing fragment hashes as empty; build-test-kernel.sh refuses it.
	# shellcheck disable=SC2086
	KCONFIG_SHA=$({ cat $KCONFIG_FRAGMENTS 2>/dev/null || true; } |
		sha256sum | cut -c1-12)
	KBUILD=$DEVPRIV_CACHE/build/$verdir-$KCONFIG_SHA
	DEVPRIV_OUT=$DEVPRIV_ROOT/build/$KVER/x86_64

	export DEVPRIV_KERNELS DEVPRIV_ROOT DEVPRIV_CACHE KVER KSRC_PKG \
	       KSRC_DEBVER KSRC_DEB KSRC KCONFIG_FRAGMENTS KCONFIG_SHA KBUILD \
	       DEVPRIV_OUT
}

_DEVPRIV_VARS="DEVPRIV_KERNELS DEVPRIV_ROOT DEVPRIV_CACHE KVER KSRC_PKG
KSRC_DEBVER KSRC_DEB KSRC KCONFIG_FRAGMENTS KCONFIG_SHA KBUILD DEVPRIV_OUT"

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
