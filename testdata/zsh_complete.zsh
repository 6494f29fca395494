# What zsh offers at a Tab, for the completion tests: each candidate a line,
# " -- " and its description after it where it has one.
#
#   zsh -f testdata/zsh_complete.zsh SCRIPT 'gpt4o --api '
#
# An interactive zsh in a pseudo-terminal (zsh/zpty) loads compinit and
# SCRIPT, and its compadd is wrapped to print what the completion functions
# add and match; then the line is typed, and a Tab.
zmodload zsh/zpty || exit 2
local script=$1 typed=$2 init=${TMPDIR:-/tmp}/zsh_complete.$$.zsh line
<<'EOF' >$init
PROMPT= RPROMPT=
# Wide enough for any description whole.
stty columns 1000 2>/dev/null
COLUMNS=1000
autoload -Uz compinit && compinit -u -D
bindkey '^I' complete-word
# Nothing typed ever runs.
bindkey '^M' undefined-key
bindkey '^J' undefined-key
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
# A NUL line before the candidates and after them; then the shell exits.
_capture_mark() { print -rn -- $'\0\n' }
compprefuncs=(_capture_mark)
comppostfuncs=(_capture_mark exit)
compadd() {
  # A call that only asks what would match is passed on as it is.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a _hits _shown
  local _i
  if (( ${@[(I)-d]} )); then
    local _about=${@[${@[(i)-d]}+1]}
    if [[ $_about == \(* ]]; then
      eval "_shown=$_about"
    else
      _shown=("${(@P)_about}")
    fi
  fi
  builtin compadd -A _hits -D _shown "$@"
  local -A _prefix _suffix
  zparseopts -E P:=_prefix S:=_suffix
  for (( _i = 1; _i <= $#_hits; _i++ )); do
    if (( $#_shown >= _i )) && [[ $_shown[_i] != $_hits[_i] ]]; then
      print -r -- "$IPREFIX${_prefix[-P]}$_hits[_i] -- ${_shown[_i]#* -- }"
    else
      print -r -- "$IPREFIX${_prefix[-P]}$_hits[_i]"
    fi
  done
}
EOF
print -r -- "source ${(q)script}" >>$init
print -r -- 'print -r -- ready' >>$init
zpty z zsh -f -i
zpty -w z "source ${(q)init}"
# The shell echoes what it is sent: wait for the line it prints itself.
repeat 50; do
  zpty -r z line || break
  [[ $line == ready* ]] && break
done
rm -f $init
zpty -w -n z "$typed"$'\t'
integer marks=0
while zpty -r z line; do
  if [[ $line == *$'\0'* ]]; then
    (( marks++ )) && break
    continue
  fi
  line=${${line//$'\r'/}%$'\n'}
  (( marks )) && print -r -- "$line"
done
zpty -d z
