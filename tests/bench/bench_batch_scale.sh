#!/bin/sh
# How batch time grows with the number of orders (issue 14: linear from
# 10k to 1M, at most 2x the set-based SQL baseline at each size):
# bench_batch_ratio.sh at each size, one customer per five orders (at most
# 20,000), the full CSL, one round each (1M takes about 15 minutes).
#
# usage: tests/bench/bench_batch_scale.sh [BUILD_DIR] [SIZE...]
#        (defaults: ./build, 10000 100000 1000000)
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
[ $# -gt 0 ] && shift
sizes=${*:-10000 100000 1000000}
for n in $sizes; do
  c=$((n / 5))
  [ "$c" -gt 20000 ] && c=20000
  echo "== $n orders, $c customers"
  CSL=${CSL:-$here/tests/data/csl/csl_full_2026-07-31.csv} \
    "$here/tests/bench/bench_batch_ratio.sh" "$build" "$n" "$c" "${ROUNDS:-1}" |
    grep -E "^(best|audit|round)"
done
