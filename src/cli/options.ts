/**
 * Command-line options, parsed with `node:util`'s `parseArgs`.
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage_error.ts";
import { nearest, slipsIn } from "../text/spelling.ts";
import {
  type ConversationRef,
  DEFAULT_HISTORY_LIMIT,
  type HistoryCommand,
  historyCommandOf,
  historyCountOf,
  parseName,
  parseRef,
  splitHistoryCount,
} from "./history_options.ts";

export { DEFAULT_HISTORY_LIMIT };
import {
  parseOption,
  parseOptionFlags,
  type SamplingOptions,
} from "../config/sampling.ts";
import * as serving from "./serve_options.ts";
import * as completing from "./completion_options.ts";

/** The demo's model. */
export const DEFAULT_MODEL = "gpt-4o";
/** The demo's system message. */
export const DEFAULT_SYSTEM = "You are a helpful assistant.";
/** The demo's question, asked when no prompt is given. */
export const DEFAULT_QUESTION =
  "how does a court case get to the Supreme Court?";
/** Seconds without data from the server before the program gives up. */
export const DEFAULT_TIMEOUT_SECONDS = 120;

/** Usage text printed by `--help`. */
export const USAGE = `Ask a chat model a question and print the answer.

Usage: gpt4o [options] [prompt...]         (or: deno task start [options] ...)
       gpt4o --chat [options] [prompt...]  (or: deno task chat [options] ...)
       gpt4o --serve [--port N] [--host ADDRESS]  (or: deno task serve ...)
       gpt4o -e [options] <task...>        a shell command, run if you say so

The prompt is the arguments joined by spaces; text piped to stdin is appended
after a blank line (an image or a PDF piped to stdin is attached). With
neither, gpt4o (and -c) opens the chat at a terminal; deno task start asks
"${DEFAULT_QUESTION}"

Options:
  -m, --model <id>         model, <provider>:<model>, an alias, or a,b,c to fall
                           back in that order (default ${DEFAULT_MODEL})
  -s, --system <text>      system message
                           (default "${DEFAULT_SYSTEM}")
  -r, --role <name>        a config file's role: its system message and model
  -a, --attach <path|url>  send an image (PNG, JPEG, WebP, GIF) or a PDF with
                           the prompt; an http(s) URL of an image is passed on
  -f, --file <path>        put a text file, or each of a folder's, in the prompt
  -e, --execute            ask for one shell command that does the prompt's
                           task; at a terminal it is shown and asked about
                           ([e]xecute, [m]odify, [d]escribe, [c]opy, [a]bort),
                           always, --yes or not; piped, or with --json, it is
                           printed and never run
  -o, --option <name=value>  a sampling option: temperature, top_p, max_tokens,
                           seed, stop, presence_penalty, frequency_penalty,
                           reasoning_effort; any other goes to the server as is
      --temperature <n>    -o temperature=<n>, over any -o temperature
      --max-tokens <n>     -o max_tokens=<n>, over any -o max_tokens
      --schema <json|@file>  ask for JSON that follows this JSON Schema, and
                           check it
      --api <chat|responses|auto>  ask through chat completions or OpenAI's
                           Responses API (default auto: chat completions,
                           unless the provider or the model asks for Responses)
  -T, --tools <name>       let the model use the tools of the config file's
                           [mcp.NAME] server (repeatable; "all" for every one)
      --yes                run the model's tool calls without asking (never
                           -e's command)
      --list-tools         list the enabled servers' tools
      --logout <name>      forget the sign-in to the url server [mcp.NAME]
      --stream             print it as it arrives (the default at a terminal)
      --no-stream          print the answer once it is whole
      --json               print the whole completion as JSON, not the text
      --raw                print the answer as it came, also on a terminal
  -x, --extract            print only the answer's first fenced code block
      --extract-last       print only its last fenced code block
      --timeout <seconds>  give up after this long without data (default ${DEFAULT_TIMEOUT_SECONDS})
  -v, --verbose            model, provider, token usage and latency on stderr
      --reasoning          show a reasoning model's thinking on stderr (by
                           default only when stderr is a terminal)
      --no-reasoning       never show it
      --chat               talk back and forth; /help inside lists the commands
${serving.SERVE_HELP}
  -c, --continue           follow up on the latest conversation
      --conversation <id|name>  follow up on that conversation
      --title <name>       name the conversation this run starts or follows up
      --history [n]        list the latest n conversations (default 20), with
                           --json as JSON
      --show <id|name>     print a conversation (with --json: its messages)
      --search <words>     list the conversations that hold the words, best
                           first ("a phrase", prefix*; --json as JSON)
      --delete <id|name>...  delete conversations (asks first; --yes to not)
      --prune <age>        delete the conversations unused for <age> (30d, 2w)
      --export [id|name]...  print conversations as JSON (all of them without)
      --import <file>      add the conversations of an --export file (- stdin)
      --usage              tokens and cost per model and provider, and in
                           total (--since <age> for a recent span; --json)
      --no-history         do not save this run
      --providers          list the providers: built in, and the config file's
      --roles              list the config file's roles
      --models             list the models of the server (or of -m provider:)
${completing.COMPLETION_HELP}
  -h, --help               show this help
      --version            show the version

Config file: config.toml in $XDG_CONFIG_HOME/gpt4o/, else in ~/.config/gpt4o/
(macOS: ~/Library/Application Support/gpt4o/, Windows: %APPDATA%\\gpt4o\\),
or the file GPT4O_CONFIG names: model, system, options, tools, tool_rounds,
[providers.NAME], [roles.NAME], [aliases], [mcp.NAME].

Environment (also read from ./.env, which never overrides a set variable):
  OPENAI_API_KEY           API key; not needed when OPENAI_BASE_URL is set
  OPENAI_BASE_URL          any OpenAI-compatible API
                           (default https://api.openai.com/v1)
  GROQ_API_KEY, ...        a provider's key for -m <provider>:<model>
                           (see --providers)
  GPT4O_MODEL, GPT4O_SYSTEM  the model and system message, over the config's
  GPT4O_HISTORY            the history database, or "off" to keep no history
  GPT4O_SERVE_TOKEN        the token --serve's clients must send as their key

History: every exchange is saved in $XDG_DATA_HOME/gpt4o/history.db, else
~/.local/share/gpt4o/history.db (macOS: ~/Library/Application Support/gpt4o/,
Windows: %APPDATA%\\gpt4o\\). No key is ever saved. --no-history skips one run.

Exit codes: 0 answered (or the reader of stdout went away; --serve: stopped),
1 request, response or output failed (--serve: could not listen), 2 usage or
configuration error, 130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP. With
-e: the command's own exit code once it runs (128 + N when signal N ends it), 0
when it is not run.
`;

/** What the command line asks for. */
export interface Options {
  /** The `-m` value as given; `undefined` when not given. */
  model: string | undefined;
  /** The `-s` value as given; `undefined` when not given. */
  system: string | undefined;
  /** The `-r` role's name; `undefined` when not given. */
  role: string | undefined;
  /** `--stream` true, `--no-stream` false, neither `undefined`. */
  stream: boolean | undefined;
  json: boolean;
  /** `--raw`: no markdown rendering on a terminal. */
  raw: boolean;
  /** `-x` (the first) or `--extract-last` (the last): print only a code block. */
  extract: "first" | "last" | undefined;
  timeoutSeconds: number;
  verbose: boolean;
  /** `--reasoning` true, `--no-reasoning` false, neither `undefined`. */
  reasoning: boolean | undefined;
  chat: boolean;
  /** `-c`: follow up on the latest conversation. */
  continue: boolean;
  /** `--conversation <id|name>`: follow up on that conversation. */
  conversation: ConversationRef | undefined;
  /** `--title <name>`: the name of the conversation this run starts or follows up. */
  title: string | undefined;
  /** `--search`, `--delete`, `--prune`, `--export`, `--import` or `--usage`. */
  historyCommand: HistoryCommand | undefined;
  /** `--history`: list the latest conversations. */
  listHistory: boolean;
  /** How many `--history` lists: its `N`, else `DEFAULT_HISTORY_LIMIT`. */
  historyLimit: number;
  /** `--show <id|name>`: print that conversation. */
  show: ConversationRef | undefined;
  /** `false` with `--no-history`: this run is not saved. */
  save: boolean;
  providers: boolean;
  /** `--roles`: list the config file's roles. */
  roles: boolean;
  help: boolean;
  version: boolean;
  /** `-a`: images, PDFs and image URLs to send, as given. */
  attach: string[];
  /** `-f`: text files and folders to put in the prompt, as given. */
  files: string[];
  /** The sampling options of `-o`, `--temperature` and `--max-tokens`. */
  sampling: SamplingOptions;
  /** `--schema`: a JSON Schema, inline or `@file`, as given. */
  schema: string | undefined;
  /** `--api`: the API to ask through; `auto` decides by target. */
  api: "chat" | "responses" | "auto";
  /** `--models`: list the server's models. */
  models: boolean;
  /** `-T`: the tool servers to enable, as given (`all` for every one). */
  tools: string[];
  /** `--yes`: approve every tool call in advance. */
  yes: boolean;
  /** `--list-tools`: list the enabled servers' tools. */
  listTools: boolean;
  /** `--logout NAME`: forget that tool server's sign-in. */
  logout: string | undefined;
  /** `--serve`: answer OpenAI's API over HTTP; `undefined` without it. */
  serve: serving.ServeOptions | undefined;
  /** `-e`: ask for a shell command that does the prompt's task. */
  execute: boolean;
  /** `--completions` (a shell's script) or `--complete` (a Tab's values). */
  completion: completing.Completion | undefined;
  /** The prompt words, joined by spaces; empty when none were given. */
  prompt: string;
}

/** The command line's options, as `parseArgs` takes them. */
export const FLAGS = {
  model: { type: "string", short: "m" },
  system: { type: "string", short: "s" },
  role: { type: "string", short: "r" },
  stream: { type: "boolean" },
  json: { type: "boolean", default: false },
  raw: { type: "boolean", default: false },
  extract: { type: "boolean", short: "x", default: false },
  "extract-last": { type: "boolean", default: false },
  timeout: { type: "string" },
  verbose: { type: "boolean", short: "v", default: false },
  reasoning: { type: "boolean" },
  chat: { type: "boolean", default: false },
  continue: { type: "boolean", short: "c", default: false },
  conversation: { type: "string" },
  history: { type: "boolean" },
  show: { type: "string" },
  title: { type: "string" },
  search: { type: "boolean" },
  delete: { type: "boolean" },
  prune: { type: "string" },
  export: { type: "boolean" },
  import: { type: "string" },
  usage: { type: "boolean" },
  since: { type: "string" },
  providers: { type: "boolean", default: false },
  roles: { type: "boolean", default: false },
  attach: { type: "string", short: "a", multiple: true, default: [] },
  file: { type: "string", short: "f", multiple: true, default: [] },
  execute: { type: "boolean", short: "e", default: false },
  option: { type: "string", short: "o", multiple: true },
  temperature: { type: "string" },
  "max-tokens": { type: "string" },
  schema: { type: "string" },
  api: { type: "string", default: "auto" },
  models: { type: "boolean", default: false },
  tools: { type: "string", short: "T", multiple: true, default: [] },
  yes: { type: "boolean", default: false },
  "list-tools": { type: "boolean", default: false },
  logout: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", default: false },
  ...serving.SERVE_FLAGS,
  ...completing.COMPLETION_FLAGS,
} satisfies ParseArgsOptionsConfig;

/**
 * Parses command-line arguments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "./options.ts";
 * const options = parseOptions(["--stream", "-m", "gpt-4o-mini", "Hi"]);
 * assert.deepEqual([options.stream, options.model, options.prompt], [
 *   true,
 *   "gpt-4o-mini",
 *   "Hi",
 * ]);
 * ```
 *
 * @throws {UsageError} for an unknown option, a missing value or a bad timeout.
 */
export function parseOptions(args: string[]): Options {
  refuseSingleDash(args);
  const { rest, inlineCount } = splitHistoryCount(args);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      tokens: true,
      options: FLAGS,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error));
  }
  const { values } = parsed;
  // `--history N`: the number that follows is its count, not a prompt.
  const count = historyCountOf(parsed.tokens, inlineCount);
  const positionals = parsed.tokens.flatMap((token) =>
    token.kind === "positional" && token !== count.token ? [token.value] : []
  );
  const given = new Set(
    parsed.tokens.flatMap((token) =>
      token.kind === "option" ? [token.rawName] : []
    ),
  );
  if (given.has("--history") && given.has("--no-history")) {
    throw new UsageError("use --history or --no-history, not both");
  }
  for (const token of parsed.tokens) {
    if (
      token.kind === "option" && token.rawName.startsWith("--no-") &&
      !NEGATABLE.includes(token.rawName)
    ) {
      throw new UsageError(unknownOption(token.rawName));
    }
  }
  const historyCommand = historyCommandOf(values, positionals);
  const takesWords = historyCommand !== undefined &&
    ["search", "delete", "export"].includes(historyCommand.kind);
  const options: Options = {
    model: values.model,
    system: values.system,
    role: values.role,
    stream: values.stream,
    json: values.json,
    raw: values.raw,
    extract: values.extract
      ? "first"
      : values["extract-last"]
      ? "last"
      : undefined,
    timeoutSeconds: parseTimeout(values.timeout),
    verbose: values.verbose,
    reasoning: values.reasoning,
    chat: values.chat,
    continue: values.continue,
    conversation: values.conversation === undefined
      ? undefined
      : parseRef("--conversation", values.conversation),
    title: values.title === undefined
      ? undefined
      : parseName("--title", values.title),
    historyCommand,
    listHistory: given.has("--history"),
    historyLimit: count.limit,
    show: values.show === undefined
      ? undefined
      : parseRef("--show", values.show),
    save: values.history !== false,
    providers: values.providers,
    roles: values.roles,
    help: values.help,
    version: values.version,
    attach: values.attach,
    files: values.file,
    sampling: samplingOf(values),
    schema: values.schema,
    api: parseApi(values.api),
    models: values.models,
    tools: values.tools.flatMap((each) =>
      each.split(",").map((name) => name.trim()).filter(Boolean)
    ),
    yes: values.yes,
    listTools: values["list-tools"],
    logout: values.logout,
    serve: serving.serveOf(values, given, positionals),
    execute: values.execute,
    completion: completing.completionOf(values, given, positionals),
    prompt: takesWords ? "" : positionals.join(" "),
  };
  if (options.continue && options.conversation !== undefined) {
    throw new UsageError("use either --continue or --conversation, not both");
  }
  if (values.extract && values["extract-last"]) {
    throw new UsageError("use either --extract or --extract-last, not both");
  }
  if (options.extract && (options.json || options.chat)) {
    throw new UsageError(
      `${values.extract ? "--extract" : "--extract-last"} takes one answer's ` +
        "text: not with --json or --chat",
    );
  }
  if (options.schema !== undefined && (options.chat || options.extract)) {
    throw new UsageError(
      "--schema takes one answer as JSON: not with --chat, -x or --extract-last",
    );
  }
  if (options.execute && (options.chat || options.extract || options.schema)) {
    throw new UsageError(
      "-e takes one command from one answer: not with --chat (where " +
        "/execute TASK does it), -x, --extract-last or --schema",
    );
  }
  const listing = historyCommand
    ? `--${historyCommand.kind}`
    : options.listHistory
    ? "--history"
    : options.show !== undefined
    ? "--show"
    : options.providers
    ? "--providers"
    : options.roles
    ? "--roles"
    : options.models
    ? "--models"
    : options.listTools
    ? "--list-tools"
    : options.logout !== undefined
    ? "--logout"
    : undefined;
  if (
    listing && (options.prompt || options.chat || options.continue ||
      options.conversation !== undefined)
  ) {
    throw new UsageError(
      `${listing} asks nothing: give it no prompt, --chat, --continue or --conversation`,
    );
  }
  if (listing && options.execute) {
    throw new UsageError(`${listing} asks nothing: not with -e`);
  }
  if (options.title !== undefined && !options.save) {
    throw new UsageError(
      "--title names a conversation in the history: not with --no-history",
    );
  }
  if (listing && options.title !== undefined) {
    throw new UsageError(
      `--title names the conversation a question starts or follows up: not with ${listing}`,
    );
  }
  return options;
}

/**
 * The sampling options of `-o NAME=VALUE` (in order: a later one wins, `stop`
 * gathers), with `--temperature` and `--max-tokens` over them.
 */
function samplingOf(
  values: { option?: string[]; temperature?: string; "max-tokens"?: string },
): SamplingOptions {
  const options = parseOptionFlags(values.option ?? []);
  if (values.temperature !== undefined) {
    options.temperature = parseOption(
      "temperature",
      values.temperature,
      "--temperature",
    );
  }
  if (values["max-tokens"] !== undefined) {
    options.max_tokens = parseOption(
      "max_tokens",
      values["max-tokens"],
      "--max-tokens",
    );
  }
  return options;
}

/** `--api`'s value, checked. */
function parseApi(text: string): Options["api"] {
  if (text === "chat" || text === "responses" || text === "auto") return text;
  throw new UsageError(
    `--api takes chat, responses or auto, not ${JSON.stringify(text)}`,
  );
}

/** The options that `--no-` may negate; parseArgs would accept it on any. */
export const NEGATABLE = ["--no-reasoning", "--no-history", "--no-stream"];

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `--timeout takes a positive number of seconds, not "${text}"`,
    );
  }
  return seconds;
}

/** Turns parseArgs' messages into one short sentence without advice on `--`. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const option = message.match(/'([^']+)'/)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return unknownOption(option);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (message.includes("does not take an argument")) {
        return `${option} takes no value`;
      }
      if (message.includes("ambiguous")) {
        const long = message.match(/'(--[\w-]+)=-XYZ'/)?.[1] ?? option;
        return `${option} needs a value; write ${long}=VALUE for one that starts with "-"`;
      }
      return `${option.replace(" <value>", "")} needs a value`;
    default:
      return message;
  }
}

/** Every option as it is typed: `--model`, `-m`, `--no-history`. */
const TYPED: readonly string[] = [
  ...Object.entries(FLAGS).filter(([name]) =>
    !completing.HIDDEN_FLAGS.includes(name)
  ).flatMap(([name, flag]) => [
    `--${name}`,
    ...("short" in flag ? [`-${flag.short}`] : []),
  ]),
  ...NEGATABLE,
];

/**
 * "unknown option", with the option it may mean: one a letter or two off
 * (`--strem`), the one a short beginning stands for (`--verb`), or the short
 * option of the other case (`-V`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "./options.ts";
 * assert.throws(() => parseOptions(["--strem"]), {
 *   message: "unknown option --strem: did you mean --stream?",
 * });
 * ```
 */
function unknownOption(option: string): string {
  const longs = TYPED.filter((each) => each.startsWith("--"));
  const shorts = TYPED.filter((each) => !each.startsWith("--"));
  let meant: string | undefined;
  if (option.startsWith("--")) {
    const begun = longs.filter((each) => each.startsWith(option));
    meant = option.length >= 5 && begun.length === 1 ? begun[0] : nearest(
      option.slice(2),
      longs.map((each) => each.slice(2)),
      slipsIn(option.slice(2)),
    );
    if (meant !== undefined && !meant.startsWith("--")) meant = `--${meant}`;
  } else {
    meant = shorts.find((each) =>
      each !== option && each.toLowerCase() === option.toLowerCase()
    );
  }
  return `unknown option ${option}` +
    (meant ? `: did you mean ${meant}?` : "");
}

/**
 * A long option typed with one dash (`-stream`), which parseArgs would read
 * as short ones (`-s tream`, a system message).
 *
 * @throws {UsageError} naming the option it stands for.
 */
function refuseSingleDash(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === "--") return;
    const name = arg.match(/^-([a-z][a-z-]+)(=|$)/)?.[1];
    if (name !== undefined && TYPED.includes(`--${name}`)) {
      throw new UsageError(
        `unknown option ${arg.split("=")[0]}: did you mean --${name}?`,
      );
    }
  }
}
