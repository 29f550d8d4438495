#!/bin/sh
# Man page test (ctest "man_pages"): every command that `chipgate --help`
# lists has its page chipgate-CMD(1), built from docs/man/chipgate-CMD.1.scd;
# every option its --help prints (and the --help of each of its
# subcommands) appears in that page; every page has the sections a
# command page needs; and man renders every page, chipgate(1) and
# chipgate-rules(5) included, without a single groff warning.
#
# usage: check_man.sh CHIPGATE MAN_DIR SOURCE_DIR
#   MAN_DIR: the build tree's roff pages (build/man)
set -eu
BIN=$1
MAN=$2
SRC=$3

T=$(mktemp -d "${TMPDIR:-/tmp}/cgman.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" # a command's --help must not need a database here
export LC_ALL=C.UTF-8 MANWIDTH=80
unset CHIPGATE_DB
fails=0
fail() {
  echo "man_pages: $*" >&2
  fails=$((fails + 1))
}

command -v man >/dev/null || {
  echo "man_pages: man not found: install the Debian package man-db" >&2
  exit 1
}

# Renders page $1 and fails on any warning or error man or groff prints.
render() {
  if ! man --warnings=w -l "$1" >"$T/page.txt" 2>"$T/page.err"; then
    fail "$1: man -l failed: $(head -3 "$T/page.err")"
  elif [ -s "$T/page.err" ]; then
    fail "$1: warnings from man -l --warnings: $(head -5 "$T/page.err")"
  elif [ ! -s "$T/page.txt" ]; then
    fail "$1: renders empty"
  fi
}

# The subcommands a help text names in its usage lines: the word after
# "chipgate CMD " when it is lower case ("audit verify", "rules
# lint|test|show", "list licenses|customers|chips").
subcommands() { # CMD HELP_FILE
  sed -n "s/^.*chipgate \(\[[^]]*\] \)*$1 \([a-z|-]*\)\( .*\)\{0,1\}$/\2/p" "$2" |
    tr '|' '\n' | grep -E '^[a-z][a-z-]*$' | sort -u || true
}

"$BIN" --help >"$T/help.txt"
cmds=$(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}' \
  "$T/help.txt")
[ -n "$cmds" ] || fail "no commands in chipgate --help"
ncmd=0
nopt=0
for cmd in $cmds; do
  ncmd=$((ncmd + 1))
  scd="$SRC/docs/man/chipgate-$cmd.1.scd"
  page="$MAN/chipgate-$cmd.1"
  if [ ! -f "$scd" ]; then
    fail "$cmd: no page: write docs/man/chipgate-$cmd.1.scd"
    continue
  fi
  [ -f "$page" ] || fail "$cmd: $page was not built (cmake --build)"
  for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES \
    "SEE ALSO"; do
    grep -qx "# $sec" "$scd" || fail "$scd: no section $sec"
  done
  grep -q "^chipgate-$cmd - " "$scd" ||
    fail "$scd: NAME is not \"chipgate-$cmd - what it does\""
  "$BIN" "$cmd" --help >"$T/$cmd.help" 2>&1 ||
    fail "$cmd --help: exit $?"
  for sub in $(subcommands "$cmd" "$T/$cmd.help"); do
    if "$BIN" "$cmd" "$sub" --help >"$T/sub.help" 2>&1; then
      cat "$T/sub.help" >>"$T/$cmd.help"
    else
      fail "$cmd $sub --help: exit $?"
    fi
  done
  for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$T/$cmd.help" | sort -u); do
    nopt=$((nopt + 1))
    # As an option (*--opt*), not only inside a longer one.
    grep -qE -- "$opt([^a-z0-9-]|\$)" "$scd" ||
      fail "$cmd: option $opt of chipgate $cmd --help is not in $scd"
  done
done

npage=0
for page in "$MAN"/*.[1-9]; do
  [ -f "$page" ] || continue
  npage=$((npage + 1))
  render "$page"
done
[ -f "$MAN/chipgate.1" ] || fail "no chipgate(1) page"
[ -f "$MAN/chipgate-rules.5" ] || fail "no chipgate-rules(5) page"
# Every page source is built (a misnamed .scd would be silently left out).
for scd in "$SRC"/docs/man/*.scd; do
  b=$(basename "$scd" .scd)
  [ -f "$MAN/$b" ] || fail "$scd: not built into $MAN/$b"
done

if [ "$fails" -ne 0 ]; then
  echo "man_pages: $fails problems" >&2
  exit 1
fi
echo "man_pages: $ncmd commands, $nopt options, $npage pages rendered: ok"
