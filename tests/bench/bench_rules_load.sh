#!/bin/sh
# Rule-pack loading time against the pack's size (issue 12: loading was
# quadratic in the number of rules, 10k rules 0.16 s, 100k 42.8 s).
# Generates N rules (decide rules reading facts, a classify rule every
# 100th with its own ECCN and a relief every 50th) into a scratch folder
# and times `chipgate rules lint`, which parses, checks and compiles the
# pack. Usage: tests/bench/bench_rules_load.sh [BUILD_DIR] [N...]
# (default N: 10000 100000).
#
# Measured 2026-11-29, Release builds, shared 2-core machine at load ~12
# (so user CPU time is the comparable number), `rules lint` on 10k/100k
# generated decide rules, /usr/bin/time:
#   before (96515f1): 10k 0.51 s user; 100k 372.7 s user (1192 s wall)
#   after:            10k 0.05-0.08 s user; 100k 0.62-0.67 s user (5.5 s wall)
# The quadratic steps were in src/rules/check.c: a linear scan of all
# rules per rule for duplicate ids and relieves targets, and per string
# literal for ECCN interning in cg_compile (perf: strcmp + cg_compile).
set -eu
build=${1:-build}
shift 2>/dev/null || true
[ $# -gt 0 ] || set -- 10000 100000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in "$@"; do
  mkdir -p "$tmp/r$n"
  awk -v n="$n" 'BEGIN {
    for(i = 0; i < n; i++) {
      if(i % 100 == 0) {
        printf "rule GEN.c%d\n  title \"classify %d\"\n  cite \"none\"\n", i, i
        printf "  when chip.tpp >= %d\n  then classify \"9X%03d\"\n\n", 100000 + i, i % 1000
      }
      printf "rule GEN.r%d\n  title \"generated %d\"\n  cite \"none\"\n", i, i
      printf "  when chip.tpp >= %d and dest in [\"CN\"]\n", 1000 + i
      if(i % 50 == 1)
        printf "  then exception \"gen %d\" relieves GEN.r%d\n\n", i, i - 1
      else
        printf "  then hold \"gen %d\"\n\n", i
    }
  }' >"$tmp/r$n/10-gen.rules"
  start=$(date +%s.%N)
  "$build/chipgate" --rules "$tmp/r$n" rules lint
  end=$(date +%s.%N)
  echo "rules=$n seconds=$(echo "$end - $start" | bc)"
done
