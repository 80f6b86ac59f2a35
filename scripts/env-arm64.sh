#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build environment of the arm64 pipeline, on top of scripts/env.sh (same
# kernel source $KSRC, same cache root $DEVPRIV_CACHE).
#
#   source scripts/env-arm64.sh          # exports the variables below
#   scripts/env-arm64.sh --print VAR     # prints one value (for make)
#   scripts/env-arm64.sh [--print-all]   # prints VAR=value lines
#
# Variables (besides those of env.sh):
#   ARM64_CROSS            CROSS_COMPILE prefix: aarch64-linux-gnu-
#   ARM64_KCONFIG_FRAGMENTS config fragment(s) of the arm64 test kernel
#   ARM64_KCONFIG_SHA      short sha256 over their contents
#   ARM64_KBUILD           arm64 test kernel build dir (make O=), keyed like
#                          the x86 one: $DEVPRIV_CACHE/build-arm64/<debver>-<sha>
#   ARM64_IMAGE            $ARM64_KBUILD/arch/arm64/boot/Image
#   ARM64_USERSPACE        Debian's arm64 guest binaries, unpacked by
#                          scripts/install-deps-arm64.sh, keyed by the sha
#                          of that script's GUEST_PACKAGES line
#   ARM64_OUT              repository build outputs: build/arm64
#                          (tree/ is the copy of the sources the modules are
#                          built in, stock/ the stock baseline, vm/ logs)
#
# ARM64_KCONFIG_FRAGMENTS and ARM64_OUT may be set beforehand, to build and
# boot a variant kernel (e.g. another VA size) next to the default one;
# set both: modules built for one kernel do not fit the other.

_devpriv_env_arm64() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	# shellcheck source=scripts/env.sh
	source "$here/env.sh"

	ARM64_CROSS=aarch64-linux-gnu-
	ARM64_KCONFIG_FRAGMENTS=${ARM64_KCONFIG_FRAGMENTS:-$DEVPRIV_ROOT/scripts/kconfig/test-kernel-arm64.config}
	# shellcheck disable=SC2086
	ARM64_KCONFIG_SHA=$({ cat $ARM64_KCONFIG_FRAGMENTS 2>/dev/null || true; } |
		sha256sum | cut -c1-12)
	ARM64_KBUILD=$DEVPRIV_CACHE/build-arm64/${KSRC_DEBVER//:/+}-$ARM64_KCONFIG_SHA
	ARM64_IMAGE=$ARM64_KBUILD/arch/arm64/boot/Image
	ARM64_USERSPACE=$DEVPRIV_CACHE/arm64-userspace/$({ grep -s \
		'^GUEST_PACKAGES=' "$here/install-deps-arm64.sh" || true; } |
		sha256sum | cut -c1-12)
	ARM64_OUT=${ARM64_OUT:-$DEVPRIV_ROOT/build/arm64}

	export ARM64_CROSS ARM64_KCONFIG_FRAGMENTS ARM64_KCONFIG_SHA \
	       ARM64_KBUILD ARM64_IMAGE ARM64_USERSPACE ARM64_OUT
}

_DEVPRIV_ARM64_VARS="ARM64_CROSS ARM64_KCONFIG_FRAGMENTS ARM64_KCONFIG_SHA
ARM64_KBUILD ARM64_IMAGE ARM64_USERSPACE ARM64_OUT KSRC DEVPRIV_CACHE DEVPRIV_ROOT"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	_devpriv_env_arm64
	case "${1:-}" in
	--print)
		var=${2:?usage: env-arm64.sh --print VAR}
		# shellcheck disable=SC2086,SC2116
		case " $(echo $_DEVPRIV_ARM64_VARS) " in
		*" $var "*) printf '%s\n' "${!var}" ;;
		*) echo "env-arm64.sh: unknown variable '$var'" >&2; exit 1 ;;
		esac
		;;
	--print-all|"")
		for var in $_DEVPRIV_ARM64_VARS; do
			printf '%s=%s\n' "$var" "${!var}"
		done
		;;
	*)
		echo "usage: env-arm64.sh [--print VAR | --print-all]" >&2
		exit 1
		;;
	esac
else
	_devpriv_env_arm64
fi
