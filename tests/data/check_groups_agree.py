#!/usr/bin/env python3
"""The rule pack's test table (rules/groups.test-data) and the database seed
(db/seed/country_groups.csv) must say the same thing: for every country the
test table names, membership of every group it uses must agree on a set of
dates around the dated changes. Run from the repository root."""
import csv
import sys

DATES = ["2015-07-21", "2015-07-22", "2023-12-01", "2025-06-01",
         "2025-09-01", "2025-09-02", "2025-11-06", "2025-11-07",
         "2026-02-04", "2026-07-13", "2026-07-14", "2026-11-26"]


def seed_member(rows, country, grp, date):
    return any(r["country"] == country and r["group"] == grp and
               (r["valid_from"] or "0001-01-01") <= date <
               (r["valid_to"] or "9999-12-31") for r in rows)


def test_member(lines, country, grp, date):
    for code, groups, kind, when in lines:
        if code != country or grp not in groups:
            continue
        if kind is None or (kind == "until" and date < when) or \
           (kind == "from" and date >= when):
            return True
    return False


def main():
    rows = list(csv.DictReader(open("db/seed/country_groups.csv")))
    lines = []
    for raw in open("rules/groups.test-data"):
        raw = raw.split("#", 1)[0].split()
        if not raw:
            continue
        code, groups = raw[0], raw[1].split(",")
        kind, when = (raw[2], raw[3]) if len(raw) == 4 else (None, None)
        lines.append((code, groups, kind, when))
    # D:3 is only partly listed in the test table (the pack does not use
    # it); every group the pack reads must agree.
    used = sorted({g for _, gs, _, _ in lines for g in gs} - {"D:3"})
    countries = sorted({c for c, _, _, _ in lines})
    bad = 0
    for c in countries:
        for g in used:
            for d in DATES:
                a = seed_member(rows, c, g, d)
                b = test_member(lines, c, g, d)
                if a != b:
                    bad += 1
                    print(f"{c} {g} {d}: seed says {a}, groups.test-data "
                          f"says {b}")
    print(f"{len(countries)} countries x {len(used)} groups x {len(DATES)} "
          f"dates: {bad} disagreements")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
