/**
 * The permissions a run of the program gets, decided from the environment as
 * it is when the command runs: the network, the variables it reads, `.env`,
 * the config file, and the history's folder (wherever `HOME`,
 * `XDG_DATA_HOME`, `XDG_CONFIG_HOME`, `APPDATA`, `GPT4O_HISTORY` or
 * `GPT4O_CONFIG` put them), never a prompt.
 *
 * On POSIX systems the tasks and the installed command start the program
 * through the shell launcher `gpt4o.sh`, which decides this itself (a second
 * Deno would cost every run its start-up); {@linkcode runFlags} is the same
 * decision for Windows (`launch.ts`), `deno task compile` and the tests, and a
 * test holds the two equal. The facts they share, the variables a run may
 * read and the memory flag, are written once, in `gpt4o.sh`, and read here.
 *
 * @module
 */
import launcher from "./gpt4o.sh" with { type: "text" };
import {
  type Env,
  HISTORY_ENV_VARIABLES,
  historyFolder,
} from "../config/paths.ts";
import { CONFIG_ENV_VARIABLES, configPath } from "../config/file.ts";
import { opener } from "../tools/browser.ts";
import { shellOf } from "../shell/shell.ts";

/**
 * The variables Deno itself reads to find its cache of modules: a sandboxed
 * tool server's `deno` gets them (its module may not read them).
 */
export const DENO_CACHE_ENV: readonly string[] = [
  "HOME",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "LOCALAPPDATA",
  "SystemRoot",
];

/**
 * The user's network settings as Deno reads them when it downloads code
 * (proxies, certificate authorities): the step that fetches a sandboxed tool
 * server's module into the cache gets them; the server itself does not.
 */
export const DENO_NETWORK_ENV: readonly string[] = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
];

/** The variables that find the history and the config file: what the launchers read. */
export const PLACE_ENV: readonly string[] = [
  ...new Set([...HISTORY_ENV_VARIABLES, ...CONFIG_ENV_VARIABLES]),
];

/** The value of the shell launcher's `NAME='…'` line. */
function launcherSetting(name: string): string {
  const value = new RegExp(`^${name}='([^']*)'$`, "m").exec(launcher)?.[1];
  if (value === undefined) throw new Error(`gpt4o.sh sets no ${name}`);
  return value;
}

/**
 * Every environment variable the program reads, and no other: the program's
 * own are all named `GPT4O_*` (`GPT4O_HISTORY`, `GPT4O_CONFIG`,
 * `GPT4O_MODEL`, `GPT4O_SYSTEM`), so one pattern grants them. Written in
 * `gpt4o.sh`'s `env` line; a test holds it to what the modules read.
 */
export const PROGRAM_ENV: readonly string[] = launcherSetting("env").split(
  ",",
);

/**
 * Whether a run may read the variable `name`: it is in
 * {@linkcode PROGRAM_ENV}, or begins with `GPT4O_`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayRead } from "./permissions.ts";
 * assert.equal(mayRead("GPT4O_WORK_KEY"), true);
 * assert.equal(mayRead("AWS_SECRET_ACCESS_KEY"), false);
 * ```
 */
export function mayRead(name: string): boolean {
  return PROGRAM_ENV.some((each) =>
    each.endsWith("*") ? name.startsWith(each.slice(0, -1)) : name === each
  );
}

/**
 * The history folder as a permission flag can name it: Deno's flags take a
 * comma-separated list with no way to escape a comma, so a folder whose path
 * holds one cannot be granted (the program then says so when it saves).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grantedFolder } from "./permissions.ts";
 * assert.equal(grantedFolder(() => "/data/h.db", "linux"), "/data");
 * assert.equal(grantedFolder(() => "/a,b/h.db", "linux"), undefined);
 * ```
 */
export function grantedFolder(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const folder = historyFolder(env, os);
  return folder === undefined || folder.includes(",") ? undefined : folder;
}

/**
 * V8's young generation capped at 4 MiB a half: a long stream allocates
 * without pause, and by default the young generation grows to 16 MiB a half
 * for it, so a 50 MiB answer peaked at 1.9× the memory of a 1 MiB one (with
 * the cap, 1.3×, and no slower: `deno task bench`). Written in `gpt4o.sh`.
 */
export const MEMORY_FLAG: string = launcherSetting("memory");

/**
 * The flag a run with `--serve` gets (no permission either): `Deno.serve`'s
 * `request.signal` then aborts only when a client goes away, not after each
 * answer as well (which makes Deno print a warning). Written in `gpt4o.sh`.
 */
export const SERVE_FLAG: string = launcherSetting("serving");

/**
 * Whether a command line asks for `--serve`: read as the launcher reads it,
 * up to a `--`, the value of an option that names a file passed over.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serves } from "./permissions.ts";
 * assert.equal(serves(["--serve", "--port", "0"]), true);
 * assert.equal(serves(["-a", "--serve"]), false);
 * assert.equal(serves(["--", "--serve"]), false);
 * ```
 */
export function serves(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--") return false;
    if (args[i] === "--serve") return true;
    if (TAKES_VALUE.includes(args[i])) i++;
  }
  return false;
}

/** The options whose value the launcher reads as a file's name. */
const TAKES_VALUE = ["-a", "--attach", "-f", "--file", "--import", "--schema"];

/**
 * The files a command line names for reading: each `-a`/`--attach` path (a
 * URL is no file), each `-f`/`--file` path, the file of `--import` (`-` is
 * stdin) and of `--schema @FILE`;
 * with `--chat`, the current folder too, for `/attach`. The user naming a
 * file is what lets the program read it. Options are read as the program
 * reads them, up to a `--`; a path with a comma, which Deno's flags cannot
 * name, is left out (reading it then fails with one line).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedFiles } from "./permissions.ts";
 * assert.deepEqual(
 *   namedFiles(["-a", "cat.png", "--file=src", "-a", "https://x.test/a.png", "--schema", "@s.json", "Hi"]),
 *   ["cat.png", "src", "s.json"],
 * );
 * ```
 */
export function namedFiles(args: readonly string[]): string[] {
  const named: string[] = [];
  const add = (path: string) => {
    if (
      path !== "" && path !== "-" && !/^https?:\/\//i.test(path) &&
      !path.includes(",")
    ) {
      named.push(path);
    }
  };
  const schema = (value: string) =>
    value.startsWith("@") && add(value.slice(1));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (["-a", "--attach", "-f", "--file", "--import"].includes(arg)) {
      if (i + 1 < args.length) add(args[++i]);
    } else if (arg === "--schema") {
      if (i + 1 < args.length) schema(args[++i]);
    } else if (/^--(attach|file|import)=/.test(arg)) {
      add(arg.slice(arg.indexOf("=") + 1));
    } else if (arg.startsWith("--schema=")) {
      schema(arg.slice("--schema=".length));
    } else if (/^-[af]./.test(arg)) {
      add(arg.slice(2));
    } else if (arg === "--chat") {
      named.push(".");
    }
  }
  return named;
}

/**
 * Whether a command line may use tools: it names `-T`/`--tools` or
 * `--list-tools`, or the config file's text sets `tools` (at the top or in a
 * role). Read as the program reads options, up to a `--`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayUseTools } from "./permissions.ts";
 * assert.equal(mayUseTools(["-T", "files", "Hi"]), true);
 * assert.equal(mayUseTools(["Hi"], 'tools = ["files"]'), true);
 * assert.equal(mayUseTools(["--", "-T"]), false);
 * ```
 */
export function mayUseTools(args: readonly string[], config = ""): boolean {
  const end = args.indexOf("--");
  const asked = (end < 0 ? args : args.slice(0, end)).some((arg) =>
    /^(-T|--tools(=|$)|--list-tools$)/.test(arg)
  );
  return asked || /^[ \t]*tools[ \t]*=/m.test(config);
}

/**
 * Whether a command line may run a command in the user's shell: it names
 * `-e` (alone, or after short flags that take no value: `-ve`),
 * `--execute`, or `--chat` (whose `/execute` does it). Read as the program
 * reads options, up to a `--`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayExecute } from "./permissions.ts";
 * assert.equal(mayExecute(["-e", "list the files"]), true);
 * assert.equal(mayExecute(["-ve", "list the files"]), true);
 * assert.equal(mayExecute(["-me", "Hi"]), false); // -m's value is "e"
 * assert.equal(mayExecute(["--", "-e"]), false);
 * ```
 */
export function mayExecute(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((arg, i, all) =>
    // The value of an option that takes a file is no flag.
    !["-a", "--attach", "-f", "--file", "--import", "--schema"].includes(
      all[i - 1],
    ) && /^(-[xvch]*e|--execute$|--chat$)/.test(arg)
  );
}

/**
 * What a run that may use tools may start: `deno`, for the sandboxed
 * servers, and each program a `command` server of the config file's text
 * names (one that holds a comma cannot be granted). A program allowed to run
 * `deno` can do anything: this is granted only when tools may be used.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toolPrograms } from "./permissions.ts";
 * assert.deepEqual(
 *   toolPrograms("/opt/deno", '[mcp.git]\ncommand = "uvx"\n'),
 *   ["/opt/deno", "uvx"],
 * );
 * ```
 */
export function toolPrograms(deno: string, config = ""): string[] {
  const commands = [
    ...config.matchAll(/^[ \t]*command[ \t]*=[ \t]*"([^"\\,\s]+)"/gm),
  ].map((match) => match[1]);
  return [...new Set([deno, ...commands])];
}

/**
 * The variables the config file's text names as its providers' keys
 * (`key_env = "AZURE_OPENAI_API_KEY"`), which a run may read too: any name
 * a variable can have, each once, none of {@linkcode PROGRAM_ENV}'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyVariables } from "./permissions.ts";
 * assert.deepEqual(
 *   keyVariables('[providers.az]\nkey_env = "AZURE_OPENAI_API_KEY"\n'),
 *   ["AZURE_OPENAI_API_KEY"],
 * );
 * ```
 */
export function keyVariables(config = ""): string[] {
  const names = [
    ...config.matchAll(
      /^[ \t]*key_env[ \t]*=[ \t]*"([A-Za-z_][A-Za-z0-9_]*)"/gm,
    ),
  ].map((match) => match[1]);
  return [...new Set(names)].filter((name) => !PROGRAM_ENV.includes(name));
}

/**
 * The `deno` a run starts sandboxed tool servers with: the one running it,
 * when the run may start that one; else the `deno` its permissions name.
 */
export function denoCommand(): string {
  const self = Deno.execPath();
  return Deno.permissions.querySync({ name: "run", command: self }).state ===
      "granted"
    ? self
    : "deno";
}

/**
 * Whether a command line is a shell's completion: `--completions SHELL`, or
 * `--complete KIND` at a Tab. It reads the config file and the history, and
 * needs no network, no writing and no program to start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completes } from "./permissions.ts";
 * assert.equal(completes(["--complete", "roles"]), true);
 * assert.equal(completes(["-m", "x", "--completions", "bash"]), false);
 * ```
 */
export function completes(args: readonly string[]): boolean {
  return /^--complet(e|ions)(=|$)/.test(args[0] ?? "");
}

/**
 * The `deno run` flags of one run: no prompt, {@linkcode MEMORY_FLAG} (and
 * {@linkcode SERVE_FLAG} with `--serve`), the network, the variables of
 * {@linkcode PROGRAM_ENV}, reading `.env`, the history folder, the config
 * file and the files `args` names (see {@linkcode namedFiles}), writing the
 * history folder only (nothing when history is off); when the run may use
 * tools (`tools` says how to tell, see {@linkcode mayUseTools}), starting
 * the programs of {@linkcode toolPrograms} and the one that opens a sign-in
 * page (`src/tools/browser.ts`); when it may run a command (see
 * {@linkcode mayExecute}), starting the user's shell. A shell's completion (see
 * {@linkcode completes}) gets no network, no writing and no program to start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFlags } from "./permissions.ts";
 * const flags = runFlags((name) => ({ HOME: "/home/ada" })[name], "linux");
 * assert.deepEqual(flags.slice(-2), [
 *   "--allow-read=.env,/home/ada/.local/share/gpt4o,/home/ada/.config/gpt4o/config.toml",
 *   "--allow-write=/home/ada/.local/share/gpt4o",
 * ]);
 * ```
 */
export function runFlags(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
  args: readonly string[] = [],
  tools?: { deno: string; config?: string },
): string[] {
  const completing = completes(args);
  const run = completing ? [] : [
    ...new Set([
      ...tools && mayUseTools(args, tools.config)
        ? [...toolPrograms(tools.deno, tools.config), opener(env, os).command]
        : [],
      // -e's shell, as src/shell/shell.ts finds it.
      ...mayExecute(args) ? [shellOf(env, os).program] : [],
    ]),
  ].filter((each) => !each.includes(","));
  const folder = grantedFolder(env, os);
  const config = configPath(env, os);
  const read = [
    ".env",
    folder,
    config?.includes(",") ? undefined : config,
    ...namedFiles(args),
  ];
  return [
    "--no-prompt",
    MEMORY_FLAG,
    ...serves(args) ? [SERVE_FLAG] : [],
    ...completing ? [] : ["--allow-net"],
    `--allow-env=${[...PROGRAM_ENV, ...keyVariables(tools?.config)].join(",")}`,
    `--allow-read=${read.filter(Boolean).join(",")}`,
    ...folder && !completing ? [`--allow-write=${folder}`] : [],
    ...run.length ? [`--allow-run=${run.join(",")}`] : [],
    // Deno names each program of the list it cannot find, on every start.
    ...run.length > 1 ? ["--quiet"] : [],
  ];
}
