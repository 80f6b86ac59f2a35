# SPDX-License-Identifier: GPL-2.0
#
# Guest-side helpers for scenario bodies (busybox sh), sourced by /init
# before /t/scenario.sh.  Files listed in the scenario's "#@ files:" header
# are in /t/ under their basename; the test kernel's own modules (kunit,
# test_hmm, kunit-example-test) are installed for modprobe.
#
# Results are TAP lines on the console, counted by the host like any
# other TAP/KTAP result:
#   tap_ok NAME                 ok N NAME
#   tap_fail NAME REASON...     not ok N NAME   (reason printed as a comment)
#   tap_skip NAME REASON...     ok N NAME # SKIP REASON
#   tap_check NAME CMD...       runs CMD: ok if it exits 0, else not ok
#   require NAME CMD...         precondition: silent pass (a "# require ok"
#                               comment, not counted), not ok if CMD fails
# Modules (kmod's insmod/modprobe; busybox insmod would retry a failed
# init_module and run a failing module init twice):
#   load_module FILE.ko|NAME [PARAM=VALUE...]   not ok "load NAME" on error
#   unload_module NAME|FILE.ko                  not ok "unload NAME" on error
#   run_kunit FILE.ko|NAME [PARAM=VALUE...]     loads kunit, loads the test
#                               module (its suites run and print KTAP while
#                               it loads), then unloads it
#   kunit_results SUITE         prints /sys/kernel/debug/kunit/SUITE/results
# Programs:
#   run_tap CMD...              runs a TAP/kselftest program, prints its
#                               exit status as a comment, returns it
#   run_hmm_tests [ARGS...]     run_tap /t/hmm-tests with the arguments of
#                               /t/hmm-tests.args (tests the debug kernel
#                               cannot finish, scripts/build-stock.sh) and
#                               one skip per line of /t/hmm-tests.skip;
#                               likewise the scenario's "#@ hmm-skip:"
#                               lines (/t/hmm-tests.scenario-skip)
# Helper names starting with "_" are internal.  NAMEs must not contain
# spaces or '#'.

_tap_n=0

tap_ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1"
}

tap_fail() {
	_name=$1
	shift
	_tap_n=$((_tap_n + 1))
	echo "# $_name: ${*:-failed}"
	echo "not ok $_tap_n $_name"
}

tap_skip() {
	_name=$1
	shift
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $_name # SKIP ${*:-skipped}"
}

tap_check() {
	_name=$1
	shift
	if "$@"; then
		tap_ok "$_name"
	else
		tap_fail "$_name" "command failed (status $?): $*"
		return 1
	fi
}

require() {
	_name=$1
	shift
	if "$@"; then
		echo "# require ok: $_name"
	else
		tap_fail "$_name" "precondition failed (status $?): $*"
		return 1
	fi
}

# Module name of a .ko path or a name: basename, no .ko, '-' -> '_'.
_modname() {
	_m=${1##*/}
	_m=${_m%.ko}
	echo "$_m" | tr - _
}

load_module() {
	_mod=$1
	shift
	case $_mod in
	# /sbin explicitly: busybox sh prefers its own applets to PATH
	*.ko) /sbin/insmod "$_mod" "$@" ;;
	*) /sbin/modprobe "$_mod" "$@" ;;
	esac
	_rc=$?
	if [ $_rc -ne 0 ]; then
		tap_fail "load_$(_modname "$_mod")" "loading $_mod $* failed (status $_rc)"
		return 1
	fi
	return 0
}

unload_module() {
	_m=$(_modname "$1")
	if ! /sbin/rmmod "$_m"; then
		tap_fail "unload_$_m" "rmmod $_m failed"
		return 1
	fi
	return 0
}

run_kunit() {
	# not _mod: load_module uses (and overwrites) it
	_kunit_mod=$1
	shift
	if [ ! -d /sys/module/kunit ]; then
		load_module kunit || return 1
	fi
	load_module "$_kunit_mod" "$@" || return 1
	unload_module "$_kunit_mod"
}

kunit_results() {
	cat "/sys/kernel/debug/kunit/$1/results"
}

run_tap() {
	"$@"
	_rc=$?
	echo "# run_tap: $* exited with status $_rc"
	return $_rc
}

run_hmm_tests() {
	_args=
	[ ! -f /t/hmm-tests.args ] || _args=$(cat /t/hmm-tests.args)
	if [ -f /t/hmm-tests.skip ]; then
		while read -r _t _why; do
			[ -n "$_t" ] && tap_skip "$_t" "$_why"
		done </t/hmm-tests.skip
	fi
	# the scenario's own exclusions ("#@ hmm-skip: TEST REASON")
	if [ -s /t/hmm-tests.scenario-skip ]; then
		while read -r _t _why; do
			[ -n "$_t" ] || continue
			_args="$_args -T $_t"
			tap_skip "$_t" "$_why"
		done </t/hmm-tests.scenario-skip
	fi
	# shellcheck disable=SC2086
	run_tap /t/hmm-tests $_args "$@"
}
