/**
 * One home for deciding what a run is: the command line, the environment,
 * `.env`, the config file, the provider (a preset or the config's own), the
 * role and the conversation being continued are read here, once, into typed
 * values the rest of the program takes.
 *
 * The model and the system message, highest first:
 *
 * | model                              | system message                     |
 * | ---------------------------------- | ---------------------------------- |
 * | `-m`                               | `-s`                               |
 * | with `-c`: the role's, then the conversation's | the same           |
 * | `GPT4O_MODEL`                      | `GPT4O_SYSTEM`                     |
 * | the role's (`-r`)                  | the role's                         |
 * | the config file's `model`          | the config file's `system`         |
 * | `gpt-4o`                           | "You are a helpful assistant."     |
 *
 * The sampling options (`-o`) go by the same order, option by option: the
 * flags', then (with `-c`) the role's and the conversation's, else the
 * role's and the config file's.
 *
 * @module
 */
import {
  ConfigError,
  type Connection,
  connectionOf,
  readable,
  urlSecrets,
  type Variables,
} from "./connection.ts";
import type { ConfigFile, Role, ToolServer } from "./file.ts";
import { nearest } from "../text/spelling.ts";
import { columns } from "../text/columns.ts";
import type { Conversation } from "../history/conversation.ts";
import { type HistoryPlace, historyPlaceOf } from "../history/use.ts";
import { DEFAULT_MODEL, DEFAULT_SYSTEM, type Options } from "../cli/options.ts";
import { mergeOptions, type SamplingOptions } from "./sampling.ts";
import {
  everySecret,
  parseModel,
  type Provider,
  providerEndpoint,
  providerOf,
} from "./providers.ts";

/** What the program knows before it decides a run. */
export interface Settings {
  /** The environment, then `.env`. */
  read: Variables;
  file?: ConfigFile;
  /** The config file's providers, beside the presets. */
  providers: Provider[];
  /** Where the history is. */
  history: HistoryPlace;
  /** `GPT4O_SERVE_TOKEN`: what `--serve`'s clients must send as their key. */
  serveToken?: string;
}

/** The settings of `read` and the config file `file` (if any). */
export function settingsOf(read: Variables, file?: ConfigFile): Settings {
  const serveToken = readable(read, "GPT4O_SERVE_TOKEN");
  return {
    read,
    ...(file ? { file } : {}),
    providers: file?.providers.map((each) => providerOf(each, file.path)) ??
      [],
    history: historyPlaceOf(read),
    ...(serveToken === undefined ? {} : { serveToken }),
  };
}

/** One place a model's request can go, ready to send. */
export interface Target {
  /** As `-m` takes it, provider resolved: `groq:openai/gpt-oss-120b`; saved with the exchange. */
  spec: string;
  /** As messages name it: `openai/gpt-oss-120b (groq)`. */
  shown: string;
  /** The model sent. */
  model: string;
  /** The named provider, for `--verbose`. */
  provider?: string;
  /** The variable the provider's key came from, for messages. */
  keyVariable?: string;
  connection: Connection;
  /** The API the provider's entry asks for (`api = "responses"`). */
  api?: "chat" | "responses";
}

/**
 * The model names a text holds, in fallback order: `a,b,c`, an alias
 * standing for its list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingsOf, specsOf } from "./plan.ts";
 * const settings = settingsOf(() => undefined, {
 *   path: "config.toml", providers: [], roles: [], mcp: [],
 *   aliases: { fast: ["groq:llama-3.3-70b-versatile", "ollama:"] },
 * });
 * assert.deepEqual(specsOf("fast, gpt-4o", settings), [
 *   "groq:llama-3.3-70b-versatile",
 *   "ollama:",
 *   "gpt-4o",
 * ]);
 * ```
 */
export function specsOf(text: string, settings: Settings): string[] {
  return text.split(",").map((each) => each.trim()).filter(Boolean)
    .flatMap((each) => settings.file?.aliases[each] ?? [each]);
}

/**
 * Where a model text's requests go, in fallback order; `note` hears a
 * provider name one or two letters off (the model is sent as named).
 *
 * @throws {ConfigError} naming the first that cannot be used (no key, a
 * provider with no model) or a text that names no model at all.
 */
export function targetsOf(
  text: string,
  settings: Settings,
  note: (line: string) => void = () => {},
): Target[] {
  const specs = specsOf(text, settings);
  if (specs.length === 0) {
    throw new ConfigError(`"${text}" names no model: see --help for -m`);
  }
  return specs.map((spec) => targetOf(spec, settings, note));
}

function targetOf(
  spec: string,
  settings: Settings,
  note: (line: string) => void,
): Target {
  const { provider, model, suggestion } = parseModel(spec, settings.providers);
  if (suggestion) {
    note(
      `${spec.slice(0, spec.indexOf(":"))}: names no provider: did you ` +
        `mean ${suggestion}:? (sending the model "${spec}" as named)`,
    );
  }
  if (provider && model === "") {
    throw new ConfigError(
      `${provider.name}: names no model: give -m ${provider.name}:MODEL, or ` +
        `set model in [providers.${provider.name}] of ${provider.from}`,
    );
  }
  const endpoint = provider && {
    ...providerEndpoint(provider, settings.read),
    ...(provider.keyVariable ? { keyVariable: provider.keyVariable } : {}),
    ...(provider.headers ? { headers: provider.headers } : {}),
  };
  return {
    spec: provider ? `${provider.name}:${model}` : model,
    shown: provider ? `${model} (${provider.name})` : model,
    model,
    ...(provider ? { provider: provider.name } : {}),
    ...(provider?.keyVariable ? { keyVariable: provider.keyVariable } : {}),
    connection: connectionOf(settings.read, endpoint),
    ...(provider?.api ? { api: provider.api } : {}),
  };
}

/** How a run begins: the model text, the system message, the options, and the role. */
export interface Start {
  /** A model name, a `provider:model`, an alias or a comma list of them. */
  model: string;
  system: string;
  /** The sampling options of each request. */
  sampling: SamplingOptions;
  role?: Role;
}

/**
 * The model and system message a run begins with, by the precedence in this
 * module's table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "../cli/options.ts";
 * import { settingsOf, startOf } from "./plan.ts";
 * const read = (name: string) => ({ GPT4O_MODEL: "ollama:" })[name];
 * const start = startOf(parseOptions(["Hi"]), settingsOf(read), undefined);
 * assert.deepEqual(start, {
 *   model: "ollama:",
 *   system: "You are a helpful assistant.",
 *   sampling: {},
 * });
 * ```
 *
 * @throws {ConfigError} for a role the config file does not have.
 */
export function startOf(
  options: Pick<Options, "model" | "system" | "role"> & {
    sampling?: SamplingOptions;
  },
  settings: Settings,
  resumed: Conversation | undefined,
): Start {
  const role = roleOf(options.role, settings);
  const { read, file } = settings;
  const model = options.model ??
    (resumed
      ? role?.model?.join(",") ?? resumed.model
      : read("GPT4O_MODEL") ?? role?.model?.join(",") ??
        file?.model?.join(",") ?? DEFAULT_MODEL);
  const system = options.system ??
    (resumed
      ? role?.system ?? resumed.system
      : read("GPT4O_SYSTEM") ?? role?.system ?? file?.system ??
        DEFAULT_SYSTEM);
  const sampling = resumed
    ? mergeOptions(
      resumed.turns.at(-1)?.options,
      role?.options,
      options.sampling,
    )
    : mergeOptions(file?.options, role?.options, options.sampling);
  return { model, system, sampling, ...(role ? { role } : {}) };
}

/** The role `-r` (or `/role`) names. */
export function roleOf(
  name: string | undefined,
  settings: Settings,
): Role | undefined {
  if (name === undefined) return undefined;
  const role = settings.file?.roles.find((each) => each.name === name);
  if (role) return role;
  throw new ConfigError(
    settings.file
      ? `there is no role ${name} in ${settings.file.path}: --roles lists them`
      : `there is no role ${name}: roles are set in the config file (see --help)`,
  );
}

/**
 * Every secret to mask: those {@linkcode everySecret} finds, and the config
 * file's: what its providers' and tool servers' URLs carry (see
 * {@linkcode urlSecrets}), their header values, the keys the providers'
 * `key_env` names, and the values a tool server's `env` sets; and
 * `--serve`'s token.
 */
export function secretsOf(settings: Settings): string[] {
  const own = settings.providers.flatMap((provider) => [
    ...urlSecrets(provider.baseURL),
    ...Object.values(provider.headers ?? {}),
    ...(provider.keyVariable
      ? [readable(settings.read, provider.keyVariable)]
      : []),
  ]);
  // A tool server's headers, and the values its env table sets that could
  // be tokens.
  const tools = (settings.file?.mcp ?? []).flatMap((server) => [
    ...(server.kind === "url" ? urlSecrets(server.target) : []),
    ...Object.values(server.headers),
    ...Object.values(server.env).filter((value) => value.length >= 8),
  ]);
  return [
    ...everySecret(settings.read),
    ...(settings.serveToken === undefined ? [] : [settings.serveToken]),
    ...own.filter((each) => each !== undefined),
    ...tools,
  ];
}

/** How many rounds of tool calls a request takes at most, unless the config says. */
export const DEFAULT_TOOL_ROUNDS = 10;

/**
 * The tool servers a run enables: those `-T` names, else the role's
 * `tools`, else the config file's; `all` stands for every declared one.
 * None unless asked for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settingsOf, toolServersOf } from "./plan.ts";
 * const server = {
 *   name: "files", kind: "module" as const, target: "npm:x", args: [],
 *   grants: { read: [], write: [], net: [], env: [], run: [] },
 *   env: {}, headers: {}, allow: [],
 * };
 * const settings = settingsOf(() => undefined, {
 *   path: "config.toml", providers: [], roles: [], aliases: {}, mcp: [server],
 * });
 * assert.deepEqual(toolServersOf([], settings, undefined), []);
 * assert.deepEqual(toolServersOf(["all"], settings, undefined), [server]);
 * ```
 *
 * @throws {ConfigError} for a name no `[mcp.NAME]` declares.
 */
export function toolServersOf(
  names: string[],
  settings: Settings,
  role: Role | undefined,
): ToolServer[] {
  const wanted = names.length
    ? names
    : role?.tools ?? settings.file?.tools ?? [];
  const declared = settings.file?.mcp ?? [];
  if (wanted.includes("all")) return declared;
  return [...new Set(wanted)].map((name) => {
    const server = declared.find((each) => each.name === name);
    if (server) return server;
    const near = nearest(name, declared.map((each) => each.name));
    throw new ConfigError(
      settings.file
        ? `there is no tool server ${name} in ${settings.file.path}` +
          (near
            ? `: did you mean ${near}?`
            : declared.length
            ? `: it declares ${declared.map((each) => each.name).join(", ")}`
            : ": declare it as [mcp.NAME] there (see the README)")
        : `there is no tool server ${name}: declare it as [mcp.${name}] in ` +
          "the config file (see --help)",
    );
  });
}

/**
 * The `--roles` listing: each role's name, its model and the first line of
 * its system message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRoles, settingsOf } from "./plan.ts";
 * const settings = settingsOf(() => undefined, {
 *   path: "config.toml", providers: [], aliases: {}, mcp: [],
 *   roles: [{ name: "lawyer", system: "You are a careful lawyer.", model: ["work:gpt-4o"] }],
 * });
 * assert.equal(formatRoles(settings), "lawyer  work:gpt-4o  You are a careful lawyer.\n");
 * ```
 */
export function formatRoles(settings: Settings): string {
  const roles = settings.file?.roles ?? [];
  if (roles.length === 0) {
    return settings.file
      ? `no roles in ${settings.file.path}\n`
      : "no roles: set them in the config file as [roles.NAME] (see --help)\n";
  }
  return columns(roles.map((role) => [
    role.name,
    role.model?.join(",") ?? "-",
    (role.system ?? "").split("\n")[0],
  ])).map((line) => `${line}\n`).join("");
}
