#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of tests/vm/parse-log.py on small synthetic console logs: KTAP
# nesting, skips, splats, kmemleak, missing end marker.  No VM needed.
#   tests/vm/selftest/test-parse-log.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
parser=$here/../parse-log.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# check NAME 'EXPECTED LINE' [parser args...] <log on stdin
check() {
	local name=$1 want=$2 got
	shift 2
	cat >"$tmp/$name.log"
	got=$(python3 "$parser" --name "$name" --log "$tmp/$name.log" "$@" || true)
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "parse-log selftest $name:"
		echo "  want: $want"
		echo "  got:  $got"
	fi
}

begin='DEVPRIV-VM: begin scenario=x kernel=6.1.0 cpus=2'
end='DEVPRIV-VM: body-exit=0 uptime=12.5
DEVPRIV-VM: kmemleak-report-begin
DEVPRIV-VM: kmemleak-report-end
DEVPRIV-VM: end uptime=20.01'

check kunit-nested 'scenario kunit-nested: ok (5 passed, 1 skipped)' --expect-skip 'skip_test' <<EOF
$begin
    KTAP version 1
    # Subtest: example
    1..4
    ok 1 example_simple_test
    ok 2 example_skip_test # SKIP this test should be skipped
        KTAP version 1
        # Subtest: example_params_test
        ok 1 example value 3
        ok 2 example value 2
        ok 3 example value 1
    # example_params_test: pass:3 fail:0 skip:0 total:3
    ok 3 example_params_test
    ok 4 example_other
# example: pass:3 fail:0 skip:1 total:4
ok 1 example
$end
EOF

check kunit-unexpected-skip 'scenario kunit-unexpected-skip: FAIL 1 unexpected skip(s) (example_skip_test (this test should be skipped))'  <<EOF
$begin
    # Subtest: example
    1..2
    ok 1 example_simple_test
    ok 2 example_skip_test # SKIP this test should be skipped
ok 1 example
$end
EOF

check kunit-leaf-fail 'scenario kunit-leaf-fail: FAIL 1 failed (b)'  <<EOF
$begin
    # Subtest: s
    1..2
    ok 1 a
    not ok 2 b
not ok 1 s
$end
EOF

check kunit-suite-init-fail 'scenario kunit-suite-init-fail: FAIL suite failed without failing tests: s; only 1 result(s), expected at least 2' --min-tests 2 <<EOF
$begin
    # Subtest: s
    1..2
not ok 1 s
ok 1 guest_check
$end
EOF

check kselftest 'scenario kselftest: ok (2 passed, 1 skipped)' --expect-skip 'hugetlbfs' <<EOF
$begin
TAP version 13
1..3
#  RUN           hmm.hmm_device_private.open_close ...
#            OK  hmm.hmm_device_private.open_close
ok 1 hmm.hmm_device_private.open_close
#  RUN           hmm.hmm_device_private.anon_write_hugetlbfs ...
#      SKIP      Huge page could not be allocated
#            OK  hmm.hmm_device_private.anon_write_hugetlbfs
ok 2 # SKIP Huge page could not be allocated
#  RUN           hmm.hmm_device_private.anon_read ...
ok 3 hmm.hmm_device_private.anon_read
$end
EOF

check kselftest-skip-by-name 'scenario kselftest-skip-by-name: FAIL 1 unexpected skip(s) (hmm.x.anon_write_hugetlbfs (Huge page could not be allocated))' --expect-skip 'other' <<EOF
$begin
#  RUN           hmm.x.anon_write_hugetlbfs ...
ok 1 # SKIP Huge page could not be allocated
$end
EOF

check min-tests 'scenario min-tests: FAIL only 1 result(s), expected at least 58' --min-tests 58 <<EOF
$begin
ok 1 a
$end
EOF

check warn-splat 'scenario warn-splat: FAIL kernel splat at log line 3: WARNING: CPU: 1 PID: 42 at mm/memremap.c:123 memremap_pages+0x1/0x2'  <<EOF
$begin
ok 1 a
WARNING: CPU: 1 PID: 42 at mm/memremap.c:123 memremap_pages+0x1/0x2
Modules linked in: devpriv
Call Trace:
 <TASK>
 foo+0x1/0x2
 </TASK>
---[ end trace 0000000000000000 ]---
$end
EOF

check allowed-splat 'scenario allowed-splat: ok (1 passed)' --allow-splat 'devpriv_selftest_warn' <<EOF
$begin
ok 1 a
------------[ cut here ]------------
WARNING: CPU: 1 PID: 42 at libdevpriv/pagemap.c:12 devpriv_selftest_warn+0x1/0x2 [devpriv]
Call Trace:
 <TASK>
 </TASK>
---[ end trace 0000000000000000 ]---
$end
EOF

check allowed-splat-by-rip 'scenario allowed-splat-by-rip: ok (1 passed)' --allow-splat 'RIP: .*devpriv_selftest_warn' <<EOF
$begin
ok 1 a
WARNING: CPU: 1 PID: 42 at libdevpriv/pagemap.c:12 0xffffffffa0010129
RIP: 0010:devpriv_selftest_warn+0x1/0x2 [devpriv]
Call Trace:
---[ end trace 0000000000000000 ]---
$end
EOF

# WARN_ONCE() prints its message between "[ cut here ]" and "WARNING:".
check allowed-by-warn-message 'scenario allowed-by-warn-message: ok (1 passed)' --allow-splat '^devpriv: double free' <<EOF
$begin
ok 1 a
------------[ cut here ]------------
devpriv: double free of granules 4+2
WARNING: CPU: 1 PID: 42 at libdevpriv/space.c:12 devpriv_space_free+0x1/0x2 [devpriv]
Call Trace:
---[ end trace 0000000000000000 ]---
$end
EOF

check warn-message-not-allowed 'scenario warn-message-not-allowed: FAIL kernel splat at log line 5: WARNING: CPU: 1 PID: 42 at libdevpriv/space.c:12 devpriv_space_fini+0x1/0x2 [devpriv]' --allow-splat '^devpriv: double free' <<EOF
$begin
ok 1 a
------------[ cut here ]------------
devpriv: 3 granules leaked
WARNING: CPU: 1 PID: 42 at libdevpriv/space.c:12 devpriv_space_fini+0x1/0x2 [devpriv]
Call Trace:
---[ end trace 0000000000000000 ]---
$end
EOF

# A scenario's own kmemleak scan (before body-exit) may report leaks it
# asserts and clears; only the runner's scans after the body count.
check leak-summary-in-body 'scenario leak-summary-in-body: ok (1 passed)' <<EOF
$begin
kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
ok 1 a
$end
EOF

check leak-summary-after-body 'scenario leak-summary-after-body: FAIL kmemleak reported leaks (log line 4)' <<EOF
$begin
ok 1 a
DEVPRIV-VM: body-exit=0 uptime=12.5
kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
DEVPRIV-VM: kmemleak-report-begin
DEVPRIV-VM: kmemleak-report-end
DEVPRIV-VM: end uptime=20.01
EOF

check allowed-then-other 'scenario allowed-then-other: FAIL kernel splat at log line 7: BUG: sleeping function called from invalid context at mm/x.c:1' --allow-splat 'devpriv_selftest_warn' <<EOF
$begin
ok 1 a
WARNING: CPU: 1 PID: 42 at libdevpriv/pagemap.c:12 devpriv_selftest_warn+0x1/0x2 [devpriv]
Call Trace:
 </TASK>
---[ end trace 0000000000000000 ]---
BUG: sleeping function called from invalid context at mm/x.c:1
Call Trace:
$end
EOF

check lone-call-trace 'scenario lone-call-trace: FAIL kernel splat at log line 3: Call Trace: (stack dump)'  <<EOF
$begin
ok 1 a
Call Trace:
 <TASK>
 dump_stack_lvl+0x1/0x2
 </TASK>
$end
EOF

check lockdep 'scenario lockdep: FAIL kernel splat at log line 3: WARNING: possible circular locking dependency detected'  <<EOF
$begin
ok 1 a
WARNING: possible circular locking dependency detected
6.1.0 #1 Not tainted
------------------------------------------------------
$end
EOF

check kasan-panic 'scenario kasan-panic: FAIL kernel splat at log line 3: BUG: KASAN: use-after-free in devpriv_free+0x1/0x2 (+1 more); VM stopped without end marker (qemu status 0)'  <<EOF
$begin
ok 1 a
BUG: KASAN: use-after-free in devpriv_free+0x1/0x2
Read of size 8 at addr ffff888000000000 by task insmod/42
Call Trace:
Disabling lock debugging due to kernel taint
Kernel panic - not syncing: Fatal exception
EOF

check kmemleak 'scenario kmemleak: FAIL kmemleak: 1 unreferenced object(s) (first at log line 6)'  <<EOF
$begin
ok 1 a
DEVPRIV-VM: body-exit=0
kmemleak: 1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)
DEVPRIV-VM: kmemleak-report-begin
unreferenced object 0xff11000006daa640 (size 16):
  comm "insmod", pid 40, jiffies 4294894159
DEVPRIV-VM: kmemleak-report-end
DEVPRIV-VM: end
EOF

check timeout 'scenario timeout: FAIL timeout after 30s (no end marker)' --timeout 30 --qemu-status 124 <<EOF
$begin
ok 1 a
EOF

check no-boot 'scenario no-boot: FAIL kernel did not reach /init'  <<EOF
Linux version 6.1.0
EOF

check body-exit 'scenario body-exit: FAIL scenario body exited with status 3'  <<EOF
$begin
ok 1 a
DEVPRIV-VM: body-exit=3
DEVPRIV-VM: end
EOF

check guest-helpers 'scenario guest-helpers: FAIL 1 failed (debugfs_has_windows); 1 unexpected skip(s) (needs_arm64 (not x86))'  <<EOF
$begin
ok 1 pagemap_registered
# debugfs_has_windows: expected 2 windows
not ok 2 debugfs_has_windows
ok 3 needs_arm64 # SKIP not x86
# require ok: coherent_devices_present
$end
EOF

# Timestamps and CR line ends, as a serial console may deliver them.
printf '%s\r\n' "$begin" '[    1.234567]     # Subtest: s' '[    1.234567]     ok 1 a' \
	'[    1.234567]     ok 2 b' '[    1.234567] ok 1 s' 'DEVPRIV-VM: end' |
	check crlf-timestamps 'scenario crlf-timestamps: ok (2 passed)'

echo "parse-log selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
