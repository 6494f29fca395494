# gpt4o's completions for fish, printed by `gpt4o --completions fish`. Load
# them from ~/.config/fish/config.fish:
#
#   gpt4o --completions fish | source
#
# or save them as ~/.config/fish/completions/gpt4o.fish (the key binding
# then needs the source line). With `set -g GPT4O_BIND_KEY 1` before that
# line, Alt+K replaces the words on the command line with the command
# `gpt4o -e` proposes for them, left there for you to read and run with
# Enter; `set -g GPT4O_BIND_KEY \cl` binds Ctrl+L instead (any key sequence
# `bind` takes).

# The values of the kind $argv[1] that the program knows (`gpt4o --complete
# KIND`, one a line, what follows a tab describing it), and the words after
# $argv[2]. With $argv[2] a comma, the word is a list: its last item is
# completed.
function __gpt4o_known --argument-names kind list
    set -l lead
    if test -n "$list"
        set -l typed (commandline -ct | string replace -r -- '^--[^=]*=' '')
        set lead (string match -r -- "^.*$list" $typed)
    end
    for word in $argv[3..-1]
        printf '%s%s\n' "$lead" $word
    end
    command gpt4o --complete $kind 2>/dev/null </dev/null | while read -l line
        printf '%s%s\n' "$lead" $line
    end
end

complete -c gpt4o -f
@COMPLETE@
complete -c gpt4o -n '@LISTED@' -a '(__gpt4o_known conversations "")'

# The key binding (GPT4O_BIND_KEY): the words on the line go to
# `gpt4o -e`, and the command it proposes takes their place; what it says
# on stderr (why a command is flagged, or why there is none) shows above
# the prompt. Control characters, which a terminal would act on, are left
# out of both.
function __gpt4o_clean
    # With no line, string would read the terminal.
    set -q argv[1]; or return 0
    string replace -ra -- '[\x01-\x08\x0b-\x1f\x7f\x{80}-\x{9f}]' '' $argv
end

function __gpt4o_propose
    set -l words (commandline | string collect)
    string length -q -- (string trim -- "$words"); or return 0
    set -l dir /tmp
    set -q TMPDIR[1]; and set dir $TMPDIR
    set -l said (mktemp "$dir/gpt4o.XXXXXX"); or return 0
    set -l proposed (command gpt4o -e --no-reasoning -- "$words" </dev/null 2>$said)
    set -l code $status
    if test -s $said
        echo
        __gpt4o_clean (cat $said) >&2
    end
    rm -f -- $said
    set proposed (string join \n -- (__gpt4o_clean $proposed) | string collect)
    if test $code -eq 0; and string length -q -- (string trim -- "$proposed")
        commandline -r -- $proposed
        commandline -f end-of-buffer
    end
    commandline -f repaint
end

if set -q GPT4O_BIND_KEY[1]; and test -n "$GPT4O_BIND_KEY" -a "$GPT4O_BIND_KEY" != 0
    set -l key $GPT4O_BIND_KEY
    test "$key" = 1; and set key \ek
    bind $key __gpt4o_propose
    bind -M insert $key __gpt4o_propose
end
