#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build environment of libdevpriv: where the kernel source and the test
# kernel build live.  Two ways to use it:
#
#   source scripts/env.sh            # exports the variables below
#   scripts/env.sh --print VAR       # prints one value (for make)
#   scripts/env.sh [--print-all]     # prints VAR=value lines
#
# Variables:
#   DEVPRIV_ROOT      repository root
#   DEVPRIV_CACHE     cache root; override by setting DEVPRIV_CACHE,
#                     default ${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv
#   KSRC_PKG          Debian package of the kernel source (linux-source-6.1)
#   KSRC_TARBALL      /usr/src/$KSRC_PKG.tar.xz
#   KSRC_DEBVER       its Debian version, read from dpkg (e.g. 6.1.192-2)
#   KSRC              extracted kernel source: $DEVPRIV_CACHE/src/<pkg>_<debver>
#   KCONFIG_FRAGMENTS config fragment(s) of the test kernel; may be set
#                     beforehand to build and use a variant kernel (make
#                     bench: test-kernel.config plus bench-kernel.config);
#                     later fragments win over earlier ones
#   KCONFIG_SHA       short sha256 over the fragments' contents
#   KBUILD            test kernel build dir (make O=), keyed by source
#                     version and fragment sha:
#                     $DEVPRIV_CACHE/build/<debver>-<sha>
#
# Nothing here hard-codes the 6.1.x point release or the ABI name: the
# version comes from dpkg, the kernel release from the built tree
# ($KBUILD/include/config/kernel.release).

_devpriv_env() {
	local here verdir
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	DEVPRIV_ROOT=$(cd "$here/.." && pwd)
	DEVPRIV_CACHE=${DEVPRIV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv}

	KSRC_PKG=linux-source-6.1
	KSRC_TARBALL=/usr/src/$KSRC_PKG.tar.xz
	KSRC_DEBVER=$(dpkg-query -W -f='${Version}' "$KSRC_PKG" 2>/dev/null || true)
	[ -n "$KSRC_DEBVER" ] || KSRC_DEBVER=not-installed
	# An epoch's ':' is not welcome in make paths.
	verdir=${KSRC_DEBVER//:/+}
	KSRC=$DEVPRIV_CACHE/src/${KSRC_PKG}_$verdir

	KCONFIG_FRAGMENTS=${KCONFIG_FRAGMENTS:-$DEVPRIV_ROOT/scripts/kconfig/test-kernel.config}
	# A missing fragment hashes as empty; build-test-kernel.sh refuses it.
	# shellcheck disable=SC2086
	KCONFIG_SHA=$({ cat $KCONFIG_FRAGMENTS 2>/dev/null || true; } |
		sha256sum | cut -c1-12)
	KBUILD=$DEVPRIV_CACHE/build/$verdir-$KCONFIG_SHA

	export DEVPRIV_ROOT DEVPRIV_CACHE KSRC_PKG KSRC_TARBALL KSRC_DEBVER \
	       KSRC KCONFIG_FRAGMENTS KCONFIG_SHA KBUILD
}

_DEVPRIV_VARS="DEVPRIV_ROOT DEVPRIV_CACHE KSRC_PKG KSRC_TARBALL KSRC_DEBVER
KSRC KCONFIG_FRAGMENTS KCONFIG_SHA KBUILD"

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
