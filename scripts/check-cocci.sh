#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the Coccinelle ports (coccinelle/, scripts/devpriv-port) on the
# kernel chosen by KVER (scripts/env.sh: 6.1, 6.12, 7.3; default 6.1):
#
#   parse-cocci:SCRIPT     spatch --parse-cocci accepts every script
#   prelude                every script carries the same pagemap registry
#   case:CASE              coccinelle/tests/CASE.c converts to CASE.res
#   port:DRIVER            that kernel's sources of test_hmm, nouveau,
#                          amdkfd, powerpc uvmem and (where it registers
#                          device-private memory: 7.3) Xe convert with zero
#                          parse errors into $DEVPRIV_OUT/ports/DRIVER
#                          (build/<kver>/x86_64/ports, never committed)
#   idempotent:DRIVER      porting the converted sources again changes nothing
#   compile:DRIVER         the converted nouveau, amdkfd and Xe objects
#                          compile in a configured tree of that kernel (see
#                          below); likewise the converted KVM uvmem object
#                          for ppc64le, when powerpc64le-linux-gnu-gcc is
#                          installed (otherwise a note says how)
#   build:test_hmm         the converted test_hmm builds against the test
#                          kernel $KBUILD and the devpriv.ko that
#                          scripts/build-modules.sh built in $DEVPRIV_OUT/tree
#                          (for the VM scenario converted-test_hmm, which
#                          loads $DEVPRIV_OUT/ports/test_hmm/test_hmm.ko)
#
# Every name carries the kernel: "ok port:nouveau@7.3".  One "ok NAME" or
# "not ok NAME: WHY" line per check, "# ..." lines for information, and as
# the last line
#   check-cocci@KVER: N passed, N failed[, N skipped]
# Exit status 1 if any check failed.
#
# The compile trees: x86_64_defconfig + coccinelle/compile.config
# (DEVICE_PRIVATE, DRM_NOUVEAU_SVM, HSA_AMD_SVM) + coccinelle/
# compile-<kver>.config where that kernel needs more (7.3: DRM_XE with
# GPUSVM and PAGEMAP), and ppc64le_defconfig + coccinelle/
# compile-ppc64le.config (KVM_BOOK3S_64_HV, PPC_UV); modules_prepare only,
# cached in $DEVPRIV_CACHE/cocci-build/[ppc64le-]<debian version>-<config
# sha>, prepared on first use.  Converted objects are built out of tree
# (M=) in a shadow of the driver directory (symlinks to that kernel's
# sources, the converted files as copies) under $DEVPRIV_OUT/ports/.compile/.
#
# Options: -j N (parallel test cases, default 2), --no-tests, --no-build.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
source "$here/env.sh"
cd "$DEVPRIV_ROOT"

jobs=2
do_tests=1
do_build=1
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=$2; shift 2 ;;
	--no-tests) do_tests=0; shift ;;
	--no-build) do_build=0; shift ;;
	*) echo "usage: $0 [-j N] [--no-tests] [--no-build]" >&2; exit 2 ;;
	esac
done

pass=0
fail=0
skip=0
ok() { echo "ok $1@$KVER"; pass=$((pass + 1)); }
notok() { echo "not ok $1@$KVER: $2"; fail=$((fail + 1)); }
skipped() { echo "ok $1@$KVER # SKIP $2"; skip=$((skip + 1)); }
exec 3>&1
info() { echo "# $*" >&3; }
now() { date +%s; }
t0=$(now)

cocci=$DEVPRIV_ROOT/coccinelle
ports=$DEVPRIV_OUT/ports
rports=${ports#"$DEVPRIV_ROOT"/}
mkdir -p "$ports"
info "kernel $KVER: $KSRC"

if ! command -v spatch >/dev/null; then
	notok spatch "spatch (coccinelle) is not installed"
	echo "check-cocci@$KVER: $pass passed, $fail failed"
	exit 1
fi

# --- the scripts ---------------------------------------------------------
for s in "$cocci"/devpriv_*.cocci "$cocci"/drivers/*.cocci; do
	n=parse-cocci:${s#"$cocci"/}
	if out=$(spatch --parse-cocci "$s" 2>&1) && ! grep -q 'parse error' <<<"$out"; then
		ok "$n"
	else
		notok "$n" "$(grep -m1 -A3 'error' <<<"$out" | tr '\n' ' ')"
	fi
	# a quote in a comment after a script rule breaks spatch's python
	if grep -n "^//.*['\"]" "$s" | awk -F: '$1 > 30' | grep -q .; then
		notok "comments:$(basename "$s")" "quote in a // comment below the header"
	fi
done
if "$cocci/sync-prelude.sh" --check 2>/tmp/check-cocci-prelude.$$; then
	ok prelude
else
	notok prelude "$(head -n 1 /tmp/check-cocci-prelude.$$)"
fi
rm -f /tmp/check-cocci-prelude.$$

# --- test cases ------------------------------------------------------------
if [ $do_tests = 1 ]; then
	ts=$(now)
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "case:${line#ok }" ;;
		"not ok "*) rest=${line#not ok }; notok "case:${rest%%:*}" "${rest#*: }" ;;
		"tests: "*) ;;
		*) echo "$line" ;;
		esac
	done < <("$cocci/tests/run-tests.sh" -j "$jobs" 2>&1)
	info "test cases: $(( $(now) - ts )) s"
fi

# --- the real sources of $KVER ----------------------------------------------
# drivers_of: the in-tree users of this kernel and their files (relative to
# $KSRC).  Files move between versions: amdkfd's pagemap member is in
# kfd_priv.h on 6.1 and in amdgpu/amdgpu_amdkfd.h from 6.12 on, so the
# headers that declare a struct dev_pagemap member are looked up.
declare -A srcs=(
	[test_hmm]="lib/test_hmm.c"
	[nouveau]="drivers/gpu/drm/nouveau/nouveau_dmem.c drivers/gpu/drm/nouveau/nouveau_svm.c"
	[amdkfd]="drivers/gpu/drm/amd/amdkfd/kfd_migrate.c drivers/gpu/drm/amd/amdkfd/kfd_svm.c drivers/gpu/drm/amd/amdkfd/kfd_priv.h drivers/gpu/drm/amd/amdkfd/kfd_svm.h drivers/gpu/drm/amd/amdkfd/kfd_migrate.h"
	[powerpc_uvmem]="arch/powerpc/kvm/book3s_hv_uvmem.c"
	[xe]="drivers/gpu/drm/xe/xe_svm.c drivers/gpu/drm/xe/xe_svm.h"
)
drivers=(test_hmm nouveau amdkfd powerpc_uvmem)
if [ -d "$KSRC/lib" ]; then
	while IFS= read -r h; do
		case " ${srcs[amdkfd]} " in
		*" ${h#"$KSRC"/} "*) ;;
		*) srcs[amdkfd]="${srcs[amdkfd]} ${h#"$KSRC"/}" ;;
		esac
	done < <(grep -lE '^[[:space:]]+struct dev_pagemap [a-z_]+;' \
		"$KSRC"/drivers/gpu/drm/amd/amdkfd/*.h "$KSRC"/drivers/gpu/drm/amd/amdgpu/*.h 2>/dev/null)
	# Xe registers device-private memory from 6.15 on (xe_svm.c)
	if grep -qs MEMORY_DEVICE_PRIVATE "$KSRC/drivers/gpu/drm/xe/xe_svm.c"; then
		drivers+=(xe)
	fi
fi
if [ ! -d "$KSRC/lib" ]; then
	for d in "${drivers[@]}"; do
		skipped "port:$d" "no extracted kernel source at $KSRC (KVER=$KVER scripts/build-test-kernel.sh --extract-only)"
	done
	do_build=0
else
	ts=$(now)
	dirs=()
	for d in "${drivers[@]}"; do
		rm -rf "${ports:?}/$d"
		mkdir -p "$ports/$d"
		for f in ${srcs[$d]}; do
			[ ! -f "$KSRC/$f" ] || cp "$KSRC/$f" "$ports/$d/"
		done
		dirs+=("$ports/$d")
	done
	# one spatch run per script for the four drivers, each its own group
	out=$("$DEVPRIV_ROOT/scripts/devpriv-port" --in-place --batch "${dirs[@]}" 2>&1)
	rc=$?
	info "ports: $(( $(now) - ts )) s"
	for d in "${drivers[@]}"; do
		grep -F "$ports/$d/" <<<"$out" | sed "s|$ports/||" >"$ports/$d.report"
		sums=$(grep -E ': [0-9]+ converted, [0-9]+ manual' "$ports/$d.report")
		conv=$(awk '{ s += $2 } END { print s + 0 }' <<<"$sums")
		man=$(awk '{ s += $4 } END { print s + 0 }' <<<"$sums")
		perr=$(awk '{ s += $6 } END { print s + 0 }' <<<"$sums")
		info "$d@$KVER: $conv sites converted, $man manual, $perr parse errors (report in $rports/$d.report)"
		if [ $rc -ne 0 ]; then
			notok "port:$d" "devpriv-port failed: $(tail -n 1 <<<"$out")"
		elif [ -z "$sums" ]; then
			notok "port:$d" "no summary from devpriv-port"
		elif [ "$perr" != 0 ] || grep -q ' ? parse errors' <<<"$sums"; then
			notok "port:$d" "parse errors: $(grep -v ' 0 parse errors' <<<"$sums" | head -n 1)"
		else
			ok "port:$d"
		fi
	done
	# idempotence: the converted files ported again stay as they are.
	# spatch runs on one CPU beside the compile checks below (make on
	# the other); its verdict is printed after them.
	idem_ts=$(now)
	again=$(mktemp -d)
	for d in "${drivers[@]}"; do
		mkdir -p "$again/$d"
		cp "$ports/$d"/*.[ch] "$again/$d/"
	done
	"$DEVPRIV_ROOT/scripts/devpriv-port" --in-place --batch "$again"/* >/dev/null 2>&1 &
	idem_pid=$!
fi

# idempotence_verdict: wait for the second port run, one line per driver
idempotence_verdict() {
	[ -n "${idem_pid:-}" ] || return 0
	wait "$idem_pid" || true
	for d in "${drivers[@]}"; do
		bad=""
		for f in "$again/$d"/*.[ch]; do
			cmp -s "$f" "$ports/$d/$(basename "$f")" || bad="$bad $(basename "$f")"
		done
		if [ -z "$bad" ]; then ok "idempotent:$d"; else notok "idempotent:$d" "a second run changes$bad"; fi
	done
	rm -rf "$again"
	info "idempotence: $(( $(now) - idem_ts )) s (beside the compile checks)"
}

# --- compile the converted objects ------------------------------------------
# prepare_tree NAME "FRAGMENT..." DEFCONFIG MAKEVARS: print the prepared
# compile tree, or fail
prepare_tree() {
	local name=$1 frags=$2 defconfig=$3 vars=$4 sha tree
	# shellcheck disable=SC2086
	sha=$(cat $frags | sha256sum | cut -c1-12)
	tree=$DEVPRIV_CACHE/cocci-build/$name${KSRC_DEBVER//:/+}-$sha
	if [ ! -f "$tree/.devpriv-prepared" ]; then
		info "preparing the compile tree $tree (first use)"
		rm -rf "$tree"
		mkdir -p "$tree"
		# shellcheck disable=SC2086
		(
			cd "$KSRC" &&
			make -s $vars O="$tree" "$defconfig" &&
			./scripts/kconfig/merge_config.sh -m -O "$tree" "$tree/.config" \
				$frags >/dev/null &&
			make -s $vars O="$tree" olddefconfig &&
			make -s $vars O="$tree" -j2 modules_prepare
		) >"$tree.log" 2>&1 || return 1
		# every option of the fragment must have survived olddefconfig
		while IFS= read -r opt; do
			grep -qx "$opt" "$tree/.config" || { echo "missing $opt" >>"$tree.log"; return 1; }
		done < <(cat $frags | grep '^CONFIG_')
		touch "$tree/.devpriv-prepared"
	fi
	echo "$tree"
}

# conftest_dir NAME TREE MAKEVARS: the capability header of libdevpriv for TREE
conftest_dir() {
	local tree=$2 vars=$3 d=$ports/.compile/conftest-$1
	rm -rf "$d"
	mkdir -p "$d"
	printf '%s\n' "obj-m := conftest_dummy.o" "conftest_dummy-y := dummy.o" \
		"include $DEVPRIV_ROOT/libdevpriv/devpriv.mk" >"$d/Kbuild"
	echo "static int __maybe_unused devpriv_dummy;" >"$d/dummy.c"
	# shellcheck disable=SC2086
	make -s -C "$tree" $vars M="$d" dummy.o >"$d/make.log" 2>&1 || return 1
	[ -f "$d/generated/devpriv-conftest.h" ] || return 1
	echo "$d/generated"
}

# compile_port NAME TREE GEN SUBDIR(relative to KSRC) M-SUBDIR MAKEVARS TARGETS...
compile_port() {
	local name=$1 tree=$2 gen=$3 sub=$4 msub=$5 vars=$6 shadow f rel ts
	shift 6
	ts=$(now)
	shadow=$ports/.compile/$name
	rm -rf "$shadow"
	mkdir -p "$shadow"
	cp -as "$KSRC/$sub/." "$shadow/"
	for f in "$ports/$name"/*.[ch]; do
		rel=$(find "$KSRC/$sub" -name "$(basename "$f")" -printf '%P\n' | head -n 1)
		[ -n "$rel" ] || continue
		rm -f "$shadow/$rel"
		cp "$f" "$shadow/$rel"
	done
	# shellcheck disable=SC2086
	if make -C "$tree" M="$shadow/$msub" $vars \
		KCFLAGS="-I$DEVPRIV_ROOT/include -I$gen" "$@" \
		>"$ports/.compile/$name.log" 2>&1; then
		ok "compile:$name"
	else
		notok "compile:$name" "$(grep -m1 -E 'error|Error' "$ports/.compile/$name.log") (log: $rports/.compile/$name.log)"
	fi
	info "compile:$name: $(( $(now) - ts )) s"
}

if [ $do_build = 1 ]; then
	ts=$(now)
	frags=$cocci/compile.config
	[ ! -f "$cocci/compile-$KVER.config" ] || frags="$frags $cocci/compile-$KVER.config"
	if ! tree=$(prepare_tree "" "$frags" x86_64_defconfig ""); then
		notok compile-tree "preparing the compile tree failed (see $DEVPRIV_CACHE/cocci-build/*.log)"
	elif ! gen=$(conftest_dir x86 "$tree" ""); then
		notok compile-tree "libdevpriv conftest failed ($rports/.compile/conftest-x86/make.log)"
	else
		info "compile tree: $tree ($(( $(now) - ts )) s)"
		compile_port nouveau "$tree" "$gen" drivers/gpu/drm/nouveau . \
			"NOUVEAU_PATH=" nouveau_dmem.o nouveau_svm.o
		compile_port amdkfd "$tree" "$gen" drivers/gpu/drm/amd amdgpu \
			"FULL_AMD_PATH=$ports/.compile/amdkfd" \
			../amdkfd/kfd_migrate.o ../amdkfd/kfd_svm.o
		case " ${drivers[*]} " in
		*" xe "*)
			compile_port xe "$tree" "$gen" drivers/gpu/drm/xe . "" xe_svm.o ;;
		esac
	fi
	ppc="ARCH=powerpc CROSS_COMPILE=powerpc64le-linux-gnu-"
	if ! command -v powerpc64le-linux-gnu-gcc >/dev/null; then
		info "powerpc_uvmem: converted and parse-checked only; to compile it too:"
		info "  apt-get install gcc-powerpc64le-linux-gnu (~50 MB, ~20 s)"
	else
		ts=$(now)
		if ! tree=$(prepare_tree ppc64le- "$cocci/compile-ppc64le.config" ppc64le_defconfig "$ppc"); then
			notok compile-tree-ppc64le "preparing the powerpc compile tree failed (see $DEVPRIV_CACHE/cocci-build/*.log)"
		elif ! gen=$(conftest_dir ppc64le "$tree" "$ppc"); then
			notok compile-tree-ppc64le "libdevpriv conftest failed ($rports/.compile/conftest-ppc64le/make.log)"
		else
			info "compile tree: $tree ($(( $(now) - ts )) s)"
			compile_port powerpc_uvmem "$tree" "$gen" arch/powerpc/kvm . "$ppc" \
				book3s_hv_uvmem.o
		fi
	fi

	# the converted test_hmm against the test kernel and the devpriv.ko of
	# scripts/build-modules.sh (its mirror tree: headers and conftest of
	# the same build)
	mtree=$DEVPRIV_OUT/tree
	symvers=$mtree/Module.symvers
	if [ ! -f "$KBUILD/.devpriv-stamp" ]; then
		skipped build:test_hmm "test kernel $KVER not built (make kernel KVER=$KVER)"
	elif [ ! -d "$ports/test_hmm" ]; then
		skipped build:test_hmm "no converted test_hmm"
	elif ! grep -q devpriv_memremap_pagemap "$symvers" 2>/dev/null; then
		skipped build:test_hmm "devpriv.ko not built against the $KVER test kernel (no ${symvers#"$DEVPRIV_ROOT"/}: KVER=$KVER scripts/build-modules.sh)"
	else
		ts=$(now)
		d=$ports/test_hmm
		cp "$KSRC/lib/test_hmm_uapi.h" "$d/"
		printf '%s\n' \
			"# Generated by scripts/check-cocci.sh: the converted lib/test_hmm.c on devpriv.ko." \
			"obj-m := test_hmm.o" \
			"include $mtree/libdevpriv/devpriv.mk" \
			"\$(obj)/test_hmm.o: \$(devpriv-conftest)" >"$d/Kbuild"
		if make -C "$KBUILD" M="$d" KBUILD_EXTRA_SYMBOLS="$symvers" modules \
			>"$d/make.log" 2>&1 && [ -f "$d/test_hmm.ko" ] &&
		   ! grep -q 'WARNING: modpost' "$d/make.log"; then
			ok build:test_hmm
		else
			notok build:test_hmm "$(grep -m1 -E 'error|WARNING' "$d/make.log") (log: $rports/test_hmm/make.log)"
		fi
		info "build:test_hmm@$KVER: $(( $(now) - ts )) s: ${d#"$DEVPRIV_ROOT"/}/test_hmm.ko; VM: KVER=$KVER tests/vm/run-scenario.sh converted-test_hmm"
	fi
fi

idempotence_verdict
info "total $(( $(now) - t0 )) s"
if [ $skip -gt 0 ]; then
	echo "check-cocci@$KVER: $pass passed, $fail failed, $skip skipped"
else
	echo "check-cocci@$KVER: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
