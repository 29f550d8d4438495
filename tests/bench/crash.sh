#!/bin/sh
# crash.sh -- the long run of tests/check_crash.c: kill -9 at POINTS seeded
# points (default 100) in each crash scenario, in chunks of CHUNK (10)
# points, each chunk with its own seed, so one failure costs only the rest
# of its chunk and names the seed and point that replay it.
#
# usage: tests/bench/crash.sh [BUILD_DIR] [SCENARIO...]
#   BUILD_DIR  a build folder with check_crash and chipgate-faulty (build)
#   SCENARIO   batch redecide import sync-lists webhook-deliver (all)
# env: POINTS (100), CHUNK (10), CG_CRASH_SEED (first seed; default from
#      the clock, printed). Replay one failure as it says:
#      CG_CRASH_SEED=S CG_CRASH_POINT=KIND:N CK_RUN_CASE=SCENARIO \
#        BUILD_DIR/check_crash
# Exits 1 if any point failed.
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
scenarios=${*:-batch redecide import sync-lists webhook-deliver}
points=${POINTS:-100}
chunk=${CHUNK:-10}
seed0=${CG_CRASH_SEED:-$(printf '0x%x' "$(($(date +%s) * 65536 + $$ % 65536))")}
[ -x "$build/check_crash" ] || { echo "no $build/check_crash" >&2; exit 64; }
log=$(mktemp -d "${TMPDIR:-/tmp}/cgcrash-bench.XXXXXX")
echo "crash bench: $points points per scenario in chunks of $chunk, first seed $seed0, logs in $log"
summary=""
bad=0
for s in $scenarios; do
  done_pts=0 killed=0 past=0 fails=0 i=0 t0=$(date +%s)
  while [ "$done_pts" -lt "$points" ]; do
    n=$chunk
    [ $((points - done_pts)) -lt "$n" ] && n=$((points - done_pts))
    seed=$(printf '0x%x' $((seed0 + i)))
    out="$log/$s.$i.log"
    CK_RUN_CASE=$s CG_CRASH_SEED=$seed CG_CRASH_ITERS=$n \
      "$build/check_crash" >"$out" 2>&1
    rc=$?
    line=$(grep "^crash $s: seed .* failures" "$out")
    if [ "$rc" -eq 0 ] && [ -n "$line" ]; then
      k=$(echo "$line" | sed -n 's/.*), \([0-9]*\) killed, \([0-9]*\) past.*/\1 \2/p')
      killed=$((killed + ${k% *}))
      past=$((past + ${k#* }))
      echo "  $s seed $seed: $n points ok (${k% *} killed)"
    else
      fails=$((fails + 1))
      bad=1
      echo "  $s seed $seed: FAILED: $(grep -m1 -E ':[FE]:' "$out" | sed 's/^.*:[FE]:[^:]*:[^:]*:[0-9]*: //')"
    fi
    done_pts=$((done_pts + n))
    i=$((i + 1))
  done
  secs=$(($(date +%s) - t0))
  summary="$summary
$s: $points points from seeds $seed0.. (+$((i - 1))): $killed killed, $past past the end, $fails failed chunks, ${secs}s"
  seed0=$(printf '0x%x' $((seed0 + i)))
done
echo "crash bench summary:$summary"
exit $bad
