#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks of libdevpriv against the stock device-private path, in one
# run of the test VM (tests/bench/, docs/benchmarks.md).
#
#   [KVER=X.Y] scripts/bench.sh
#                              make bench: tests/bench/bench.scn, nine rounds
#                              of everything; writes build/bench/KVER/results.json,
#                              build/bench/KVER/register.png and that kernel's
#                              generated block of docs/benchmarks.md (with
#                              docs/benchmarks-register-KVER.png), on the bench kernel
#                              (below).  About seven minutes, plus
#                              the bench kernel's build the first time.  Then
#                              tests/bench/hmm-benchmarks.scn: the kernel's
#                              own hmm-tests benchmarks (7.3:
#                              benchmark_thp_migration, which the debug
#                              kernel under TCG cannot finish in its 120 s)
#                              against the example driver; "bench: hmm-tests
#                              benchmarks: ..." says how they did.
#   scripts/bench.sh --smoke   make bench-smoke: tests/bench/bench-smoke.scn,
#                              one round of tiny sizes, a few minutes; writes
#                              build/bench-smoke/results.json; the last line is
#                              "bench-smoke: 1 passed, 0 failed": one check,
#                              passed when the VM run succeeded and every
#                              benchmark produced a finite ratio.
#
# Benchmarks are never asserted: the exit status is non-zero only when the
# pipeline breaks (build, VM run with a splat or a failed step, a ratio that
# could not be computed), never because of a ratio's value.
#
# Kernels.  make bench measures a production kernel, not the debug test
# kernel: its own variant, the test kernel's fragment plus
# scripts/kconfig/bench-kernel.config (no KASAN, lockdep, kmemleak,
# DEBUG_VM, DEBUG_LIST; release suffix "-bench"), built and cached like the
# test kernel (scripts/build-test-kernel.sh with KCONFIG_EXTRA set, so
# $KBUILD is keyed by both fragments), with DEVPRIV_VARIANT=bench: the
# modules are built for it in their own mirror of the repository,
# build/<kver>/x86_64-bench/tree/, the stock baseline in .../stock/.  The VM
# runner boots that kernel because KCONFIG_EXTRA is exported to it
# (tests/vm/run-scenario.sh takes $KBUILD from scripts/env.sh).
# make bench-smoke stays on the debug test kernel and the in-tree modules
# (make modules stock): no further kernel build in make check.
# DEVPRIV_BENCH_KERNEL=debug|bench overrides the choice of either mode.
#
# The modules are copied to build/<kver>/<arch>[-bench]/bench/stage/ before
# the VM boots, so that a concurrent rebuild of the tree cannot swap them
# mid-run.
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
	kernel=${DEVPRIV_BENCH_KERNEL:-debug}
else
	scn=tests/bench/bench.scn
	out=build/bench/$KVER
	kernel=${DEVPRIV_BENCH_KERNEL:-bench}
fi
name=$(basename "$scn" .scn)
start=$(date +%s)

fail() {
	echo "bench: $*"
	if [ $mode = smoke ]; then
		echo "bench-smoke: 0 passed, 1 failed"
	fi
	exit 1
}

# Staged per kernel and variant, so that benchmarks of several kernels can
# run at once: the scenarios' build/bench/stage/X resolves to
# $DEVPRIV_OUT/bench/stage/X first (tests/vm/run-scenario.sh).
mkdir -p "$out"
# --- build and stage ------------------------------------------------------
case $kernel in
debug)
	echo "bench: building modules and the stock baseline for the test kernel (log: $out/build.log)"
	nice -n 10 make -k modules stock >"$out/build.log" 2>&1 ||
		echo "bench: the build reported errors; checking what the benchmarks need"
	tree=$DEVPRIV_OUT/tree
	stock=$DEVPRIV_OUT/stock
	;;
bench)
	KCONFIG_EXTRA=$DEVPRIV_ROOT/scripts/kconfig/bench-kernel.config
	DEVPRIV_VARIANT=bench
	export KCONFIG_EXTRA DEVPRIV_VARIANT
	# shellcheck source=scripts/env.sh
	source "$here/env.sh"
	echo "bench: building the $KVER bench kernel, modules and stock baseline for it (log: $out/build.log)"
	tree=$DEVPRIV_OUT/tree
	stock=$DEVPRIV_OUT/stock
	{
		nice -n 10 scripts/build-test-kernel.sh &&
		nice -n 10 scripts/build-modules.sh &&
		nice -n 10 scripts/build-stock.sh
	} >"$out/build.log" 2>&1 ||
		echo "bench: the build reported errors; checking what the benchmarks need"
	;;
*) fail "DEVPRIV_BENCH_KERNEL=$kernel: want debug or bench" ;;
esac
stage=$DEVPRIV_OUT/bench/stage
mkdir -p "$stage"
[ -f "$KBUILD/include/config/kernel.release" ] ||
	{ tail -n 20 "$out/build.log"; fail "no kernel in $KBUILD"; }
release=$(cat "$KBUILD/include/config/kernel.release")
artifacts=("$tree/tests/bench/devpriv_bench.ko" "$tree/tests/bench/migrate-bench"
	"$stock/test_hmm.ko" "$tree/libdevpriv/devpriv.ko"
	"$tree/examples/dmirror/devpriv_dmirror.ko")
for f in "${artifacts[@]}"; do
	[ -f "$f" ] || { tail -n 20 "$out/build.log"; fail "$f was not built"; }
	cp "$f" "$stage/"
	case $f in
	*.ko)
		got=$(modinfo -F vermagic "$stage/${f##*/}" | awk '{print $1}')
		[ "$got" = "$release" ] ||
			fail "$f is built for '$got', not the $kernel kernel '$release' (concurrent build? run again)"
		;;
	esac
done
echo "bench: $kernel kernel $release ($KBUILD)"

# --- run --------------------------------------------------------------------
vmlog=$DEVPRIV_VM_OUT/$name.log
echo "bench: running $scn in the VM (log: ${vmlog#"$DEVPRIV_ROOT"/})"
status=0
line=$(tests/vm/run-scenario.sh "$scn") || status=$?
echo "$line"
[ -f "$vmlog" ] || fail "no log of the VM run"

# --- results ------------------------------------------------------------------
wall=$(($(date +%s) - start))
args=(--log "$vmlog" --out "$out" --wall "$wall"
	--scenario "$line")
if [ $mode = smoke ]; then
	args+=(--smoke)
	[ $status -eq 0 ] || args+=(--run-failed)
elif [ $status -eq 0 ]; then
	args+=(--doc docs/benchmarks.md --kver "$KVER")
else
	echo "bench: the VM run failed: docs/benchmarks.md left as it was"
fi
rstatus=0
python3 tests/bench/results.py "${args[@]}" || rstatus=$?
[ $mode = smoke ] || echo "bench: wall time $((wall / 60)) min $((wall % 60)) s"

# --- the kernel's own hmm-tests benchmarks ---------------------------------------
# What the debug kernel's scenarios exclude (scripts/build-stock.sh's
# hmm-tests.skip), here run alone, on the bench kernel, with the example.
hstatus=0
if [ $mode = full ]; then
	if [ -s "$stock/hmm-tests.skip" ]; then
		cp "$stock/hmm-tests" "$stock/hmm-tests.skip" "$tree/examples/dmirror/devpriv_dmirror.ko" "$stage/"
		line=$(tests/vm/run-scenario.sh tests/bench/hmm-benchmarks.scn) || hstatus=$?
		echo "bench: hmm-tests benchmarks: $line"
	else
		echo "bench: hmm-tests benchmarks: none in $KVER's hmm-tests (nothing the debug kernel skips)"
	fi
fi
[ $status -eq 0 ] && [ $rstatus -eq 0 ] && [ $hstatus -eq 0 ]
