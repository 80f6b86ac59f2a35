#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the project's modules (whatever ./Kbuild lists: libdevpriv/,
# its KUnit module libdevpriv/tests/, examples/, tests/kmod/, ...) and the
# kbuild userprogs (static example programs) against the arm64 test kernel.
#
#   scripts/build-modules-arm64.sh
#
# Kbuild writes an external module's objects next to its sources, and the
# x86 build already owns those.  So the repository is mirrored into
# build/arm64/tree/ (the files git knows -- tracked, or untracked and not
# ignored -- outside build/; a file is rewritten only when its contents
# changed, so kbuild's incremental build holds) and built there:
#   make -C $ARM64_KBUILD ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
#        M=build/arm64/tree modules
# libdevpriv/devpriv.mk runs conftest.sh with the kernel's $(CC): the
# capability probes are the cross compiler's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env-arm64.sh
source "$here/env-arm64.sh"
cd "$DEVPRIV_ROOT"

die() { echo "build-modules-arm64: error: $*" >&2; exit 1; }

[ -f "$ARM64_KBUILD/.devpriv-stamp" ] ||
	die "arm64 test kernel not built (run: scripts/build-test-kernel-arm64.sh)"

tree=$ARM64_OUT/tree
mkdir -p "$tree"
n=0
while IFS= read -r f; do
	[ -f "$f" ] || continue
	mkdir -p "$tree/$(dirname "$f")"
	if ! cmp -s "$f" "$tree/$f"; then
		cp -p "$f" "$tree/$f"
		n=$((n + 1))
	fi
done < <(git ls-files -co --exclude-standard | grep -v '^build/')
echo "build-modules-arm64: $n source file(s) refreshed in $tree"

nice -n 10 make -s -C "$ARM64_KBUILD" ARCH=arm64 CROSS_COMPILE="$ARM64_CROSS" \
	M="$tree" -j"$(nproc)" modules
for m in libdevpriv/devpriv.ko libdevpriv/tests/devpriv_kunit.ko \
	 examples/dmirror/devpriv_dmirror.ko examples/hello/devpriv_hello.ko \
	 tests/kmod/devpriv_ctl.ko; do
	[ -f "$tree/$m" ] || die "$m was not built"
done
for p in examples/hello/hello-user examples/dmirror/dmirror-teardown; do
	file "$tree/$p" | grep -q 'ARM aarch64.*statically linked' ||
		die "$p is not a static aarch64 program"
done
echo "build-modules-arm64: modules and programs in $tree"
