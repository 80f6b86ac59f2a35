#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the libdevpriv arm64 test kernel from Debian's linux-source:
# scripts/build-test-kernel.sh --arch arm64 (the same source tree, steps and
# stamp; the build directory is $ARM64_KBUILD of scripts/env-arm64.sh, the
# fragment scripts/kconfig/test-kernel-arm64.config).
#
#   scripts/build-test-kernel-arm64.sh [--config-only]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
exec "$here/build-test-kernel.sh" --arch arm64 "$@"
