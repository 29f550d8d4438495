#!/bin/sh
# Install test (ctest "install"): `cmake --install` into a temporary prefix,
# then the installed binary runs `demo` and `rules test` from an empty
# folder with no chipgate variable set, reading only what was installed.
# Also checks the two other places the binary looks for its data: the
# build tree's chipgate-data-dir file and $CHIPGATE_DATA_DIR.
#
# usage: check_install.sh CMAKE BUILD_DIR SOURCE_DIR BUILD_TREE_BINARY
set -eu
CMAKE=$1
BUILD=$2
SRC=$(cd "$3" && pwd -P)
BIN=$4

fail() {
  echo "install test: $*" >&2
  exit 1
}

unset CHIPGATE_DATA_DIR CHIPGATE_RULES CHIPGATE_DB CG_SOURCE_DIR
T=$(mktemp -d "${TMPDIR:-/tmp}/cginstall.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir "$T/p" "$T/empty"
P=$(cd "$T/p" && pwd -P)

"$CMAKE" --install "$BUILD" --prefix "$P" >"$T/install.log" ||
  fail "cmake --install failed: $(cat "$T/install.log")"

# What was installed: the binary, its data, man pages and completion,
# nothing else.
[ -x "$P/bin/chipgate" ] || fail "no $P/bin/chipgate"
for d in rules rules/us-ear db/seed; do
  [ -d "$P/share/chipgate/$d" ] || fail "no $P/share/chipgate/$d"
done
[ -f "$P/share/chipgate/db/seed/countries.csv" ] || fail "seed data missing"
others=$(cd "$P" && find . -type f ! -path ./bin/chipgate \
  ! -path './share/chipgate/rules/*' ! -path './share/chipgate/db/seed/*' \
  ! -path './share/man/man1/chipgate*.1' ! -path './share/man/man5/chipgate-rules.5' \
  ! -path ./share/bash-completion/completions/chipgate \
  ! -path ./share/zsh/vendor-completions/_chipgate)
[ -z "$others" ] || fail "unexpected installed files: $others"

# Man pages and completion: `man chipgate-check` finds the installed page
# (MANPATH names only the prefix) and renders it.
for f in share/man/man1/chipgate.1 share/man/man1/chipgate-check.1 \
  share/man/man5/chipgate-rules.5 share/bash-completion/completions/chipgate \
  share/zsh/vendor-completions/_chipgate; do
  [ -s "$P/$f" ] || fail "no $P/$f"
done
if command -v man >/dev/null; then
  page=$(MANPATH="$P/share/man" man -w chipgate-check 2>&1) ||
    fail "man -w chipgate-check: $page"
  [ "$page" = "$P/share/man/man1/chipgate-check.1" ] ||
    fail "man chipgate-check finds $page, not the installed page"
  MANPATH="$P/share/man" MANWIDTH=80 LC_ALL=C.UTF-8 man chipgate-check \
    >"$T/man.out" 2>&1 || fail "man chipgate-check failed: $(head -3 "$T/man.out")"
  grep -q "chipgate-check - decide one order" "$T/man.out" ||
    fail "man chipgate-check: $(head -5 "$T/man.out")"
  MANPATH="$P/share/man" man -w 5 chipgate-rules >/dev/null 2>&1 ||
    fail "man 5 chipgate-rules: not found under $P/share/man"
else
  fail "man not found: install the Debian package man-db"
fi

# The installed binary names its installed data folders.
cd "$T/empty"
"$P/bin/chipgate" --version >"$T/version.out" || fail "--version failed"
grep -qx "rules: $P/share/chipgate/rules" "$T/version.out" ||
  fail "installed rules not used: $(cat "$T/version.out")"
grep -qx "seed:  $P/share/chipgate/db/seed" "$T/version.out" ||
  fail "installed seed not used: $(cat "$T/version.out")"

# With strace (if it works here), record every file the runs touch.
TRACE=
if strace -f -qq -o /dev/null true 2>/dev/null; then
  TRACE="strace -f -qq -e trace=%file -o"
fi
run() { # run NAME ARGS...: the installed chipgate, traced if possible
  name=$1
  shift
  if [ -n "$TRACE" ]; then
    # LeakSanitizer cannot run under ptrace; other tests check for leaks.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      $TRACE "$T/$name.trace" "$P/bin/chipgate" "$@" >"$T/$name.out" 2>&1
  else
    "$P/bin/chipgate" "$@" >"$T/$name.out" 2>&1
  fi
}

run demo demo || fail "chipgate demo failed: $(cat "$T/demo.out")"
for f in chipgate.db reports/demo/report.html reports/demo/report.md \
  reports/demo/report.json reports/demo/report.csv; do
  [ -s "$f" ] || fail "demo wrote no $f"
done
run rules rules test || fail "chipgate rules test failed: $(cat "$T/rules.out")"
grep -q "^[1-9][0-9]* passed, 0 failed$" "$T/rules.out" ||
  fail "rules test: $(tail -1 "$T/rules.out")"

if [ -n "$TRACE" ]; then
  # Nothing under the source tree was opened or looked at.
  if grep -F "\"$SRC/" "$T/demo.trace" "$T/rules.trace" >"$T/src.hits"; then
    fail "the installed binary read the source tree: $(head -3 "$T/src.hits")"
  fi
  grep -q "\"$P/share/chipgate/db/seed/countries.csv\"" "$T/demo.trace" ||
    fail "the demo did not read the installed seed data"
else
  echo "install test: strace unavailable, file accesses not checked"
fi

# $CHIPGATE_DATA_DIR is the only place looked in when it is set.
mkdir "$T/nodata" "$T/empty2"
cd "$T/empty2"
set +e
CHIPGATE_DATA_DIR="$T/nodata" "$P/bin/chipgate" demo >/dev/null 2>"$T/nodata.err"
rc=$?
set -e
[ "$rc" -eq 66 ] || fail "demo with an empty CHIPGATE_DATA_DIR: exit $rc, not 66"
grep -q "cannot find db/seed" "$T/nodata.err" ||
  fail "no 'cannot find db/seed' message: $(cat "$T/nodata.err")"
# ... and a rule pack in the working folder is never used in its place:
# a typo must not decide with whatever ./rules holds.
cp -r "$SRC/rules" "$T/empty2/rules"
set +e
CHIPGATE_DATA_DIR="$T/nodata" "$P/bin/chipgate" rules test >/dev/null \
  2>"$T/norules.err"
rc=$?
set -e
[ "$rc" -eq 66 ] || fail "rules test with no pack found used ./rules: exit $rc"
grep -q "no rule pack found" "$T/norules.err" ||
  fail "no 'no rule pack found' message: $(cat "$T/norules.err")"
CHIPGATE_DATA_DIR="$SRC" "$P/bin/chipgate" --version >"$T/version2.out"
grep -qx "seed:  $SRC/db/seed" "$T/version2.out" ||
  fail "CHIPGATE_DATA_DIR not used: $(cat "$T/version2.out")"

# A binary in the build tree reads the source tree it was built from.
"$BIN" --version >"$T/version3.out"
grep -qx "rules: $SRC/rules" "$T/version3.out" ||
  fail "build-tree binary does not find $SRC/rules: $(cat "$T/version3.out")"

echo "install test: ok ($P)"
