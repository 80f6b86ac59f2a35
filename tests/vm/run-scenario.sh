#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one VM scenario on the test kernel of $KVER for $ARCH (scripts/env.sh)
# and print exactly one result line:
#   scenario NAME@KVER: ok (N passed[, M skipped])
#   scenario NAME@KVER: FAIL REASON
# (arm64: NAME@KVER/arm64).  Exit status 0 on ok, 1 on FAIL.
#
#   [KVER=X.Y] [ARCH=x86_64|arm64] tests/vm/run-scenario.sh NAME|PATH.scn
#   [KVER=X.Y] [ARCH=x86_64|arm64] tests/vm/run-scenario.sh --applies NAME|PATH.scn
#   [KVER=X.Y] [ARCH=x86_64|arm64] tests/vm/run-scenario.sh --timeout NAME|PATH.scn
#
# --applies prints nothing and exits 0 when the scenario runs on $KVER and
# $ARCH (its "#@ kernels:" and "#@ arches:" lists), 1 when it does not.
# --timeout prints the timeout in seconds that a run would have there
# (scripts/check.sh orders its jobs by it when it has no recorded time).
#
# A scenario is tests/vm/scenarios/NAME.scn: a busybox-sh script that the
# guest's /init runs (after sourcing tests/vm/guest/lib.sh), with host-side
# header lines anywhere in the file (they are shell comments to the guest):
#   #@ files: PATH...       repo-relative files copied to /t/<basename>
#                           (repeatable); a missing one, or an ELF file of
#                           another architecture, fails the run.  build/X
#                           is looked up as $DEVPRIV_OUT/X first, any other
#                           path in the module mirror $DEVPRIV_OUT/tree
#                           first (scripts/build-modules.sh), so one
#                           scenario names the artefacts of every kernel
#                           and architecture
#   #@ kernels: KVER...     the kernels it runs on (default: every one;
#                           DEVPRIV_ANY_KERNEL=1 runs it on any, by hand)
#   #@ arches: ARCH...      the architectures it runs on (default: x86_64)
#   #@ KEY@SEL: VALUE       KEY: VALUE only where SEL matches: a kernel
#                           (7.3), an architecture (arm64) or both
#                           (7.3/arm64); any key
#   #@ cmdline: ARGS        extra kernel command line
#   #@ timeout: SECONDS     hard limit of the QEMU run (default 300)
#   #@ timeout-param: NAME...  the run's parameters NAME (below), numbers
#                           of seconds, are added to the timeout
#   #@ memory: SIZE         guest memory (default 3G; arm64 3584M)
#   #@ min-tests: N         fail if fewer than N results were seen (default 1)
#   #@ expect-skip: REGEX   skips whose test name or reason match are allowed
#   #@ allow-splat: REGEX   a kernel splat whose first lines match is allowed
#   #@ allow-splat-count: N exactly N splats match allow-splat (pinned)
#   #@ hmm-skip: TEST REASON  hmm-tests' TEST (every variant) is not run:
#                           excluded with the harness's -T, reported as a
#                           skip with REASON (repeatable; the scenario's
#                           expect-skip must allow it)
#   #@ expect-fail: NAME... results that must fail (a known failure of a
#                           stock driver, with the reason in a comment);
#                           one that passes fails the scenario
#   #@ cpu: MODEL[,PROPS]   QEMU -cpu (default max), e.g. max,phys-bits=36
#   #@ qemu: ARGS           extra QEMU arguments (repeatable), e.g. a machine
#                           whose 64-bit PCI window fills the physical space
#   #@ paging: 4|5          x86 paging levels (default 4: "no5lvl").  The
#                           kernel has X86_5LEVEL and -cpu max has LA57, but
#                           6.1's generic KASAN derives its shadow start from
#                           pgtable_l5_enabled(), which reads a CPU feature
#                           bit that identify_cpu() clears and sets again
#                           during boot: an interrupt in that window reports
#                           a false "wild-memory-access" (seen 3 times in
#                           rcu_is_watching, before /init).  Only
#                           tests/vm/extra/kunit-la57.scn boots 5-level.
#
# Per-run parameters: DEVPRIV_VM_PARAMS="NAME=VALUE ..." (NAME of capitals,
# digits and '_'; VALUE of letters, digits and "_.,:+-") are written one
# per line to /t/scenario.params, which the scenario may source after
# setting its defaults (the file exists, empty, without parameters); make
# soak passes the stress scenario's this way.
#
# The machines boot $KIMAGE, the build of $KCONFIG_FRAGMENTS (scripts/env.sh;
# make bench sets KCONFIG_EXTRA to boot its production-like variant
# instead): x86_64 under qemu-system-x86_64 (pc, -cpu max), arm64 under
# qemu-system-aarch64 -M virt -cpu max (tests/vm/arm64/README.rst).  Both
# under TCG with 2 CPUs, the same guest and the same verdict
# (tests/vm/parse-log.py).
#
# The serial log is kept whole in $DEVPRIV_VM_OUT/NAME.log
# (build/vm/<kver>/<arch>/; it can be tens of MB: grep it, do not cat it);
# NAME.result beside it lists failed tests, skips and splats with their log
# line numbers.  DEVPRIV_VM_VERBOSE=1 also prints the QEMU command line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
applies_only=0
print_timeout=0
case ${1:-} in
--applies) applies_only=1; shift ;;
--timeout) applies_only=1; print_timeout=1; shift ;;
esac
# shellcheck source=scripts/env.sh
source "$here/../../scripts/env.sh"
arch=$DEVPRIV_ARCH
scndir=$here/scenarios
outdir=$DEVPRIV_VM_OUT
kbuild=$KBUILD
kernel=$KIMAGE
mkinitramfs=$here/mkinitramfs.sh
build_hint="make vm-artifacts KVER=$KVER ARCH=$arch"
tag=@$KVER
[ "$arch" = x86_64 ] || tag=$tag/$arch
timeout_s=300
memory=3G
[ "$arch" != arm64 ] || memory=3584M
cd "$DEVPRIV_ROOT"

[ $# -eq 1 ] || { echo "usage: $0 [--applies|--timeout] SCENARIO" >&2; exit 2; }
case $1 in
*.scn) scn=$1 ;;
*) scn=$scndir/$1.scn ;;
esac
name=$(basename "$scn" .scn)
label=$name$tag

fail() {
	echo "scenario $label: FAIL $*"
	exit 1
}

[ -f "$scn" ] || fail "no such scenario file: $scn"

# --- header -----------------------------------------------------------------
files=()
cmdline_extra=""
min_tests=1
expect_skip=""
allow_splat=""
allow_splat_count=-1
expect_fail=""
hmm_skips=""
kernels=""
arches=x86_64
cpu=max
paging=4
qemu_extra=()
timeout_params=""
while IFS= read -r line; do
	line=${line#\#@}
	key=${line%%:*}
	key=$(echo "$key" | tr -d '[:space:]')
	val=${line#*:}
	val=$(echo "$val" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	case $key in
	*@*)
		case ${key#*@} in
		"$KVER"|"$arch"|"$KVER/$arch") ;;
		*) continue ;;
		esac
		key=${key%@*}
		;;
	esac
	case $key in
	files) read -r -a more <<<"$val"; files+=("${more[@]}") ;;
	cmdline) cmdline_extra="$cmdline_extra $val" ;;
	timeout) timeout_s=$val ;;
	timeout-param) timeout_params="$timeout_params $val" ;;
	memory) memory=$val ;;
	min-tests) min_tests=$val ;;
	expect-skip) expect_skip=$val ;;
	allow-splat) allow_splat=$val ;;
	allow-splat-count) allow_splat_count=$val ;;
	expect-fail) expect_fail="$expect_fail $val" ;;
	hmm-skip) hmm_skips="$hmm_skips$val
" ;;
	kernels) kernels=$val ;;
	arches) arches=$val ;;
	cpu) cpu=$val ;;
	paging) paging=$val ;;
	qemu) read -r -a more <<<"$val"; qemu_extra+=("${more[@]}") ;;
	*) fail "unknown header key '#@ $key' in $scn" ;;
	esac
done < <(grep -E '^#@' "$scn" || true)
if [ -n "$kernels" ] && [[ " $kernels " != *" $KVER "* ]] &&
   [ "${DEVPRIV_ANY_KERNEL:-0}" != 1 ]; then
	[ "$applies_only" = 1 ] && exit 1
	fail "not a scenario for kernel $KVER (#@ kernels: $kernels)"
fi
if [[ " $arches " != *" $arch "* ]]; then
	[ "$applies_only" = 1 ] && exit 1
	fail "not a scenario for $arch (#@ arches: $arches)"
fi
[ "$applies_only" = 0 ] || [ "$print_timeout" = 1 ] || exit 0
[[ $timeout_s =~ ^[0-9]+$ ]] || fail "bad '#@ timeout: $timeout_s'"
params=()
read -r -a words <<<"${DEVPRIV_VM_PARAMS:-}"
for p in "${words[@]}"; do
	[[ $p =~ ^[A-Z_][A-Z0-9_]*=[A-Za-z0-9_.,:+-]*$ ]] ||
		fail "bad parameter '$p' in DEVPRIV_VM_PARAMS (NAME=VALUE)"
	params+=("$p")
	for n in $timeout_params; do
		[ "${p%%=*}" = "$n" ] || continue
		[[ ${p#*=} =~ ^[0-9]+$ ]] || fail "parameter $n adds to the timeout: it must be a number of seconds"
		timeout_s=$((timeout_s + ${p#*=}))
	done
done
if [ "$print_timeout" = 1 ]; then
	echo "$timeout_s"
	exit 0
fi
case $arch-$paging in
x86_64-4) cmdline_extra=" no5lvl$cmdline_extra" ;;
x86_64-5) ;;
arm64-4) ;;
*) fail "bad '#@ paging: $paging' (x86_64: 4 or 5; arm64 has none)" ;;
esac
[[ $min_tests =~ ^[0-9]+$ ]] || fail "bad '#@ min-tests: $min_tests'"

# --- inputs -------------------------------------------------------------------
if [ ! -f "$kernel" ] || [ ! -f "$kbuild/.devpriv-stamp" ]; then
	fail "$arch test kernel not built (run: $build_hint)"
fi
release=$(cat "$kbuild/include/config/kernel.release")
# Each kernel's artefacts: build/X in $DEVPRIV_OUT, the modules in its mirror.
for i in "${!files[@]}"; do
	f=${files[$i]}
	case $f in
	build/*) alt=$DEVPRIV_OUT/${f#build/} ;;
	*) alt=$DEVPRIV_OUT/tree/$f ;;
	esac
	[ ! -f "$alt" ] || files[$i]=$alt
done
for f in "${files[@]}"; do
	[ -f "$f" ] || fail "missing file '$f' listed in '#@ files:' (run: $build_hint)"
	desc=$(file -b "$f")
	case $desc in
	ELF*)
		[[ $desc == *"$ELF_MACHINE"* ]] || fail "$f is not an $arch object: $desc"
		;;
	esac
	case $f in
	*.ko)
		# E.g. a module built against the stock Debian headers.
		got=$(modinfo -F vermagic "$f" 2>/dev/null | awk '{print $1}')
		[ "$got" = "$release" ] ||
			fail "$f was built for kernel '$got', the $arch test kernel is '$release' (run: $build_hint)"
		;;
	esac
done

base=$("$mkinitramfs") || fail "could not build the initramfs"

mkdir -p "$outdir"
# Two runs of the same scenario (e.g. make check and a manual run) would
# write the same log: the second one waits for the first.
exec 8>"$outdir/.$name.lock"
if ! flock -n 8; then
	echo "run-scenario: $name is already running elsewhere, waiting ..." >&2
	flock 8
fi
log=$outdir/$name.log
result=$outdir/$name.result
initrd=$outdir/$name.initrd
stage=$(mktemp -d "$outdir/.$name.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/t"
for f in "${files[@]}"; do
	cp "$f" "$stage/t/"
done
cp "$scn" "$stage/t/scenario.sh"
echo "$name" >"$stage/t/scenario.name"
echo "$KVER" >"$stage/t/scenario.kver"
printf '%s' "$hmm_skips" >"$stage/t/hmm-tests.scenario-skip"
: >"$stage/t/scenario.params"
[ ${#params[@]} = 0 ] || printf '%s\n' "${params[@]}" >"$stage/t/scenario.params"
(cd "$stage" && find t | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$stage/overlay.cpio"
# The kernel unpacks concatenated newc archives in order.
cat "$base" "$stage/overlay.cpio" >"$initrd"

# --- boot -------------------------------------------------------------------
common='panic=-1 oops=panic transparent_hugepage=madvise hugepages=16'
case $arch in
x86_64)
	# memmap=512M$0x80000000 reserves the RAM that test_hmm's coherent
	# devices (spm_addr_dev0/1) use; '$' is literal (single quotes).
	# shellcheck disable=SC2016
	cmdline="console=ttyS0 $common "'memmap=512M$0x80000000'"$cmdline_extra"
	# shellcheck disable=SC2054
	qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu "$cpu"
		-m "$memory" -smp 2 -nographic -no-reboot -nic none
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
		"${qemu_extra[@]}")
	;;
arm64)
	# arm64 has no memmap=: QEMU gets 3.5 GiB and the kernel mem=3G, so
	# [0x100000000, 0x120000000) is RAM outside System RAM for spm_addr.
	cmdline="console=ttyAMA0 $common mem=3G$cmdline_extra"
	# shellcheck disable=SC2054
	qemu=(qemu-system-aarch64 -M virt -cpu "$cpu" -accel tcg,thread=multi
		-m "$memory" -smp 2 -nographic -no-reboot
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
		"${qemu_extra[@]}")
	;;
esac
if [ "${DEVPRIV_VM_VERBOSE:-0}" = 1 ]; then
	printf '%q ' "${qemu[@]}" >&2
	echo >&2
fi

start=$(date +%s)
timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$log" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null || true; rm -rf "$stage"' EXIT
# The guest powers off after its end marker.  Should it hang instead (a
# halt, a stuck shutdown), stop QEMU 15 s after the marker rather than
# waiting for the timeout.  Only the log's tail is read: it can be huge.
ended_at=0
while kill -0 "$qpid" 2>/dev/null; do
	if [ "$ended_at" = 0 ]; then
		if tail -c 4096 "$log" 2>/dev/null | grep -aq '^DEVPRIV-VM: end'; then
			ended_at=$(date +%s)
		fi
	elif [ $(($(date +%s) - ended_at)) -ge 15 ]; then
		echo "run-scenario: guest did not power off after its end marker: stopping QEMU" >>"$log"
		kill "$qpid" 2>/dev/null || true
		break
	fi
	sleep 1
done
status=0
wait "$qpid" || status=$?
trap 'rm -rf "$stage"' EXIT
end=$(date +%s)
rm -f "$initrd"

python3 "$here/parse-log.py" --name "$label" --log "$log" --details "$result" \
	--expect-skip "$expect_skip" --allow-splat "$allow_splat" \
	--expect-fail "$expect_fail" --allowed-splats "$allow_splat_count" \
	--min-tests "$min_tests" --timeout "$timeout_s" --qemu-status "$status" || rc=$?
echo "duration ${end}-${start} = $((end - start)) s, qemu status $status" >>"$result"
[ ${#params[@]} = 0 ] || echo "parameters ${params[*]}, timeout $timeout_s s" >>"$result"
exit "${rc:-0}"
