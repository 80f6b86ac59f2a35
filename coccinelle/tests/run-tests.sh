#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the Coccinelle port on every test case and compare with its result.
#
#   coccinelle/tests/run-tests.sh [-j N] [--update] [--idempotent] [CASE...]
#
# A case is coccinelle/tests/CASE.c, optionally with CASE.h (converted in
# the same run, as a driver's header is); the expected output is CASE.res
# (and CASE.h.res).  CASE.manual, when present, lists the sites the port
# must leave for a manual step, one "LINE: TEXT" per line (TEXT a
# substring of the reason scripts/devpriv-port prints); without it the
# port must leave none.  With --idempotent every case is also run a
# second time on its own output, which must not change.
#
# Prints "ok CASE" or "not ok CASE: why" per case and a last line
# "tests: N passed, N failed"; exits non-zero on a failure.  --update
# rewrites the .res files from the current output (review the diff!).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=$root/scripts/devpriv-port
jobs=2
update=0
idem=0
cases=()
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	--update) update=1; shift ;;
	--idempotent) idem=1; shift ;;
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

# run_case CASE: writes $tmp/CASE.status ("ok" or "not ok CASE: why")
run_case() {
	local c=$1 d=$tmp/$1 why="" f
	mkdir -p "$d/in" "$d/again"
	cp "$here/$c.c" "$d/in/"
	[ -f "$here/$c.h" ] && cp "$here/$c.h" "$d/in/"
	if ! "$port" --in-place "$d"/in/* >"$d/port.out" 2>&1; then
		why="devpriv-port failed: $(tail -n 1 "$d/port.out")"
	fi
	if [ -z "$why" ] && grep -q ' [1-9][0-9]* parse errors' "$d/port.out"; then
		why="parse errors: $(grep ' parse errors' "$d/port.out" | head -n 1)"
	fi
	if [ $update = 1 ] && [ -z "$why" ]; then
		cp "$d/in/$c.c" "$here/$c.res"
		[ -f "$here/$c.h" ] && cp "$d/in/$c.h" "$here/$c.h.res"
	fi
	for f in "$c.c:$c.res" "$c.h:$c.h.res"; do
		[ -n "$why" ] && break
		[ -f "$here/${f%%:*}" ] || continue
		if ! diff -u "$here/${f##*:}" "$d/in/${f%%:*}" >"$d/diff" 2>&1; then
			why="output differs from ${f##*:} (diff in $d/diff)"
			cp "$d/diff" "$tmp/$c.diff"
		fi
	done
	if [ -z "$why" ]; then
		sed -n 's/^[^:]*:\([0-9]*\): manual: /\1: /p' "$d/port.out" >"$d/manual"
		if [ -f "$here/$c.manual" ]; then
			while IFS= read -r want; do
				[ -n "$want" ] || continue
				ln=${want%%:*}
				txt=${want#*: }
				grep -F -- "$txt" "$d/manual" | grep -q "^$ln: " ||
					{ why="missing manual site '$want'"; break; }
			done <"$here/$c.manual"
			if [ -z "$why" ] &&
			   [ "$(grep -c . "$d/manual")" != "$(grep -c . "$here/$c.manual")" ]; then
				why="manual sites: expected $(grep -c . "$here/$c.manual"), got: $(tr '\n' ';' <"$d/manual")"
			fi
		elif [ -s "$d/manual" ]; then
			why="unexpected manual sites: $(tr '\n' ';' <"$d/manual")"
		fi
	fi
	if [ -z "$why" ] && [ "$idem" = 1 ]; then
		cp "$d"/in/* "$d/again/"
		"$port" --in-place "$d"/again/* >"$d/again.out" 2>&1
		for f in "$d"/in/*; do
			cmp -s "$f" "$d/again/$(basename "$f")" ||
				{ why="not idempotent: a second run changes $(basename "$f")"; break; }
		done
	fi
	if [ -z "$why" ]; then
		echo "ok $c" >"$tmp/$c.status"
	else
		echo "not ok $c: $why" >"$tmp/$c.status"
	fi
}
export -f run_case
export tmp here port update idem

printf '%s\n' "${cases[@]}" | xargs -P "$jobs" -I{} bash -c 'run_case "$@"' _ {}

pass=0
fail=0
for c in "${cases[@]}"; do
	if [ -f "$tmp/$c.status" ]; then
		cat "$tmp/$c.status"
		case $(cat "$tmp/$c.status") in
		ok*) pass=$((pass + 1)) ;;
		*) fail=$((fail + 1))
		   [ -f "$tmp/$c.diff" ] && sed 's/^/#   /' "$tmp/$c.diff" | head -n 40 ;;
		esac
	else
		echo "not ok $c: no status"
		fail=$((fail + 1))
	fi
done
echo "tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
