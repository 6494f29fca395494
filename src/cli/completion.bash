# gpt4o's completions for bash 4 or later, printed by
# `gpt4o --completions bash`. Load them from ~/.bashrc:
#
#   source <(gpt4o --completions bash)
#
# With GPT4O_BIND_KEY=1 set before that line, Alt+K replaces the words on
# the command line with the command `gpt4o -e` proposes for them, left there
# for you to read and run with Enter; GPT4O_BIND_KEY='\C-l' binds Ctrl+L
# instead (any key sequence `bind` takes).

# Every option, as it is typed.
_gpt4o_flags=(@FLAGS@)

# COMPREPLY gets the words after $1 that begin with $1.
_gpt4o_offer() {
  local typed=$1 word
  shift
  for word in "$@"; do
    [[ $word == "$typed"* ]] && COMPREPLY+=("$word")
  done
}

# COMPREPLY gets the values of the kind $1 that the program knows
# (`gpt4o --complete KIND`, one a line, what follows a tab describing it)
# and the words after $3, those that begin with the text typed, $2. With
# $3 a comma, the text is a list: its last item is completed.
_gpt4o_known() {
  local kind=$1 typed=${2//\\/} list=$3 lead= line quoted
  shift 3
  if [[ -n $list && $typed == *"$list"* ]]; then
    lead=${typed%"$list"*}$list
    typed=${typed##*"$list"}
  fi
  local -a values=("$@")
  while IFS= read -r line; do
    values+=("${line%%$'\t'*}")
  done < <(command gpt4o --complete "$kind" 2>/dev/null </dev/null)
  for line in "${values[@]}"; do
    if [[ $line == "$typed"* ]]; then
      quoted=$lead$line
      # A name with a space or a quote in it, escaped as the shell reads it.
      [[ $quoted == *[!A-Za-z0-9_.:,=@+/-]* ]] && printf -v quoted %q "$quoted"
      COMPREPLY+=("$quoted")
    fi
  done
}

# COMPREPLY gets the files and folders that begin with $1.
_gpt4o_files() {
  compopt -o filenames 2>/dev/null
  local file
  while IFS= read -r file; do
    COMPREPLY+=("$file")
  done < <(compgen -f -- "$1")
}

# COMPREPLY gets the values of the option $1 that begin with $2; status 1
# when the option takes no value.
_gpt4o_value() {
  local typed=$2
  case $1 in
@VALUES@
  *) return 1 ;;
  esac
  return 0
}

_gpt4o() {
  COMPREPLY=()
  # The words as typed: bash splits `-m groq:model` and `--api=chat` at the
  # : and = of COMP_WORDBREAKS, and they are joined again here.
  local -a words=()
  local i word rest blank at=0 joined=0
  for ((i = 0; i <= COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]-}
    rest=${COMP_LINE:at}
    blank=${rest%%[![:space:]]*}
    at=$((at + ${#blank} + ${#word}))
    if ((i > 0)) && [[ -z $blank ]] &&
      [[ $word =~ ^[:=]+$ || $joined == 1 ]]; then
      words[${#words[@]} - 1]+=$word
      [[ $word =~ ^[:=]+$ ]] && joined=1 || joined=0
    else
      words+=("$word")
      joined=0
    fi
  done
  local cur=${words[${#words[@]} - 1]} prev= listed=0 ended=0
  ((${#words[@]} > 1)) && prev=${words[${#words[@]} - 2]}
  for word in "${words[@]:1:${#words[@]}-2}"; do
    case $word in
    --) ended=1 ;;
@LISTED@
    esac
  done
  if ((!ended)) && [[ $prev == -* ]] && _gpt4o_value "$prev" "$cur"; then
    :
  elif ((!ended)) && [[ $cur == --*=* ]]; then
    local flag=${cur%%=*}
    _gpt4o_value "$flag" "${cur#*=}"
    COMPREPLY=("${COMPREPLY[@]/#/$flag=}")
  elif ((!ended)) && [[ $cur == -* ]]; then
    _gpt4o_offer "$cur" "${_gpt4o_flags[@]}"
  elif ((listed)); then
    _gpt4o_known conversations "$cur" ""
  fi
  # A provider's `NAME:` or an option's `NAME=` is not the whole word yet.
  if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *[:=,] ]]; then
    compopt -o nospace 2>/dev/null
  fi
  # Bash replaces only the text after the last : or = that breaks words.
  local tail=$cur
  [[ $COMP_WORDBREAKS == *:* ]] && tail=${tail##*:}
  [[ $COMP_WORDBREAKS == *=* ]] && tail=${tail##*=}
  local lead=${cur:0:${#cur}-${#tail}}
  if [[ -n $lead ]]; then
    COMPREPLY=("${COMPREPLY[@]#"$lead"}")
  fi
  return 0
}
complete -F _gpt4o gpt4o

# The key binding (GPT4O_BIND_KEY): the words on the line go to
# `gpt4o -e`, and the command it proposes takes their place; what it says
# on stderr (why a command is flagged, or why there is none) shows above
# the prompt. Control characters, which a terminal would act on, are left
# out of both.
_gpt4o_clean() {
  local text=$1 from=$'\u0080' to=$'\u009f'
  text=${text//[$'\001'-$'\010'$'\013'-$'\037'$'\177']/}
  if ((${#from} == 1)); then
    text=${text//[$from-$to]/}
  fi
  REPLY=$text
}

_gpt4o_propose() {
  [[ -n ${READLINE_LINE//[[:space:]]/} ]] || return 0
  local said proposed status line
  said=$(mktemp "${TMPDIR:-/tmp}/gpt4o.XXXXXX") || return 0
  proposed=$(command gpt4o -e --no-reasoning -- "$READLINE_LINE" \
    </dev/null 2>"$said")
  status=$?
  while IFS= read -r line || [[ -n $line ]]; do
    _gpt4o_clean "$line"
    printf '%s\n' "$REPLY" >&2
  done <"$said"
  rm -f -- "$said"
  _gpt4o_clean "$proposed"
  if ((status == 0)) && [[ -n ${REPLY//[[:space:]]/} ]]; then
    READLINE_LINE=$REPLY
    READLINE_POINT=${#READLINE_LINE}
  fi
}

if [[ -n ${GPT4O_BIND_KEY-} && $GPT4O_BIND_KEY != 0 ]]; then
  if [[ $GPT4O_BIND_KEY == 1 ]]; then
    _gpt4o_key='\ek'
  else
    _gpt4o_key=$GPT4O_BIND_KEY
  fi
  bind -m emacs -x "\"$_gpt4o_key\": _gpt4o_propose" 2>/dev/null
  bind -m vi-insert -x "\"$_gpt4o_key\": _gpt4o_propose" 2>/dev/null
  unset _gpt4o_key
fi
