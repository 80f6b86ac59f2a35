#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo [KVER=X.Y]: build the test kernel of KVER (default 6.1) and the
# modules, boot the VM with tests/vm/demo/demo.scn (libdevpriv + the hello
# example driver) and print a report.  Every value is parsed from this
# run's serial log (build/vm/<kver>/<arch>/demo.log); nothing is computed
# here but unit conversions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

MAKE=${MAKE:-make}
step() { echo "demo: $*"; }

step "building the test kernel (first time: several minutes; cached in $DEVPRIV_CACHE)"
"$MAKE" --no-print-directory kernel
step "building libdevpriv and the examples against it"
"$MAKE" --no-print-directory modules >/dev/null
step "booting QEMU (TCG) with libdevpriv and devpriv_hello ..."
start=$(date +%s)
rc=0
line=$(tests/vm/run-scenario.sh tests/vm/demo/demo.scn) || rc=$?
end=$(date +%s)

log=${DEVPRIV_VM_OUT#"$DEVPRIV_ROOT"/}/demo.log
# field KIND KEY: the value of "# demo-KIND: KEY: value"
# (the serial console ends lines in CR LF)
field() { grep -a -m1 "^# demo-$1: $2:" "$log" | tr -d '\r' | sed "s/^# demo-$1: $2: *//" || true; }
lines() { grep -a "^# demo-$1: " "$log" | tr -d '\r' | sed "s/^# demo-$1: //" || true; }
mib() { [ -n "$1" ] && echo "$(($1 >> 20)) MiB" || echo "?"; }
kib() { [ -n "$1" ] && echo "$(($1 >> 10)) KiB" || echo "?"; }

kernel=$(grep -a -m1 '^DEVPRIV-VM: begin' "$log" | sed -n 's/.*kernel=\([^ ]*\).*/\1/p' || true)
bytes=$(field info struct_page_bytes)
eager=$(field info struct_page_bytes_eager)

echo
echo "======================= libdevpriv demo ======================="
echo "guest kernel          : ${kernel:-?} (QEMU TCG, debug kernel)"
echo "pagemap               : $(mib "$(field info size_bytes)") of device-private memory," \
     "$(field info mode), backend $(field info backend)"
echo "device-private offsets: base $(field info base_offset) (no physical address space reserved for them)"
echo "chunks populated      : $(field info chunks_populated) of $(field info chunks)" \
     "($(kib "$(field info chunk_bytes)") each)"
echo "struct page memory    : $(kib "$bytes") now; $(kib "$eager") if registered eagerly" \
     "as memremap_pages() of the whole range would"
echo "registration time     : $(field info init_ns) ns; population: $(field info populate_ns) ns"
echo "windows (chunk offset pages  physical range  policy):"
lines window | sed 's/^/  /'
echo "  placement bounds: $(lines bounds | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
echo "pages moved by hello-user (driver counters after the run):"
lines stats | grep -e "pages to device" -e "pages to ram" -e "pages evicted" | sed 's/^/  /'
echo "hello-user checks     : $(grep -a -c '^ok ' "$log" || true) ok," \
     "$(grep -a -c '^not ok ' "$log" || true) not ok"
echo "VM run                : $((end - start)) s wall; log: $log"
echo "result                : $line"
echo "==============================================================="
exit "$rc"
