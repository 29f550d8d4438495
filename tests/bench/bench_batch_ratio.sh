#!/bin/sh
# Batch against its yardstick (issue 14): `chipgate batch` with a JSON
# report and the sqlite3 CLI deciding the same orders set-based with a
# comparable decision document (tests/bench/baseline/, from the design
# notes' bench folder), on the same CSV inputs, alternating, best of
# ROUNDS each; prints both, the ratio and chipgate's peak RSS.
#
# usage: tests/bench/bench_batch_ratio.sh [BUILD_DIR] [N_ORDERS] [N_CUSTOMERS] [ROUNDS]
#        (defaults: ./build, 100000, 20000, 2)
# Chips: the 170 Epoch chips with chipgate's attributes, exported from a
# chipgate database into chipgate's chip CSV columns, so both sides read
# the same values. CSL=FILE imports a party list too (screening then
# runs; the baseline does not screen).
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
n=${2:-100000}
ncust=${3:-20000}
rounds=${4:-2}
cg=$build/chipgate
base=$here/tests/bench/baseline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHIPGATE_RULES=$here/rules

now() { python3 -c 'import time; print(time.time())'; }

db=$work/ready.db
"$cg" --db "$db" init --seed "$here/db/seed" >/dev/null
"$cg" --db "$db" import chips "$here/db/seed/epoch_ml_hardware.csv" --format epoch >/dev/null
"$cg" --db "$db" import chips "$here/db/seed/chip_attributes.csv" >/dev/null
if [ -n "${CSL:-}" ]; then
  "$cg" --db "$db" import parties "$CSL" --format csl-csv >/dev/null
fi
sqlite3 -csv -header "$db" "SELECT name, vendor, node, die_area_mm2,
  transistors_billion, datacenter, hbm, fp64_tflops, fp32_tflops,
  tf32_tflops, fp16_tflops, bf16_tflops, fp8_tflops, fp4_tflops,
  int8_tops, int4_tops, memory_bandwidth_gbs FROM chips
  WHERE kind = 'ic' ORDER BY id" >"$work/chips.csv"
python3 "$base/gen_orders.py" "$work/chips.csv" "$work" "$n" "$ncust"
"$cg" --db "$db" import customers "$work/customers.csv" >/dev/null
"$cg" --db "$db" import orders "$work/orders.csv" >/dev/null
echo "orders: $n, customers: $ncust, chips: $(($(wc -l <"$work/chips.csv") - 1))"

best_cg=; best_base=; rss=
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  cp "$db" "$work/run.db"
  rm -rf "$work/reports"
  sync
  t0=$(now)
  /usr/bin/time -f "%M" -o "$work/rss" "$cg" --db "$work/run.db" batch \
    --quiet --out "$work/reports" --formats json
  t1=$(now)
  t=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  r=$(cat "$work/rss")
  echo "round $i: chipgate batch $t s, peak RSS $((r / 1024)) MB"
  if [ -z "$best_cg" ] || python3 -c "import sys; sys.exit(not $t < $best_cg)"; then
    best_cg=$t
  fi
  if [ -z "$rss" ] || [ "$r" -gt "$rss" ]; then
    rss=$r
  fi
  b=$("$base/run_baseline.sh" "$work/chips.csv" "$work/customers.csv" \
    "$work/orders.csv" "$here/db/seed/country_groups.csv" \
    "$here/db/seed/workloads.csv" | sed -n 's/.* in \([0-9.]*\) s$/\1/p')
  echo "round $i: baseline $b s"
  if [ -z "$best_base" ] || python3 -c "import sys; sys.exit(not $b < $best_base)"; then
    best_base=$b
  fi
done
echo "best: chipgate $best_cg s ($(python3 -c "print(f'{$best_cg * 1e6 / $n:.0f}')") us/order), baseline $best_base s, ratio $(python3 -c "print(f'{$best_cg / $best_base:.2f}')")x, chipgate peak RSS $((rss / 1024)) MB (goal: ratio <= 2, RSS <= 100 MB)"
# The chain the last round wrote, verified end to end.
sync
t0=$(now)
"$cg" --db "$work/run.db" audit verify >/dev/null
t1=$(now)
echo "audit verify of $n decisions: $(python3 -c "print(f'{$t1 - $t0:.2f}')") s (goal at 1,000,000: <= 5 s)"
