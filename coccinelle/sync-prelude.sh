#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Copy coccinelle/prelude.cocci.in (the pagemap registry) into every
# coccinelle/devpriv_*.cocci between its first line and its
# "end of the registry" line.  scripts/check-cocci.sh fails when a copy
# differs.  Usage: coccinelle/sync-prelude.sh [--check]
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
pre=$dir/prelude.cocci.in
first=$(head -n 1 "$pre")
rc=0
for f in "$dir"/devpriv_*.cocci; do
	tmp=$(mktemp)
	awk -v first="$first" -v pre="$pre" '
		$0 == first && !done { inside = 1
			while ((getline l < pre) > 0) print l
			next }
		inside && /end of the registry/ { inside = 0; done = 1; next }
		!inside { print }
	' "$f" >"$tmp"
	if cmp -s "$tmp" "$f"; then
		rm -f "$tmp"
	elif [ "${1:-}" = --check ]; then
		echo "$f: registry differs from prelude.cocci.in" >&2
		rm -f "$tmp"
		rc=1
	else
		mv "$tmp" "$f"
		echo "updated $f"
	fi
done
exit $rc
