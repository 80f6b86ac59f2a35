#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the libdevpriv test kernel from Debian's linux-source package.
#
#   [KVER=X.Y] scripts/build-test-kernel.sh [--arch x86_64|arm64] [--extract-only | --config-only]
#
# Paths come from scripts/env.sh ($KSRC, $KBUILD; arm64: scripts/env-arm64.sh,
# $ARM64_KBUILD, cross-built with ARCH=arm64 CROSS_COMPILE=$ARM64_CROSS at
# nice 10; scripts/build-test-kernel-arm64.sh is this with --arch arm64).
# 1. Fetch linux-source-$KVER into the cache (scripts/fetch-source.sh) and
#    extract its tarball into $KSRC once (atomically: into a temporary
#    directory, then rename).  Both architectures share it.
# 2. In the build directory (make O=): tinyconfig, merge the fragments
#    ($KCONFIG_FRAGMENTS, by default scripts/kconfig/test-kernel.config, make
#    bench adds bench-kernel.config; arm64: $ARM64_KCONFIG_FRAGMENTS) with
#    the kernel's merge_config.sh, olddefconfig, then check that every
#    option the fragments ask for (the last fragment setting it wins) really
#    ended up with that value.
# 3. Build bzImage (arm64: Image) and modules; modules_prepare leaves the
#    tree usable for out-of-tree modules (make -C $KBUILD M=...).
# A stamp file records the inputs (architecture, source version, fragment
# sha, this script): with all unchanged the script returns at once.  Set
# DEVPRIV_FORCE_KBUILD=1 to re-run the kernel's (incremental) make anyway.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
arch=x86_64
extract_only=0
config_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=${2:-}; shift 2 || shift ;;
	--extract-only) extract_only=1; shift ;;
	--config-only) config_only=1; shift ;;
	-h|--help) sed -n '3,23p' "$0"; exit 0 ;;
	*) echo "build-test-kernel: unknown argument '$1'" >&2; exit 1 ;;
	esac
done

log() { echo "build-test-kernel: $*"; }
die() { echo "build-test-kernel: error: $*" >&2; exit 1; }

# The package first: env.sh reads its version from the cache.
"$here/fetch-source.sh" "$("$here/env.sh" --print KVER)" ||
	die "could not fetch the kernel source package"

case $arch in
x86_64)
	# shellcheck source=scripts/env.sh
	source "$here/env.sh"
	kbuild=$KBUILD
	fragments=$KCONFIG_FRAGMENTS
	fragments_sha=$KCONFIG_SHA
	target=bzImage
	image=$KBUILD/arch/x86/boot/bzImage
	cross=()
	nice=()
	;;
arm64)
	# shellcheck source=scripts/env-arm64.sh
	source "$here/env-arm64.sh"
	kbuild=$ARM64_KBUILD
	fragments=$ARM64_KCONFIG_FRAGMENTS
	fragments_sha=$ARM64_KCONFIG_SHA
	target=Image
	image=$ARM64_IMAGE
	cross=(ARCH=arm64 "CROSS_COMPILE=$ARM64_CROSS")
	# the cross build runs beside x86 work in check-arm64
	nice=(nice -n 10)
	command -v "${ARM64_CROSS}gcc" >/dev/null ||
		die "${ARM64_CROSS}gcc not found (run scripts/install-deps-arm64.sh)"
	;;
*) die "unknown architecture '$arch' (x86_64 or arm64)" ;;
esac

jobs=$(nproc)

# --- 1. kernel source -------------------------------------------------------
extract_source() {
	[ -n "$KSRC_DEB" ] && [ -r "$KSRC_DEB" ] ||
		die "no $KSRC_PKG package in the cache (scripts/fetch-source.sh $KVER)"
	if [ -f "$KSRC/.devpriv-extracted" ]; then
		return 0
	fi
	local parent tmp top
	parent=$(dirname "$KSRC")
	mkdir -p "$parent"
	# Two builds (x86_64, arm64) of one version extract it once.
	exec 7>"$parent/.$KSRC_PKG.lock"
	flock 7
	if [ -f "$KSRC/.devpriv-extracted" ]; then
		return 0
	fi
	tmp=$(mktemp -d "$parent/.extract.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	log "extracting $KSRC_PKG $KSRC_DEBVER from $(basename "$KSRC_DEB") ..."
	# The package holds one tarball, /usr/src/linux-source-X.Y.tar.xz:
	# stream it out of the .deb, nothing lands in /usr/src.
	dpkg-deb --fsys-tarfile "$KSRC_DEB" |
		tar -xO "./usr/src/$KSRC_PKG.tar.xz" | tar -C "$tmp" -xJ ||
		die "could not unpack $KSRC_DEB"
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d)
	if [ "$(echo "$top" | wc -l)" -ne 1 ] || [ ! -f "$top/Makefile" ]; then
		die "unexpected tarball layout in $KSRC_DEB"
	fi
	echo "$KSRC_DEBVER" >"$top/.devpriv-extracted"
	rm -rf "$KSRC"
	mv "$top" "$KSRC"
	rm -rf "$tmp"
	trap - EXIT
	log "source ready: $KSRC"
}

extract_source
[ "$extract_only" = 1 ] && exit 0

# --- 2. configuration -----------------------------------------------------
for f in $fragments; do
	[ -r "$f" ] || die "config fragment $f missing"
done

mkdir -p "$kbuild"
# Serialise concurrent builds of the same tree (e.g. parallel make targets).
exec 9>"$kbuild/.devpriv-lock"
flock 9

stamp=$kbuild/.devpriv-stamp
stamp_want=$(
	echo "arch $arch"
	echo "source $KSRC_DEBVER"
	echo "fragments $fragments_sha"
	sha256sum "$0" | cut -c1-12
)
if [ "${DEVPRIV_FORCE_KBUILD:-0}" != 1 ] && [ -f "$stamp" ] &&
   [ "$(cat "$stamp")" = "$stamp_want" ] &&
   [ -f "$image" ] && [ -f "$kbuild/Module.symvers" ]; then
	log "up to date: $kbuild ($(cat "$kbuild/include/config/kernel.release"))"
	exit 0
fi
rm -f "$stamp"

kmake() { "${nice[@]}" make -C "$KSRC" O="$kbuild" "${cross[@]}" "$@"; }

# Verify that every option of the fragments ended up as requested.  A
# later fragment overrides an earlier one (as with merge_config.sh): each
# option is checked against the last fragment that sets it.
verify_config() {
	local cfg=$kbuild/.config missing=() line opt val f
	local -A want=()
	local order=()
	for f in $fragments; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				opt=${line%%=*}; val=${line#*=}
				;;
			"# CONFIG_"*" is not set")
				opt=${line#\# }; opt=${opt%% *}; val=n
				;;
			*) continue ;;
			esac
			[ -n "${want[$opt]+set}" ] || order+=("$opt")
			want[$opt]=$val
		done <"$f"
	done
	for opt in "${order[@]}"; do
		val=${want[$opt]}
		if [ "$val" = n ]; then
			if grep -qE "^$opt=" "$cfg"; then
				missing+=("$opt not set (got: $(grep -E "^$opt=" "$cfg"))")
			fi
		elif ! grep -qxF "$opt=$val" "$cfg"; then
			missing+=("$opt=$val (got: $(grep -E "^(# )?${opt}[= ]" "$cfg" || echo unset))")
		fi
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "build-test-kernel: error: ${#missing[@]} fragment option(s) not in the final .config:" >&2
		printf '  %s\n' "${missing[@]}" >&2
		echo "  (a dependency is probably missing from the fragment)" >&2
		exit 1
	fi
	log "config verified: all fragment options set"
}

frag_sha_file=$kbuild/.devpriv-config-sha
if [ ! -f "$kbuild/.config" ] || [ "$(cat "$frag_sha_file" 2>/dev/null)" != "$fragments_sha" ]; then
	log "configuring $kbuild ($arch tinyconfig + $(for f in $fragments; do basename "$f"; done | paste -sd+))"
	rm -f "$frag_sha_file"
	kmake -s tinyconfig >"$kbuild/.devpriv-tinyconfig.log" 2>&1 ||
		die "make tinyconfig failed, see $kbuild/.devpriv-tinyconfig.log"
	# shellcheck disable=SC2086
	(cd "$kbuild" && env "${cross[@]}" "$KSRC/scripts/kconfig/merge_config.sh" \
		-m -O "$kbuild" "$kbuild/.config" $fragments >"$kbuild/.devpriv-merge.log") ||
		die "merge_config.sh failed, see $kbuild/.devpriv-merge.log"
	kmake -s olddefconfig >>"$kbuild/.devpriv-merge.log" 2>&1 ||
		die "make olddefconfig failed, see $kbuild/.devpriv-merge.log"
	echo "$fragments_sha" >"$frag_sha_file"
fi
verify_config
[ "$config_only" = 1 ] && exit 0

# --- 3. build ---------------------------------------------------------------
log "building $target + modules in $kbuild (-j$jobs) ..."
start=$(date +%s)
buildlog=$kbuild/.devpriv-build.log
# modules_prepare is part of "modules"; named explicitly anyway, it is what
# out-of-tree builds (make -C $KBUILD M=...) rely on.
if ! kmake -j"$jobs" -s "$target" modules modules_prepare >"$buildlog" 2>&1; then
	tail -n 40 "$buildlog" >&2
	die "kernel build failed, full log: $buildlog"
fi
end=$(date +%s)
nwarn=$(grep -c ': warning: ' "$buildlog" || true)
[ "$nwarn" -eq 0 ] || log "$nwarn compiler warning(s) in the kernel's own code (see $buildlog)"
echo "$stamp_want" >"$stamp"
log "done in $((end - start)) s: $image" \
    "($(cat "$kbuild/include/config/kernel.release"))"
