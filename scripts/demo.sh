#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build the test kernel and the stock baseline, boot the VM with
# tests/vm/scenarios/stock-baseline.scn and summarise what the guest
# reported.  Every value printed is parsed from this run's serial log
# (build/vm/stock-baseline.log).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

MAKE=${MAKE:-make}
step() { echo "demo: $*"; }

step "building the test kernel (first time: a few minutes; cached in $DEVPRIV_CACHE)"
"$MAKE" --no-print-directory kernel
step "building the stock baseline (lib/test_hmm.c out of tree + hmm-tests)"
"$MAKE" --no-print-directory stock
step "booting QEMU (TCG) with the stock-baseline scenario ..."
start=$(date +%s)
rc=0
line=$(tests/vm/run-scenario.sh stock-baseline) || rc=$?
end=$(date +%s)

log=build/vm/stock-baseline.log
info() { grep -a "^# info: $1" "$log" | sed "s/^# info: $1//" || true; }

kernel=$(grep -a -m1 '^DEVPRIV-VM: begin' "$log" | sed -n 's/.*kernel=\([^ ]*\).*/\1/p' || true)
cpus=$(grep -a -m1 '^DEVPRIV-VM: begin' "$log" | sed -n 's/.*cpus=\([^ ]*\).*/\1/p' || true)
linux=$(grep -a -m1 -o 'Linux version .*' "$log" | cut -c1-100 || true)
mark() { grep -a -m1 "^DEVPRIV-VM: $1" "$log" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p' || true; }
t_begin=$(mark begin)
t_body=$(mark body-exit)
t_end=$(mark 'end ')
totals=$(grep -a -m1 '^# Totals:' "$log" || true)
kmemleak=$(sed -n '/^DEVPRIV-VM: kmemleak-report-begin/,/^DEVPRIV-VM: kmemleak-report-end/p' "$log" |
	grep -ac 'unreferenced object' || true)

echo
echo "==================== libdevpriv demo: stock baseline ===================="
echo "kernel (guest)     : ${kernel:-?} (${cpus:-?} vCPUs, QEMU TCG)"
echo "                     ${linux:-?}"
echo "guest memory       : $(info 'memtotal ' | tr -s ' ')"
echo "test kernel build  : $KBUILD"
echo
echo "Device memory registered by test_hmm at load (guest /proc/iomem):"
echo "  hmm_dmirror = device-private PA windows from request_free_mem_region();"
echo "  the memmap= Reserved range holds the two device-coherent SPM chunks."
info 'iomem-before: ' | sed 's/^/  /'
echo "test_hmm messages (guest dmesg; PFN ranges of the 256 MB chunks):"
info 'dmesg: ' | sed 's/^/  /'
echo "chunks added on demand while hmm-tests ran:"
after=$(info 'dmesg-after: ')
if [ -n "$after" ]; then echo "$after" | sed 's/^/  /'; else echo "  none"; fi
echo
echo "hmm-tests          : ${totals#\# }"
echo "kmemleak           : $kmemleak unreferenced object(s)"
echo "VM run             : $((end - start)) s wall; guest uptime: /init at ${t_begin:-?} s," \
     "tests done at ${t_body:-?} s, kmemleak scans done at ${t_end:-?} s"
echo "log                : $log"
echo "result             : $line"
echo "========================================================================="
exit "$rc"
