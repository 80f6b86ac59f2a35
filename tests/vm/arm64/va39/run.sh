#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The arm64 stock bug with 39-bit VA, where it crashes the kernel: an
# optional experiment next to check-arm64 (which uses 48-bit VA, where the
# same placement only warns).  Builds a variant of the arm64 test kernel
# whose fragment differs only in ARM64_VA_BITS (generated from
# scripts/kconfig/test-kernel-arm64.config into build/arm64-va39/), the
# stock baseline and the modules for it, then runs
#   va39-stock.scn    must crash exactly as observed: vmemmap_populate()
#                     warnings, KASAN wild-memory-access in
#                     page_init_poison(), an Oops at a struct page address
#                     below the kernel half, panic -- in test_hmm's init
#   va39-example.scn  must pass: libdevpriv's windows inside the linear map
# and prints one line each, then "va39: N passed, N failed".
# A fresh variant kernel costs as much as the default one (~7 CPU-minutes).
#
#   tests/vm/arm64/va39/run.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
cd "$root"

export ARM64_OUT=$root/build/arm64-va39
mkdir -p "$ARM64_OUT"
frag=$ARM64_OUT/test-kernel-arm64-va39.config
sed -e 's/^CONFIG_ARM64_VA_BITS_48=y$/CONFIG_ARM64_VA_BITS_39=y/' \
    -e 's/^CONFIG_ARM64_VA_BITS=48$/CONFIG_ARM64_VA_BITS=39/' \
    scripts/kconfig/test-kernel-arm64.config >"$frag.new"
grep -qx 'CONFIG_ARM64_VA_BITS=39' "$frag.new" ||
	{ echo "va39: could not derive the 39-bit fragment" >&2; exit 1; }
cmp -s "$frag.new" "$frag" || mv "$frag.new" "$frag"
rm -f "$frag.new"
export ARM64_KCONFIG_FRAGMENTS=$frag

log=$ARM64_OUT/build.log
for step in scripts/build-test-kernel-arm64.sh scripts/build-stock-arm64.sh \
	    scripts/build-modules-arm64.sh; do
	if ! "$step" >>"$log" 2>&1; then
		tail -n 20 "$log"
		echo "va39: $step failed (log: $log)"
		echo "va39: 0 passed, 1 failed"
		exit 1
	fi
done

passed=0
failed=0

# The stock run fails by design; what matters is how.
tests/vm/arm64/run-scenario.sh "$here/va39-stock.scn" >/dev/null || true
slog=$ARM64_OUT/vm/va39-stock.log
# The serial console ends lines with CR LF.
clean=$ARM64_OUT/vm/va39-stock.clean
sed 's/\r$//' "$slog" >"$clean"
missing=()
for pat in \
	'WARNING: CPU: [0-9]+ PID: [0-9]+ at arch/arm64/mm/mmu\.c:[0-9]+ vmemmap_populate\+' \
	'BUG: KASAN: wild-memory-access in page_init_poison\+' \
	'Unable to handle kernel paging request at virtual address 00000[0-9a-f]+$' \
	'address between user and kernel address ranges' \
	'^ *hmm_dmirror_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[test_hmm\]$' \
	'Kernel panic - not syncing: Oops: Fatal exception'; do
	grep -Eq "$pat" "$clean" || missing+=("$pat")
done
if [ ${#missing[@]} -eq 0 ] && ! grep -q '^DEVPRIV-VM: end' "$clean"; then
	echo "scenario va39-stock: ok (crashed as expected: $(grep -m1 -o 'Unable to handle kernel paging request at virtual address [0-9a-f]*' "$clean"))"
	passed=$((passed + 1))
else
	echo "scenario va39-stock: FAIL not the expected crash (missing: ${missing[*]:-none}; log: $slog)"
	failed=$((failed + 1))
fi

if line=$(tests/vm/arm64/run-scenario.sh "$here/va39-example.scn"); then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
echo "$line"
echo "va39: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
