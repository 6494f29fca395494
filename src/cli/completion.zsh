#compdef gpt4o
# gpt4o's completions for zsh, printed by `gpt4o --completions zsh`. Load
# them from ~/.zshrc, after compinit:
#
#   source <(gpt4o --completions zsh)
#
# or save them as _gpt4o in a folder of $fpath (the key binding then needs
# the source line). With GPT4O_BIND_KEY=1 set before that line, Alt+K
# replaces the words on the command line with the command `gpt4o -e`
# proposes for them, left there for you to read and run with Enter;
# GPT4O_BIND_KEY='^L' binds Ctrl+L instead (any key sequence `bindkey`
# takes).

# The values of the kind $1 that the program knows (`gpt4o --complete
# KIND`, one a line, what follows a tab describing it), and the words after
# $2. With $2 a comma, the word is a list: its last item is completed.
_gpt4o_known() {
  local kind=$1 list=$2 line value about
  shift 2
  local -a whole open
  [[ -n $list ]] && compset -P "*$list"
  for line in "$@" "${(@f)$(command gpt4o --complete $kind 2>/dev/null </dev/null)}"; do
    [[ -n $line ]] || continue
    value=${line%%$'\t'*}
    about=${line#"$value"}
    about=${about#$'\t'}
    # _describe takes value:description, a colon of the value escaped.
    if [[ $value == *: ]]; then
      open+=("${value//:/\\:}${about:+:$about}")
    else
      whole+=("${value//:/\\:}${about:+:$about}")
    fi
  done
  local ret=1
  # A provider's `NAME:` is not the whole word yet.
  (( $#open )) && _describe -t $kind $kind open -S '' && ret=0
  (( $#whole )) && _describe -t $kind $kind whole && ret=0
  return ret
}

# The words that are no option's value.
_gpt4o_words() {
  if @LISTED@; then
    _gpt4o_known conversations ''
  else
    _message 'the prompt'
  fi
}

_gpt4o() {
  _arguments -s -S : \
@SPECS@
    '*:word:_gpt4o_words'
}

# The key binding (GPT4O_BIND_KEY): the words on the line go to
# `gpt4o -e`, and the command it proposes takes their place; what it says
# on stderr (why a command is flagged, or why there is none) shows above
# the prompt. Control characters, which a terminal would act on, are left
# out of both.
_gpt4o_clean() {
  REPLY=${1//[$'\001'-$'\010'$'\013'-$'\037'$'\177']/}
  if [[ -o multibyte && ${LC_ALL:-${LC_CTYPE:-$LANG}} == *(#i)utf(-|)8* ]]; then
    REPLY=${REPLY//[$'\u0080'-$'\u009f']/}
  fi
}

_gpt4o_propose() {
  [[ -n ${BUFFER//[[:space:]]/} ]] || return 0
  local said proposed code line
  said=$(mktemp "${TMPDIR:-/tmp}/gpt4o.XXXXXX") || return 0
  zle -R 'gpt4o: asking for a command...'
  proposed=$(command gpt4o -e --no-reasoning -- "$BUFFER" </dev/null 2>"$said")
  code=$?
  if [[ -s $said ]]; then
    zle -I
    while IFS= read -r line || [[ -n $line ]]; do
      _gpt4o_clean "$line"
      print -r -- "$REPLY" >&2
    done <"$said"
  fi
  rm -f -- "$said"
  _gpt4o_clean "$proposed"
  if (( code == 0 )) && [[ -n ${REPLY//[[:space:]]/} ]]; then
    BUFFER=$REPLY
    CURSOR=${#BUFFER}
  fi
  zle -R
}

if [[ ${funcstack[1]-} == _gpt4o ]]; then
  _gpt4o "$@" # autoloaded from $fpath
else
  if (( $+functions[compdef] )); then
    compdef _gpt4o gpt4o
  else
    print -u2 'gpt4o: completions need compinit first: put autoload -Uz compinit && compinit before this in ~/.zshrc'
  fi
  if [[ -n ${GPT4O_BIND_KEY-} && $GPT4O_BIND_KEY != 0 ]]; then
    zle -N _gpt4o_propose
    if [[ $GPT4O_BIND_KEY == 1 ]]; then
      bindkey -M emacs '^[k' _gpt4o_propose
      bindkey -M viins '^[k' _gpt4o_propose
    else
      bindkey -M emacs "$GPT4O_BIND_KEY" _gpt4o_propose
      bindkey -M viins "$GPT4O_BIND_KEY" _gpt4o_propose
    fi
  fi
fi
