/**
 * The config file, `config.toml`: a default model and system message, custom
 * providers, roles and aliases. It lives in the platform's config folder, or
 * where `GPT4O_CONFIG` says; with none, the program behaves as without one.
 * The program only reads it, parsed by smol-toml, which is loaded only when
 * there is a file.
 *
 * ```toml
 * model = "ollama:llama3.2"            # or a list: a fallback order
 * system = "You are terse."
 *
 * [providers.work]                     # -m work:MODEL
 * base_url = "https://gateway.example/v1"
 * key_env = "GPT4O_WORK_KEY"
 * model = "gpt-4o-mini"
 * headers = { "X-Team" = "law" }
 *
 * [roles.lawyer]                       # -r lawyer
 * system = "You are a careful lawyer."
 * model = "work:gpt-4o"
 *
 * [aliases]
 * fast = "groq:llama-3.3-70b-versatile"
 *
 * [mcp.files]                          # a tool server: -T files
 * module = "npm:@modelcontextprotocol/server-filesystem@2026.8.31"
 * args = ["/home/me/notes"]
 * allow_read = ["/home/me/notes"]
 * ```
 *
 * @module
 */
import { ConfigError } from "./connection.ts";
import type { Io } from "../io/io.ts";
import { type Env, isAbsolute } from "./paths.ts";
import type { ConfigFile } from "./checks.ts";

export type { ConfigFile, Grants, Role, ToolServer } from "./checks.ts";

/** The environment variables read to find the config file. */
export const CONFIG_ENV_VARIABLES = [
  "GPT4O_CONFIG",
  "XDG_CONFIG_HOME",
  "HOME",
  "APPDATA",
] as const;

/** The largest config file read, in bytes. */
export const CONFIG_LIMIT = 1024 * 1024;

/**
 * Where the config file is: `GPT4O_CONFIG` (`off` for none), else
 * `gpt4o/config.toml` in an absolute `$XDG_CONFIG_HOME`, else in
 * `~/.config` (Linux and other Unixes), `~/Library/Application Support`
 * (macOS) or `%APPDATA%` (Windows); `undefined` when no variable names one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configPath } from "./file.ts";
 * const env = (name: string) => ({ HOME: "/home/ada" })[name];
 * assert.equal(configPath(env, "linux"), "/home/ada/.config/gpt4o/config.toml");
 * assert.equal(configPath(env, "darwin"), "/home/ada/Library/Application Support/gpt4o/config.toml");
 * ```
 */
export function configPath(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const read = (name: (typeof CONFIG_ENV_VARIABLES)[number]) =>
    env(name)?.trim() || undefined;
  const named = read("GPT4O_CONFIG");
  if (named !== undefined) {
    return named.toLowerCase() === "off" ? undefined : named;
  }
  const separator = os === "windows" ? "\\" : "/";
  const inside = (base: string) =>
    [base.replace(/[\\/]+$/, ""), "gpt4o", "config.toml"].join(separator);
  const xdg = read("XDG_CONFIG_HOME");
  if (xdg !== undefined && isAbsolute(xdg, os)) return inside(xdg);
  if (os === "windows") {
    const appData = read("APPDATA");
    return appData === undefined ? undefined : inside(appData);
  }
  const home = read("HOME");
  if (home === undefined) return undefined;
  return inside(
    `${home.replace(/\/+$/, "")}/${
      os === "darwin" ? "Library/Application Support" : ".config"
    }`,
  );
}

/** What {@linkcode loadConfigFile} reads the file with. */
export type ConfigIo = Pick<Io, "readTextFile"> & {
  /** The file's permission bits, `null` where the system has none. */
  fileMode(path: string): number | null;
};

/**
 * Reads, parses and checks the config file at `path`. When `GPT4O_CONFIG`
 * did not name it (`named` false: the platform's place), there may be no
 * file, or this run may not read it: then there is no config file. A setting
 * it does not know (a typo) is named in `warnings` and left out.
 *
 * @throws {ConfigError} naming the file: one `GPT4O_CONFIG` names that does
 * not exist, a TOML syntax error (and its line),
 * a setting of the wrong type, a name that cannot be used, a secret in a file
 * that others may read, or a file that cannot be read.
 */
export async function loadConfigFile(
  io: ConfigIo,
  path: string,
  { named = true, os = Deno.build.os }: {
    named?: boolean;
    os?: typeof Deno.build.os;
  } = {},
): Promise<{ file?: ConfigFile; warnings: string[] }> {
  let text;
  try {
    text = await io.readTextFile(path, { limit: CONFIG_LIMIT });
  } catch (error) {
    // A run that was not given the platform's place (plain `deno run`, a
    // compiled binary elsewhere) has no config file; one GPT4O_CONFIG names
    // must be read.
    if (error instanceof Deno.errors.NotCapable && !named) {
      return { warnings: [] };
    }
    const reason = error instanceof Deno.errors.NotCapable
      ? "this run may not read it (set GPT4O_CONFIG in the environment, or " +
        "GPT4O_CONFIG=off)"
      : error instanceof Error
      ? error.message.replace(/ \(os error \d+\).*$/, "")
        .replace(/^[A-Z](?=[a-z])/, (first) => first.toLowerCase())
      : String(error);
    throw new ConfigError(`the config file ${path} cannot be read: ${reason}`);
  }
  if (text === undefined) {
    // The platform's place may hold no file; a file GPT4O_CONFIG names must
    // be there, or the settings the user meant would be silently left out.
    if (!named) return { warnings: [] };
    throw new ConfigError(
      `GPT4O_CONFIG names ${path}, and there is no such file: create it, or ` +
        "set GPT4O_CONFIG=off for no config file",
    );
  }
  const { parse, TomlError } = await import("smol-toml");
  let data: Record<string, unknown>;
  const toml = text.replace(/^\uFEFF/, "");
  try {
    data = parse(toml);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const { explainToml } = await import("./toml_errors.ts");
    const explained = explainToml(toml, error);
    if (explained) {
      throw new ConfigError(`${path}:${explained.line}: ${explained.says}`);
    }
    const what = error.message.split("\n")[0]
      .replace(/^Invalid TOML document: /, "");
    throw new ConfigError(
      `${path}:${error.line}: ${what} (fix the TOML there)`,
    );
  }
  const deep = tooDeep(data);
  if (deep) {
    throw new ConfigError(
      `${path}: ${deep} nests more than ${DEPTH_LIMIT} tables and arrays ` +
        "deep, deeper than any setting: fix the TOML there",
    );
  }
  // The checks load with the parser: a run without a config file needs neither.
  const { Checker } = await import("./checks.ts");
  const check = new Checker(path);
  const file = check.file(data);
  const secret = check.secretAt(data);
  if (secret !== undefined && os !== "windows") {
    const mode = io.fileMode(path);
    if (mode !== null && (mode & 0o077) !== 0) {
      throw new ConfigError(
        `${path} holds a secret (${secret}) and others may read it (mode ` +
          `${(mode & 0o777).toString(8)}): chmod 600 ${path}, or keep the ` +
          "secret in a variable that key_env names",
      );
    }
  }
  return { file, warnings: check.warnings };
}

/** How deep tables and arrays may nest: far more than any setting needs. */
export const DEPTH_LIMIT = 64;

/**
 * The first key, dotted and cut short, whose values nest past
 * {@linkcode DEPTH_LIMIT}, found without recursion: the checks that walk the
 * file recurse, and a 10,000-deep dotted key must stop here in one line.
 */
function tooDeep(data: Record<string, unknown>): string | undefined {
  const stack: [unknown, string[]][] = [[data, []]];
  while (stack.length > 0) {
    const [value, keys] = stack.pop()!;
    if (keys.length > DEPTH_LIMIT) {
      const shown = keys.slice(0, 3).map((key) =>
        /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key)
      );
      return `the key ${shown.join(".")}.…`;
    }
    if (typeof value === "object" && value !== null) {
      for (const [key, each] of Object.entries(value)) {
        stack.push([each, [...keys, key]]);
      }
    }
  }
}
