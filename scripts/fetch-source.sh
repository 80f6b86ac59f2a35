#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's linux-source-KVER package into the cache, without touching
# the system's apt sources or installing anything into the system.
#
#   scripts/fetch-source.sh KVER            # e.g. 6.1, 6.12, 7.3
#   scripts/fetch-source.sh --refresh KVER  # re-read the package lists first
#
# A private apt configuration lives in $DEVPRIV_CACHE/apt: its own sources
# list, lists, archives and status file.  Its mirror URIs are the ones of
# the machine's own apt sources (sources.list and *.sources, deb822 or
# one-line format); only the suite changes.  It lists the Debian suites
# that carry kernel sources: bookworm, bookworm-security, trixie,
# trixie-security, trixie-backports and unstable.  apt's own version
# comparison then picks the newest linux-source-KVER among them, so the
# suite that carries a kernel is found from the package lists, never
# written down here.
#
# The .deb stays in $DEVPRIV_CACHE/debs (its name carries the version);
# $DEVPRIV_CACHE/debs/linux-source-KVER.version records which one is
# current, for scripts/env.sh.  The lists are refreshed when they are
# older than a day (or with --refresh), and never when the package is
# already here and the network is not asked for: a warm cache needs no
# network.
set -euo pipefail

log() { echo "fetch-source: $*" >&2; }
die() { echo "fetch-source: error: $*" >&2; exit 1; }

refresh=0
if [ "${1:-}" = --refresh ]; then
	refresh=1
	shift
fi
kver=${1:?usage: fetch-source.sh [--refresh] KVER}
[[ $kver =~ ^[0-9]+\.[0-9]+$ ]] || die "KVER '$kver' is not of the form X.Y"
pkg=linux-source-$kver

cache=${DEVPRIV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libdevpriv}
apt_dir=$cache/apt
deb_dir=$cache/debs
current=$deb_dir/$pkg.version
mkdir -p "$apt_dir" "$deb_dir"

# A deb already fetched and no refresh asked for: nothing to do.
if [ "$refresh" = 0 ] && [ -f "$current" ]; then
	ver=$(cat "$current")
	if compgen -G "$deb_dir/${pkg}_${ver//:/%3a}_*.deb" >/dev/null; then
		exit 0
	fi
fi

exec 8>"$apt_dir/.lock"
flock 8

# --- mirror URIs from the machine's own apt sources -------------------------
# Prints "URI SUITE" for every deb source of the machine.
machine_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) while ($i !~ /\]$/) i++
			if ($i ~ /^\[/ || $i ~ /\]$/) i++
			print $i, $(i + 1)
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# deb822: stanzas separated by blank lines.
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u in uris) for (s in suites) print uris[u], suites[s]
			types = ""; enabled = ""; delete uris; delete suites
		}
		/^[ \t]*$/ { flush(); next }
		/^#/ { next }
		/^Types:/ { types = $0; sub(/^Types:[ \t]*/, "", types) }
		/^Enabled:/ { enabled = tolower($2) }
		/^URIs:/ { for (i = 2; i <= NF; i++) uris[i] = $i }
		/^Suites:/ { for (i = 2; i <= NF; i++) suites[i] = $i }
		END { flush() }' "$f"
	done
}

archive_uri=
security_uri=
while read -r uri suite; do
	case $suite in
	*-security|*/updates) [ -n "$security_uri" ] || security_uri=$uri ;;
	*) [ -n "$archive_uri" ] || archive_uri=$uri ;;
	esac
done < <(machine_sources)
[ -n "$archive_uri" ] || die "no Debian archive URI in the machine's apt sources"
[ -n "$security_uri" ] || log "no security URI in the machine's apt sources; security suites skipped"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || die "missing $keyring (package debian-archive-keyring)"

sources=$apt_dir/sources.list
{
	echo "# written by scripts/fetch-source.sh from the machine's apt sources"
	for suite in bookworm trixie trixie-backports unstable; do
		echo "deb [signed-by=$keyring] $archive_uri $suite main"
	done
	if [ -n "$security_uri" ]; then
		for suite in bookworm-security trixie-security; do
			echo "deb [signed-by=$keyring] $security_uri $suite main"
		done
	fi
} >"$sources.new"
mv "$sources.new" "$sources"

mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
touch "$apt_dir/status"
apt_opts=(
	-o "Dir::Etc::SourceList=$sources"
	-o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::State::Status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir"
	-o "Dir::Cache::Archives=$apt_dir/archives"
	-o "APT::Architecture=amd64"
	-o "Debug::NoLocking=1"
	-o "APT::Get::List-Cleanup=0"
	-o "Acquire::Languages=none"
	-o "APT::Sandbox::User=root"
)

stamp=$apt_dir/lists/.updated
if [ "$refresh" = 1 ] || [ ! -f "$stamp" ] ||
   [ -n "$(find "$stamp" -mmin +1440)" ]; then
	log "updating the private package lists ($apt_dir)"
	# A suite that is temporarily unreachable is a warning, not a failure:
	# the others may still carry the package.
	apt-get -q "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1 ||
		log "apt-get update reported errors (see $apt_dir/update.log)"
	touch "$stamp"
fi

ver=$(apt-cache "${apt_opts[@]}" policy "$pkg" 2>/dev/null |
	awk '/Candidate:/ { print $2 }')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	die "no $pkg in bookworm, trixie or unstable (see $apt_dir/update.log)"
fi

deb=$(compgen -G "$deb_dir/${pkg}_${ver//:/%3a}_*.deb" | head -n1 || true)
if [ -z "$deb" ]; then
	log "downloading $pkg $ver"
	(cd "$deb_dir" && apt-get -q "${apt_opts[@]}" download "$pkg=$ver" \
		>"$apt_dir/download.log" 2>&1) ||
		die "apt-get download $pkg=$ver failed (see $apt_dir/download.log)"
	deb=$(compgen -G "$deb_dir/${pkg}_${ver//:/%3a}_*.deb" | head -n1 || true)
	[ -n "$deb" ] || die "downloaded $pkg but found no .deb in $deb_dir"
fi
echo "$ver" >"$current.new"
mv "$current.new" "$current"
log "$pkg $ver: $deb"
