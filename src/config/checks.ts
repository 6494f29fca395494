/**
 * The shape of the config file, and its settings checked one by one into a
 * {@linkcode ConfigFile}: each of the wrong type, or a name that cannot be
 * used, named with its place; each the program does not know, a warning.
 *
 * @module
 */
import { checkOptions, type SamplingOptions } from "./sampling.ts";
import { ConfigError, ENV_VARIABLES, SDK_ENV_VARIABLE } from "./connection.ts";
import { type CustomProvider, PROVIDERS } from "./providers.ts";
import { nearest } from "../text/spelling.ts";
import type { Price } from "../history/conversation.ts";

/** A named system message, and optionally a model: `-r NAME`. */
export interface Role {
  name: string;
  system?: string;
  /** Model names in fallback order, as `-m` takes them. */
  model?: string[];
  /** Its sampling options, over the file's. */
  options?: SamplingOptions;
  /** The tool servers it uses, instead of the file's `tools`. */
  tools?: string[];
}

/** What a sandboxed tool server may reach: Deno's `--allow-*` lists. */
export interface Grants {
  read: string[];
  write: string[];
  net: string[];
  env: string[];
  run: string[];
}

/**
 * A tool server (MCP) the config declares as `[mcp.NAME]`: a Deno module run
 * in Deno's sandbox, any other program (unsandboxed), or a Streamable HTTP
 * URL.
 */
export interface ToolServer {
  name: string;
  /** How it runs: `module` under `deno run` with only its grants. */
  kind: "module" | "command" | "url";
  /** The module, the program, or the URL. */
  target: string;
  args: string[];
  /** What a `module` server may reach; a `command` server gets `env` alone. */
  grants: Grants;
  /** Variables set for the server, beside those `allow_env` passes on. */
  env: Record<string, string>;
  /** HTTP headers sent to a `url` server; masked like keys. */
  headers: Record<string, string>;
  /** Its tools that may run without asking. */
  allow: string[];
  /** How long it may take to start, and to answer one call, in seconds. */
  timeoutSeconds?: number;
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
  /** The tool servers, `[mcp.NAME]`. */
  mcp: ToolServer[];
  /** The servers whose tools every run may use, unless a role or `-T` names others. */
  tools?: string[];
  /** How many rounds of tool calls a request may take before the answer. */
  toolRounds?: number;
  /** Whether an answer streams at a terminal (`stream = false` turns it off). */
  stream?: boolean;
  /** A model's prices (`[prices."gpt-4o"]`), by the model as `-m` takes it or as sent. */
  prices?: Record<string, Price>;
}

/** The settings of each table, for the "unknown setting" warnings. */
const KNOWN = {
  top: [
    "model",
    "system",
    "options",
    "providers",
    "roles",
    "aliases",
    "mcp",
    "tools",
    "tool_rounds",
    "stream",
    "prices",
  ],
  price: ["input", "output", "cached_input"],
  provider: ["base_url", "key_env", "model", "headers", "api"],
  role: ["system", "model", "options", "tools"],
  mcp: [
    "module",
    "command",
    "url",
    "args",
    "allow_read",
    "allow_write",
    "allow_net",
    "allow_env",
    "allow_run",
    "env",
    "headers",
    "allow",
    "timeout",
  ],
};

/** The largest `tool_rounds`. */
const MOST_TOOL_ROUNDS = 100;

/** Checks the parsed file setting by setting, collecting warnings. */
export class Checker {
  readonly warnings: string[] = [];
  constructor(readonly path: string) {}

  file(data: Record<string, unknown>): ConfigFile {
    this.#unknown(data, KNOWN.top, "");
    const providers = this.#table(data.providers, "providers");
    const roles = this.#table(data.roles, "roles");
    const aliases = this.#table(data.aliases, "aliases");
    // No tool server may be given a key of the program's own.
    const keys = [
      ...ENV_VARIABLES,
      SDK_ENV_VARIABLE,
      ...PROVIDERS.flatMap((each) => each.keyVariable ?? []),
      ...Object.values(providers).flatMap((each) => {
        const key = (each as { key_env?: unknown })?.key_env;
        return typeof key === "string" ? [key] : [];
      }),
    ];
    const mcp = Object.entries(this.#table(data.mcp, "mcp")).map((
      [name, value],
    ) => this.#toolServer(name, value, keys));
    const file: ConfigFile = {
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
      mcp,
      ...optional("tools", this.#tools(data.tools, "tools", mcp)),
      ...optional("toolRounds", this.#rounds(data.tool_rounds)),
      ...optional("stream", this.#flag(data.stream, "stream")),
      prices: Object.fromEntries(
        Object.entries(this.#table(data.prices, "prices")).map((
          [model, value],
        ) => [model, this.#price(value, `prices.${JSON.stringify(model)}`)]),
      ),
    };
    for (const role of file.roles) {
      this.#tools(role.tools, `roles.${role.name}.tools`, mcp);
    }
    return file;
  }

  #toolServer(name: string, value: unknown, keys: string[]): ToolServer {
    const at = `mcp.${name}`;
    this.#name(name, at);
    const table = this.#table(value, at);
    this.#unknown(table, KNOWN.mcp, at);
    const kinds = (["module", "command", "url"] as const).filter((kind) =>
      table[kind] !== undefined
    );
    if (kinds.length !== 1) {
      this.#fail(at, "needs one of module, command or url");
    }
    const kind = kinds[0];
    const target = this.#text(table[kind], `${at}.${kind}`)!.trim();
    if (target === "") this.#fail(`${at}.${kind}`, "is empty");
    if (kind === "url" && !/^https?:\/\/./i.test(target)) {
      this.#fail(`${at}.url`, "must be an http:// or https:// URL");
    }
    const list = (key: string) => this.#texts(table[key], `${at}.${key}`);
    const grants: Grants = {
      read: list("allow_read"),
      write: list("allow_write"),
      net: list("allow_net"),
      env: list("allow_env"),
      run: list("allow_run"),
    };
    for (
      const [key, values] of Object.entries(grants) as [string, string[]][]
    ) {
      if (values.some((each) => each.includes(","))) {
        this.#fail(`${at}.allow_${key}`, "cannot hold a comma");
      }
    }
    const key = grants.env.find((each) => keys.includes(each));
    if (key !== undefined) {
      this.#fail(
        `${at}.allow_env`,
        `names ${key}, which holds a key of the program's own: a tool ` +
          "server may not have it (give it a key of its own in env)",
      );
    }
    if (kind !== "module") {
      for (const key of ["read", "write", "net", "run"] as const) {
        if (grants[key].length) {
          this.warnings.push(
            `${this.path}: ${at}.allow_${key} is for module servers: a ` +
              `${kind} server is not sandboxed, ignored`,
          );
        }
      }
    }
    const tableOfTexts = (key: string) => {
      const entries = this.#table(table[key], `${at}.${key}`);
      for (const [entry, text] of Object.entries(entries)) {
        this.#text(text, `${at}.${key}.${entry}`);
      }
      return { ...entries } as Record<string, string>;
    };
    return {
      name,
      kind,
      target,
      args: list("args"),
      grants,
      env: tableOfTexts("env"),
      headers: tableOfTexts("headers"),
      allow: list("allow"),
      ...optional(
        "timeoutSeconds",
        this.#seconds(table.timeout, `${at}.timeout`),
      ),
    };
  }

  #seconds(value: unknown, at: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !(value > 0) || value > 3600) {
      this.#fail(
        at,
        "must be a number of seconds, more than 0 and at most 3600",
      );
    }
    return value as number;
  }

  /** A list of tool servers' names, each declared under `[mcp]`. */
  #tools(
    value: unknown,
    at: string,
    servers: ToolServer[],
  ): string[] | undefined {
    if (value === undefined) return undefined;
    const names = this.#texts(value, at);
    for (const name of names) {
      if (name !== "all" && !servers.some((each) => each.name === name)) {
        const near = nearest(name, servers.map((each) => each.name));
        this.#fail(
          at,
          `names ${name}, which no [mcp.${name}] declares` +
            (near ? ` (did you mean ${near}?)` : ""),
        );
      }
    }
    return names;
  }

  #rounds(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (
      typeof value !== "number" || !Number.isInteger(value) || value < 1 ||
      value > MOST_TOOL_ROUNDS
    ) {
      this.#fail(
        "tool_rounds",
        `must be a whole number from 1 to ${MOST_TOOL_ROUNDS}`,
      );
    }
    return value as number;
  }

  /** A model's prices: USD per million tokens, in and out (and cached in). */
  #price(value: unknown, at: string): Price {
    const table = this.#table(value, at);
    this.#unknown(table, KNOWN.price, at);
    const usd = (key: string, required: boolean) => {
      const field = table[key];
      if (field === undefined && !required) return undefined;
      if (typeof field !== "number" || !Number.isFinite(field) || field < 0) {
        this.#fail(
          `${at}.${key}`,
          "must be a price in USD per million tokens (a number, 0 or more)",
        );
      }
      return field;
    };
    const cached = usd("cached_input", false);
    return {
      input: usd("input", true)!,
      output: usd("output", true)!,
      ...(cached === undefined ? {} : { cached_input: cached }),
    };
  }

  #flag(value: unknown, at: string): boolean | undefined {
    if (value === undefined || typeof value === "boolean") return value;
    this.#fail(at, `must be true or false, not ${kind(value)}`);
  }

  #texts(value: unknown, at: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((x) => typeof x === "string")) {
      this.#fail(at, `must be a list of texts, not ${kind(value)}`);
    }
    return value as string[];
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
    const api = this.#text(table.api, `${at}.api`);
    if (api !== undefined && api !== "chat" && api !== "responses") {
      this.#fail(`${at}.api`, 'must be "chat" or "responses"');
    }
    return {
      name,
      baseURL: baseURL!.replace(/\/+$/, ""),
      ...optional("keyVariable", keyVariable),
      ...optional("api", api as "chat" | "responses" | undefined),
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
      ...optional(
        "tools",
        table.tools === undefined
          ? undefined
          : this.#texts(table.tools, `${at}.tools`),
      ),
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
