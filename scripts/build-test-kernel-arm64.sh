#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the libdevpriv arm64 test kernel from Debian's linux-source.
#
#   scripts/build-test-kernel-arm64.sh [--config-only]
#
# Paths come from scripts/env-arm64.sh ($KSRC, $ARM64_KBUILD).
# 1. The source: the same extracted tree as the x86 kernel
#    (scripts/build-test-kernel.sh --extract-only does it, once).
# 2. In $ARM64_KBUILD (make O=, ARCH=arm64, CROSS_COMPILE=aarch64-linux-gnu-):
#    tinyconfig, merge scripts/kconfig/test-kernel-arm64.config with the
#    kernel's merge_config.sh, olddefconfig, then check that every option
#    the fragment names ended up with that value.
# 3. Build Image, modules and modules_prepare (for out-of-tree modules:
#    make -C $ARM64_KBUILD ARCH=arm64 CROSS_COMPILE=... M=...).
# A stamp records the inputs (source version, fragment sha, this script);
# with all unchanged the script returns at once.  DEVPRIV_FORCE_KBUILD=1
# runs the kernel's (incremental) make anyway.  The build runs at nice 10.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
config_only=0
case ${1:-} in
--config-only) config_only=1 ;;
"") ;;
-h|--help) sed -n '3,19p' "$0"; exit 0 ;;
*) echo "build-test-kernel-arm64: unknown argument '$1'" >&2; exit 1 ;;
esac
# shellcheck source=scripts/env-arm64.sh
source "$here/env-arm64.sh"

log() { echo "build-test-kernel-arm64: $*"; }
die() { echo "build-test-kernel-arm64: error: $*" >&2; exit 1; }

command -v "${ARM64_CROSS}gcc" >/dev/null ||
	die "${ARM64_CROSS}gcc not found (run scripts/install-deps-arm64.sh)"

# --- 1. source ----------------------------------------------------------------
"$here/build-test-kernel.sh" --extract-only

# --- 2. configuration -----------------------------------------------------
for f in $ARM64_KCONFIG_FRAGMENTS; do
	[ -r "$f" ] || die "config fragment $f missing"
done
mkdir -p "$ARM64_KBUILD"
exec 9>"$ARM64_KBUILD/.devpriv-lock"
flock 9

stamp=$ARM64_KBUILD/.devpriv-stamp
stamp_want=$(
	echo "source $KSRC_DEBVER"
	echo "fragments $ARM64_KCONFIG_SHA"
	sha256sum "$0" | cut -c1-12
)
if [ "${DEVPRIV_FORCE_KBUILD:-0}" != 1 ] && [ -f "$stamp" ] &&
   [ "$(cat "$stamp")" = "$stamp_want" ] &&
   [ -f "$ARM64_IMAGE" ] && [ -f "$ARM64_KBUILD/Module.symvers" ]; then
	log "up to date: $ARM64_KBUILD ($(cat "$ARM64_KBUILD/include/config/kernel.release"))"
	exit 0
fi
rm -f "$stamp"

kmake() {
	nice -n 10 make -C "$KSRC" O="$ARM64_KBUILD" ARCH=arm64 \
		CROSS_COMPILE="$ARM64_CROSS" "$@"
}

# Every "CONFIG_X=v" and "# CONFIG_X is not set" of the fragments must be
# what the final .config says.
verify_config() {
	local cfg=$ARM64_KBUILD/.config bad=() line opt f
	for f in $ARM64_KCONFIG_FRAGMENTS; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				opt=${line%%=*}
				grep -qxF "$line" "$cfg" ||
					bad+=("$line (got: $(grep -E "^(# )?${opt}[= ]" "$cfg" || echo unset))")
				;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }
				opt=${opt%% *}
				! grep -qE "^$opt=" "$cfg" ||
					bad+=("$opt not set (got: $(grep -E "^$opt=" "$cfg"))")
				;;
			esac
		done <"$f"
	done
	if [ ${#bad[@]} -gt 0 ]; then
		echo "build-test-kernel-arm64: error: ${#bad[@]} fragment option(s) not in the final .config:" >&2
		printf '  %s\n' "${bad[@]}" >&2
		exit 1
	fi
	log "config verified: all fragment options set"
}

sha_file=$ARM64_KBUILD/.devpriv-config-sha
if [ ! -f "$ARM64_KBUILD/.config" ] ||
   [ "$(cat "$sha_file" 2>/dev/null)" != "$ARM64_KCONFIG_SHA" ]; then
	log "configuring $ARM64_KBUILD (arm64 tinyconfig + $(basename "$ARM64_KCONFIG_FRAGMENTS"))"
	rm -f "$sha_file"
	kmake -s tinyconfig >"$ARM64_KBUILD/.devpriv-tinyconfig.log" 2>&1 ||
		die "make tinyconfig failed, see $ARM64_KBUILD/.devpriv-tinyconfig.log"
	# shellcheck disable=SC2086
	(cd "$ARM64_KBUILD" && ARCH=arm64 "$KSRC/scripts/kconfig/merge_config.sh" \
		-m -O "$ARM64_KBUILD" "$ARM64_KBUILD/.config" $ARM64_KCONFIG_FRAGMENTS \
		>"$ARM64_KBUILD/.devpriv-merge.log") ||
		die "merge_config.sh failed, see $ARM64_KBUILD/.devpriv-merge.log"
	kmake -s olddefconfig >>"$ARM64_KBUILD/.devpriv-merge.log" 2>&1 ||
		die "make olddefconfig failed, see $ARM64_KBUILD/.devpriv-merge.log"
	echo "$ARM64_KCONFIG_SHA" >"$sha_file"
fi
verify_config
[ "$config_only" = 1 ] && exit 0

# --- 3. build ---------------------------------------------------------------
jobs=$(nproc)
log "building Image + modules in $ARM64_KBUILD (-j$jobs, nice 10) ..."
start=$(date +%s)
buildlog=$ARM64_KBUILD/.devpriv-build.log
if ! kmake -j"$jobs" -s Image modules modules_prepare >"$buildlog" 2>&1; then
	tail -n 40 "$buildlog" >&2
	die "kernel build failed, full log: $buildlog"
fi
end=$(date +%s)
nwarn=$(grep -c ': warning: ' "$buildlog" || true)
[ "$nwarn" -eq 0 ] || log "$nwarn compiler warning(s) in the kernel's own code (see $buildlog)"
echo "$stamp_want" >"$stamp"
log "done in $((end - start)) s: $ARM64_IMAGE ($(cat "$ARM64_KBUILD/include/config/kernel.release"))"
