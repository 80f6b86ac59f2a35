#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's modules (whatever ./Kbuild lists: libdevpriv/, its
# KUnit module libdevpriv/tests/, examples/, tests/kmod/, tests/bench/) and
# the kbuild userprogs (static example programs) against the test kernel
# of $KVER.
#
#   [KVER=X.Y] scripts/build-modules.sh [make arguments, e.g. W=1 or C=2]
#
# Kbuild writes an external module's objects next to its sources, and one
# checkout builds for several kernels.  So the repository is mirrored into
# $DEVPRIV_OUT/tree (build/<kver>/x86_64/tree: the files git knows --
# tracked, or untracked and not ignored -- outside build/; a file is
# rewritten only when its contents changed, so kbuild's incremental build
# holds) and built there with make -C $KBUILD M=$DEVPRIV_OUT/tree.
# libdevpriv/devpriv.mk runs conftest.sh against that kernel: the
# capability macros are that kernel's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

die() { echo "build-modules: error: $*" >&2; exit 1; }

[ -f "$KBUILD/.devpriv-stamp" ] ||
	die "test kernel $KVER not built (run: make kernel KVER=$KVER)"

tree=$DEVPRIV_OUT/tree
mkdir -p "$tree"
n=0
while IFS= read -r f; do
	[ -f "$f" ] || continue
	if ! cmp -s "$f" "$tree/$f"; then
		mkdir -p "$tree/$(dirname "$f")"
		cp -p "$f" "$tree/$f"
		n=$((n + 1))
	fi
done < <(git ls-files -co --exclude-standard | grep -v '^build/')
[ "$n" = 0 ] || echo "build-modules: $n source file(s) refreshed in ${tree#"$DEVPRIV_ROOT"/}"

make -s -C "$KBUILD" M="$tree" -j"$(nproc)" "$@" modules
for m in libdevpriv/devpriv.ko libdevpriv/tests/devpriv_kunit.ko \
	 examples/dmirror/devpriv_dmirror.ko examples/hello/devpriv_hello.ko \
	 tests/kmod/devpriv_ctl.ko; do
	[ -f "$tree/$m" ] || die "$m was not built"
done
echo "build-modules: $KVER modules in ${tree#"$DEVPRIV_ROOT"/}"
