#!/bin/sh
# gpt4o's launcher on POSIX systems: it works out the permissions of one run
# from the environment and the command line as they are now, then runs the
# program with them (exec: signals reach the program itself). `deno task
# start` and `deno task chat` run it from the clone; `deno task install`
# installs it as the gpt4o command. On Windows, src/launch/launch.ts decides
# the same (a test holds the two equal).
#
#   sh gpt4o.sh [--print] DENO [DENO_FLAG...] PROGRAM [ARGUMENT...]
#
# --print prints the command, a word a line, instead of running it.

# What a run may read of the environment: the program's own variables are
# all GPT4O_*; src/launch/permissions.ts reads this line as PROGRAM_ENV.
env='GPT4O_*,OPENAI_API_KEY,OPENAI_BASE_URL,OPENAI_ORG_ID,OPENAI_PROJECT_ID,OPENAI_CUSTOM_HEADERS,OPENROUTER_API_KEY,GROQ_API_KEY,DEEPSEEK_API_KEY,MISTRAL_API_KEY,GEMINI_API_KEY,TOGETHER_API_KEY,OLLAMA_HOST,XDG_DATA_HOME,HOME,APPDATA,XDG_CONFIG_HOME,TERM,TERM_PROGRAM,VTE_VERSION,WT_SESSION,DENO_DIR,XDG_CACHE_HOME,LOCALAPPDATA,SystemRoot,HTTPS_PROXY,https_proxy,HTTP_PROXY,http_proxy,ALL_PROXY,all_proxy,NO_PROXY,no_proxy,NODE_EXTRA_CA_CERTS,DENO_CERT,DENO_TLS_CA_STORE,BROWSER,DISPLAY,WAYLAND_DISPLAY,XDG_RUNTIME_DIR,DBUS_SESSION_BUS_ADDRESS,XDG_CURRENT_DESKTOP,XDG_SESSION_TYPE,DESKTOP_SESSION,XDG_DATA_DIRS,XDG_CONFIG_DIRS,LANG,SHELL,ComSpec,PSModulePath,PATH'
# No permission: V8's young generation capped, so that a long stream's
# memory stays flat (MEMORY_FLAG in src/launch/permissions.ts).
memory='--v8-flags=--max-semi-space-size=4'
# No permission either, for --serve alone: Deno.serve's request.signal
# aborts only when a client goes away, not after each answer (which makes
# Deno print a warning). SERVE_FLAG in src/launch/permissions.ts.
serving='--unstable-no-legacy-abort'

print=
if [ "${1-}" = --print ]; then
  print=1
  shift
fi
deno=${1-}
shift
flags=
while [ $# -gt 0 ]; do
  case $1 in
    -*) flags="$flags $1" ;;
    *) break ;;
  esac
  shift
done
program=${1-}
if [ -z "$deno" ] || [ -z "$program" ]; then
  echo "gpt4o.sh: give the deno to run and the program, e.g. sh gpt4o.sh deno main.ts" >&2
  exit 2
fi
shift
if [ ! -f "$program" ]; then
  echo "gpt4o: $program is missing: run \`deno task install\` again in a gpt4o clone" >&2
  exit 2
fi
case $deno in
  */*) [ -x "$deno" ] || deno=deno ;;
esac
case $deno in
  */*) ;;
  *) deno=$(command -v "$deno") || {
    echo "gpt4o: there is no deno on PATH (and the Deno it was installed with is gone): install Deno, then run \`deno task install\` again" >&2
    exit 2
  } ;;
esac

# A variable's value without the white space around it.
trimmed() {
  value=$1
  value=${value#"${value%%[![:space:]]*}"}
  value=${value%"${value##*[![:space:]]}"}
}

# The folder a run may write: the history's (as src/config/paths.ts finds it).
if [ -d /System/Library/CoreServices ]; then
  data='Library/Application Support' config='Library/Application Support'
else
  data=.local/share config=.config
fi
trimmed "${HOME-}"
home=$value
trimmed "${GPT4O_HISTORY-}"
folder=
case $value in
  '')
    trimmed "${XDG_DATA_HOME-}"
    case $value in
      /*) folder="${value%/}/gpt4o" ;;
      *) [ -n "$home" ] && folder="${home%/}/$data/gpt4o" ;;
    esac ;;
  [Oo][Ff][Ff]) ;;
  */*) folder=${value%/*} folder=${folder:-/} ;;
  *) folder=. ;;
esac
# The config file (as src/config/file.ts finds it).
trimmed "${GPT4O_CONFIG-}"
file=
case $value in
  '')
    trimmed "${XDG_CONFIG_HOME-}"
    case $value in
      /*) file="${value%/}/gpt4o/config.toml" ;;
      *) [ -n "$home" ] && file="${home%/}/$config/gpt4o/config.toml" ;;
    esac ;;
  [Oo][Ff][Ff]) ;;
  *) file=$value ;;
esac
# Deno's permission lists cannot hold a comma: such a path is not granted.
case $folder in *,*) folder= ;; esac
case $file in *,*) file= ;; esac
read=.env${folder:+,$folder}${file:+,$file}

# The files the command line names may be read: each -a, -f, --import and
# --schema @FILE, and with --chat the folder it starts in, for /attach. A
# run with -e (alone or among short flags: -ve), or the chat's /execute,
# may start the user's shell.
take=
tools=
serve=
execute=
for arg in "$@"; do
  path=
  case $take in
    file) path=$arg ;;
    schema) case $arg in @*) path=${arg#@} ;; esac ;;
  esac
  if [ -n "$take" ]; then
    take=
  else
    case $arg in
      --) break ;;
      -a | --attach | -f | --file | --import) take=file ;;
      --schema) take=schema ;;
      --attach=* | --file=* | --import=*) path=${arg#*=} ;;
      --schema=@*) path=${arg#--schema=@} ;;
      -a?* | -f?*) path=${arg#-?} ;;
      --chat) path=. execute=1 ;;
      --execute) execute=1 ;;
      -T* | --tools | --tools=* | --list-tools) tools=1 ;;
      --serve) serve=$serving ;;
      -[!-]*)
        # Short flags that take no value, up to an -e.
        flag=${arg#-}
        while :; do
          case $flag in
            e*)
              execute=1
              break
              ;;
            [xvch]*) flag=${flag#?} ;;
            *) break ;;
          esac
        done ;;
    esac
  fi
  case $path in
    '' | - | [Hh][Tt][Tt][Pp]://* | [Hh][Tt][Tt][Pp][Ss]://* | *,*) ;;
    *) read="$read,$path" ;;
  esac
done

# What the config file adds: the variables its providers' key_env names,
# whether tools are on for every run (tools = …), and the programs of its
# command servers, which a run with tools may start besides this deno.
keys=
commands=
# The value of a `key = "text"` line: its text, or nothing when it is no
# plain quoted text.
quoted() {
  trimmed "${1#*=}"
  case $value in
    \"*\"*) value=${value#\"} value=${value%%\"*} ;;
    *) value= ;;
  esac
}
if [ -n "$file" ] && [ -f "$file" ] && [ -r "$file" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in *=*) ;; *) continue ;; esac
    trimmed "${line%%=*}"
    case $value in
      tools) tools=1 ;;
      key_env)
        quoted "$line"
        case $value in
          '' | [0-9]* | *[!A-Za-z0-9_]*) ;;
          *) case ",$env$keys," in *",$value,"*) ;; *) keys="$keys,$value" ;; esac ;;
        esac ;;
      command)
        quoted "$line"
        case $value in
          '' | *[\\,[:space:]]*) ;;
          *) case " $commands " in *" $value "*) ;; *) commands="$commands $value" ;; esac ;;
        esac ;;
    esac
  done <"$file"
fi
run=
if [ -n "$tools" ]; then
  case $deno in *,*) ;; *) run=$deno ;; esac
  # A url server's sign-in opens the browser: $BROWSER when it is one
  # command, else the system's opener (src/tools/browser.ts).
  trimmed "${BROWSER-}"
  case $value in
    '' | *[[:space:],%:\"\'\\]* | *[*?]* | *\[*)
      if [ -d /System/Library/CoreServices ]; then value=open; else value=xdg-open; fi ;;
  esac
  commands="$commands $value"
  for command in $commands; do
    case ",$run," in *",$command,"*) ;; *) run="${run:+$run,}$command" ;; esac
  done
fi
# -e's shell: $SHELL as it is set, else sh (as src/shell/shell.ts decides).
if [ -n "$execute" ]; then
  trimmed "${SHELL-}"
  value=${value:-sh}
  case $value in
    *,*) ;;
    *) case ",$run," in *",$value,"*) ;; *) run="${run:+$run,}$value" ;; esac ;;
  esac
fi
# A shell's completion (`--completions SHELL`, and `--complete KIND` at each
# Tab) reads the config file and the history, and nothing else: no network,
# no writing, no program to start.
net=--allow-net
case ${1-} in
  --complete | --complete=* | --completions | --completions=*)
    net= folder= run= ;;
esac
# Deno names each program of the list it cannot find, on every start.
quiet=
case $run in *,*) quiet=--quiet ;; esac

set -- run $flags --no-prompt "$memory" $serve $net "--allow-env=$env$keys" \
  "--allow-read=$read" ${folder:+"--allow-write=$folder"} \
  ${run:+"--allow-run=$run"} $quiet "$program" "$@"
if [ -n "$print" ]; then
  printf '%s\n' "$deno" "$@"
  exit 0
fi
exec "$deno" "$@"
