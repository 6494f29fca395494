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
 * ```
 *
 * @module
 */
import { checkOptions, type SamplingOptions } from "./sampling.ts";
import { ConfigError } from "./config.ts";
import type { Io } from "./io.ts";
import { type Env, isAbsolute } from "./paths.ts";
import { PROVIDERS } from "./providers.ts";
import { nearest } from "./spelling.ts";

/** The environment variables read to find the config file. */
export const CONFIG_ENV_VARIABLES = [
  "GPT4O_CONFIG",
  "XDG_CONFIG_HOME",
  "HOME",
  "APPDATA",
] as const;

/** The largest config file read, in bytes. */
export const CONFIG_LIMIT = 1024 * 1024;

/** An OpenAI-compatible endpoint of the user's own: `-m NAME:MODEL`. */
export interface CustomProvider {
  name: string;
  baseURL: string;
  /** The variable that holds its key; `undefined` for a keyless server. */
  keyVariable?: string;
  /** The model `-m NAME:` sends. */
  defaultModel?: string;
  /** Headers sent with each request to it; their values are masked like keys. */
  headers: Record<string, string>;
}

/** A named system message, and optionally a model: `-r NAME`. */
export interface Role {
  name: string;
  system?: string;
  /** Model names in fallback order, as `-m` takes them. */
  model?: string[];
  /** Its sampling options, over the file's. */
  options?: SamplingOptions;
}

/** The settings a config file holds. */
export interface ConfigFile {
  path: string;
  /** The default model, in fallback order. */
  model?: string[];
  system?: string;
  /** The sampling options of every request. */
  options?: SamplingOptions;
  providers: CustomProvider[];
  roles: Role[];
  /** An alias's models, in fallback order. */
  aliases: Record<string, string[]>;
}

/**
 * Where the config file is: `GPT4O_CONFIG` (`off` for none), else
 * `gpt4o/config.toml` in an absolute `$XDG_CONFIG_HOME`, else in
 * `~/.config` (Linux and other Unixes), `~/Library/Application Support`
 * (macOS) or `%APPDATA%` (Windows); `undefined` when no variable names one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configPath } from "./config_file.ts";
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
 * Reads, parses and checks the config file at `path`: `undefined` when there
 * is none, or when this run may not read the platform's place for it (`named`
 * false: `GPT4O_CONFIG` did not name it). A setting it does not know (a typo)
 * is named in `warnings` and left out.
 *
 * @throws {ConfigError} naming the file: a TOML syntax error (and its line),
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
      ? error.message.replace(/ \(os error \d+\).*$/, "").toLowerCase()
      : String(error);
    throw new ConfigError(`the config file ${path} cannot be read: ${reason}`);
  }
  if (text === undefined) return { warnings: [] };
  const { parse, TomlError } = await import("smol-toml");
  let data: Record<string, unknown>;
  try {
    data = parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const what = error.message.split("\n")[0]
      .replace(/^Invalid TOML document: /, "");
    throw new ConfigError(
      `${path}:${error.line}: ${what} (fix the TOML there)`,
    );
  }
  const check = new Checker(path);
  const file = check.file(data);
  const secret = check.secretAt(data);
  if (secret !== undefined && os !== "windows") {
    const mode = io.fileMode(path);
    if (mode !== null && (mode & 0o077) !== 0) {
      throw new ConfigError(
        `${path} holds a secret (${secret}) and others may read it (mode ` +
          `${(mode & 0o777).toString(8)}): chmod 600 ${path}, or keep the ` +
          "secret in a GPT4O_* variable that key_env names",
      );
    }
  }
  return { file, warnings: check.warnings };
}

/** The settings of each table, for the "unknown setting" warnings. */
const KNOWN = {
  top: ["model", "system", "options", "providers", "roles", "aliases"],
  provider: ["base_url", "key_env", "model", "headers"],
  role: ["system", "model", "options"],
};

/** Checks the parsed file setting by setting, collecting warnings. */
class Checker {
  readonly warnings: string[] = [];
  constructor(readonly path: string) {}

  file(data: Record<string, unknown>): ConfigFile {
    this.#unknown(data, KNOWN.top, "");
    const providers = this.#table(data.providers, "providers");
    const roles = this.#table(data.roles, "roles");
    const aliases = this.#table(data.aliases, "aliases");
    return {
      path: this.path,
      ...optional("model", this.#models(data.model, "model")),
      ...optional("system", this.#text(data.system, "system")),
      ...optional("options", this.#options(data.options, "options")),
      providers: Object.entries(providers).map(([name, value]) =>
        this.#provider(name, value)
      ),
      roles: Object.entries(roles).map(([name, value]) =>
        this.#role(name, value)
      ),
      aliases: Object.fromEntries(
        Object.entries(aliases).map(([name, value]) => {
          this.#name(name, `aliases.${name}`);
          return [name, this.#models(value, `aliases.${name}`)!];
        }),
      ),
    };
  }

  /**
   * Where the file holds something secret: a header value, a URL's password
   * or query, or a word that begins like a key (`sk-`, `key_`, …).
   */
  secretAt(data: unknown, at = ""): string | undefined {
    if (typeof data === "string") {
      const url = URL.canParse(data) ? new URL(data) : undefined;
      const secret = (url && (url.password || url.search)) ||
        data.split(/[^\w-]+/).some((word) =>
          /^(sk|pk|key|tok|api)[-_]\w{8}/i.test(word)
        );
      return secret ? at : undefined;
    }
    if (typeof data !== "object" || data === null) return undefined;
    for (const [key, value] of Object.entries(data)) {
      const here = at ? `${at}.${key}` : key;
      if (key === "headers" && value && Object.keys(value).length) return here;
      const found = this.secretAt(value, here);
      if (found) return found;
    }
  }

  #provider(name: string, value: unknown): CustomProvider {
    const at = `providers.${name}`;
    this.#name(name, at);
    if (PROVIDERS.some((preset) => preset.name === name.toLowerCase())) {
      this.#fail(at, `${name} is a built-in provider: choose another name`);
    }
    const table = this.#table(value, at);
    this.#unknown(table, KNOWN.provider, at);
    const baseURL = this.#text(table.base_url, `${at}.base_url`);
    if (baseURL === undefined) this.#fail(`${at}.base_url`, "is missing");
    if (
      !URL.canParse(baseURL!) || !/^https?:$/.test(new URL(baseURL!).protocol)
    ) {
      this.#fail(`${at}.base_url`, "must be an http:// or https:// URL");
    }
    const keyVariable = this.#text(table.key_env, `${at}.key_env`);
    if (
      keyVariable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyVariable)
    ) {
      this.#fail(
        `${at}.key_env`,
        "must be the name of an environment variable",
      );
    }
    const headers = this.#table(table.headers, `${at}.headers`);
    for (const [header, text] of Object.entries(headers)) {
      this.#text(text, `${at}.headers.${header}`);
    }
    return {
      name,
      baseURL: baseURL!.replace(/\/+$/, ""),
      ...optional("keyVariable", keyVariable),
      ...optional("defaultModel", this.#text(table.model, `${at}.model`)),
      headers: { ...headers } as Record<string, string>,
    };
  }

  #role(name: string, value: unknown): Role {
    const at = `roles.${name}`;
    this.#name(name, at);
    const table = this.#table(value, at);
    this.#unknown(table, KNOWN.role, at);
    return {
      name,
      ...optional("system", this.#text(table.system, `${at}.system`)),
      ...optional("model", this.#models(table.model, `${at}.model`)),
      ...optional("options", this.#options(table.options, `${at}.options`)),
    };
  }

  /** A table of sampling options, checked; unknown names are warned of. */
  #options(value: unknown, at: string): SamplingOptions | undefined {
    if (value === undefined) return undefined;
    const { options, warnings } = checkOptions(value, `${at} in ${this.path}`);
    this.warnings.push(...warnings);
    return options;
  }

  #models(value: unknown, at: string): string[] | undefined {
    if (value === undefined) return undefined;
    const list = typeof value === "string" ? [value] : value;
    if (
      !Array.isArray(list) || list.length === 0 ||
      !list.every((item) => typeof item === "string" && item.trim() !== "")
    ) {
      this.#fail(
        at,
        `must be a model's name or a list of them, not ${kind(value)}`,
      );
    }
    return (list as string[]).map((item) => item.trim());
  }

  #text(value: unknown, at: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      this.#fail(at, `must be a text, not ${kind(value)}`);
    }
    return value as string;
  }

  #table(value: unknown, at: string): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.#fail(at, `must be a table, not ${kind(value)}`);
    }
    return value as Record<string, unknown>;
  }

  #name(name: string, at: string): void {
    if (!/^[A-Za-z][\w-]*$/.test(name)) {
      this.#fail(
        at,
        "a name has letters, digits, - and _ only, and begins with a letter",
      );
    }
  }

  #unknown(table: Record<string, unknown>, known: string[], at: string): void {
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      const near = nearest(key, known);
      this.warnings.push(
        `${this.path}: unknown setting ${at ? `${at}.` : ""}${key}, ignored` +
          (near ? ` (did you mean ${near}?)` : ""),
      );
    }
  }

  #fail(at: string, problem: string): never {
    throw new ConfigError(`${this.path}: ${at} ${problem}`);
  }
}

/** `{ [key]: value }`, or nothing when `value` is `undefined`. */
function optional<K extends string, V>(
  key: K,
  value: V | undefined,
): { [key in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [key in K]?: V };
}

/** What a TOML value is, for a message. */
function kind(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date";
  if (typeof value === "object" && value !== null) return "a table";
  return typeof value === "bigint" || typeof value === "number"
    ? "a number"
    : typeof value === "boolean"
    ? "true or false"
    : typeof value;
}
