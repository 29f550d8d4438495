#!/bin/sh
# `chipgate check` as a whole process (issue 14's target: p50 <= 20 ms):
# the demo database (its screening list: the BIS part of the CSL) with
# the full Consolidated Screening List imported over it, then ROUNDS runs
# each of a check for an imported customer and for an ad-hoc buyer
# (--customer-hq: screened by name at once, the index mapped from the
# side file); prints p50, p90 and max wall time per process, fork and
# exec included.
#
# usage: tests/bench/bench_check.sh [BUILD_DIR] [ROUNDS] [CSL_FILE]
#        (defaults: ./build, 100, tests/data/csl/csl_full_2026-07-31.csv)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
rounds=${2:-100}
csl=${3:-$here/tests/data/csl/csl_full_2026-07-31.csv}
cg=$build/chipgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHIPGATE_RULES=$here/rules
db=$work/check.db

CHIPGATE_DATA_DIR=$here "$cg" --db "$db" demo --out "$work/reports" >/dev/null
if [ -f "$csl" ]; then
  "$cg" --db "$db" import parties "$csl" --format csl-csv >/dev/null
  echo "list: $(basename "$csl")"
else
  echo "list: the demo's BIS list only ($csl not found)"
fi
customer=$(sqlite3 "$db" "SELECT name FROM customers ORDER BY id LIMIT 1")
python3 - "$cg" "$db" "$rounds" "$customer" <<'PY'
import subprocess, sys, time
cg, db, rounds, customer = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
cases = {
    "imported customer": ["--customer", customer],
    "ad-hoc buyer": ["--customer", "Sophgo Technologies", "--customer-hq", "CN"],
}
base = [cg, "--db", db, "check", "--chip", "NVIDIA H100 SXM5 80GB",
        "--dest", "MY", "--qty", "8", "--date", "2026-06-01"]
for label, extra in cases.items():
    times = []
    for i in range(rounds + 3):
        t0 = time.perf_counter()
        r = subprocess.run(base + extra, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        t = (time.perf_counter() - t0) * 1000
        if r.returncode not in (0, 10, 20):
            sys.exit(f"check failed ({r.returncode}): {r.stderr.decode()}")
        if i >= 3:  # the first runs warm the page cache
            times.append(t)
    times.sort()
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"check, {label}: p50 {p(0.5):.1f} ms, p90 {p(0.9):.1f} ms, "
          f"max {times[-1]:.1f} ms over {rounds} runs (goal: p50 <= 20 ms)")
PY
