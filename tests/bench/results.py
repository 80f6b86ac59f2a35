#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the serial log of a bench run into ratios, a plot and a doc table.

    results.py --log build/vm/bench.log --out build/bench \\
               [--doc docs/benchmarks.md] [--wall SECONDS] [--smoke]

Reads the measurement lines the guest printed,
    BENCH <metric> <contender> <param> <round> <value> <unit>
divides contenders round by round (never across rounds: under TCG only
ratios within one run mean anything) and writes
  OUT/results.json   a list of objects: name, ratio_min, ratio_median,
                     ratio_max, unit, what, goal, goal_met, rounds, ...
  OUT/register.png   registration time and memory against device size
                     (gnuplot), unless --smoke
  --doc FILE         the part of FILE between the GENERATED markers
Prints one line per ratio; with --smoke the last line is
    bench-smoke: 1 passed, 0 failed    (or 0 passed, 1 failed)
one pipeline check: every ratio is finite and the VM run did not fail
(--run-failed); the exit status is 1 if it failed.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH_RE = re.compile(r"BENCH (\S+) (\S+) (\d+) (\d+) (\d+) (\S+)\s*$")
TIMESTAMP_RE = re.compile(r"^\[\s*\d+\.\d+\]\s?")
# One generated block per kernel: a run replaces its own kernel's block.
BEGIN = "<!-- BEGIN GENERATED %s by tests/bench/results.py: do not edit -->"
END = "<!-- END GENERATED %s -->"

HERE = os.path.dirname(os.path.abspath(__file__))


def size_label(mib):
    return "%dg" % (mib // 1024) if mib % 1024 == 0 else "%dm" % mib


class Data:
    """Measurements: (metric, contender, param) -> {round: value}."""

    def __init__(self, path):
        self.m = {}
        self.units = {}
        self.kernel = ""
        self.setup = []
        with open(path, "r", errors="replace") as f:
            for raw in f:
                line = TIMESTAMP_RE.sub("", raw.replace("\r", "").rstrip("\n"))
                if "DEVPRIV-VM: begin" in line:
                    k = re.search(r"kernel=(\S+)", line)
                    c = re.search(r"cpus=(\d+)", line)
                    self.kernel = "%s, %s vCPU online" % (
                        k.group(1) if k else "?", c.group(1) if c else "?")
                if line.startswith("# bench: rounds"):
                    self.setup.append(line[len("# bench: "):])
                m = BENCH_RE.search(line)
                if not m:
                    continue
                metric, who, param, rnd, value, unit = m.groups()
                key = (metric, who, int(param))
                self.m.setdefault(key, {})[int(rnd)] = int(value)
                self.units[key] = unit

    def params(self, metric, who):
        return sorted(p for (m, w, p) in self.m if m == metric and w == who)

    def get(self, metric, who, param):
        return self.m.get((metric, who, param), {})


def median(values):
    return statistics.median(values) if values else None


def ratio_entry(d, name, what, num, den, unit, goal=None, invert=False,
                scale=None, params=None):
    """num, den: (metric, contender, param).  invert: den/num (throughput
    from times).  scale: turns a raw median into the unit shown."""
    a, b = d.get(*num), d.get(*den)
    rounds = sorted(set(a) & set(b))
    ratios = []
    for r in rounds:
        x, y = (b[r], a[r]) if invert else (a[r], b[r])
        if y > 0:
            ratios.append(x / y)
    e = {
        "name": name,
        "what": what,
        "unit": unit,
        "ratio_min": min(ratios) if ratios else None,
        "ratio_median": median(ratios),
        "ratio_max": max(ratios) if ratios else None,
        "rounds": len(ratios),
        "goal": goal,
        "goal_met": None,
        "numerator": {"metric": num[0], "contender": num[1], "param": num[2],
                      "median": None},
        "denominator": {"metric": den[0], "contender": den[1],
                        "param": den[2], "median": None},
    }
    if params:
        e["params"] = params
    for side, vals in (("numerator", a), ("denominator", b)):
        v = median([vals[r] for r in rounds])
        if v is not None and scale:
            v = scale(v)
        e[side]["median"] = v
    if not ratios:
        missing = [f"{m}/{w}@{p}" for (m, w, p), vals in ((num, a), (den, b))
                   if not vals]
        e["error"] = "no data for " + (", ".join(missing) or "a common round")
    elif goal:
        op, limit = goal.split()
        limit = float(limit)
        med = e["ratio_median"]
        e["goal_met"] = med <= limit if op == "<=" else med >= limit
    return e


def build(d):
    out = []

    # 1. registration --------------------------------------------------
    sizes = d.params("reg_time", "lazy")
    full = d.params("reg_time", "eager")
    big = sizes[-1] if sizes else 65536
    f = full[-1] if full else 4096
    for s in sizes:
        lbl = size_label(s)
        canon = s == big
        for metric, short, unit, what in (
                ("reg_time", "time", "ns",
                 "libdevpriv lazy: register a %s device (256 chunks) and "
                 "populate 16 chunks spread over it / stock: "
                 "request_free_mem_region + memremap_pages of all of it, "
                 "time" % size_label(s)),
                ("reg_bytes", "bytes", "bytes",
                 "the same, bytes of struct pages created (libdevpriv "
                 "debugfs struct_page_bytes / range pages x sizeof(struct "
                 "page))"),
                ("reg_memavail", "memavail", "bytes",
                 "the same, drop of MemAvailable (struct pages, vmemmap "
                 "page tables, bookkeeping)")):
            name = "register_%s_1of16_%s" % (short, "64g" if canon else lbl)
            goal = "<= 0.0625" if canon and short != "memavail" else None
            e = ratio_entry(
                d, name, what, (metric, "lazy", s), (metric, "upfront", s),
                unit, goal, params={"size_mib": s})
            if short == "memavail":
                e["noisy"] = True
            out.append(e)
    for s in sizes:
        out.append(ratio_entry(
            d, "register_time_lazy_vs_chunks_%s" % size_label(s),
            "libdevpriv lazy (%s device, 16 chunks populated) / 16 stock "
            "request_free_mem_region + memremap_pages of one chunk each: "
            "libdevpriv's own cost over memremap_pages" % size_label(s),
            ("reg_time", "lazy", s), ("reg_time", "chunks", s), "ns",
            "<= 1.05" if s == sizes[-1] else None, params={"size_mib": s}))
    for metric, short, unit in (("reg_time", "time", "ns"),
                                ("reg_bytes", "bytes", "bytes"),
                                ("reg_memavail", "memavail", "bytes")):
        e = ratio_entry(
            d, "register_%s_full_4g" % short,
            "libdevpriv eager: register a %s device, every chunk populated / "
            "stock upfront memremap_pages of it (%s)" % (size_label(f), short),
            (metric, "eager", f), (metric, "upfront", f), unit,
            "<= 1.10" if short == "time" else None, params={"size_mib": f})
        if short == "memavail":
            e["noisy"] = True
        out.append(e)

    # 2. translation ----------------------------------------------------
    chunks = d.params("xlate", "devpriv_offset_to_page")
    n = chunks[-1] if chunks else 4096
    for suffix in ("", "_hot", "_nokasan", "_hot_nokasan"):
        main = suffix == ""
        note = {
            "": "",
            "_hot": " [hot: 16 pages over and over]",
            "_nokasan": " [loops built without KASAN]",
            "_hot_nokasan": " [hot, loops built without KASAN]",
        }[suffix]
        for name, num, den, goal, what in (
                ("offset_to_page_vs_pfn_to_page", "devpriv_offset_to_page",
                 "pfn_to_page", "<= 2.0",
                 "devpriv_offset_to_page() / pfn_to_page(), ns per op, "
                 "%d chunks" % n),
                ("page_to_index_vs_page_to_pfn", "devpriv_page_to_index",
                 "page_to_pfn", None,
                 "devpriv_page_to_index() / page_to_pfn(), %d chunks" % n),
                ("page_to_index_vs_pgmap_idiom", "devpriv_page_to_index",
                 "pgmap_page_to_index", "<= 1.0",
                 "devpriv_page_to_index() / a stock driver's page_to_pfn() "
                 "- page->pgmap->range.start, %d chunks" % n),
                ("index_to_page_vs_pfn_to_page", "devpriv_index_to_page",
                 "pfn_to_page", "<= 2.0",
                 "devpriv_index_to_page() / pfn_to_page(), %d chunks" % n),
                ("offset_to_page_vs_maple", "devpriv_offset_to_page",
                 "maple_offset_to_page", "<= 0.5",
                 "devpriv_offset_to_page() / mtree_load() + index into the "
                 "chunk (the upstream design), %d chunks" % n)):
            out.append(ratio_entry(
                d, name + suffix, what + note, ("xlate", num + suffix, n),
                ("xlate", den + suffix, n), "ps/op",
                goal if main else None, params={"chunks": n}))
        out.append(ratio_entry(
            d, "offset_to_page_flatness" + suffix,
            "devpriv_space_offset_to_page() with %d chunks / with 1 chunk%s"
            % (n, note), ("xlate", "space_offset_to_page" + suffix, n),
            ("xlate", "space_offset_to_page" + suffix, 1), "ps/op",
            "<= 1.10" if main else None, params={"chunks": n}))

    # 3. allocation -----------------------------------------------------
    live = d.params("alloc", "devpriv_seq")
    small, large = (live[0], live[-1]) if len(live) >= 2 else (16, 4096)
    p = {"small": small, "large": large, "region_mib": 128}
    out.append(ratio_entry(
        d, "alloc_flatness_16_to_4096",
        "devpriv_space_alloc() of a 128 MiB region with %d regions live / "
        "with %d live (live regions allocated in a row)" % (large, small),
        ("alloc", "devpriv_seq", large), ("alloc", "devpriv_seq", small),
        "ns", "<= 1.2", params=p))
    out.append(ratio_entry(
        d, "alloc_vs_stock_4096",
        "devpriv_space_alloc() / request_free_mem_region(), 128 MiB, "
        "%d regions live" % large,
        ("alloc", "devpriv_seq", large), ("alloc", "stock", large), "ns",
        "<= 0.1", params=p))
    out.append(ratio_entry(
        d, "alloc_flatness_16_to_4096_holes",
        "as alloc_flatness, but every other region of 2 x live freed "
        "(holes that fit)",
        ("alloc", "devpriv_holes", large), ("alloc", "devpriv_holes", small),
        "ns", params=p))
    out.append(ratio_entry(
        d, "free_flatness_16_to_4096",
        "devpriv_space_free() with %d regions live / with %d (in a row)"
        % (large, small),
        ("free", "devpriv_seq", large), ("free", "devpriv_seq", small),
        "ns", params=p))
    out.append(ratio_entry(
        d, "stock_alloc_growth_16_to_4096",
        "request_free_mem_region() with %d regions live / with %d "
        "(rounds not interleaved: the small case runs first)" % (large, small),
        ("alloc", "stock", large), ("alloc", "stock", small), "ns",
        params=p))

    # 4. migration ------------------------------------------------------
    mibs = d.params("migrate_total", "stock")
    mib = mibs[-1] if mibs else 256

    def mib_per_s(ns):
        return mib / (ns / 1e9) if ns else None

    for metric, name, goal, what in (
            ("migrate_total", "migrate_throughput_vs_stock", ">= 0.95",
             "throughput of migrating %d MiB to the device "
             "(HMM_DMIRROR_MIGRATE_TO_DEV) and back (CPU faults): "
             "examples/dmirror on libdevpriv / the kernel's test_hmm" % mib),
            ("migrate_to_dev", "migrate_to_dev_throughput_vs_stock", None,
             "the same, to the device only"),
            ("migrate_to_ram", "migrate_to_ram_throughput_vs_stock", None,
             "the same, back by CPU faults only")):
        out.append(ratio_entry(
            d, name, what, (metric, "example", mib), (metric, "stock", mib),
            "MiB/s", goal, invert=True, scale=mib_per_s,
            params={"mib": mib}))

    # 5. THP migration (large device folios; kernels that have them) ----
    if d.params("migrate_total", "example_thp"):
        for metric, den, name, goal, what in (
                ("migrate_total", "stock_thp", "thp_migrate_vs_stock",
                 ">= 0.95",
                 "throughput of migrating %d MiB of THPs to the device and "
                 "back: examples/dmirror with 2 MiB device folios / the "
                 "kernel's test_hmm" % mib),
                ("migrate_total", "example_order0_thp",
                 "thp_migrate_large_vs_order0", None,
                 "the same: examples/dmirror with 2 MiB device folios / "
                 "with single pages (large_folios=0)"),
                ("migrate_to_dev", "example_order0_thp",
                 "thp_migrate_to_dev_large_vs_order0", None,
                 "the same, to the device only"),
                ("migrate_to_ram", "example_order0_thp",
                 "thp_migrate_to_ram_large_vs_order0", None,
                 "the same, back by CPU faults only")):
            out.append(ratio_entry(
                d, name, what, (metric, "example_thp", mib),
                (metric, den, mib), "MiB/s", goal, invert=True,
                scale=mib_per_s, params={"mib": mib}))
    return out


def fmt(v, digits=4):
    if v is None:
        return "n/a"
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 0.001:
        return "%.3g" % v
    return ("%%.%dg" % digits) % v


def goal_text(e):
    if not e["goal"]:
        return ""
    met = {True: "met", False: "**missed**", None: "not measured"}[e["goal_met"]]
    return "%s: %s" % (e["goal"].replace("<=", "≤").replace(">=", "≥"), met)


def raw_text(e):
    n, d = e["numerator"], e["denominator"]
    return "%s / %s %s" % (fmt(n["median"]), fmt(d["median"]), e["unit"])


def table(entries):
    rows = ["| name | min | median | max | goal (median) | medians | rounds |",
            "|---|---:|---:|---:|---|---|---:|"]
    for e in entries:
        rows.append("| `%s` | %s | %s | %s | %s | %s | %d |" % (
            e["name"], fmt(e["ratio_min"]), fmt(e["ratio_median"]),
            fmt(e["ratio_max"]), goal_text(e), raw_text(e), e["rounds"]))
    return rows


def medians_table(d):
    rows = ["| metric | contender | param | median | unit | rounds |",
            "|---|---|---:|---:|---|---:|"]
    for key in sorted(d.m):
        vals = list(d.m[key].values())
        rows.append("| %s | %s | %d | %s | %s | %d |" % (
            key[0], key[1], key[2], fmt(median(vals), 6), d.units[key],
            len(vals)))
    return rows


def doc_block(d, entries, wall, scenario, kver, png):
    goals = [e for e in entries if e["goal"]]
    other = [e for e in entries if not e["goal"]]
    lines = [BEGIN % kver, ""]
    lines.append("Run of %s UTC: kernel %s; %s." % (
        time.strftime("%Y-%m-%d %H:%M", time.gmtime()), d.kernel or "?",
        "; ".join(d.setup) or "parameters unknown"))
    if wall is not None:
        lines.append("`make bench` wall time: %d min %02d s." %
                     (wall // 60, wall % 60))
    if scenario:
        lines.append("Scenario: `%s`." % scenario)
    if png:
        lines += ["", "![registration time and memory, %s](%s)" % (kver, png)]
    lines += ["", "#### Goals", ""]
    lines += table(goals)
    lines += ["", "#### Further ratios (diagnostics, no goal)", ""]
    lines += table(other)
    lines += ["", "#### What each ratio divides", ""]
    for e in entries:
        lines.append("- `%s`: %s." % (e["name"], e["what"]))
    lines += ["", "#### Medians of every measurement", ""]
    lines += medians_table(d)
    lines += ["", END % kver]
    return lines


def update_doc(path, block, kver):
    with open(path) as f:
        text = f.read()
    if BEGIN % kver not in text or END % kver not in text:
        raise SystemExit("results.py: %s has no GENERATED markers for %s"
                         % (path, kver))
    head, rest = text.split(BEGIN % kver, 1)
    _, tail = rest.split(END % kver, 1)
    with open(path + ".tmp", "w") as f:
        f.write(head + "\n".join(block) + tail)
    os.replace(path + ".tmp", path)


def plot(d, outdir):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("results.py: gnuplot not found: no plot")
        return None
    dat = os.path.join(outdir, "register.dat")
    with open(dat, "w") as f:
        f.write("# size_gib lazy_ms upfront_ms lazy_mib upfront_mib "
                "lazy_avail_mib upfront_avail_mib chunks_ms\n")
        for s in d.params("reg_time", "lazy"):
            row = [s / 1024]
            for metric, scale in (("reg_time", 1e6), ("reg_bytes", 2**20),
                                  ("reg_memavail", 2**20)):
                for who in ("lazy", "upfront"):
                    v = median(list(d.get(metric, who, s).values()))
                    row.append(v / scale if v is not None else float("nan"))
            v = median(list(d.get("reg_time", "chunks", s).values()))
            row.append(v / 1e6 if v is not None else float("nan"))
            f.write(" ".join("%g" % v for v in row) + "\n")
    png = os.path.join(outdir, "register.png")
    subprocess.run([gnuplot, "-e", "datafile='%s'; outfile='%s'" % (dat, png),
                    os.path.join(HERE, "register.gp")], check=True)
    return png


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--kver", default="6.1",
                    help="the kernel whose block of --doc the run replaces")
    ap.add_argument("--wall", type=int)
    ap.add_argument("--scenario", default="")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--run-failed", action="store_true",
                    help="the VM run failed: one more failure in the count")
    a = ap.parse_args()

    d = Data(a.log)
    entries = build(d)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")

    passed = failed = 0
    for e in entries:
        ok = e["ratio_median"] is not None and math.isfinite(e["ratio_median"])
        if e.get("noisy") and not ok:
            e["error"] = e.get("error", "") + " (below MemAvailable noise: not counted)"
        else:
            passed += ok
            failed += not ok
        print("%-40s %s %s %s  %s%s" % (
            e["name"], fmt(e["ratio_min"]), fmt(e["ratio_median"]),
            fmt(e["ratio_max"]), goal_text(e).replace("**", ""),
            "" if ok else "  (%s)" % e.get("error", "not finite")))

    png = None
    if not a.smoke:
        png = plot(d, a.out)
        if png:
            print("results.py: plot %s" % png)
    if a.doc:
        # the plot goes beside the document, named by kernel
        rel = None
        if png:
            rel = "benchmarks-register-%s.png" % a.kver
            shutil.copyfile(png, os.path.join(os.path.dirname(a.doc), rel))
        update_doc(a.doc, doc_block(d, entries, a.wall, a.scenario, a.kver,
                                    rel), a.kver)
        print("results.py: table regenerated in %s" % a.doc)
    print("results.py: %s" % os.path.join(a.out, "results.json"))
    if a.run_failed:
        print("results.py: the VM run failed (splat, failed step or timeout)")
    if a.smoke:
        # one pipeline check per kernel, not one "pass" per ratio: a ratio's
        # value is never a result, only whether the pipeline produced it
        print("results.py: %d of %d ratios finite" % (passed, passed + failed))
        ok = not failed and not a.run_failed
        print("bench-smoke: %d passed, %d failed" % (ok, not ok))
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
