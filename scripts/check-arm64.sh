#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The arm64 test stage: cross-built test kernel, modules and stock
# baseline, then the VM scenarios of tests/vm/scenarios-arm64/ under
# qemu-system-aarch64 (TCG).
#
#   scripts/check-arm64.sh [--build-only]
#
# Steps, each timed:
#   deps     scripts/install-deps.sh and scripts/install-deps-arm64.sh
#            (idempotent: a dpkg-query when all is there)
#   kernel   scripts/build-test-kernel-arm64.sh (cached in $ARM64_KBUILD)
#   stock    scripts/build-stock-arm64.sh  -> build/arm64/stock/
#   modules  scripts/build-modules-arm64.sh -> build/arm64/tree/
#   one line per scenario from tests/vm/arm64/run-scenario.sh
# A failed step counts as one failure (its log is in build/arm64/check/);
# the scenarios still run and fail on their missing files.  The last line is
#   check-arm64: N passed, N failed
# and the exit status is non-zero on any failure.
#
# Environment: SCENARIOS_ARM64="arm64-stock ..." runs only those.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env-arm64.sh
source "$here/env-arm64.sh"
cd "$DEVPRIV_ROOT"

build_only=0
case ${1:-} in
--build-only) build_only=1 ;;
"") ;;
*) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

logdir=$ARM64_OUT/check
mkdir -p "$logdir"
passed=0
failed=0

# step NAME CMD...: run CMD with its output in $logdir/NAME.log
step() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s)
	if "$@" >"$logdir/$name.log" 2>&1; then
		t1=$(date +%s)
		echo "check-arm64: $name: ok ($((t1 - t0)) s) $(tail -n 1 "$logdir/$name.log")"
	else
		t1=$(date +%s)
		tail -n 15 "$logdir/$name.log" | sed 's/^/  /'
		echo "check-arm64: $name: FAILED after $((t1 - t0)) s (log: $logdir/$name.log)"
		failed=$((failed + 1))
		return 1
	fi
}

deps() {
	"$here/install-deps.sh"
	"$here/install-deps-arm64.sh"
}

step deps deps || true
if step kernel "$here/build-test-kernel-arm64.sh"; then
	step stock "$here/build-stock-arm64.sh" || true
	step modules "$here/build-modules-arm64.sh" || true
	step initramfs tests/vm/arm64/mkinitramfs.sh || true
fi

if [ "$build_only" = 1 ]; then
	echo "check-arm64: build only: $failed step(s) failed"
	[ "$failed" -eq 0 ]
	exit
fi

scns=()
if [ -n "${SCENARIOS_ARM64:-}" ]; then
	for s in $SCENARIOS_ARM64; do
		scns+=("tests/vm/scenarios-arm64/${s%.scn}.scn")
	done
else
	mapfile -t scns < <(LC_ALL=C ls tests/vm/scenarios-arm64/*.scn)
fi
echo "check-arm64: ${#scns[@]} scenario(s)"
for s in "${scns[@]}"; do
	t0=$(date +%s)
	if line=$(tests/vm/arm64/run-scenario.sh "$s"); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "$line [$(($(date +%s) - t0)) s]"
done
echo "check-arm64: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
