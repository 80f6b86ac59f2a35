#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one arm64 VM scenario and print exactly one result line:
#   scenario NAME: ok (N passed[, M skipped])
#   scenario NAME: FAIL REASON
# Exit status 0 on ok, 1 on FAIL.
#
#   tests/vm/arm64/run-scenario.sh NAME|PATH.scn
#
# The arm64 counterpart of tests/vm/run-scenario.sh, with the same scenario
# format, the same guest (tests/vm/guest/init and lib.sh, via
# tests/vm/arm64/mkinitramfs.sh) and the same verdict (tests/vm/parse-log.py):
# any unexpected splat, failed TAP/KTAP result, undeclared skip, missing end
# marker or kmemleak report fails.  NAME is tests/vm/scenarios-arm64/NAME.scn.
# Header lines (shell comments to the guest):
#   #@ files: PATH...       repo-relative files copied to /t/<basename>
#                           (repeatable); a missing one, or a .ko or program
#                           that is not aarch64, fails the run
#   #@ cmdline: ARGS        extra kernel command line
#   #@ timeout: SECONDS     hard limit of the QEMU run (default 600)
#   #@ memory: SIZE         guest memory (default 3584M, see below)
#   #@ min-tests: N         fail if fewer than N results were seen (default 1)
#   #@ expect-skip: REGEX   skips whose test name or reason match are allowed
#   #@ allow-splat: REGEX   a kernel splat whose first lines match is allowed
#   #@ cpu: MODEL[,PROPS]   QEMU -cpu (default max)
#   #@ qemu: ARGS           extra QEMU arguments (repeatable), e.g. a machine
#                           property
#
# The machine: qemu-system-aarch64 -M virt -cpu max under TCG, 2 CPUs,
# device tree, the kernel Image loaded directly (no firmware, no KASLR
# seed used: the kernel has RANDOMIZE_BASE=n).  RAM starts at 0x40000000.
# x86 reserves memory for test_hmm's coherent devices with memmap=, which
# arm64 does not have; here QEMU gets 3.5 GiB and the kernel is told
# mem=3G, so [0x100000000, 0x120000000) is real memory that is not System
# RAM: spm_addr_dev0=0x100000000 spm_addr_dev1=0x110000000.
#
# Logs: build/arm64/vm/NAME.log (whole serial console; can be large) and
# build/arm64/vm/NAME.result (failed tests, skips, splats with log line
# numbers).  DEVPRIV_VM_VERBOSE=1 prints the QEMU command line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vmdir=$(cd "$here/.." && pwd)
# shellcheck source=scripts/env-arm64.sh
source "$here/../../../scripts/env-arm64.sh"
cd "$DEVPRIV_ROOT"

[ $# -eq 1 ] || { echo "usage: $0 SCENARIO" >&2; exit 2; }
case $1 in
*.scn) scn=$1 ;;
*) scn=$vmdir/scenarios-arm64/$1.scn ;;
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
timeout_s=600
memory=3584M
min_tests=1
expect_skip=""
allow_splat=""
cpu=max
qemu_extra=()
while IFS= read -r line; do
	line=${line#\#@}
	key=$(echo "${line%%:*}" | tr -d '[:space:]')
	val=$(echo "${line#*:}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
	case $key in
	files) read -r -a more <<<"$val"; files+=("${more[@]}") ;;
	cmdline) cmdline_extra="$cmdline_extra $val" ;;
	timeout) timeout_s=$val ;;
	memory) memory=$val ;;
	min-tests) min_tests=$val ;;
	expect-skip) expect_skip=$val ;;
	allow-splat) allow_splat=$val ;;
	cpu) cpu=$val ;;
	qemu) read -r -a more <<<"$val"; qemu_extra+=("${more[@]}") ;;
	*) fail "unknown header key '#@ $key' in $scn" ;;
	esac
done < <(grep -E '^#@' "$scn" || true)
[[ $timeout_s =~ ^[0-9]+$ ]] || fail "bad '#@ timeout: $timeout_s'"
[[ $min_tests =~ ^[0-9]+$ ]] || fail "bad '#@ min-tests: $min_tests'"

# --- inputs -------------------------------------------------------------------
[ -f "$ARM64_IMAGE" ] && [ -f "$ARM64_KBUILD/.devpriv-stamp" ] ||
	fail "arm64 test kernel not built (run: scripts/build-test-kernel-arm64.sh)"
release=$(cat "$ARM64_KBUILD/include/config/kernel.release")
for f in "${files[@]}"; do
	[ -f "$f" ] || fail "missing file '$f' listed in '#@ files:' (run: scripts/check-arm64.sh --build-only)"
	desc=$(file -b "$f")
	case $desc in
	ELF*)
		[[ $desc == *"ARM aarch64"* ]] || fail "$f is not an aarch64 object: $desc"
		;;
	esac
	case $f in
	*.ko)
		got=$(modinfo -F vermagic "$f" 2>/dev/null | awk '{print $1}')
		[ "$got" = "$release" ] ||
			fail "$f was built for kernel '$got', the arm64 test kernel is '$release'"
		;;
	esac
done

base=$("$here/mkinitramfs.sh") || fail "could not build the initramfs"

outdir=$ARM64_OUT/vm
mkdir -p "$outdir"
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
cat "$base" "$stage/overlay.cpio" >"$initrd"

# --- boot -------------------------------------------------------------------
cmdline="console=ttyAMA0 panic=-1 oops=panic transparent_hugepage=madvise hugepages=16 mem=3G"
cmdline="$cmdline$cmdline_extra"
# shellcheck disable=SC2054
qemu=(qemu-system-aarch64 -M virt -cpu "$cpu" -accel tcg,thread=multi
	-m "$memory" -smp 2 -nographic -no-reboot
	-kernel "$ARM64_IMAGE" -initrd "$initrd" -append "$cmdline"
	"${qemu_extra[@]}")
if [ "${DEVPRIV_VM_VERBOSE:-0}" = 1 ]; then
	printf '%q ' "${qemu[@]}" >&2
	echo >&2
fi

start=$(date +%s)
timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$log" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null || true; rm -rf "$stage"' EXIT
# The guest powers off after its end marker; stop QEMU 15 s after the
# marker should it hang instead.  Only the log's tail is read.
ended_at=0
while kill -0 "$qpid" 2>/dev/null; do
	if [ "$ended_at" = 0 ]; then
		if tail -c 4096 "$log" 2>/dev/null | grep -aq '^DEVPRIV-VM: end'; then
			ended_at=$(date +%s)
		fi
	elif [ $(($(date +%s) - ended_at)) -ge 15 ]; then
		echo "run-scenario-arm64: guest did not power off after its end marker: stopping QEMU" >>"$log"
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

rc=0
python3 "$vmdir/parse-log.py" --name "$name" --log "$log" --details "$result" \
	--expect-skip "$expect_skip" --allow-splat "$allow_splat" \
	--min-tests "$min_tests" --timeout "$timeout_s" --qemu-status "$status" || rc=$?
echo "duration ${end}-${start} = $((end - start)) s, qemu status $status" >>"$result"
exit "$rc"
