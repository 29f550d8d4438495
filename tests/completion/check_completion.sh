#!/bin/bash
# Completion test (ctest "completion"). bash: completion/chipgate.bash is
# sourced in `bash --norc` and its function called as bash calls it
# (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT set), against a demo
# database made by the built chipgate; COMPREPLY must hold what a user
# expects. zsh: completion/_chipgate must parse (zsh -n), and its function
# is run with compadd/_files stubbed to print what it would offer.
#
# usage: check_completion.sh CHIPGATE SOURCE_DIR
set -eu
BIN=$1
SRC=$2

T=$(mktemp -d "${TMPDIR:-/tmp}/cgcomp.XXXXXX")
trap 'rm -rf "$T"' EXIT
export CHIPGATE_DATA_DIR=${CHIPGATE_DATA_DIR:-$SRC}
unset CHIPGATE_DB CHIPGATE_RULES
mkdir "$T/bin" "$T/demo" "$T/empty"
ln -s "$BIN" "$T/bin/chipgate"
export PATH="$T/bin:$PATH"
(cd "$T/demo" && chipgate demo >/dev/null)
touch "$T/demo/orders-2026 Q4.csv"

fails=0
fail() {
  echo "completion: $*" >&2
  fails=$((fails + 1))
}

# The cases: the words of the command line (the last is the word being
# completed), a tab, then the candidates that must be offered, separated
# by "|" (each exactly as COMPREPLY holds it: escaped for the command
# line, raw inside an opened quote or for a file name, which readline
# quotes), or "-" for none at all. Run in $T/demo.
cat >"$T/cases" <<'EOF'
chipgate ''	init|check|batch|audit|complete
chipgate c	check|classify|cancel|complete
chipgate --	--db|--rules|--help|--version
chipgate check --	--chip|--customer|--dest|--qty|--date|--format|--from-us|--help
chipgate check --cu	--customer|--customer-hq
chipgate check --format ''	text|json
chipgate report --format ''	md|html|json|csv
chipgate import orders x.csv --input-format ''	csv|epoch|csl-csv|csl-json|ofac
chipgate import orders x.csv --format ''	text|json
chipgate check --role ''	fab|osat|distributor
chipgate audit ''	verify|head|show
chipgate rules ''	lint|test|show
chipgate screen ''	clear|revoke|history
chipgate sync ''	lists|orders
chipgate audit verify --	--anchor|--help
chipgate audit show --	--since|--order
chipgate check --chip 'NVIDIA\ H10'	NVIDIA\ H100\ NVL|NVIDIA\ H100\ PCIe|NVIDIA\ H100\ SXM5\ 80GB
chipgate check --chip '"NVIDIA H10'	NVIDIA H100 NVL
chipgate --db chipgate.db check --customer 'Nordic\ '	Nordic\ AI\ Cloud\ AB
chipgate --db '"./chipgate.db"' check --customer 'Nordic\ '	Nordic\ AI\ Cloud\ AB
chipgate classify 'AMD\ Instinct\ MI300'	AMD\ Instinct\ MI300A|AMD\ Instinct\ MI300X
chipgate review O-104	O-1040|O-1041
chipgate show order O-101	O-1010|O-1019
chipgate rules show EAR.744.23.h	EAR.744.23.hq
chipgate import orders orders-	orders-2026 Q4.csv
chipgate --db /nonexistent/x.db check --chip NV	-
EOF

# Runs every case in one bash --norc; prints "CASE<TAB>reply..." lines.
cat >"$T/drive.bash" <<EOF
source "$SRC/completion/chipgate.bash"
complete -p chipgate >/dev/null || { echo "no complete -F for chipgate"; exit 1; }
cd "$T/demo"
while IFS=\$'\t' read -r line want; do
  eval "COMP_WORDS=(\$line)"
  COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
  COMP_LINE="\${COMP_WORDS[*]}"
  COMP_POINT=\${#COMP_LINE}
  COMPREPLY=()
  _chipgate chipgate "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD - 1]}"
  printf '%s' "\$line"
  printf '\t%s' "\${COMPREPLY[@]}"
  printf '\n'
done <"$T/cases"
EOF
bash --norc "$T/drive.bash" >"$T/replies" 2>"$T/drive.err" ||
  fail "bash driver failed: $(cat "$T/drive.err" "$T/replies")"
[ -s "$T/drive.err" ] && fail "completion printed on stderr: $(head -3 "$T/drive.err")"

# Checks each case's reply against its wanted candidates.
ncase=0
while IFS=$'\t' read -r line want; do
  ncase=$((ncase + 1))
  got=$(awk -F'\t' -v l="$line" '$1 == l { for (i = 2; i <= NF; i++) print $i; exit }' \
    "$T/replies")
  if [ "$want" = "-" ]; then
    [ -z "$got" ] || fail "$line: expected nothing, got: $(echo $got)"
    continue
  fi
  IFS='|' read -r -a wants <<<"$want"
  for w in "${wants[@]}"; do
    grep -qxF -- "$w" <<<"$got" || fail "$line: no \"$w\" in: $(echo $got)"
  done
done <"$T/cases"

# Option lists come from --help: what check offers is what it takes.
chipgate check --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$T/check.opts"
awk -F'\t' '$1 == "chipgate check --" { for (i = 2; i <= NF; i++) print $i }' \
  "$T/replies" | grep -v -x -- --help | sort -u >"$T/check.offered"
cmp -s "$T/check.opts" "$T/check.offered" ||
  fail "check's options offered differ from its --help: $(diff "$T/check.opts" "$T/check.offered" | tr '\n' ' ')"

# The subcommand words the script keeps are the ones the help names.
for cmd in import list audit rules screen webhook sync show complete; do
  words=$(bash --norc -c "source '$SRC/completion/chipgate.bash'; echo \${_chipgate_subs[$cmd]}")
  [ -n "$words" ] || fail "$cmd: no subcommand words in chipgate.bash"
  h=$(cd "$T/empty" && chipgate "$cmd" --help 2>&1)
  for w in $words; do
    grep -qE -- "(^|[^a-z-])$w([^a-z-]|\$)" <<<"$h" ||
      fail "chipgate.bash offers \"$cmd $w\", which chipgate $cmd --help does not name"
  done
done

# zsh: the file parses, and its function offers the same things.
if ! command -v zsh >/dev/null; then
  fail "zsh not found: install the Debian package zsh (scripts/packages.txt)"
else
  zsh -n "$SRC/completion/_chipgate" || fail "completion/_chipgate does not parse"
  head -1 "$SRC/completion/_chipgate" | grep -qx '#compdef chipgate' ||
    fail "completion/_chipgate does not start with #compdef chipgate"
  cat >"$T/drive.zsh" <<EOF
compadd() { if [[ \$1 == -a ]]; then print -rl -- \${(P)2}; else [[ \$1 == -- ]] && shift; print -rl -- "\$@"; fi }
_files() { print -r -- "FILES \$*" }
_describe() { print -rl -- \${\${(P)4}%%:*} }
autoload -Uz +X "$SRC/completion/_chipgate" 2>/dev/null || source "$SRC/completion/_chipgate" >/dev/null 2>&1
t() { words=("\$@"); CURRENT=\$#; PREFIX=\$words[CURRENT]; _chipgate }
cd "$T/demo"
print -- "== commands"; t chipgate ""
print -- "== check opts"; t chipgate check --
print -- "== report format"; t chipgate report --format ""
print -- "== chip"; t chipgate check --chip "NVIDIA H10"
print -- "== audit"; t chipgate audit ""
print -- "== file"; t chipgate import orders ""
EOF
  zsh -f "$T/drive.zsh" >"$T/zsh.out" 2>"$T/zsh.err" ||
    fail "zsh driver failed: $(cat "$T/zsh.err")"
  for w in "== commands" check batch "== check opts" --chip --format \
    "== report format" md html "== chip" "NVIDIA H100 NVL" "== audit" verify \
    "== file" "FILES"; do
    grep -qxF -- "$w" "$T/zsh.out" || grep -qF -- "$w" "$T/zsh.out" ||
      fail "zsh: nothing like \"$w\" offered: $(tr '\n' ' ' <"$T/zsh.out" | cut -c1-300)"
  done
fi

if [ "$fails" -ne 0 ]; then
  echo "completion: $fails problems" >&2
  exit 1
fi
echo "completion: $ncase bash cases, zsh: ok"
