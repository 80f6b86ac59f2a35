#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The test stages of libdevpriv, and their aggregate.
#
#   [KERNELS="6.1 6.12 7.3 6.1/arm64"] scripts/check.sh all
#                                   every stage, then "N passed, N failed[, N skipped]"
#   [KVER=X.Y] [ARCH=A] scripts/check.sh STAGE
#                                   one stage: static unit cocci vm bench
#
# static, cocci and vm are per kernel: "all" runs them on each kernel of
# $KERNELS (default: every supported kernel, $DEVPRIV_KERNELS of
# scripts/env.sh, then 6.1/arm64).  An entry KVER/ARCH is that kernel
# cross-built for ARCH: only its vm stage runs (static and cocci see the
# same sources on x86_64).  A single stage runs on $KVER and $ARCH.  unit
# and bench (bench-smoke) run once, on the default kernel.  "all" runs
# unit; then per kernel static, cocci and the artefacts of vm; then the VM
# scenarios of every kernel and bench-smoke as jobs of one pool, longest
# expected first (the time of a job's last passing run, in
# $DEVPRIV_CACHE/check-times); then prints each kernel's vm stage and
# bench-smoke as they would print alone.
#
# Every stage prints as its last line
#   <summary>: N passed, N failed[, N skipped]
# where <summary> is check-STAGE@KVER for the per-kernel stages
# (check-vm@KVER/ARCH off x86_64), check-unit and bench-smoke (make
# bench-smoke: scripts/bench.sh --smoke), and exits non-zero if anything
# failed.  "all" runs every stage even when an earlier one fails, sums the
# stage lines, recaps what failed and exits non-zero on any failure (a
# stage that crashes without its line counts as one failure).  Stage output
# is also kept in build/check/<kver>[/<arch>]/<stage>.log.
#
# Environment: SCENARIOS="a b" limits check-vm to those scenarios (each
# runs on the kernels and architectures its "#@ kernels:" and "#@ arches:"
# headers name); DEVPRIV_VM_JOBS (default 2) VM jobs run at once; MAKE
# (default make) is used to build artefacts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

# Every module build of a check run is a W=1 build: check-static counts its
# warnings, and the builds of later stages find nothing to recompile.
export KBUILD_EXTRA_WARN=1

MAKE=${MAKE:-make}
# Sub-makes print no "Entering directory" noise.
mk() { "$MAKE" --no-print-directory "$@"; }

# Paths that name a source version (KSRC, KBUILD, ...) are derived from
# what the cache holds: derive them again once a stage may have fetched the
# source, or a fresh machine goes on with the "not-fetched" placeholders.
refresh_env() {
	# shellcheck source=scripts/env.sh
	source "$DEVPRIV_ROOT/scripts/env.sh"
}

KERNELS=${KERNELS:-$DEVPRIV_KERNELS $DEVPRIV_DEFAULT_KVER/arm64}
STAGE_RE='^(check-static@[0-9.]+|check-unit|check-cocci@[0-9.]+|check-vm@[0-9.]+[/a-z0-9_]*|bench-smoke): ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

# What "all" runs of a kernel (KVER or KVER/ARCH).
kernel_stages() {
	case $1 in
	*/*) echo vm ;;
	*) echo static cocci vm ;;
	esac
}

# $KVER, or KVER/ARCH off x86_64: what the per-kernel stage lines name.
kernel_tag() {
	if [ "$DEVPRIV_ARCH" = x86_64 ]; then
		echo "$KVER"
	else
		echo "$KVER/$DEVPRIV_ARCH"
	fi
}

# The summary line's prefix of a stage.
stage_summary() {
	case $1 in
	bench) echo bench-smoke ;;
	static|cocci|vm) echo "check-$1@$(kernel_tag)" ;;
	*) echo "check-$1" ;;
	esac
}

# ----------------------------------------------------------------------------
# check-static
#
# Files: every *.c/*.h git knows (tracked, plus untracked files that are not
# ignored), i.e. the project's own sources, headers, examples and userspace
# tests.  Excluded: coccinelle/ - spatch's input, not kernel C: the test
# cases and expected outputs are deliberately shaped like (old-API) driver
# code and are judged by the cocci tests, and macros.h declares macros by
# shape only, for spatch's parser.
# Tools, each counting one pass per clean file and one failure per file with
# any warning:
#   checkpatch  $KSRC/scripts/checkpatch.pl --strict --no-tree -f, every file
#   kernel-doc  $KSRC/scripts/kernel-doc -none, every file
#   sparse      scripts/build-modules.sh C=2 CHECK=sparse: the .c files of
#               the module build in $DEVPRIV_OUT/tree against $KVER's test
#               kernel (any other file sparse warns about counts too)
#   W=1         scripts/build-modules.sh W=1: same files, compiler warnings
# Every tool runs per kernel: checkpatch and kernel-doc are that kernel's
# own scripts, sparse and W=1 see that kernel's headers.
# sparse and W=1 need the Kbuild file; without it they report 0/0.
# ----------------------------------------------------------------------------
static_files() {
	git ls-files -co --exclude-standard -- '*.c' '*.h' |
		grep -v '^coccinelle/' | LC_ALL=C sort -u || true
}

# tally TOOL PASS FAIL: print and add to the stage totals
st_pass=0
st_fail=0
st_skip=0
tally() {
	echo "check-static@$KVER: $1: $2 passed, $3 failed"
	st_pass=$((st_pass + $2))
	st_fail=$((st_fail + $3))
}

# per_file TOOL CMD... -- FILE...: run CMD FILE for each file; a file
# passes when CMD succeeds and prints nothing.  Prints what failed, then
# "tally TOOL PASS FAIL" for the caller's tally.
per_file() {
	local tool=$1 cmd=() f out p=0 n=0
	shift
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	for f in "$@"; do
		if out=$("${cmd[@]}" "$f" 2>&1) && [ -z "$out" ]; then
			p=$((p + 1))
		else
			n=$((n + 1))
			echo "check-static@$KVER: $tool: $f:"
			echo "$out" | sed 's/^/  /' | head -n 40
		fi
	done
	echo "tally $tool $p $n"
}

# Kbuild warnings/errors -> one failure per distinct file; pass for the
# other compiled project files.  $1: tool, $2: log, $3..: compiled files
count_build_warnings() {
	local tool=$1 log=$2
	shift 2
	local -A bad=()
	local f rel p=0 n=0
	while IFS= read -r f; do
		rel=${f#"$DEVPRIV_OUT"/tree/}
		rel=${rel#"$DEVPRIV_ROOT"/}
		bad[$rel]=1
	done < <(grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error|fatal error):' "$log" |
		cut -d: -f1 | sort -u)
	for f in "$@"; do
		[ -n "${bad[$f]:-}" ] || p=$((p + 1))
	done
	n=${#bad[@]}
	if [ "$n" -gt 0 ]; then
		echo "check-static@$KVER: $tool: warnings in: ${!bad[*]}"
		grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error|fatal error):' "$log" |
			sed "s|^$DEVPRIV_OUT/tree/||; s/^/  /" | head -n 50
	fi
	tally "$tool" "$p" "$n"
}

stage_static() {
	local files=() f out p n
	mapfile -t files < <(static_files)
	echo "check-static@$KVER: ${#files[@]} project .c/.h file(s)"

	local logs=build/check/$KVER
	mkdir -p "$logs"
	if ! mk kernel >"$logs/static-kernel.log" 2>&1; then
		tail -n 20 "$logs/static-kernel.log"
		echo "check-static@$KVER: test kernel build failed (needed by every tool)"
		echo "check-static@$KVER: 0 passed, 1 failed"
		return 1
	fi
	refresh_env

	if [ ${#files[@]} -eq 0 ]; then
		echo "check-static@$KVER: no project sources yet: checkpatch, kernel-doc, sparse and W=1 have nothing to check"
	fi

	# checkpatch and kernel-doc (perl, one CPU) run beside the module
	# build; their report is printed after it, in this order.
	local text=$logs/static-text
	(
		per_file checkpatch "$KSRC/scripts/checkpatch.pl" --strict \
			--no-tree --quiet --show-types -f -- "${files[@]}"
		per_file kernel-doc "$KSRC/scripts/kernel-doc" -none -- "${files[@]}"
	) >"$text.out" 2>&1 &
	local text_pid=$!

	# W=1 and sparse on the module build
	local build_out=$logs/static-build.out
	: >"$build_out"
	if [ ! -f Kbuild ]; then
		echo "check-static@$KVER: no Kbuild file yet: sparse and W=1 skipped (nothing to build)"
		tally sparse 0 0
		tally W=1 0 0
	else
		local log=$logs/static-w1.log compiled=() tree=$DEVPRIV_OUT/tree
		# 1. W=1 (KBUILD_EXTRA_WARN, exported above for every build of
		# a check run, so that later stages recompile nothing): the
		# objects go first, so every file is compiled and its warnings
		# seen even when the tree was up to date.
		[ ! -d "$tree" ] || find "$tree" \( -name '*.o' -o -name '*.ko' \) -delete
		if ! scripts/build-modules.sh >"$log" 2>&1; then
			echo "check-static@$KVER: module build failed:"
			grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/  /'
		fi
		mapfile -t compiled < <(cd "$tree" && find . -name '.*.o.cmd' |
			while read -r c; do
				f=${c%.o.cmd}.c
				f=$(dirname "$f")/$(basename "$f" | sed 's/^\.//')
				case $f in *.mod.c) continue ;; esac	# generated
				[ -f "$f" ] && echo "${f#./}"
			done | LC_ALL=C sort -u)
		echo "check-static@$KVER: module build compiles ${#compiled[@]} .c file(s)"
		count_build_warnings W=1 "$log" "${compiled[@]}" >"$build_out"
		# 2. sparse on every file (C=2), nothing recompiled.  A kernel
		# whose scripts/checker-valid.sh rejects the installed sparse
		# (7.3: no __typeof_unqual__ in sparse 0.6.4) would silently
		# check nothing: a skip, said as one.
		if [ -f "$KSRC/scripts/checker-valid.sh" ] &&
		   [ "$(sh "$KSRC/scripts/checker-valid.sh" sparse 2>/dev/null)" != 1 ]; then
			echo "check-static@$KVER: sparse: skipped: $KVER's scripts/checker-valid.sh rejects $(sparse --version 2>&1 | head -n 1) (too old for this kernel's headers)" >>"$build_out"
			st_skip=$((st_skip + 1))
		else
			scripts/build-modules.sh C=2 CHECK=sparse \
				>"$logs/static-sparse.log" 2>&1 || true
			count_build_warnings sparse "$logs/static-sparse.log" "${compiled[@]}" >>"$build_out"
		fi
	fi

	wait "$text_pid" || true
	local kind tool tp tn line
	while IFS= read -r line; do
		read -r kind tool tp tn <<<"$line"
		if [ "$kind" = tally ]; then
			tally "$tool" "$tp" "$tn"
		else
			printf '%s\n' "$line"
		fi
	done <"$text.out"
	# count_build_warnings has added to the totals already
	cat "$build_out"

	if [ "$st_skip" -gt 0 ]; then
		echo "check-static@$KVER: $st_pass passed, $st_fail failed, $st_skip skipped"
	else
		echo "check-static@$KVER: $st_pass passed, $st_fail failed"
	fi
	[ "$st_fail" -eq 0 ]
}

# ----------------------------------------------------------------------------
# check-unit: the userspace unit tests own their Makefile and stage line.
# ----------------------------------------------------------------------------
stage_unit() {
	if [ ! -f tests/unit/Makefile ]; then
		echo "check-unit: no tests/unit/Makefile yet: nothing to run"
		echo "check-unit: 0 passed, 0 failed"
		return 0
	fi
	local rc=0 log=build/check/unit-run.log last
	# The tests compile the kernel's own lib/xarray.c: the source first.
	if ! scripts/build-test-kernel.sh --extract-only >build/check/unit-source.log 2>&1; then
		tail -n 5 build/check/unit-source.log
		echo "check-unit: could not fetch or extract the $KVER kernel source"
		echo "check-unit: 0 passed, 1 failed"
		return 1
	fi
	refresh_env
	mk -C tests/unit check >"$log" 2>&1 || rc=$?
	# make's own "*** [...] Error 1" would follow the stage line.
	grep -vE '^make(\[[0-9]+\])?: \*\*\* ' "$log" || true
	last=$(grep -E '^check-unit: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [ -z "$last" ]; then
		echo "check-unit: tests/unit did not print its 'check-unit: N passed, N failed' line (status $rc)"
		echo "check-unit: 0 passed, 1 failed"
		return 1
	fi
	# Make sure the stage line is the last one printed.
	[ "$(grep -vE '^make(\[[0-9]+\])?: \*\*\* ' "$log" | tail -n 1)" = "$last" ] || echo "$last"
	return "$rc"
}

# ----------------------------------------------------------------------------
# check-vm: select the scenarios and build what they need (vm_prepare), run
# them in the job pool (below), print one line each in scenario order
# (vm_report).  "all" prepares every kernel first, then runs the scenarios
# of all of them and bench-smoke in one pool.
# ----------------------------------------------------------------------------

# Where vm_prepare and the pool leave the current kernel's check-vm.
vm_dir() {
	echo "build/check/$(kernel_tag)/vm-run"
}

# vm_prepare: the scenarios of $KVER on $DEVPRIV_ARCH, and their artefacts.
# Leaves in vm_dir: head (the stage's first lines), scns (the scenario
# files, in order) and fails (1 when the artefacts failed, else 0).
vm_prepare() {
	local all=() s tag logs dir fails=0
	tag=$(kernel_tag)
	logs=build/check/$tag
	dir=$(vm_dir)
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -n "${SCENARIOS:-}" ]; then
		for s in $SCENARIOS; do
			all+=("tests/vm/scenarios/${s%.scn}.scn")
		done
	else
		mapfile -t all < <(LC_ALL=C ls tests/vm/scenarios/*.scn 2>/dev/null)
	fi
	: >"$dir/scns"
	for s in "${all[@]}"; do
		# a missing file is run, and fails with that reason
		if [ ! -f "$s" ] || tests/vm/run-scenario.sh --applies "$s" >>"$dir/head"; then
			echo "$s" >>"$dir/scns"
		fi
	done
	echo "check-vm@$tag: $(wc -l <"$dir/scns") scenario(s) for kernel $KVER on $DEVPRIV_ARCH" >>"$dir/head"

	# Artefacts (make -k: what can be built is): a failure is counted as
	# one, then the scenarios still run; one that needs a missing file
	# fails with that reason.  Another architecture needs its cross
	# toolchain and guest userspace first (make deps ARCH=...).
	if ! mk -k deps vm-artifacts >"$logs/vm-artifacts.log" 2>&1; then
		{
			grep -E 'error|Error' "$logs/vm-artifacts.log" | head -n 15 | sed 's/^/  /' || true
			echo "check-vm@$tag: make vm-artifacts failed ($logs/vm-artifacts.log)"
		} >>"$dir/head"
		fails=1
	fi
	echo "$fails" >"$dir/fails"
	refresh_env
}

# vm_jobs: the pool's jobs (pool_run) for what vm_prepare selected.
vm_jobs() {
	local dir s i=0
	dir=$(vm_dir)
	while IFS= read -r s; do
		echo "$(job_expect "$(basename "$s" .scn)" "$s") $KVER $DEVPRIV_ARCH scn $s $dir/$i"
		i=$((i + 1))
	done <"$dir/scns"
}

# vm_report [--no-head]: the stage's lines from what vm_prepare and the
# pool left: its first lines, one result line per scenario in scenario
# order, "check-vm@TAG: P passed, F failed".
vm_report() {
	local dir tag s i=0 rc line p=0 n=1
	tag=$(kernel_tag)
	dir=$(vm_dir)
	if [ ! -f "$dir/scns" ]; then
		echo "check-vm@$tag: no scenarios were selected (check.sh failed before)"
		echo "check-vm@$tag: 0 passed, 1 failed"
		return 1
	fi
	[ "${1:-}" = --no-head ] || cat "$dir/head"
	read -r n <"$dir/fails" || true
	while IFS= read -r s; do
		rc=1 line=
		[ ! -f "$dir/$i" ] || read -r rc line <"$dir/$i" || true
		[[ $rc =~ ^[0-9]+$ ]] || rc=1
		[ ! -s "$dir/$i.err" ] || cat "$dir/$i.err"
		case $line in
		"scenario "*": ok "*) [ "$rc" -eq 0 ] || line="$line (but exit status $rc)" ;;
		"scenario "*": FAIL "*) ;;
		*) line="scenario $(basename "$s" .scn)@$tag: FAIL runner exited with status $rc without a result line" ;;
		esac
		case $line in
		*": ok ("*")") p=$((p + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
		echo "$line"
		i=$((i + 1))
	done <"$dir/scns"
	echo "check-vm@$tag: $p passed, $n failed"
	[ "$n" -eq 0 ]
}

stage_vm() {
	local dir
	dir=$(vm_dir)
	vm_prepare
	cat "$dir/head"
	vm_jobs >"$dir/jobs"
	pool_run "$dir/jobs"
	vm_report --no-head
}

# ----------------------------------------------------------------------------
# The job pool: VM scenarios (any kernel's) and bench-smoke, each in its
# kernel's environment, DEVPRIV_VM_JOBS at a time, the longest expected
# first.  A job's expected time is that of its last passing run, recorded
# in $CHECK_TIMES as "KVER/ARCH NAME SECONDS"; without one, a sixth of the
# timeout its scenario would run with (tests/vm/run-scenario.sh --timeout),
# a rough guess (passing runs took a tenth to a third of theirs) that only
# orders the jobs until each has a recorded time.
# ----------------------------------------------------------------------------
CHECK_TIMES=$DEVPRIV_CACHE/check-times

# job_expect NAME SCN: the expected seconds of job NAME on the current
# kernel, whose scenario file is SCN.
job_expect() {
	local t
	t=$(awk -v k="$KVER/$DEVPRIV_ARCH" -v n="$1" '$1 == k && $2 == n { t = $3 } END { print t }' \
		"$CHECK_TIMES" 2>/dev/null || true)
	if ! [[ $t =~ ^[0-9]+$ ]]; then
		# none: a missing or broken scenario fails at once
		t=$(tests/vm/run-scenario.sh --timeout "$2" 2>/dev/null || true)
		if [[ $t =~ ^[0-9]+$ ]]; then
			t=$((t / 6))
		else
			t=0
		fi
	fi
	echo "$t"
}

# times_record NAME SECONDS: job NAME passed on the current kernel in that
# time.
times_record() {
	local key=$KVER/$DEVPRIV_ARCH
	mkdir -p "$(dirname "$CHECK_TIMES")"
	(
		flock 9
		{
			awk -v k="$key" -v n="$1" '!($1 == k && $2 == n)' "$CHECK_TIMES" 2>/dev/null || true
			echo "$key $1 $2"
		} | LC_ALL=C sort >"$CHECK_TIMES.tmp"
		mv "$CHECK_TIMES.tmp" "$CHECK_TIMES"
	) 9>>"$CHECK_TIMES.lock"
}

# pool_job KVER ARCH KIND ARG OUT EXPECTED: one job, in the environment of
# KVER on ARCH.  KIND scn: tests/vm/run-scenario.sh ARG, whose "STATUS LINE"
# goes to OUT, its stderr to OUT.err; KIND bench: scripts/bench.sh --smoke,
# whose output goes to OUT.out, its status to OUT.  The seconds it took go
# to OUT.secs.
pool_job() {
	local kind=$3 arg=$4 out=$5 rc=0 line t0 secs name ok=0
	KVER=$1
	ARCH=$2
	# shellcheck source=scripts/env.sh
	source "$DEVPRIV_ROOT/scripts/env.sh"
	t0=$(date +%s)
	case $kind in
	scn)
		name=$(basename "$arg" .scn)
		line=$(tests/vm/run-scenario.sh "$arg" 2>"$out.err") || rc=$?
		echo "$rc $line" >"$out"
		case $rc-$line in 0-"scenario "*": ok ("*")") ok=1 ;; esac
		;;
	bench)
		name=bench-smoke
		scripts/bench.sh --smoke >"$out.out" 2>&1 || rc=$?
		echo "$rc" >"$out"
		[ "$rc" -ne 0 ] || ok=1
		;;
	esac
	secs=$(($(date +%s) - t0))
	echo "$secs" >"$out.secs"
	[ "$ok" = 0 ] || times_record "$name" "$secs"
	line="$name@$(kernel_tag) $([ "$ok" = 1 ] && echo ok || echo failed) in $secs s (expected $6 s)"
	echo "check: pool: $line"
}

# pool_run LIST: run the jobs of file LIST, lines "EXPECTED KVER ARCH KIND
# ARG OUT" (pool_job).  Two at a time by default: a TCG guest mostly keeps
# one host CPU busy, so two share a 2-core machine at about twice the
# throughput.
pool_run() {
	local slots=${DEVPRIV_VM_JOBS:-2} list=() j est kver arch kind arg out
	[[ $slots =~ ^[1-9][0-9]*$ ]] || slots=1
	mapfile -t list < <(sort -s -k1,1nr "$1")
	echo "check: pool: ${#list[@]} job(s), $slots at a time, the longest expected first"
	for j in "${list[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$slots" ]; do
			wait -n || true
		done
		read -r est kver arch kind arg out <<<"$j"
		pool_job "$kver" "$arch" "$kind" "$arg" "$out" "$est" &
	done
	wait
}

# bench_report: what the pool's bench-smoke job printed, and its status.
bench_report() {
	local out=build/check/bench-run rc=1
	if [ ! -f "$out" ]; then
		echo "check: bench-smoke did not run"
		return 1
	fi
	cat "$out.out"
	read -r rc <"$out" || true
	return "$rc"
}

# ----------------------------------------------------------------------------
run_stage() {
	mkdir -p build/check
	case $1 in
	static) stage_static ;;
	unit) stage_unit ;;
	cocci)
		# the .c/.res cases do not depend on the kernel: once.  The
		# ports compile with the drivers' own flags, not W=1.
		if [ "$KVER" = "$DEVPRIV_DEFAULT_KVER" ]; then
			KBUILD_EXTRA_WARN='' scripts/check-cocci.sh
		else
			KBUILD_EXTRA_WARN='' scripts/check-cocci.sh --no-tests
		fi
		;;
	vm) stage_vm ;;
	bench) scripts/bench.sh --smoke ;;
	*) echo "check.sh: unknown stage '$1'" >&2; return 2 ;;
	esac
}

# run_one STAGE [CMD...]: run a stage (or CMD, which prints what the pool
# did of it), tee its output to build/check/, add its summary line to the
# totals (a stage that crashes without its line counts as one failure).
total_p=0 total_f=0 total_s=0 any_skip=0 all_rc=0
failure_lines=()
run_one() {
	local st=$1 log src=0 t0 last
	shift
	log=build/check/$st.log
	case $st in static|cocci|vm) log=build/check/$(kernel_tag)/$st.log ;; esac
	mkdir -p "$(dirname "$log")"
	t0=$(date +%s)
	if [ $# -eq 0 ]; then
		run_stage "$st" 2>&1 | tee "$log" || src=$?
		echo "check: stage $(stage_summary "$st") took $(($(date +%s) - t0)) s"
	else
		"$@" 2>&1 | tee "$log" || src=$?
	fi
	last=$(tail -n 1 "$log")
	if [[ $last =~ $STAGE_RE ]] &&
		[ "${BASH_REMATCH[1]}" = "$(stage_summary "$st")" ]; then
		total_p=$((total_p + BASH_REMATCH[2]))
		total_f=$((total_f + BASH_REMATCH[3]))
		if [ -n "${BASH_REMATCH[5]}" ]; then
			total_s=$((total_s + BASH_REMATCH[5]))
			any_skip=1
		fi
		if [ "$src" -ne 0 ] && [ "${BASH_REMATCH[3]}" -eq 0 ]; then
			echo "check: stage $(stage_summary "$st") exited with status $src but reported no failure: counted as 1 failed"
			total_f=$((total_f + 1))
		fi
	else
		echo "check: stage $(stage_summary "$st") ended without its summary line: counted as 1 failed"
		total_f=$((total_f + 1))
		failure_lines+=("$(stage_summary "$st"): no summary line (log: $log)")
	fi
	[ "$src" -eq 0 ] || all_rc=1
	# what failed, so the last lines of a long run name it
	mapfile -t -O "${#failure_lines[@]}" failure_lines < <(
		grep -E '(^not ok |: FAIL|FAILED|: [1-9][0-9]* failed)' "$log" |
			grep -vxE "$STAGE_RE" || true)
}

# use_kernel KVER[/ARCH]: that kernel's environment (scripts/env.sh).
use_kernel() {
	KVER=${1%%/*}
	ARCH=x86_64
	[ "$1" = "$KVER" ] || ARCH=${1#*/}
	# shellcheck source=scripts/env.sh
	source "$DEVPRIV_ROOT/scripts/env.sh"
}

# secs_sum FILE...: the sum of the numbers in the files that exist.
secs_sum() {
	cat "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}

# 1. unit; per kernel static, cocci and vm_prepare (the artefacts).
# 2. Every kernel's scenarios and bench-smoke in one pool: no CPU idles at
#    the end of each kernel's scenarios while its longest one finishes.
# 3. The vm stages' and bench-smoke's output, in the order of 1.
stage_all() {
	local k st t0 default=$KVER/$DEVPRIV_ARCH pool=build/check/pool-jobs
	mkdir -p build/check
	echo "check: kernels $KERNELS"
	run_one unit
	: >"$pool"
	for k in $KERNELS; do
		use_kernel "$k"
		for st in $(kernel_stages "$k"); do
			if [ "$st" != vm ]; then
				run_one "$st"
				continue
			fi
			t0=$(date +%s)
			vm_prepare || true
			echo "check: stage $(stage_summary vm) artefacts took $(($(date +%s) - t0)) s"
			vm_jobs >>"$pool" || true
		done
	done
	use_kernel "$default"
	rm -f build/check/bench-run*
	echo "$(job_expect bench-smoke tests/bench/bench-smoke.scn) $KVER $DEVPRIV_ARCH bench - build/check/bench-run" >>"$pool"

	t0=$(date +%s)
	pool_run "$pool" || true
	echo "check: stage pool took $(($(date +%s) - t0)) s ($(wc -l <"$pool") job(s), ${DEVPRIV_VM_JOBS:-2} at a time)"

	for k in $KERNELS; do
		use_kernel "$k"
		case " $(kernel_stages "$k") " in *" vm "*) ;; *) continue ;; esac
		run_one vm vm_report
		echo "check: stage $(stage_summary vm): $(secs_sum "$(vm_dir)"/*.secs) s of VM time in the pool"
	done
	use_kernel "$default"
	run_one bench bench_report
	echo "check: stage bench-smoke: $(secs_sum build/check/bench-run.secs) s in the pool"
	[ "$total_f" -eq 0 ] || all_rc=1
	if [ "${#failure_lines[@]}" -gt 0 ]; then
		echo "check: what failed:"
		printf '  %s\n' "${failure_lines[@]}"
	fi
	if [ "$any_skip" = 1 ]; then
		echo "$total_p passed, $total_f failed, $total_s skipped"
	else
		echo "$total_p passed, $total_f failed"
	fi
	return "$all_rc"
}

case ${1:-all} in
all) stage_all ;;
static|unit|cocci|vm|bench) run_stage "$1" ;;
*) echo "usage: $0 [all|static|unit|cocci|vm|bench]" >&2; exit 2 ;;
esac
