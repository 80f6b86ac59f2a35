#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one VM scenario and print exactly one result line:
#   scenario NAME: ok (N passed[, M skipped])
#   scenario NAME: FAIL REASON
# Exit status 0 on ok, 1 on FAIL.
#
#   tests/vm/run-scenario.sh NAME|PATH.scn
#
# A scenario is tests/vm/scenarios/NAME.scn: a busybox-sh script that the
# guest's /init runs (after sourcing tests/vm/guest/lib.sh), with host-side
# header lines anywhere in the file (they are shell comments to the guest):
#   #@ files: PATH...       repo-relative files copied to /t/<basename>
#                           (repeatable); a missing one fails the run
#   #@ cmdline: ARGS        extra kernel command line
#   #@ timeout: SECONDS     hard limit of the QEMU run (default 300)
#   #@ memory: SIZE         guest memory (default 3G)
#   #@ min-tests: N         fail if fewer than N results were seen (default 1)
#   #@ expect-skip: REGEX   skips whose test name or reason match are allowed
#   #@ allow-splat: REGEX   a kernel splat whose first lines match is allowed
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
# The serial log is kept whole in build/vm/NAME.log (it can be tens of MB:
# grep it, do not cat it); build/vm/NAME.result lists failed tests, skips and
# splats with their log line numbers.  DEVPRIV_VM_VERBOSE=1 also prints the
# QEMU command line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/../../scripts/env.sh"
cd "$DEVPRIV_ROOT"

[ $# -eq 1 ] || { echo "usage: $0 SCENARIO" >&2; exit 2; }
case $1 in
*.scn) scn=$1 ;;
*) scn=$here/scenarios/$1.scn ;;
esac
name=$(basename "$scn" .scn)

fail() {
	echo "scenario $name: FAIL $*"
	exit 1
}

[ -f "$scn" ] || fail "no such scenario file: $scn"

# --- header -----------------------------------------------------------------
files=()
cmdline_extra=""
timeout_s=300
memory=3G
min_tests=1
expect_skip=""
allow_splat=""
cpu=max
paging=4
qemu_extra=()
while IFS= read -r line; do
	line=${line#\#@}
	key=${line%%:*}
	key=$(echo "$key" | tr -d '[:space:]')
	val=${line#*:}
	val=$(echo "$val" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	case $key in
	files) read -r -a more <<<"$val"; files+=("${more[@]}") ;;
	cmdline) cmdline_extra="$cmdline_extra $val" ;;
	timeout) timeout_s=$val ;;
	memory) memory=$val ;;
	min-tests) min_tests=$val ;;
	expect-skip) expect_skip=$val ;;
	allow-splat) allow_splat=$val ;;
	cpu) cpu=$val ;;
	paging) paging=$val ;;
	qemu) read -r -a more <<<"$val"; qemu_extra+=("${more[@]}") ;;
	*) fail "unknown header key '#@ $key' in $scn" ;;
	esac
done < <(grep -E '^#@' "$scn" || true)
[[ $timeout_s =~ ^[0-9]+$ ]] || fail "bad '#@ timeout: $timeout_s'"
case $paging in
4) cmdline_extra=" no5lvl$cmdline_extra" ;;
5) ;;
*) fail "bad '#@ paging: $paging' (4 or 5)" ;;
esac
[[ $min_tests =~ ^[0-9]+$ ]] || fail "bad '#@ min-tests: $min_tests'"

# --- inputs -------------------------------------------------------------------
bzimage=$KBUILD/arch/x86/boot/bzImage
[ -f "$bzimage" ] && [ -f "$KBUILD/.devpriv-stamp" ] ||
	fail "test kernel not built (run: make kernel)"
for f in "${files[@]}"; do
	[ -f "$f" ] || fail "missing file '$f' listed in '#@ files:' (run: make vm-artifacts)"
	case $f in
	*.ko)
		# E.g. a module built against the stock Debian headers.
		want=$(cat "$KBUILD/include/config/kernel.release")
		got=$(modinfo -F vermagic "$f" 2>/dev/null | awk '{print $1}')
		[ "$got" = "$want" ] ||
			fail "$f was built for kernel '$got', the test kernel is '$want' (run: make vm-artifacts)"
		;;
	esac
done

base=$("$here/mkinitramfs.sh") || fail "could not build the initramfs"

outdir=$DEVPRIV_ROOT/build/vm
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
(cd "$stage" && find t | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$stage/overlay.cpio"
# The kernel unpacks concatenated newc archives in order.
cat "$base" "$stage/overlay.cpio" >"$initrd"

# --- boot -------------------------------------------------------------------
# memmap=512M$0x80000000 reserves the RAM that test_hmm's coherent devices
# (spm_addr_dev0/1) use; '$' is literal here (single quotes).
cmdline='console=ttyS0 panic=-1 oops=panic transparent_hugepage=madvise hugepages=16 memmap=512M$0x80000000'
cmdline="$cmdline$cmdline_extra"
qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu "$cpu" -m "$memory" -smp 2
	-nographic -no-reboot -nic none -kernel "$bzimage" -initrd "$initrd"
	-append "$cmdline" "${qemu_extra[@]}")
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

python3 "$here/parse-log.py" --name "$name" --log "$log" --details "$result" \
	--expect-skip "$expect_skip" --allow-splat "$allow_splat" \
	--min-tests "$min_tests" --timeout "$timeout_s" --qemu-status "$status" || rc=$?
echo "duration ${end}-${start} = $((end - start)) s, qemu status $status" >>"$result"
exit "${rc:-0}"
