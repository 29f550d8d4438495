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
. "$here/tests/bench/orders_db.sh"
orders_db "$cg" "$db" "$work" "$n" "$ncust"
echo "orders: $n, customers: $ncust, chips: $(($(wc -l <"$work/chips.csv") - 1))"

best_cg=; best_base=; rss=
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  cp "$db" "$work/run.db"
  rm -f "$work/run.db-screen-index"
  if [ -f "$db-screen-index" ]; then
    cp "$db-screen-index" "$work/run.db-screen-index"
  fi
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
