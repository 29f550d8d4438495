#!/bin/bash
# Example tests: the examples printed to users are run as printed.
#
#   help (ctest "help_examples"): for every command of `chipgate --help`
#     and every subcommand its usage names, each line of its --help that
#     starts with two blanks and "$ chipgate " is run, in a copy of a
#     folder holding a fresh `chipgate demo` database, one copy per help
#     text, the lines in order.
#   man (ctest "man_examples"): each line starting with "$ " inside a
#     ``` block of docs/man/*.scd is run the same way, one copy per page;
#     /usr/share/chipgate/ in a line means the data folder
#     ($CHIPGATE_DATA_DIR, set by ctest to the source tree). Lines without
#     "$ " (network examples, crontab lines) are shown, not run.
#
# A line passes when it exits 0, or N when it ends in "# exit N".
# `chipgate` in a line is the built binary (first on PATH).
#
# usage: check_examples.sh help|man CHIPGATE SOURCE_DIR
set -eu
MODE=$1
BIN=$2
SRC=$3

# Commands whose --help must show at least one example. The lead adds
# each command here once its help text has examples.
REQUIRE_EXAMPLES="init demo classify check rules list show review nac ship cancel complete token"

T=$(mktemp -d "${TMPDIR:-/tmp}/cgexamples.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CHIPGATE_DATA_DIR=${CHIPGATE_DATA_DIR:-$SRC}
unset CHIPGATE_DB CHIPGATE_RULES NO_COLOR
mkdir "$T/bin" "$T/demo"
ln -s "$BIN" "$T/bin/chipgate"
export PATH="$T/bin:$PATH"
(cd "$T/demo" && chipgate demo >/dev/null) || {
  echo "examples: chipgate demo failed" >&2
  exit 1
}

fails=0
runs=0
# Runs the example lines of file $2 (one per line, "$ " removed) for
# source $1, in a fresh copy of the demo folder.
run_lines() {
  local what=$1 lines=$2 dir line want rc n=0
  dir="$T/run.$(echo "$what" | tr -c 'a-zA-Z0-9\n' '_')"
  rm -rf "$dir"
  cp -r "$T/demo" "$dir"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    n=$((n + 1))
    runs=$((runs + 1))
    want=0
    if [[ $line =~ \#\ exit\ ([0-9]+)[[:space:]]*$ ]]; then
      want=${BASH_REMATCH[1]}
    fi
    line=${line//\/usr\/share\/chipgate\//$CHIPGATE_DATA_DIR/}
    rc=0
    (cd "$dir" && bash -c "$line") >"$T/out" 2>&1 </dev/null || rc=$?
    if [ "$rc" -ne "$want" ]; then
      echo "examples: $what: \$ $line" >&2
      echo "  exit $rc, expected $want; output:" >&2
      sed 's/^/  | /' "$T/out" | head -15 >&2
      fails=$((fails + 1))
    fi
  done <"$lines"
  EXAMPLES_RUN=$n
}

subcommands() { # CMD HELP_FILE, as tests/man/check_man.sh
  sed -n "s/^.*chipgate \(\[[^]]*\] \)*$1 \([a-z|-]*\)\( .*\)\{0,1\}$/\2/p" "$2" |
    tr '|' '\n' | grep -E '^[a-z][a-z-]*$' | sort -u || true
}

help_mode() {
  local cmds cmd sub h
  chipgate --help >"$T/help.txt"
  cmds=$(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}' \
    "$T/help.txt")
  for cmd in $cmds; do
    (cd "$T" && chipgate "$cmd" --help) >"$T/h.$cmd" 2>&1 || true
    local total=0
    for h in "" $(subcommands "$cmd" "$T/h.$cmd"); do
      if [ -n "$h" ]; then
        (cd "$T" && chipgate "$cmd" "$h" --help) >"$T/h.$cmd.$h" 2>&1 || true
        # A subcommand that prints its command's help: counted once.
        cmp -s "$T/h.$cmd" "$T/h.$cmd.$h" && continue
        sub="$cmd $h"
      else
        sub=$cmd
      fi
      sed -n 's/^  \$ \(chipgate .*\)$/\1/p' "$T/h.$cmd${h:+.$h}" >"$T/lines"
      run_lines "chipgate $sub --help" "$T/lines"
      total=$((total + EXAMPLES_RUN))
    done
    if [ "$total" -eq 0 ] && [[ " $REQUIRE_EXAMPLES " == *" $cmd "* ]]; then
      echo "examples: chipgate $cmd --help shows no example" \
        "(a line \"  \$ chipgate $cmd ...\")" >&2
      fails=$((fails + 1))
    fi
  done
}

man_mode() {
  local scd
  for scd in "$SRC"/docs/man/*.scd; do
    # Lines of ``` blocks that start with "$ ".
    awk '/^```/{on=!on; next} on && /^\$ /{sub(/^\$ /, ""); print}' "$scd" \
      >"$T/lines"
    if grep -n '\\' "$T/lines" >&2; then
      echo "examples: $scd: a backslash in an example (scdoc and the shell" \
        "read it differently)" >&2
      fails=$((fails + 1))
    fi
    run_lines "$(basename "$scd")" "$T/lines"
  done
}

case $MODE in
help) help_mode ;;
man) man_mode ;;
*)
  echo "usage: check_examples.sh help|man CHIPGATE SOURCE_DIR" >&2
  exit 64
  ;;
esac

if [ "$fails" -ne 0 ]; then
  echo "examples ($MODE): $fails failed of $runs" >&2
  exit 1
fi
echo "examples ($MODE): $runs run, all as expected"
