#!/bin/sh
# The size limits of docs/style.md, checked by CI: no source file under
# src/ over 800 lines, no function over 100 lines (a function body runs
# from a "{" to a "}" in column 0, which clang-format guarantees).
# Prints each offender and exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.c' 'src/*.h')
bad=0
for f in $files; do
  n=$(wc -l <"$f")
  if [ "$n" -gt 800 ]; then
    echo "$f: $n lines (limit 800)"
    bad=1
  fi
done
long=$(for f in $files; do
  awk -v F="$f" '
    /^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0 }
    /^\{/ { start = NR; name = sig }
    /^\}/ && start {
      if (NR - start + 1 > 100)
        printf "%s:%d: %s: %d lines (limit 100)\n", F, start, name, NR - start + 1
      start = 0
    }' "$f"
done)
if [ -n "$long" ]; then
  echo "$long"
  bad=1
fi
exit $bad
