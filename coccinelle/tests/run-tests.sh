#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the Coccinelle port on every test case and compare with its result.
#
#   coccinelle/tests/run-tests.sh [--update] [--idempotent] [CASE...]
#
# A case is coccinelle/tests/CASE.c, optionally with CASE.h (converted in
# the same group, as a driver's header is); the expected output is
# CASE.res (and CASE.h.res).  CASE.manual, when present, lists the sites
# the port must leave for a manual step, one "LINE: TEXT" per line (TEXT a
# substring of the reason scripts/devpriv-port prints); without it the
# port must leave none.  With --idempotent the port also runs on its own
# output, which must not change.
#
# All cases are ported by one scripts/devpriv-port --batch run, each case
# a driver of its own.  Prints "ok CASE" or "not ok CASE: why" per case
# and a last line "tests: N passed, N failed"; exits non-zero on a
# failure.  --update rewrites the .res files from the current output
# (review the diff!).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=$root/scripts/devpriv-port
update=0
idem=0
cases=()
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1; shift ;;
	--idempotent) idem=1; shift ;;
	-j) shift 2 ;;	# accepted for compatibility: the batch is one run
	*) cases+=("$1"); shift ;;
	esac
done
if [ ${#cases[@]} -eq 0 ]; then
	for f in "$here"/*.c; do
		cases+=("$(basename "$f" .c)")
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/devpriv-cocci-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

dirs=()
for c in "${cases[@]}"; do
	[ -f "$here/$c.c" ] || { echo "not ok $c: no $here/$c.c"; continue; }
	mkdir -p "$tmp/in/$c"
	cp "$here/$c.c" "$tmp/in/$c/"
	[ -f "$here/$c.h" ] && cp "$here/$c.h" "$tmp/in/$c/"
	dirs+=("$tmp/in/$c")
done

"$port" --in-place --batch "${dirs[@]}" >"$tmp/port.out" 2>&1
port_rc=$?

if [ $idem = 1 ]; then
	cp -r "$tmp/in" "$tmp/again"
	"$port" --in-place --batch "$tmp"/again/* >"$tmp/again.out" 2>&1
fi

pass=0
fail=0
for c in "${cases[@]}"; do
	[ -f "$here/$c.c" ] || { fail=$((fail + 1)); continue; }
	d=$tmp/in/$c
	why=""
	grep -F "$d/" "$tmp/port.out" >"$tmp/$c.out"
	if [ $port_rc -ne 0 ]; then
		why="devpriv-port failed: $(tail -n 1 "$tmp/port.out")"
	elif ! grep -q ' converted, ' "$tmp/$c.out"; then
		why="no summary from devpriv-port"
	elif grep ' parse errors' "$tmp/$c.out" | grep -qv ' 0 parse errors'; then
		why="parse errors: $(grep ' parse errors' "$tmp/$c.out" | grep -v ' 0 parse errors' | head -n 1)"
	fi
	if [ $update = 1 ] && [ -z "$why" ]; then
		cp "$d/$c.c" "$here/$c.res"
		[ -f "$here/$c.h" ] && cp "$d/$c.h" "$here/$c.h.res"
	fi
	for f in "$c.c:$c.res" "$c.h:$c.h.res"; do
		[ -n "$why" ] && break
		[ -f "$here/${f%%:*}" ] || continue
		if ! diff -u "$here/${f##*:}" "$d/${f%%:*}" >"$tmp/$c.diff" 2>&1; then
			why="output differs from ${f##*:}"
		fi
	done
	if [ -z "$why" ]; then
		sed -n 's/^[^:]*:\([0-9]*\): manual: /\1: /p' "$tmp/$c.out" >"$tmp/$c.manual"
		if [ -f "$here/$c.manual" ]; then
			while IFS= read -r want; do
				[ -n "$want" ] || continue
				ln=${want%%:*}
				txt=${want#*: }
				grep -F -- "$txt" "$tmp/$c.manual" | grep -q "^$ln: " ||
					{ why="missing manual site '$want'"; break; }
			done <"$here/$c.manual"
			if [ -z "$why" ] &&
			   [ "$(grep -c . "$tmp/$c.manual")" != "$(grep -c . "$here/$c.manual")" ]; then
				why="manual sites: expected $(grep -c . "$here/$c.manual"), got: $(tr '\n' ';' <"$tmp/$c.manual")"
			fi
		elif [ -s "$tmp/$c.manual" ]; then
			why="unexpected manual sites: $(tr '\n' ';' <"$tmp/$c.manual")"
		fi
	fi
	if [ -z "$why" ] && [ $idem = 1 ]; then
		for f in "$d"/*.[ch]; do
			cmp -s "$f" "$tmp/again/$c/$(basename "$f")" ||
				{ why="not idempotent: a second run changes $(basename "$f")"; break; }
		done
	fi
	if [ -z "$why" ]; then
		echo "ok $c"
		pass=$((pass + 1))
	else
		echo "not ok $c: $why"
		[ -s "$tmp/$c.diff" ] && sed 's/^/#   /' "$tmp/$c.diff" | head -n 40
		fail=$((fail + 1))
	fi
done
echo "tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
