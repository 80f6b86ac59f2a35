#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The arm64 stock bug with 39-bit VA, where it crashes the kernel: an
# optional experiment next to make check's arm64 run (48-bit VA, where the
# same placement only warns).  Builds a variant of the arm64 test kernel
# whose options differ only in ARM64_VA_BITS (KCONFIG_EXTRA=va39.config,
# outputs under DEVPRIV_VARIANT=va39: build/<kver>/arm64-va39/), the stock
# baseline and the modules for it, then runs
#   va39-stock.scn    must crash exactly as observed: vmemmap_populate()
#                     warnings, KASAN wild-memory-access in
#                     page_init_poison(), an Oops at a struct page address
#                     below the kernel half, panic -- in test_hmm's init
#   va39-example.scn  must pass: libdevpriv's windows inside the linear map
# and prints one line each, then "va39: N passed, N failed".
# A fresh variant kernel costs as much as the default one (~7 CPU-minutes).
#
#   [KVER=6.1] tests/vm/arm64/va39/run.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
cd "$root"

export ARCH=arm64 DEVPRIV_VARIANT=va39 KCONFIG_EXTRA=$here/va39.config
# shellcheck source=scripts/env.sh
source scripts/env.sh
mkdir -p "$DEVPRIV_OUT"
log=$DEVPRIV_OUT/build.log
: >"$log"
for step in scripts/install-deps.sh scripts/build-test-kernel.sh \
	    scripts/build-stock.sh scripts/build-modules.sh; do
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
tests/vm/run-scenario.sh "$here/va39-stock.scn" >/dev/null || true
slog=$DEVPRIV_VM_OUT/va39-stock.log
# The serial console ends lines with CR LF.
clean=$DEVPRIV_VM_OUT/va39-stock.clean
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

if line=$(tests/vm/run-scenario.sh "$here/va39-example.scn"); then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
echo "$line"
echo "va39: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
