#!/bin/sh
# run.sh [SECONDS] [BUILD_DIR] -- runs every fuzz target built in BUILD_DIR
# (default build-fuzz, made with CC=clang cmake -DCG_FUZZ=ON) for SECONDS
# each (default 15), one after the other, each from a copy of its seed
# corpus and regression inputs in a temporary folder, with its dictionary.
# Builds nothing. Exits 1 if any target crashed, leaked, timed out or ran
# out of memory, printing the reproducer's path (kept with the log) and
# how to replay it; 2 on a usage error.
#
# Environment: CG_FUZZ_TARGETS="rules names" runs only those;
# CG_FUZZ_KEEP=1 keeps the temporary folders of clean runs too.
set -u

secs=${1:-15}
build=${2:-build-fuzz}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

case $secs in
'' | *[!0-9]*) echo "usage: $0 [SECONDS] [BUILD_DIR]" >&2; exit 2 ;;
esac
bin=$build/tests/fuzz
if [ ! -d "$bin" ]; then
  echo "run.sh: no fuzz build in $build (CC=clang cmake -S . -B $build" \
       "-DCG_FUZZ=ON && cmake --build $build)" >&2
  exit 2
fi
targets=${CG_FUZZ_TARGETS:-$(ls "$here"/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')}

failed=0
ran=0
for t in $targets; do
  exe=$bin/fuzz_$t
  [ -x "$exe" ] || continue  # a helper source (fuzz_common.c ...), not a target
  work=$(mktemp -d "${TMPDIR:-/tmp}/cgfuzz-$t-XXXXXX")
  mkdir -p "$work/corpus" "$work/artifacts"
  cp "$here/corpus/$t"/* "$work/corpus/" 2>/dev/null
  cp "$here/regress/$t"/* "$work/corpus/" 2>/dev/null
  dict=
  [ -f "$here/dict/$t.dict" ] && dict=-dict=$here/dict/$t.dict
  CG_SOURCE_DIR=$src "$exe" $dict -max_total_time="$secs" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
  rc=$?
  ran=$((ran + 1))
  # "#EXECS DONE cov: C ft: F corp: N/SIZE ..."
  stats=$(grep -E '^#[0-9]+.*DONE' "$work/log" | tail -1 |
            sed 's/^#\([0-9]*\)[^c]*\(cov: [0-9]* ft: [0-9]* corp: [^ ]*\).*/\1 execs, \2/')
  if [ $rc -ne 0 ] || [ -n "$(ls "$work/artifacts")" ]; then
    failed=1
    echo "FAIL fuzz_$t (exit $rc): log $work/log"
    for a in "$work/artifacts"/*; do
      [ -e "$a" ] || continue
      echo "  reproducer: $a"
      echo "  replay:     CG_SOURCE_DIR=$src $exe $a"
    done
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$work/log" | head -5 | sed 's/^/  /'
  else
    echo "ok   fuzz_$t ${secs}s: $stats"
    [ "${CG_FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work"
  fi
done
if [ $ran -eq 0 ]; then
  echo "run.sh: no fuzz target found in $bin" >&2
  exit 2
fi
exit $failed
