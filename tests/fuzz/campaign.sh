#!/bin/sh
# campaign.sh SECONDS JOBS OUT [BUILD_DIR] [TARGET...] -- the long fuzz
# campaign (README.md): every target built in BUILD_DIR (default
# build-fuzz) for SECONDS of wall time, JOBS targets at a time, each
# under nice -n 19 in libFuzzer's fork mode so that a crash is saved and
# the run goes on. OUT/<target>/ keeps the log, the grown corpus, the
# crash artifacts and the wall time; OUT/summary.txt gets one line per
# target (wall seconds, execs, cov, ft, corpus, crashes).
set -u

if [ "${1:-}" = --one ]; then
  # One target (called by xargs below with the settings in the
  # environment).
  set -- "$2"
  MODE=one
else
  MODE=all
fi

one() {
  t=$1
  d=$out/$t
  mkdir -p "$d/corpus" "$d/artifacts"
  cp "$here/corpus/$t"/* "$here/regress/$t"/* "$d/corpus/" 2>/dev/null
  dict=
  [ -f "$here/dict/$t.dict" ] && dict=-dict=$here/dict/$t.dict
  start=$(date +%s)
  (cd "$d" && CG_SOURCE_DIR=$src nice -n 19 "$bin/fuzz_$t" $dict \
     -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
     -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
     -artifact_prefix="$d/artifacts/" corpus >log 2>&1)
  end=$(date +%s)
  echo $((end - start)) >"$d/wall"
  # Fork mode's status lines: "#EXECS: cov: C ft: F corp: N exec/s: ..."
  last=$(grep -E '^#[0-9]+: cov:' "$d/log" | tail -1)
  execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  otc=$(echo "$last" | sed -n 's|.* oom/timeout/crash: \([0-9/]*\).*|\1|p')
  files=$(ls "$d/artifacts" | wc -l)
  printf '%-17s wall %5ss execs %10s cov %5s ft %6s corp %5s oom/timeout/crash %s artifacts %s\n' \
    "$t" "$(cat "$d/wall")" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
    "${otc:-?}" "$files" >>"$out/summary.txt"
}

if [ $MODE = one ]; then
  one "$1"
  exit 0
fi

if [ $# -lt 3 ]; then
  echo "usage: $0 SECONDS JOBS OUT [BUILD_DIR] [TARGET...]" >&2
  exit 2
fi
secs=$1
jobs=$2
out=$3
build=${4:-build-fuzz}
[ $# -ge 4 ] && shift 4 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=$(cd "$build/tests/fuzz" && pwd) || exit 2
mkdir -p "$out"
out=$(cd "$out" && pwd)
targets=${*:-$(ls "$bin" | sed -n 's/^fuzz_//p')}
export out here src bin secs
for t in $targets; do echo "$t"; done | xargs -P "$jobs" -n 1 "$0" --one
cat "$out/summary.txt"
