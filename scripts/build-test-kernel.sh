#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the libdevpriv test kernel from Debian's linux-source package.
#
#   [KVER=X.Y] [ARCH=x86_64|arm64] scripts/build-test-kernel.sh [--extract-only | --config-only]
#
# Paths come from scripts/env.sh ($KSRC, $KBUILD, $KIMAGE); arm64 is
# cross-built (make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) at nice 10,
# since it runs beside x86 work in make check.
# 1. Fetch linux-source-$KVER into the cache (scripts/fetch-source.sh) and
#    extract its tarball into $KSRC once (atomically: into a temporary
#    directory, then rename).  Every architecture shares it.
# 2. In the build directory (make O=): tinyconfig, merge the fragments
#    ($KCONFIG_FRAGMENTS: the common one, the architecture's, the
#    version's; make bench adds bench-kernel.config) with the kernel's
#    merge_config.sh, olddefconfig, then check that every option the
#    fragments ask for (the last fragment setting it wins) really ended up
#    with that value.
# 3. Build the image and modules; modules_prepare leaves the tree usable
#    for out-of-tree modules (make -C $KBUILD M=...).
# A stamp file records the inputs (architecture, source version, options,
# this script): with all unchanged the script returns at once.  Set
# DEVPRIV_FORCE_KBUILD=1 to re-run the kernel's (incremental) make anyway.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
extract_only=0
config_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--extract-only) extract_only=1; shift ;;
	--config-only) config_only=1; shift ;;
	-h|--help) sed -n '3,22p' "$0"; exit 0 ;;
	*) echo "build-test-kernel: unknown argument '$1'" >&2; exit 1 ;;
	esac
done

log() { echo "build-test-kernel: $*"; }
die() { echo "build-test-kernel: error: $*" >&2; exit 1; }

# The package first: env.sh reads its version from the cache.
"$here/fetch-source.sh" "$("$here/env.sh" --print KVER)" ||
	die "could not fetch the kernel source package"

# shellcheck source=scripts/env.sh
source "$here/env.sh"
arch=$DEVPRIV_ARCH
kbuild=$KBUILD
fragments=$KCONFIG_FRAGMENTS
target=$KIMAGE_TARGET
image=$KIMAGE
command -v "$CC_TARGET" >/dev/null ||
	die "$CC_TARGET not found (run: ARCH=$arch scripts/install-deps.sh)"

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
	echo "options $KCONFIG_SHA"
	sha256sum "$0" | cut -c1-12
)
if [ "${DEVPRIV_FORCE_KBUILD:-0}" != 1 ] && [ -f "$stamp" ] &&
   [ "$(cat "$stamp")" = "$stamp_want" ] &&
   [ -f "$image" ] && [ -f "$kbuild/Module.symvers" ]; then
	log "up to date: $kbuild ($(cat "$kbuild/include/config/kernel.release"))"
	exit 0
fi
rm -f "$stamp"

# The kernel is built with its own warning level: make check exports
# KBUILD_EXTRA_WARN for the project's modules, not for 30,000 kernel files.
unset KBUILD_EXTRA_WARN
kmake() { "${KMAKE[@]}" -C "$KSRC" O="$kbuild" "$@"; }

# Verify that every option of the fragments ended up as requested (the
# last fragment setting an option wins, as with merge_config.sh).
# shellcheck disable=SC2086
verify_config() {
	local cfg=$kbuild/.config missing=() opt val
	while IFS='=' read -r opt val; do
		if [ "$val" = n ]; then
			if grep -qE "^$opt=" "$cfg"; then
				missing+=("$opt not set (got: $(grep -E "^$opt=" "$cfg"))")
			fi
		elif ! grep -qxF "$opt=$val" "$cfg"; then
			missing+=("$opt=$val (got: $(grep -E "^(# )?${opt}[= ]" "$cfg" || echo unset))")
		fi
	done < <(kconfig_options $fragments)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "build-test-kernel: error: ${#missing[@]} fragment option(s) not in the final .config:" >&2
		printf '  %s\n' "${missing[@]}" >&2
		echo "  (a dependency is probably missing from the fragment)" >&2
		exit 1
	fi
	log "config verified: all fragment options set"
}

frag_sha_file=$kbuild/.devpriv-config-sha
if [ ! -f "$kbuild/.config" ] || [ "$(cat "$frag_sha_file" 2>/dev/null)" != "$KCONFIG_SHA" ]; then
	log "configuring $kbuild ($arch tinyconfig + $(for f in $fragments; do basename "$f"; done | paste -sd+))"
	rm -f "$frag_sha_file"
	kmake -s tinyconfig >"$kbuild/.devpriv-tinyconfig.log" 2>&1 ||
		die "make tinyconfig failed, see $kbuild/.devpriv-tinyconfig.log"
	# shellcheck disable=SC2086
	(cd "$kbuild" && env "${KMAKE_ARCH[@]}" "$KSRC/scripts/kconfig/merge_config.sh" \
		-m -O "$kbuild" "$kbuild/.config" $fragments >"$kbuild/.devpriv-merge.log") ||
		die "merge_config.sh failed, see $kbuild/.devpriv-merge.log"
	kmake -s olddefconfig >>"$kbuild/.devpriv-merge.log" 2>&1 ||
		die "make olddefconfig failed, see $kbuild/.devpriv-merge.log"
	echo "$KCONFIG_SHA" >"$frag_sha_file"
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
