#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one arm64 VM scenario: tests/vm/run-scenario.sh --arch arm64, with the
# same scenario format, guest and verdict as on x86.
#
#   tests/vm/arm64/run-scenario.sh NAME|PATH.scn
#
# NAME is tests/vm/scenarios-arm64/NAME.scn.  The machine is
# qemu-system-aarch64 -M virt -cpu max (TCG, 2 CPUs, 3.5 GiB of which the
# kernel gets mem=3G), booting the cross-built Image of
# scripts/build-test-kernel-arm64.sh; logs go to build/arm64/vm/
# (ARM64_OUT/vm).  See tests/vm/arm64/README.rst.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../run-scenario.sh" --arch arm64 "$@"
