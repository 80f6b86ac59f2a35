# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the benchmarks (busybox sh), sourced by the bench and
# bench-smoke scenarios after they set the knobs below.  Every measurement
# is printed on the console as a line
#   BENCH <metric> <contender> <param> <round> <value> <unit>
# for tests/bench/results.py; TAP results only say whether each benchmark
# ran (benchmarks are never asserted).
#
# Knobs (scenario variables):
#   BENCH_ROUNDS           rounds of every kernel benchmark
#   BENCH_REG_SIZES        device sizes of the registration benchmark, MiB
#   BENCH_REG_FULL         the size at which eager registration runs too
#   BENCH_XLATE_CHUNKS     chunks of 2 MiB of the translation benchmark
#   BENCH_ALLOC            "SMALL LARGE REPS" of the allocation benchmark
#   BENCH_MIGRATE_MIB      MiB migrated per pass of the migration benchmark
#   BENCH_MIGRATE_ROUNDS   rounds of it (one run of each driver per round)
#   BENCH_THP_ROUNDS       rounds of the THP migration benchmark (the same
#                          MiB, THP-backed): the example with 2 MiB device
#                          folios, the example with single pages
#                          (large_folios=0) and stock test_hmm; only where
#                          the example reports large_folios=Y
#
# Files: devpriv_bench.ko, migrate-bench, test_hmm.ko (stock), devpriv.ko,
# devpriv_dmirror.ko (examples/dmirror).

ctl=/sys/kernel/debug/devpriv_bench/ctl
results=/sys/kernel/debug/devpriv_bench/results
bench_rc=0

# bench_cmd NAME COMMAND...: run a module command, print its results.
bench_cmd() {
	_name=$1
	shift
	echo "# bench: $*"
	if echo "$*" > $ctl; then
		cat $results
		tap_ok "$_name"
	else
		cat $results
		tap_fail "$_name" "command failed: $*"
		bench_rc=1
	fi
}

avail_kb() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }

# The module's struct page count of a held lazy registration must be what
# libdevpriv's own debugfs reports; MemAvailable is shown alongside.
bench_hold_check() {
	size=$1
	before=$(avail_kb)
	if ! echo "hold lazy $size" > $ctl; then
		tap_fail bench_hold_lazy "hold lazy $size failed"
		bench_rc=1
		return
	fi
	after=$(avail_kb)
	sed 's/^/# info: /' $results
	lib=none
	for info in /sys/kernel/debug/devpriv/devpriv_bench/pagemap*/info; do
		[ -f "$info" ] &&
			lib=$(awk '$1 == "struct_page_bytes:" { print $2 }' "$info")
	done
	mine=$(sed -n 's/^HOLD .* struct_page_bytes \([0-9]*\) .*/\1/p' $results)
	echo "# info: debugfs struct_page_bytes $lib, module $mine, MemAvailable drop $((before - after)) KiB"
	tap_check bench_struct_pages_match_debugfs test "$lib" = "$mine" || bench_rc=1
	echo release > $ctl

	before=$(avail_kb)
	if echo "hold upfront $size" > $ctl; then
		after=$(avail_kb)
		sed 's/^/# info: /' $results
		echo "# info: upfront $size MiB: MemAvailable drop $((before - after)) KiB"
		echo release > $ctl
		tap_ok bench_hold_upfront
	else
		tap_fail bench_hold_upfront "hold upfront $size failed"
		bench_rc=1
	fi
}

# bench_migrate DRIVER ROUND [thp]: one run of migrate-bench on DRIVER's
# device (stock, example, or example_order0: the example with
# large_folios=0); with thp on THP-backed buffers, labelled DRIVER_thp.
bench_migrate() {
	_drv=$1
	_round=$2
	_thp=${3:-}
	_label=$_drv${_thp:+_thp}
	case $_drv in
	stock)
		load_module /t/test_hmm.ko || { bench_rc=1; return 1; }
		;;
	example*)
		_large=1
		[ "$_drv" = example ] || _large=0
		load_module /t/devpriv.ko || { bench_rc=1; return 1; }
		load_module /t/devpriv_dmirror.ko large_folios=$_large || { bench_rc=1; return 1; }
		;;
	esac
	# shellcheck disable=SC2086
	if /t/migrate-bench /dev/hmm_dmirror0 "$BENCH_MIGRATE_MIB" "$_label" "$_round" $_thp; then
		tap_ok "bench_migrate_${_label}_$_round"
	else
		tap_fail "bench_migrate_${_label}_$_round" "migrate-bench failed"
		bench_rc=1
	fi
	case $_drv in
	stock)
		# test_hmm's unload leaks two objects per device (bench.c)
		for d in /dev/hmm_dmirror0 /dev/hmm_dmirror1; do
			echo "forgive $d" > $ctl && sed -n 's/^# forgiven/# info: forgiven/p' $results
		done
		unload_module test_hmm || bench_rc=1
		;;
	example*)
		unload_module devpriv_dmirror || bench_rc=1
		unload_module devpriv || bench_rc=1
		;;
	esac
}

bench_main() {
	echo "# bench: rounds $BENCH_ROUNDS, registration $BENCH_REG_SIZES MiB (full $BENCH_REG_FULL), translation $BENCH_XLATE_CHUNKS chunks, allocation $BENCH_ALLOC, migration $BENCH_MIGRATE_MIB MiB x $BENCH_MIGRATE_ROUNDS"
	echo "# info: $(grep -e MemTotal -e MemAvailable /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
	# kmemleak's periodic scan would steal the CPU from timed runs; /init
	# still scans (twice) after the body, so nothing escapes it.
	[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak
	load_module /t/devpriv_bench.ko || return 1

	set -- $BENCH_REG_SIZES
	for s; do last=$s; done
	bench_hold_check "$last"
	bench_cmd bench_register register "$BENCH_ROUNDS" "$BENCH_REG_FULL" $BENCH_REG_SIZES
	bench_cmd bench_xlate xlate "$BENCH_ROUNDS" "$BENCH_XLATE_CHUNKS"
	bench_cmd bench_alloc alloc "$BENCH_ROUNDS" $BENCH_ALLOC

	r=0
	while [ $r -lt "$BENCH_MIGRATE_ROUNDS" ]; do
		# alternate which driver goes first
		if [ $((r % 2)) -eq 0 ]; then
			bench_migrate stock $r
			bench_migrate example $r
		else
			bench_migrate example $r
			bench_migrate stock $r
		fi
		r=$((r + 1))
	done

	# THPs: only where the example moves them whole (large device folios)
	load_module /t/devpriv.ko && load_module /t/devpriv_dmirror.ko || bench_rc=1
	large=$(cat /sys/module/devpriv_dmirror/parameters/large_folios 2>/dev/null)
	unload_module devpriv_dmirror
	unload_module devpriv
	if [ "$large" != Y ]; then
		[ "${BENCH_THP_ROUNDS:-0}" -eq 0 ] ||
			tap_skip bench_migrate_thp "no large device folios on this kernel"
	else
		r=0
		while [ $r -lt "${BENCH_THP_ROUNDS:-0}" ]; do
			# rotate which driver goes first
			case $((r % 3)) in
			0) order="example example_order0 stock" ;;
			1) order="example_order0 stock example" ;;
			*) order="stock example example_order0" ;;
			esac
			for drv in $order; do
				bench_migrate "$drv" $r thp
			done
			r=$((r + 1))
		done
	fi

	unload_module devpriv_bench || bench_rc=1
	return $bench_rc
}
