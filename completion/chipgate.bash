# bash completion for chipgate                       -*- shell-script -*-
#
# Installed as share/bash-completion/completions/chipgate; or source it.
# Needs nothing from the bash-completion package.
#
# Commands and options are read from chipgate's own help at completion
# time (`chipgate --help`, `chipgate CMD --help`, once per shell), so they
# can never drift from the binary that is installed. Chip, customer and
# order names come from `chipgate complete`, which reads the database
# named by --db (or $CHIPGATE_DB) and prints nothing when there is none.

# Subcommand words of the commands that have them; tests/completion
# checks each against the command's --help.
declare -gA _chipgate_subs=(
  [import]="chips customers licenses orders parties"
  [list]="orders licenses customers chips clearances"
  [audit]="verify head show"
  [rules]="lint test show"
  [screen]="clear revoke history"
  [webhook]="add list remove enable deliver"
  [token]="add list revoke"
  [sync]="lists orders"
  [show]="order"
  [complete]="chips customers orders"
)
declare -gA _chipgate_help=()

# The help text of a command ("" for the top level), cached.
_chipgate_help_of() {
  local key=${1:-.}
  if [[ -z ${_chipgate_help[$key]} ]]; then  # an empty answer is not kept
    if [[ $key == . ]]; then
      _chipgate_help[$key]=$("$_chipgate_bin" --help 2>/dev/null)
    else
      _chipgate_help[$key]=$("$_chipgate_bin" "$1" --help 2>/dev/null)
    fi
  fi
  REPLY=${_chipgate_help[$key]}
}

# Every --option named in text $1, one per line.
_chipgate_opts_in() {
  grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u
}

# The options of command $1 (and subcommand $2): those of the usage lines
# that name the subcommand, or of the whole help when none does (or when
# a line defers to options described below it, as sync's NET OPTIONS).
_chipgate_cmd_opts() {
  local cmd=$1 sub=$2 help usage entries
  _chipgate_help_of "$cmd"
  help=$REPLY
  if [[ -n $sub ]]; then
    usage=$(sed '/^[[:space:]]*$/,$d' <<<"$help")
    # One usage entry per line: continuation lines joined to theirs.
    entries=$(awk '/^(usage:)?[[:space:]]*chipgate /{if(e!="")print e; e=$0; next}
                   {e=e " " $0} END{if(e!="")print e}' <<<"$usage" |
      grep -E -- " $cmd ([a-z|-]*\|)?$sub(\||[[:space:]]|$)")
    if [[ -n $entries && $entries != *"OPTIONS]"* ]]; then
      help=$entries
    fi
  fi
  _chipgate_opts_in "$help"
  echo --help
}

# The values help text $1 lists for option $2 ("--format text|json"),
# all of them when it is shown with several lists (import's kinds).
_chipgate_opt_values() {
  grep -oE -- "$2 [a-z0-9_-]+(\|[a-z0-9_-]+)+" <<<"$1" |
    sed "s/^$2 //" | tr '|' '\n' | sort -u
}

# Sets COMPREPLY to the words of $1 (newline-separated) starting with
# $cur, quoted for the command line: backslash-escaped, or as they are
# when the user opened a quote (readline closes it).
_chipgate_reply() {
  local w q=
  COMPREPLY=()
  [[ $cur == [\"\']* ]] && q=1
  while IFS= read -r w; do
    [[ -z $w || $w != "$_chipgate_prefix"* ]] && continue
    if [[ -n $q ]]; then
      COMPREPLY+=("$w")
    else
      COMPREPLY+=("$(printf '%q' "$w")")
    fi
  done <<<"$1"
}

# A word as the shell will pass it: quotes and escapes removed, ~ expanded.
_chipgate_dequote() {
  local w=$1
  case $w in
  \"*\") w=${w:1:${#w}-2} ;;
  \'*\') w=${w:1:${#w}-2} ;;
  *) w=${w//\\/} ;;
  esac
  printf '%s' "${w/#\~/$HOME}"
}

_chipgate_names() { # chips|customers|orders
  _chipgate_reply "$("$_chipgate_bin" "${_chipgate_global[@]}" complete \
    "$1" "$_chipgate_prefix" 2>/dev/null)"
}

_chipgate_files() { # $1: -d for folders only
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen ${1:--f} -- "$_chipgate_prefix"))
}

# Completes the value of option $prev; returns 1 when it takes none.
_chipgate_value() {
  local help=$1 vals
  case $prev in
  --db | --secret-file | --cacert) _chipgate_files -f; return 0 ;;
  --rules | --seed | --out) _chipgate_files -d; return 0 ;;
  --chip) _chipgate_names chips; return 0 ;;
  --customer) _chipgate_names customers; return 0 ;;
  --order) _chipgate_names orders; return 0 ;;
  # Named in list's help as prose, not as a|b lists.
  --state) _chipgate_reply $'pending\nopen\nreleasable\nshipped\ncancelled'; return 0 ;;
  --outcome)
    _chipgate_reply $'nlr\nexception\nlicensed\nnotify\nhold\nlicense_required\ndeny'
    return 0 ;;
  esac
  vals=$(_chipgate_opt_values "$help" "$prev")
  if [[ -n $vals ]]; then
    _chipgate_reply "$vals"
    return 0
  fi
  # An option shown with a value placeholder ("--qty N"): nothing to offer,
  # but the word is its value, not an option or argument.
  if grep -qE -- "$prev [A-Z][A-Z0-9_:.-]*" <<<"$help"; then
    COMPREPLY=()
    return 0
  fi
  return 1
}

# Positional arguments: $1 command, $2 subcommand (or first argument),
# $3 how many arguments precede the current word.
_chipgate_args() {
  local cmd=$1 sub=$2 n=$3
  if [[ -n ${_chipgate_subs[$cmd]} && $n -eq 0 ]]; then
    _chipgate_reply "$(tr ' ' '\n' <<<"${_chipgate_subs[$cmd]}")"
    return
  fi
  case $cmd:$sub in
  classify:*) _chipgate_names chips ;;
  import:*) _chipgate_files -f ;;
  review:* | nac:* | ship:* | cancel:* | report:* | show:order)
    [[ $cmd == show || $n -eq 0 ]] && _chipgate_names orders ;;
  screen:clear | screen:history) [[ $n -eq 1 ]] && _chipgate_names customers ;;
  rules:show)
    [[ $n -eq 1 ]] && _chipgate_reply "$("$_chipgate_bin" \
      "${_chipgate_global[@]}" rules show 2>/dev/null | awk '{print $1}')" ;;
  *) COMPREPLY=() ;;
  esac
}

_chipgate() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev= i w cmd= sub= n=0 help
  local _chipgate_bin=${COMP_WORDS[0]} _chipgate_prefix _chipgate_global=()
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # What the user typed, unquoted: the prefix names must start with.
  _chipgate_prefix=$cur
  case $cur in
  \"*) _chipgate_prefix=${cur#\"} ;;
  \'*) _chipgate_prefix=${cur#\'} ;;
  *) _chipgate_prefix=${cur//\\/} ;;
  esac
  [[ $_chipgate_bin == */* || -n $(type -P "$_chipgate_bin") ]] ||
    _chipgate_bin=chipgate
  _chipgate_bin=${_chipgate_bin/#\~/$HOME}

  # Global options, then the command and its positional words.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ -z $cmd ]]; then
      case $w in
      --db | --rules)
        ((i + 1 < COMP_CWORD)) && _chipgate_global+=("$w" "$(_chipgate_dequote "${COMP_WORDS[i + 1]}")")
        ((i++))
        continue ;;
      -*) continue ;;
      esac
      cmd=$w
      _chipgate_help_of "$cmd"
      help=$REPLY
      continue
    fi
    if [[ $w == -* ]]; then
      # Skip an option's value ("--chip NAME").
      grep -qE -- "$w ([A-Z]|[a-z0-9_-]+\|)" <<<"$help" && ((i++))
      continue
    fi
    [[ -z $sub ]] && sub=$w
    ((n++))
  done

  if [[ -z $cmd ]]; then
    case $prev in
    --db) _chipgate_files -f; return ;;
    --rules) _chipgate_files -d; return ;;
    esac
    if [[ $cur == -* ]]; then
      _chipgate_reply $'--db\n--rules\n--help\n--version'
    else
      _chipgate_help_of ""
      _chipgate_reply "$(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}
                              on && /^$/{exit}' <<<"$REPLY")"
    fi
    return
  fi
  [[ -n ${_chipgate_subs[$cmd]} ]] || sub=
  if [[ $prev == --* ]] && _chipgate_value "$help"; then
    return
  fi
  if [[ $cur == -* ]]; then
    _chipgate_reply "$(_chipgate_cmd_opts "$cmd" "$sub")"
    return
  fi
  _chipgate_args "$cmd" "$sub" "$n"
}

complete -F _chipgate chipgate
