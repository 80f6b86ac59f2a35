#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Decide pass/fail of one VM scenario from its serial console log.

Prints exactly one line,
    scenario NAME: ok (N passed[, M skipped])
or  scenario NAME: FAIL REASON
and exits 0 or 1.  Details (every failed test, skip and splat line with its
log line number) go to the --details file.

Results counted:
  * TAP/KTAP result lines "ok N name", "not ok N name" (kselftest,
    KUnit, the guest helpers in tests/vm/guest/lib.sh), any indentation.
  * KTAP nests: "# Subtest: X" opens a block, the result line named X at a
    smaller indentation closes it.  That closing line is a suite/case
    summary, not a test: only leaf results are counted, but a failing
    summary still fails the scenario (e.g. a KUnit suite whose init failed).
  * "# SKIP" directives (KTAP "ok 3 name # SKIP why", kselftest
    "ok 3 # SKIP why" which carries no name: the name is then taken from the
    preceding "#  RUN  name ..." line).  A skip is never a pass: allowed
    only if name or reason matches --expect-skip.
  * --expect-fail NAME...: results that must fail (a stock driver's known
    failure, declared by its scenario).  Each is counted as an expected
    failure, never as a pass; one that passes, or is missing, fails the
    scenario: the declaration stays exact.
The scenario fails on: any failed result, an unexpected skip, fewer results
than --min-tests, a non-zero exit of the scenario body, a missing end marker
(timeout, crash), any kernel splat not matched by --allow-splat, any
kmemleak report.
"""

import argparse
import re
import sys

MARK = "DEVPRIV-VM:"

# Lines that start a kernel splat.  Searched anywhere in the line: the
# console can interleave kernel and user output.
SPLAT_PATTERNS = [
    r"\bBUG: ",                       # BUG:, KASAN, bad page state, soft lockup...
    r"kernel BUG at ",
    r"\bWARNING: ",                   # WARN*(), lockdep, suspicious RCU usage
    r"\bOops\b",
    r"\bKASAN: ",
    r"\bUBSAN: ",
    r"possible circular locking",
    r"inconsistent lock state",
    r"possible recursive locking",
    r"\bINFO: possible ",
    r"\bINFO: lockdep",
    r"\bINFO: trying to register non-static key",
    r"DEBUG_LOCKS_WARN_ON",
    r"turning off the locking correctness validator",
    r"\bINFO: task .* blocked for more than",
    r"rcu: INFO: .*detected stall",
    r"Kernel panic",
    r"general protection fault",
    r"list_add corruption",
    r"list_del corruption",
    r"page dumped because",
    r"Unable to handle kernel",
    r"Kernel memory leak detector disabled",   # leak checking was lost
]
# kmemleak: the auto-scan/scan summary line, and one line per leaked object
# in the report that /init prints (cat /sys/kernel/debug/kmemleak).
LEAK_SUMMARY_RE = re.compile(r"kmemleak: \d+ new suspected memory leak")
LEAK_OBJECT_RE = re.compile(r"unreferenced object 0x")
SPLAT_RE = re.compile("|".join("(?:%s)" % p for p in SPLAT_PATTERNS))
# Lines that always start a new splat, even right after another one.
NEW_SPLAT_RE = re.compile(r"Kernel panic|\bBUG: |\bWARNING: ")
CALL_TRACE_RE = re.compile(r"\bCall Trace:")
END_TRACE_RE = re.compile(r"---\[ end trace")
# How far a Call Trace may follow the line that started its splat.
SPLAT_WINDOW = 80

TIMESTAMP_RE = re.compile(r"^\[\s*\d+\.\d+\]\s?")
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
RESULT_RE = re.compile(r"^(\s*)(not ok|ok)\s+(\d+)\b(?:\s+-)?\s*(.*)$")
DIRECTIVE_RE = re.compile(r"^(.*?)\s*(?:^|\s)#\s*(SKIP|TODO)\b:?\s*(.*)$", re.I)
SUBTEST_RE = re.compile(r"^(\s*)#\s*Subtest:\s*(.*?)\s*$")
RUN_RE = re.compile(r"^#\s+RUN\s+(\S+)\s*\.\.\.")


def clean(line):
    line = line.rstrip("\r\n").replace("\r", "")
    line = ANSI_RE.sub("", line)
    return TIMESTAMP_RE.sub("", line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--details")
    ap.add_argument("--expect-skip", default="")
    ap.add_argument("--allow-splat", default="")
    ap.add_argument("--allowed-splats", type=int, default=-1,
                    help="exact number of splats --allow-splat must match")
    ap.add_argument("--expect-fail", default="",
                    help="space-separated result names that must fail")
    ap.add_argument("--min-tests", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=0)
    ap.add_argument("--qemu-status", type=int, default=0,
                    help="exit status of timeout(1)+qemu (124: timed out)")
    a = ap.parse_args()

    expect_skip = re.compile(a.expect_skip) if a.expect_skip else None
    allow_splat = re.compile(a.allow_splat) if a.allow_splat else None
    expect_fail = set(a.expect_fail.split())
    xfailed, xpassed = [], []

    passed, failed, skipped, bad_skips = [], [], [], []
    summary_failures = []
    splats, allowed_splats = [], []
    leaks = []          # log line numbers of "unreferenced object" lines
    leak_summary = 0    # first "kmemleak: N new suspected memory leaks"
    began = ended = False
    body_exit = None
    kernel = ""
    stack = []          # open KTAP subtests: (indent, name)
    last_run = ""       # last kselftest "#  RUN  name ..."
    splat_open = None   # (line number, allowed) of the splat being read
    # Lines since the last "[ cut here ]": WARN()'s message comes before
    # its "WARNING:" line, and allow-splat may name the message.
    cut_lines = None
    lines = []

    with open(a.log, "r", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            line = clean(raw)

            if line.startswith(MARK):
                rest = line[len(MARK):].strip()
                if rest.startswith("begin"):
                    began = True
                    m = re.search(r"kernel=(\S+)", rest)
                    kernel = m.group(1) if m else ""
                elif rest.startswith("body-exit="):
                    m = re.match(r"body-exit=(-?\d+)", rest)
                    body_exit = int(m.group(1)) if m else -1
                elif rest == "end" or rest.startswith("end "):
                    ended = True
                continue

            if LEAK_OBJECT_RE.search(line):
                leaks.append(lineno)
                continue
            if LEAK_SUMMARY_RE.search(line):
                # Only the runner's own scans, after the body: a scenario
                # may scan, assert and clear expected leaks itself; what it
                # did not clear shows up in the final report anyway.
                if body_exit is not None:
                    leak_summary = leak_summary or lineno
                continue

            # --- kernel splats ---------------------------------------
            if "[ cut here ]" in line:
                cut_lines = []
            elif cut_lines is not None and not SPLAT_RE.search(line):
                cut_lines.append(line)
                if len(cut_lines) > 20:
                    cut_lines = None
            if SPLAT_RE.search(line):
                if splat_open and lineno - splat_open[0] <= SPLAT_WINDOW \
                        and not NEW_SPLAT_RE.search(line):
                    pass  # continuation of the current splat
                else:
                    ok = bool(allow_splat and
                              any(allow_splat.search(l)
                                  for l in [line] + (cut_lines or [])))
                    cut_lines = None
                    splat_open = (lineno, ok)
                    (allowed_splats if ok else splats).append((lineno, line.strip()))
            elif CALL_TRACE_RE.search(line):
                if splat_open and lineno - splat_open[0] <= SPLAT_WINDOW:
                    pass  # the trace of the splat already recorded
                else:
                    splats.append((lineno, line.strip() + " (stack dump)"))
                    splat_open = (lineno, False)
            elif splat_open and allow_splat and not splat_open[1] and \
                    lineno - splat_open[0] <= 40 and allow_splat.search(line):
                # The allow-splat regex may match a header line of the
                # splat (e.g. "RIP: ...func") rather than its first line.
                for i, s in enumerate(splats):
                    if s[0] == splat_open[0]:
                        allowed_splats.append(splats.pop(i))
                        break
                splat_open = (splat_open[0], True)
            if END_TRACE_RE.search(line):
                splat_open = None

            # --- TAP / KTAP ------------------------------------------
            m = RUN_RE.match(line)
            if m:
                last_run = m.group(1)
                continue
            m = SUBTEST_RE.match(line)
            if m:
                stack.append((len(m.group(1).expandtabs()), m.group(2)))
                continue
            m = RESULT_RE.match(line)
            if not m:
                continue
            indent = len(m.group(1).expandtabs())
            status = m.group(2)
            desc = m.group(4).strip()
            directive, reason = "", ""
            d = DIRECTIVE_RE.match(desc)
            if d:
                desc, directive, reason = d.group(1).strip(), d.group(2).upper(), d.group(3).strip()
            name = desc or last_run or "#" + m.group(3)

            # A result closing an open subtest of the same name is a summary.
            closes = None
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] > indent and stack[i][1] == desc:
                    closes = i
                    break
            if closes is not None:
                del stack[closes:]
                if status == "not ok":
                    summary_failures.append((lineno, name))
                continue

            if status == "not ok" and directive != "TODO" and name in expect_fail:
                xfailed.append((lineno, name))
            elif status == "not ok" and directive != "TODO":
                failed.append((lineno, name))
            elif status == "ok" and not directive and name in expect_fail:
                xpassed.append((lineno, name))
            elif directive == "SKIP":
                what = "%s (%s)" % (name, reason) if reason else name
                if expect_skip and (expect_skip.search(name) or
                                    (reason and expect_skip.search(reason))):
                    skipped.append((lineno, what))
                else:
                    bad_skips.append((lineno, what))
            elif status == "ok" and directive != "TODO":
                passed.append((lineno, name))
            last_run = ""

    nres = len(passed) + len(failed) + len(skipped) + len(bad_skips) + \
        len(xfailed) + len(xpassed)
    problems = []
    if a.allowed_splats >= 0 and len(allowed_splats) != a.allowed_splats:
        problems.append("%d allowed splat(s), the scenario pins %d" % (
            len(allowed_splats), a.allowed_splats))
    if xpassed:
        problems.append("%d expected failure(s) passed (%s): update the scenario" % (
            len(xpassed), ", ".join(n for _, n in xpassed[:3])))
    missing_xfail = sorted(expect_fail - {n for _, n in xfailed + xpassed})
    if missing_xfail:
        problems.append("expected failure(s) not seen: %s" % ", ".join(missing_xfail[:3]))
    if not began:
        problems.append("kernel did not reach /init")
    if splats:
        problems.append("kernel splat at log line %d: %s%s" % (
            splats[0][0], splats[0][1][:120],
            " (+%d more)" % (len(splats) - 1) if len(splats) > 1 else ""))
    if leaks:
        problems.append("kmemleak: %d unreferenced object(s) (first at log line %d)"
                        % (len(leaks), leaks[0]))
    elif leak_summary:
        problems.append("kmemleak reported leaks (log line %d)" % leak_summary)
    if began and not ended:
        if a.qemu_status == 124:
            problems.append("timeout after %ds (no end marker)" % a.timeout)
        else:
            problems.append("VM stopped without end marker (qemu status %d)"
                            % a.qemu_status)
    if failed:
        problems.append("%d failed (%s%s)" % (
            len(failed), ", ".join(n for _, n in failed[:3]),
            ", ..." if len(failed) > 3 else ""))
    if summary_failures and not failed:
        problems.append("suite failed without failing tests: %s" %
                        ", ".join(n for _, n in summary_failures[:3]))
    if bad_skips:
        problems.append("%d unexpected skip(s) (%s%s)" % (
            len(bad_skips), ", ".join(n for _, n in bad_skips[:3]),
            ", ..." if len(bad_skips) > 3 else ""))
    if body_exit not in (None, 0):
        problems.append("scenario body exited with status %d" % body_exit)
    if began and nres < a.min_tests:
        problems.append("only %d result(s), expected at least %d" %
                        (nres, a.min_tests))

    if a.details:
        with open(a.details, "w") as d:
            d.write("scenario %s\nlog %s\nkernel %s\n" % (a.name, a.log, kernel))
            d.write("results %d: passed %d, failed %d, skipped %d, unexpected skips %d\n"
                    % (nres, len(passed), len(failed), len(skipped), len(bad_skips)))
            for title, items in (("failed", failed),
                                 ("failed suites", summary_failures),
                                 ("unexpected skip", bad_skips),
                                 ("skipped (expected)", skipped),
                                 ("failed (expected)", xfailed),
                                 ("passed (expected to fail)", xpassed),
                                 ("splat", splats),
                                 ("allowed splat", allowed_splats),
                                 ("kmemleak", [(ln, "unreferenced object") for ln in leaks])):
                for ln, text in items:
                    d.write("%s: log line %d: %s\n" % (title, ln, text))
            for p in problems:
                d.write("problem: %s\n" % p)

    if problems:
        print("scenario %s: FAIL %s" % (a.name, "; ".join(problems)))
        return 1
    extra = ", %d skipped" % len(skipped) if skipped else ""
    if xfailed:
        extra += ", %d expected failures" % len(xfailed)
    print("scenario %s: ok (%d passed%s)" % (a.name, len(passed), extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
