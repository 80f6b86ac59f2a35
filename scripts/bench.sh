#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks of libdevpriv against the stock device-private path, in one
# run of the test VM (tests/bench/, docs/benchmarks.md).
#
#   scripts/bench.sh           make bench: tests/bench/bench.scn, five rounds
#                              of everything; writes build/bench/results.json,
#                              build/bench/register.png and the generated part
#                              of docs/benchmarks.md.  Takes about an hour.
#   scripts/bench.sh --smoke   make bench-smoke: tests/bench/bench-smoke.scn,
#                              one round of tiny sizes, a few minutes; writes
#                              build/bench-smoke/results.json; the last line is
#                              "bench-smoke: N passed, M failed" (passed: the
#                              benchmark produced a finite ratio).
#
# Benchmarks are never asserted: the exit status is non-zero only when the
# pipeline breaks (build, VM run with a splat or a failed step, a ratio that
# could not be computed), never because of a ratio's value.
#
# The modules are built (make modules stock) and copied to build/bench/stage/
# before the VM boots, so that a concurrent rebuild of the tree cannot swap
# them mid-run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

mode=full
case ${1:-} in
--smoke) mode=smoke ;;
"") ;;
*) echo "usage: $0 [--smoke]" >&2; exit 2 ;;
esac

if [ $mode = smoke ]; then
	scn=tests/bench/bench-smoke.scn
	out=build/bench-smoke
else
	scn=tests/bench/bench.scn
	out=build/bench
fi
name=$(basename "$scn" .scn)
stage=build/bench/stage
start=$(date +%s)

fail() {
	echo "bench: $*"
	if [ $mode = smoke ]; then
		echo "bench-smoke: 0 passed, 1 failed"
	fi
	exit 1
}

mkdir -p "$out" "$stage"
# --- build and stage ------------------------------------------------------
echo "bench: building modules and the stock baseline (log: $out/build.log)"
nice -n 10 make -k modules stock >"$out/build.log" 2>&1 ||
	echo "bench: the build reported errors; checking what the benchmarks need"
release=$(cat "$KBUILD/include/config/kernel.release")
artifacts=(tests/bench/devpriv_bench.ko tests/bench/migrate-bench
	build/stock/test_hmm.ko libdevpriv/devpriv.ko
	examples/dmirror/devpriv_dmirror.ko)
for f in "${artifacts[@]}"; do
	[ -f "$f" ] || { tail -n 20 "$out/build.log"; fail "$f was not built"; }
	cp "$f" "$stage/"
	case $f in
	*.ko)
		got=$(modinfo -F vermagic "$stage/${f##*/}" | awk '{print $1}')
		[ "$got" = "$release" ] ||
			fail "$f is built for '$got', not the test kernel '$release' (concurrent build? run again)"
		;;
	esac
done

# --- run --------------------------------------------------------------------
echo "bench: running $scn in the VM (log: build/vm/$name.log)"
status=0
line=$(tests/vm/run-scenario.sh "$scn") || status=$?
echo "$line"
[ -f "build/vm/$name.log" ] || fail "no log of the VM run"

# --- results ------------------------------------------------------------------
wall=$(($(date +%s) - start))
args=(--log "build/vm/$name.log" --out "$out" --wall "$wall"
	--scenario "$line")
if [ $mode = smoke ]; then
	args+=(--smoke)
	[ $status -eq 0 ] || args+=(--run-failed)
elif [ $status -eq 0 ]; then
	args+=(--doc docs/benchmarks.md)
else
	echo "bench: the VM run failed: docs/benchmarks.md left as it was"
fi
rstatus=0
python3 tests/bench/results.py "${args[@]}" || rstatus=$?
[ $mode = smoke ] || echo "bench: wall time $((wall / 60)) min $((wall % 60)) s"
[ $status -eq 0 ] && [ $rstatus -eq 0 ]
