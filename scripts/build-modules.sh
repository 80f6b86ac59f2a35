#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the project's modules (whatever ./Kbuild lists: libdevpriv/, its
# KUnit module libdevpriv/tests/, examples/, tests/kmod/, tests/bench/) and
# the kbuild userprogs (static example programs) against the test kernel
# of $KVER for $ARCH (arm64: cross-built).
#
#   [KVER=X.Y] [ARCH=x86_64|arm64] scripts/build-modules.sh [make arguments, e.g. W=1 or C=2]
#
# Kbuild writes an external module's objects next to its sources, and one
# checkout builds for several kernels.  So the repository is mirrored into
# $DEVPRIV_OUT/tree (build/<kver>/<arch>/tree: the files git knows --
# tracked, or untracked and not ignored -- outside build/; a file is
# rewritten only when its contents changed, so kbuild's incremental build
# holds) and built there with make -C $KBUILD M=$DEVPRIV_OUT/tree.
# libdevpriv/devpriv.mk runs conftest.sh against that kernel with its
# $(CC): the capability macros are that kernel's and architecture's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

die() { echo "build-modules: error: $*" >&2; exit 1; }

# mirror DIR: copy the files git knows (tracked, or untracked and not
# ignored) outside build/ into DIR, rewriting only those whose contents
# changed, so that kbuild's incremental build holds there.
mirror() {
	local f n=0
	mkdir -p "$1"
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		if ! cmp -s "$f" "$1/$f"; then
			mkdir -p "$1/$(dirname "$f")"
			cp -p "$f" "$1/$f"
			n=$((n + 1))
		fi
	done < <(git ls-files -co --exclude-standard | grep -v '^build/')
	[ "$n" = 0 ] || echo "build-modules: $n source file(s) refreshed in ${1#"$DEVPRIV_ROOT"/}"
}

[ -f "$KBUILD/.devpriv-stamp" ] ||
	die "test kernel $KVER/$DEVPRIV_ARCH not built (run: make kernel KVER=$KVER ARCH=$DEVPRIV_ARCH)"

tree=$DEVPRIV_OUT/tree
mirror "$tree"

"${KMAKE[@]}" -s -C "$KBUILD" M="$tree" -j"$(nproc)" "$@" modules
for m in libdevpriv/devpriv.ko libdevpriv/tests/devpriv_kunit.ko \
	 examples/dmirror/devpriv_dmirror.ko examples/hello/devpriv_hello.ko \
	 tests/kmod/devpriv_ctl.ko; do
	[ -f "$tree/$m" ] || die "$m was not built"
done
for p in examples/hello/hello-user examples/dmirror/dmirror-teardown \
	 examples/dmirror/dmirror-stress examples/dmirror/dmirror-thp; do
	file "$tree/$p" | grep -q "$ELF_MACHINE.*statically linked" ||
		die "$p is not a static $ELF_MACHINE program"
done
echo "build-modules: $KVER/$DEVPRIV_ARCH modules in ${tree#"$DEVPRIV_ROOT"/}"
