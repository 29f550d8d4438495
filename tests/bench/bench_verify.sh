#!/bin/sh
# `chipgate audit verify` (issue 14: the 1M chain in at most 5 s): times
# ROUNDS runs on a decided database and prints the best wall time, the
# CPU time of that run (user + sys: on a shared machine the wall time
# only means something next to it) and decisions per second.
#
# usage: tests/bench/bench_verify.sh [BUILD_DIR] [N_ORDERS | DB] [ROUNDS]
#        (defaults: ./build, 100000, 3)
# DB: an existing decided database, verified in place (verify writes
# nothing). N_ORDERS: a database is made as bench_batch_ratio.sh makes
# its own (Epoch chips, gen_orders.py with N_ORDERS / 5 customers, CSL=FILE
# imports a party list), decided by `batch --quiet`, in a temporary
# folder; KEEP=FILE copies it there for later runs.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
what=${2:-100000}
rounds=${3:-3}
cg=$build/chipgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHIPGATE_RULES="$here/rules"

if [ -f "$what" ]; then
  db=$what
else
  n=$what
  db=$work/bench.db
  . "$here/tests/bench/orders_db.sh"
  orders_db "$cg" "$db" "$work" "$n" $((n / 5 > 0 ? n / 5 : 1))
  echo "deciding $n orders..."
  "$cg" --db "$db" batch --quiet
  if [ -n "${KEEP:-}" ]; then
    sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    cp "$db" "$KEEP"
  fi
fi

# A first read brings the file into the page cache, as it is on a
# machine that just wrote it; it is not counted.
"$cg" --db "$db" audit verify >"$work/out"
entries=$(sed -n 's/^audit log intact: \([0-9]*\) .*/\1/p' "$work/out")
if [ -z "$entries" ]; then
  cat "$work/out"
  echo "bench_verify: the log does not verify" >&2
  exit 1
fi
best=; best_cpu=
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$cg" --db "$db" audit verify \
    >/dev/null
  read -r wall user sys <"$work/time"
  cpu=$(python3 -c "print(f'{$user + $sys:.2f}')")
  echo "round $i: $wall s wall, $cpu s CPU"
  if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $wall < $best)"; then
    best=$wall
    best_cpu=$cpu
  fi
done
echo "best: $entries entries verified in $best s ($best_cpu s CPU), $(python3 -c "print(f'{$entries / max($best, 0.005):,.0f}')") entries/s (goal: 1,000,000 in <= 5 s)"
