#!/usr/bin/env python3
"""Checks the reference data in db/seed/ (Python 3 stdlib only).

    python3 tests/data/check_seed.py [--epoch-dir DIR] [--no-pcre2] [-v]

Loads countries.csv, country_groups.csv, process_nodes.csv and workloads.csv
with the csv module and checks their shape, the dated country-group
memberships the rules depend on, and the process-node table: every pattern
compiles (Python `re`, and PCRE2 through pcre2grep when it is installed),
every node label the Epoch AI import forms from the Epoch files resolves,
common marketing spellings resolve to the right nm class / non-planar flag,
and junk labels resolve to nothing. The chip overlays (interconnect,
HBM stacks, boards and systems) name chips Epoch has, and each HBM density
is the stack's bandwidth over its package area (db/seed/PROVENANCE.md).

Node patterns are matched like src/core/pattern.c does with CG_PATTERN_CASELESS |
CG_PATTERN_ANCHORED: case-insensitive, against the whole (trimmed) label;
first row in file order wins.

The Epoch files are the repository's copies (db/seed/epoch_ml_hardware.csv,
tests/data/chips/epoch_chip_dataset_grid_view.csv), or the two files
in a folder given with --epoch-dir DIR (e.g. a newer Epoch AI download).

Prints one line per failed check (all checks with -v) and ends with
"N passed, N failed"; exit status 1 if anything failed.
"""

import argparse
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "db" / "seed"
EPOCH_FILES = ("epoch_ml_hardware.csv", "epoch_chip_dataset_grid_view.csv")

GROUPS = {"A:1", "A:5", "A:6", "D:1", "D:2", "D:3", "D:4", "D:5", "E:1", "E:2"}

# Labels that must resolve to nothing.
JUNK = ["banana", "TSMC banana", "", "N", "nm", "TSMC", "Intel", "Samsung",
        "7", "x7nm", "7nmx", "7 nm banana", "Intel 7nm banana", "N7Q", "N+",
        "SMIC N+9", "4", "Intel", "GF", "Unknown", "Unknown nm", "TSMC nm",
        "-7nm", "7..0nm", "Apple 5nm", "Unknown 22nm FinFET", "6.5nm"]

# (label, nm, nonplanar, foundry or None = don't care)
SPELLINGS = [
    ("TSMC N4P", 5, 1, "TSMC"), ("TSMC 4nm", 5, 1, "TSMC"), ("N4P", 5, 1, "TSMC"), ("4N", 5, 1, "TSMC"),
    ("TSMC 4N", 5, 1, "TSMC"), ("4NP", 5, 1, "TSMC"), ("N4", 5, 1, "TSMC"),
    ("N5", 5, 1, "TSMC"), ("N3", 3, 1, "TSMC"), ("N3E", 3, 1, "TSMC"),
    ("N3B", 3, 1, "TSMC"), ("N3P", 3, 1, "TSMC"), ("N2", 2, 1, "TSMC"),
    ("TSMC N2P", 2, 1, "TSMC"), ("TSMC A16", 1.6, 1, "TSMC"),
    ("N6", 6, 1, "TSMC"), ("N7", 7, 1, "TSMC"), ("N7P", 7, 1, "TSMC"),
    ("N7+", 7, 1, "TSMC"), ("TSMC N7", 7, 1, "TSMC"), ("N12", 12, 1, "TSMC"),
    ("12FFN", 12, 1, "TSMC"), ("TSMC 12nm FFN", 12, 1, "TSMC"),
    ("12FFC", 12, 1, "TSMC"), ("16FF", 16, 1, "TSMC"), ("16FF+", 16, 1, "TSMC"),
    ("16FFC", 16, 1, "TSMC"), ("N16", 16, 1, "TSMC"), ("CLN16FF+", 16, 1, "TSMC"),
    ("TSMC 16nm FinFET", 16, 1, "TSMC"), ("TSMC 20SoC", 20, 0, "TSMC"),
    ("TSMC 22ULP", 22, 0, "TSMC"), ("28HPM", 28, 0, "TSMC"),
    ("28nm HPM", 28, 0, None), ("TSMC 28nm HPC+", 28, 0, "TSMC"),
    ("7nm", 7, 1, None), ("7 nm", 7, 1, None), ("7-nm", 7, 1, None),
    ("7.0nm", 7, 1, None), ("5nm", 5, 1, None), ("3nm", 3, 1, None),
    ("14nm", 14, 1, None), ("16 nm", 16, 1, None), ("20nm", 20, 0, None),
    ("22nm", 22, 0, None), ("28 nm", 28, 0, None), ("28nm", 28, 0, None),
    ("40nm", 40, 0, None), ("65 nm", 65, 0, None), ("90nm", 90, 0, None),
    ("Samsung 8LPP", 8, 1, "Samsung"), ("8LPP", 8, 1, "Samsung"),
    ("8N", 8, 1, "Samsung"), ("Samsung 8N", 8, 1, "Samsung"),
    ("Samsung 8nm", 8, 1, "Samsung"), ("Samsung 7LPP", 7, 1, "Samsung"),
    ("Samsung 5LPE", 5, 1, "Samsung"), ("Samsung 4LPP", 4, 1, "Samsung"),
    ("SF4", 4, 1, "Samsung"), ("Samsung SF4", 4, 1, "Samsung"),
    ("SF3", 3, 1, "Samsung"), ("3GAE", 3, 1, "Samsung"), ("SF2", 2, 1, "Samsung"),
    ("Samsung 14LPP", 14, 1, "Samsung"), ("14LPP", 14, 1, "Samsung"),
    ("Samsung 28FDS", 28, 0, "Samsung"),
    ("SMIC N+1", 7, 1, "SMIC"), ("SMIC N+2", 7, 1, "SMIC"),
    ("SMIC N+3", 5, 1, "SMIC"), ("N+2", 7, 1, "SMIC"),
    ("SMIC 7nm", 7, 1, "SMIC"), ("SMIC 14nm", 14, 1, "SMIC"),
    ("SMIC 28nm", 28, 0, "SMIC"),
    ("Intel 4", 4, 1, "Intel"), ("Intel 3", 3, 1, "Intel"),
    ("Intel 7", 7, 1, "Intel"), ("Intel 10nm ESF", 7, 1, "Intel"),
    ("Intel 18A", 1.8, 1, "Intel"), ("Intel 20A", 2, 1, "Intel"),
    ("Intel 10nm", 10, 1, "Intel"), ("Intel 10nm SuperFin", 10, 1, "Intel"),
    ("Intel 14nm", 14, 1, "Intel"), ("Intel 14nm++", 14, 1, "Intel"),
    ("Intel 22nm", 22, 1, "Intel"), ("Intel 22FFL", 16, 1, "Intel"),
    ("Intel 32nm", 32, 0, "Intel"), ("Intel 45nm", 45, 0, "Intel"),
    ("GlobalFoundries 12LP", 12, 1, "GlobalFoundries"),
    ("GF 12LP+", 12, 1, "GlobalFoundries"), ("12LP", 12, 1, "GlobalFoundries"),
    ("GlobalFoundries 14LPP", 14, 1, "GlobalFoundries"),
    ("GF 14LPP", 14, 1, "GlobalFoundries"),
    ("GlobalFoundries 22FDX", 22, 0, "GlobalFoundries"),
    ("22FDX", 22, 0, "GlobalFoundries"), ("GF 12FDX", 12, 0, "GlobalFoundries"),
    ("GF 14nm", 14, 1, "GlobalFoundries"), ("GloFo 12nm", 12, 1, "GlobalFoundries"),
    ("GF 28nm", 28, 0, "GlobalFoundries"), ("12nm FD-SOI", 12, 0, None),
    ("UMC 14FFC", 14, 1, "UMC"), ("UMC 28nm", 28, 0, "UMC"),
    ("Unknown 28nm", 28, 0, None), ("Sony 90nm", 90, 0, None),
    ("SMIC,TSMC 7nm", 7, 1, None), ("tsmc n4p", 5, 1, "TSMC"),
]

# (group, country, date, expected member?)
MEMBERSHIP = [
    ("D:5", "KH", "2025-06-01", True), ("D:5", "KH", "2026-06-01", False),
    ("D:1", "KH", "2026-06-01", True),
    ("A:5", "AE", "2025-06-01", False), ("A:5", "AE", "2026-11-26", True),
    ("D:4", "AE", "2025-06-01", True), ("D:4", "AE", "2026-11-26", False),
    ("D:3", "AE", "2025-06-01", True), ("D:3", "AE", "2026-11-26", False),
    ("D:5", "MO", "2025-06-01", False), ("D:5", "MO", "2026-11-26", False),
    ("D:1", "MO", "2026-11-26", True), ("D:3", "MO", "2026-11-26", True),
    ("D:4", "MO", "2026-11-26", True),
    ("D:5", "HK", "2025-06-01", True), ("D:5", "HK", "2026-11-26", True),
    ("D:5", "CN", "2026-11-26", True), ("D:1", "CN", "2026-11-26", True),
    ("A:6", "IL", "2026-11-26", True), ("D:4", "IL", "2026-11-26", True),
    ("A:6", "TW", "2026-11-26", True), ("A:5", "TW", "2026-11-26", False),
    ("A:6", "SG", "2026-11-26", True), ("A:5", "IN", "2026-11-26", True),
    ("E:1", "IR", "2026-11-26", True), ("E:1", "KP", "2026-11-26", True),
    ("E:1", "SY", "2026-11-26", True), ("E:2", "CU", "2026-11-26", True),
    ("E:1", "CU", "2026-11-26", False), ("D:5", "US", "2026-11-26", False),
]

# exact member sets on a date (HK included wherever CN is)
EXACT = [
    ("E:1", "2026-11-26", {"IR", "KP", "SY"}),
    ("E:2", "2026-11-26", {"CU"}),
    ("A:6", "2026-11-26", {"AL", "CY", "IL", "MT", "MX", "SG", "ZA", "TW"}),
]
COUNTS = [("A:5", "2026-11-26", 38), ("A:5", "2025-06-01", 37),
          ("D:5", "2026-11-26", 23), ("D:5", "2025-06-01", 24),
          ("D:1", "2026-11-26", 25), ("D:4", "2026-11-26", 22),
          ("D:4", "2025-06-01", 23)]


class Checker:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        return ok


def read_csv(path, header):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        got = next(r)
        rows = [row for row in r]
    return got, rows


def parse_date(s):
    if len(s) != 10:
        raise ValueError(s)
    return datetime.date.fromisoformat(s)


# ---------------------------------------------------------------- countries
def check_countries(ck):
    hdr, rows = read_csv(SEED / "countries.csv", None)
    ck("countries header", hdr == ["code", "name"], repr(hdr))
    codes = [r[0] for r in rows]
    ck("countries: every row has 2 fields", all(len(r) == 2 for r in rows))
    ck("countries: 249 rows", len(rows) == 249, str(len(rows)))
    ck("countries: codes unique", len(set(codes)) == len(codes))
    bad = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
    ck("countries: codes are 2 uppercase letters", not bad, repr(bad))
    ck("countries: names non-empty", all(r[1].strip() for r in rows))
    for c in ("HK", "MO", "TW", "CN", "US", "AE", "KH"):
        ck(f"countries: has {c}", c in codes)
    ck("countries: no XK (not ISO)", "XK" not in codes)
    return set(codes)


# ----------------------------------------------------------- country groups
def load_groups(ck, countries):
    hdr, rows = read_csv(SEED / "country_groups.csv", None)
    ck("country_groups header",
       hdr == ["group", "country", "valid_from", "valid_to", "source"], repr(hdr))
    out = []
    keys = set()
    for i, r in enumerate(rows, start=2):
        where = f"country_groups.csv:{i}"
        if not ck(f"{where} has 5 fields", len(r) == 5, repr(r)):
            continue
        g, c, vf, vt, src = r
        ck(f"{where} group known", g in GROUPS, g)
        ck(f"{where} country known", c in countries, c)
        ck(f"{where} source non-empty", bool(src.strip()))
        try:
            f = parse_date(vf) if vf else datetime.date.min
            t = parse_date(vt) if vt else datetime.date.max
        except ValueError as e:
            ck(f"{where} dates are ISO YYYY-MM-DD", False, str(e))
            continue
        ck(f"{where} valid_from < valid_to", f < t, f"{vf} .. {vt}")
        key = (g, c, vf)
        ck(f"{where} (group, country, valid_from) unique", key not in keys, repr(key))
        keys.add(key)
        out.append((g, c, f, t))
    # no overlapping intervals for the same (group, country)
    by = {}
    for g, c, f, t in out:
        by.setdefault((g, c), []).append((f, t))
    for k, iv in by.items():
        iv.sort()
        ok = all(iv[j][1] <= iv[j + 1][0] for j in range(len(iv) - 1))
        ck(f"country_groups: {k} intervals do not overlap", ok, repr(iv))
    return out


def members(groups, g, day):
    d = parse_date(day)
    return {c for gg, c, f, t in groups if gg == g and f <= d < t}


def check_groups(ck, groups):
    for g, c, day, want in MEMBERSHIP:
        got = c in members(groups, g, day)
        ck(f"{c} {'in' if want else 'not in'} {g} on {day}", got == want)
    for g, day, want in EXACT:
        got = members(groups, g, day)
        ck(f"{g} on {day} is exactly {sorted(want)}", got == want, repr(sorted(got)))
    for g, day, n in COUNTS:
        got = members(groups, g, day)
        ck(f"{g} on {day} has {n} members", len(got) == n, f"{len(got)}: {sorted(got)}")
    for day in ("2024-01-01", "2025-06-01", "2026-03-01", "2026-11-26"):
        for g in sorted(GROUPS):
            m = members(groups, g, day)
            ck(f"HK same as CN in {g} on {day}", ("HK" in m) == ("CN" in m))
        ck(f"MO never in D:5 ({day})", "MO" not in members(groups, "D:5", day))
        a = members(groups, "A:5", day) | members(groups, "A:6", day)
        d = members(groups, "D:5", day)
        ck(f"nothing in both A:5/A:6 and D:5 on {day}", not (a & d), repr(a & d))


# ------------------------------------------------------------ process nodes
PCRE2_ONLY = [
    (re.compile(r"\\[hHvVRKXNC]"), "PCRE2-only escape"),
    (re.compile(r"\(\?\|"), "branch reset group"),
    (re.compile(r"\(\*"), "backtracking verb / start option"),
    (re.compile(r"\\[pP]\{"), "unicode property"),
    (re.compile(r"\(\?R\)|\(\?[0-9+-]"), "recursion"),
]


def possessive(p):
    """True if pattern has a possessive quantifier (x*+, x++, x?+, x{n}+)."""
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "*+?}" and i + 1 < len(p) and p[i + 1] == "+":
            if not (ch == "?" and i > 0 and p[i - 1] == "("):
                return True
        i += 1
    return False


def load_nodes(ck):
    hdr, rows = read_csv(SEED / "process_nodes.csv", None)
    ck("process_nodes header",
       hdr == ["pattern", "foundry", "nm", "nonplanar", "note"], repr(hdr))
    table = []
    for i, r in enumerate(rows, start=2):
        where = f"process_nodes.csv:{i}"
        if not ck(f"{where} has 5 fields", len(r) == 5, repr(r)):
            continue
        pat, foundry, nm, nonplanar, note = r
        ck(f"{where} foundry non-empty", bool(foundry.strip()))
        try:
            nmv = float(nm)
            ck(f"{where} nm > 0", nmv > 0, nm)
        except ValueError:
            ck(f"{where} nm is a number", False, nm)
            continue
        ck(f"{where} nonplanar is 0 or 1", nonplanar in ("0", "1"), nonplanar)
        ck(f"{where} pattern has no possessive quantifier", not possessive(pat), pat)
        for rx, what in PCRE2_ONLY:
            ck(f"{where} pattern avoids {what}", not rx.search(pat), pat)
        try:
            rx = re.compile(pat, re.IGNORECASE)
        except re.error as e:
            ck(f"{where} pattern compiles", False, f"{e}: {pat}")
            continue
        ck(f"{where} pattern does not match the empty label", not rx.fullmatch(""), pat)
        table.append((i, pat, rx, foundry, nmv, int(nonplanar)))
    ck("process_nodes: at least one row", bool(table))
    return table


def resolve(table, label):
    for row in table:
        if row[2].fullmatch(label):
            return row
    return None


def fmt_nm(s):
    """Process size as the Epoch import prints it: integer when whole."""
    s = s.strip()
    try:
        v = float(s)
    except ValueError:
        return s
    return str(int(v)) if v.is_integer() else s


def epoch_labels(paths):
    """label -> (foundry, size string) for every label the import forms."""
    labels = {}
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                size = (row.get("Process size (nm)") or "").strip()
                foundry = (row.get("Foundry") or "").strip()
                if not size:
                    continue  # no label: unknown node
                nm = fmt_nm(size)
                label = f"{foundry} {nm}nm" if foundry else f"{nm}nm"
                labels[label.strip()] = (foundry, nm)
    return labels


# nm classes that deliberately differ from the number in a plain label
NM_CLASS = {("tsmc", 4.0): 5.0}  # TSMC "4nm" = N4/4N, 5 nm class (docs/regulations.md section 10)


def expected_nonplanar(foundry, nm):
    """docs/regulations.md section 10 rule for plain "<foundry> <N>nm" labels."""
    if foundry.lower() == "intel" and nm <= 22:
        return 1  # Intel 22nm was already FinFET
    return 1 if nm <= 16 else 0


def check_nodes(ck, table, paths):
    labels = {}
    if paths is None:
        ck("Epoch data files found", False,
           "looked in db/seed, tests/data/chips and --epoch-dir DIR")
    else:
        labels = epoch_labels(paths)
        ck("Epoch files give labels", len(labels) > 20, str(len(labels)))
        for label, (foundry, nm) in sorted(labels.items()):
            row = resolve(table, label)
            if not ck(f"Epoch label {label!r} resolves", row is not None):
                continue
            nmv = float(nm)
            want_nm = NM_CLASS.get((foundry.lower(), nmv), nmv)
            ck(f"Epoch label {label!r} nm = {want_nm:g}", row[4] == want_nm,
               f"row {row[0]} gives {row[4]}")
            want = expected_nonplanar(foundry, nmv)
            ck(f"Epoch label {label!r} nonplanar", row[5] == want,
               f"row {row[0]} gives {row[5]}, want {want}")
    for label, nm, np_, foundry in SPELLINGS:
        row = resolve(table, label)
        if not ck(f"spelling {label!r} resolves", row is not None):
            continue
        ck(f"spelling {label!r} nm = {nm}", row[4] == nm, f"row {row[0]} gives {row[4]}")
        ck(f"spelling {label!r} nonplanar = {np_}", row[5] == np_,
           f"row {row[0]} gives {row[5]}")
        if foundry:
            ck(f"spelling {label!r} foundry = {foundry}", row[3] == foundry,
               f"row {row[0]} gives {row[3]}")
    for label in JUNK:
        row = resolve(table, label)
        ck(f"junk label {label!r} resolves to nothing", row is None,
           f"matched row {row[0]}: {row[1]}" if row else "")
    return sorted(set(labels) | {s[0] for s in SPELLINGS} | set(JUNK))


def check_pcre2(ck, table, subjects):
    """Each pattern must compile in PCRE2 and match exactly the same test
    labels as Python re (pcre2grep -x = whole line, -i caseless, -u UTF)."""
    exe = shutil.which("pcre2grep")
    if exe is None:
        print("note: pcre2grep not installed; PCRE2 cross-check skipped "
              "(apt-get install -y pcre2-utils)")
        return
    subjects = [s for s in subjects if "\n" not in s and s]
    data = ("\n".join(subjects) + "\n").encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pf = Path(tmp) / "pat"
        for ln, pat, rx, *_ in table:
            pf.write_text(pat + "\n", encoding="utf-8")
            p = subprocess.run([exe, "-x", "-i", "-u", "-f", str(pf)],
                               input=data, capture_output=True)
            if not ck(f"process_nodes.csv:{ln} compiles in PCRE2", p.returncode in (0, 1),
                      p.stderr.decode("utf-8", "replace").strip()):
                continue
            got = set(p.stdout.decode("utf-8").splitlines())
            want = {s for s in subjects if rx.fullmatch(s)}
            ck(f"process_nodes.csv:{ln} PCRE2 and Python agree", got == want,
               f"pcre2 only {sorted(got - want)}, python only {sorted(want - got)}")


# ----------------------------------------------------------------- workloads
def check_workloads(ck):
    hdr, rows = read_csv(SEED / "workloads.csv", None)
    ck("workloads header", hdr == ["name", "flop", "source"], repr(hdr))
    ck("workloads: 6 rows", len(rows) == 6, str(len(rows)))
    names = [r[0] for r in rows if r]
    ck("workloads: names unique", len(set(names)) == len(names))
    for i, r in enumerate(rows, start=2):
        if not ck(f"workloads.csv:{i} has 3 fields", len(r) == 3, repr(r)):
            continue
        try:
            v = float(r[1])
            ck(f"workloads.csv:{i} flop > 0", v > 0, r[1])
        except ValueError:
            ck(f"workloads.csv:{i} flop is a number", False, r[1])
        ck(f"workloads.csv:{i} source non-empty", bool(r[2].strip()))
    flops = {r[0]: float(r[1]) for r in rows if len(r) == 3}
    ck("workloads: 1e26 threshold present", 1e26 in flops.values())
    ck("workloads: GPT-3 is 3.14e23", flops.get("GPT-3 175B") == 3.14e23)


# Package areas of db/seed/PROVENANCE.md, mm2, by HBM generation.
HBM_AREA = {"HBM2": 7.75 * 11.87, "HBM2E": 7.75 * 11.87, "HBM3": 121.0,
            "HBM3E": 121.0}


def check_items(ck):
    _, epoch = read_csv(SEED / EPOCH_FILES[0], None)
    known = {r[0] for r in epoch if r}
    hdr, rows = read_csv(SEED / "chip_attributes.csv", None)
    ck("chip_attributes header", hdr == ["name", "datacenter", "hbm",
                                         "interconnect_gbs"], repr(hdr))
    ics = set(known)
    for i, r in enumerate(rows, start=2):
        ck(f"chip_attributes.csv:{i} names an Epoch chip", r[0] in known, r[0])
        if len(r) == 4 and r[3]:
            ck(f"chip_attributes.csv:{i} interconnect 0..10000 GB/s",
               0 <= float(r[3]) <= 10000, r[3])
    bw = {r[0]: float(r[3]) for r in rows if len(r) == 4 and r[3]}
    # The 2022 line of 3A090 (600 GB/s) must fall where the record says.
    ck("A100 at 600 GB/s", bw.get("NVIDIA A100 SXM4 80 GB") == 600)
    ck("A800 below 600 GB/s", bw.get("NVIDIA A800 SXM", 600) < 600)
    ck("H800 below 600 GB/s", bw.get("NVIDIA H800 SXM5", 600) < 600)
    hdr, rows = read_csv(SEED / "chip_hbm_stacks.csv", None)
    ck("chip_hbm_stacks header", hdr == ["name", "vendor", "hbm", "hbm_stack",
                                         "memory_bandwidth_gbs",
                                         "hbm_density"], repr(hdr))
    for i, r in enumerate(rows, start=2):
        gen = next((g for g in ("HBM3E", "HBM3", "HBM2E", "HBM2")
                    if re.search(rf"\b{g}\b", r[0])), None)
        if not ck(f"chip_hbm_stacks.csv:{i} names its HBM generation",
                  gen is not None, r[0]):
            continue
        want = float(r[4]) / HBM_AREA[gen]
        ck(f"chip_hbm_stacks.csv:{i} density = bandwidth / area",
           abs(float(r[5]) - want) < 0.01, f"{r[5]} vs {want:.3f}")
        ck(f"chip_hbm_stacks.csv:{i} is an HBM stack", r[3] == "1", r[3])
    hdr, rows = read_csv(SEED / "chip_systems.csv", None)
    ck("chip_systems header", hdr == ["name", "vendor", "kind", "ic", "ics"],
       repr(hdr))
    for i, r in enumerate(rows, start=2):
        ck(f"chip_systems.csv:{i} holds a known IC", r[3] in ics, r[3])
        ck(f"chip_systems.csv:{i} kind board or system",
           r[2] in ("board", "system"), r[2])
        ck(f"chip_systems.csv:{i} ics a whole number >= 1",
           r[4].isdigit() and int(r[4]) >= 1, r[4])
        ck(f"chip_systems.csv:{i} is not also an IC", r[0] not in known, r[0])


def find_epoch(arg):
    """The two Epoch files: the repository's copies (db/seed for the one
    chipgate imports, tests/data/chips for the wider table), or a folder
    holding both, given with --epoch-dir."""
    if arg:
        paths = [Path(arg) / f for f in EPOCH_FILES]
    else:
        paths = [ROOT / "db" / "seed" / EPOCH_FILES[0],
                 ROOT / "tests" / "data" / "chips" / EPOCH_FILES[1]]
    return paths if all(p.is_file() for p in paths) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epoch-dir", help="folder holding both Epoch AI files")
    ap.add_argument("--no-pcre2", action="store_true", help="skip the pcre2grep cross-check")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    ck = Checker(a.verbose)
    countries = check_countries(ck)
    check_groups(ck, load_groups(ck, countries))
    table = load_nodes(ck)
    subjects = check_nodes(ck, table, find_epoch(a.epoch_dir))
    if not a.no_pcre2:
        check_pcre2(ck, table, subjects)
    check_workloads(ck)
    check_items(ck)
    print(f"{ck.passed} passed, {ck.failed} failed")
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main())
