/**
 * Named presets for OpenAI-compatible servers: `-m ollama:llama3.2:1b` picks
 * the server, the variable that holds its key, and the model in one word.
 *
 * @module
 */
import {
  ConfigError,
  customHeaderValues,
  readable,
  urlSecrets,
} from "./connection.ts";
import { nearest } from "../text/spelling.ts";
import { columns } from "../text/columns.ts";

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
  /** `api = "responses"`: ask it through OpenAI's Responses API. */
  api?: "chat" | "responses";
}

/** An OpenAI-compatible server known by name. */
export interface Provider {
  /** The name typed before the colon in `-m name:model`. */
  name: string;
  /** The API's base URL, without a trailing slash. */
  baseURL: string;
  /** The variable that holds the key; `undefined` for a keyless local server. */
  keyVariable?: string;
  /** The model sent when `-m name:` names none (`""` for none). */
  defaultModel: string;
  /** One line for `--providers`. */
  note: string;
  /** Headers every request to it carries (a custom provider's). */
  headers?: Record<string, string>;
  /** The config file that declares it, for a custom provider. */
  from?: string;
  /** The API its entry asks for (a custom provider's `api`). */
  api?: "chat" | "responses";
}

/** A custom provider of the config file as a {@linkcode Provider}. */
export function providerOf(custom: CustomProvider, file: string): Provider {
  return {
    name: custom.name,
    baseURL: custom.baseURL,
    ...(custom.keyVariable ? { keyVariable: custom.keyVariable } : {}),
    defaultModel: custom.defaultModel ?? "",
    note: `from ${file}`,
    headers: custom.headers,
    from: file,
    ...(custom.api ? { api: custom.api } : {}),
  };
}

/**
 * The presets. Every base URL, key variable and default model comes from the
 * provider's own documentation:
 *
 * - openai: https://platform.openai.com/docs/api-reference/introduction
 * - g4f: https://g4f.dev/docs/interference-api.html and
 *   https://github.com/xtekky/gpt4free/blob/main/docs/interference.md
 *   (`g4f api` serves http://localhost:1337/v1 and needs no key)
 * - ollama: https://docs.ollama.com/api/openai-compatibility (base URL,
 *   "required but ignored" key); OLLAMA_HOST as parsed by `envconfig.Host()`
 *   in https://github.com/ollama/ollama/blob/main/envconfig/config.go
 * - lmstudio: https://lmstudio.ai/docs/api/openai-api (port 1234) and
 *   https://lmstudio.ai/docs/developer (model `openai/gpt-oss-20b`)
 * - llamacpp: https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md
 *   (`llama-server` listens on 127.0.0.1:8080 and serves the model it was
 *   started with, whatever name the request carries)
 * - openrouter: https://openrouter.ai/docs/quickstart
 * - groq: https://console.groq.com/docs/openai (base URL, GROQ_API_KEY) and
 *   https://console.groq.com/docs/deprecations (llama-3.3-70b-versatile is
 *   retired for openai/gpt-oss-120b)
 * - deepseek: https://api-docs.deepseek.com/ ("Your First API Call": base_url
 *   https://api.deepseek.com) and https://api-docs.deepseek.com/news
 *   (deepseek-chat is retired for deepseek-v4-flash)
 * - mistral: https://docs.mistral.ai/api (POST https://api.mistral.ai/v1/chat/completions,
 *   MISTRAL_API_KEY, mistral-small-latest)
 * - gemini: https://ai.google.dev/gemini-api/docs/openai (base URL,
 *   GEMINI_API_KEY) and https://ai.google.dev/gemini-api/docs/deprecations
 * - together: https://docs.together.ai/docs/openai-api-compatibility
 */
export const PROVIDERS: readonly Provider[] = [
  {
    name: "openai",
    baseURL: "https://api.openai.com/v1",
    keyVariable: "OPENAI_API_KEY",
    defaultModel: "gpt-4o",
    note: "OpenAI's API",
  },
  {
    name: "g4f",
    baseURL: "http://localhost:1337/v1",
    defaultModel: "gpt-4o",
    note: "gpt4free's own server on this machine: g4f api",
  },
  {
    name: "ollama",
    baseURL: "http://localhost:11434/v1",
    defaultModel: "llama3.2",
    note: "Ollama on this machine, or where OLLAMA_HOST points: ollama serve",
  },
  {
    name: "lmstudio",
    baseURL: "http://localhost:1234/v1",
    defaultModel: "openai/gpt-oss-20b",
    note: "LM Studio's local server: lms server start",
  },
  {
    name: "llamacpp",
    baseURL: "http://localhost:8080/v1",
    defaultModel: "default",
    note: "llama.cpp's llama-server, which answers with the model it loaded",
  },
  {
    name: "openrouter",
    baseURL: "https://openrouter.ai/api/v1",
    keyVariable: "OPENROUTER_API_KEY",
    defaultModel: "openai/gpt-4o",
    note: "one key for many providers' models, named vendor/model",
  },
  {
    name: "groq",
    baseURL: "https://api.groq.com/openai/v1",
    keyVariable: "GROQ_API_KEY",
    defaultModel: "openai/gpt-oss-120b",
    note: "Groq's fast hosted open models",
  },
  {
    name: "deepseek",
    baseURL: "https://api.deepseek.com",
    keyVariable: "DEEPSEEK_API_KEY",
    defaultModel: "deepseek-v4-flash",
    note: "DeepSeek's API; its thinking mode streams reasoning_content",
  },
  {
    name: "mistral",
    baseURL: "https://api.mistral.ai/v1",
    keyVariable: "MISTRAL_API_KEY",
    defaultModel: "mistral-small-latest",
    note: "Mistral AI's API",
  },
  {
    name: "gemini",
    baseURL: "https://generativelanguage.googleapis.com/v1beta/openai",
    keyVariable: "GEMINI_API_KEY",
    defaultModel: "gemini-3.5-flash",
    note: "Google's OpenAI-compatible endpoint for Gemini",
  },
  {
    name: "together",
    baseURL: "https://api.together.ai/v1",
    keyVariable: "TOGETHER_API_KEY",
    defaultModel: "openai/gpt-oss-20b",
    note: "Together AI's hosted open models, named vendor/model",
  },
];

/** The variable Ollama's own tools read to find the server. */
const OLLAMA_HOST = "OLLAMA_HOST";

/**
 * Every variable the table reads: each key variable plus `OLLAMA_HOST`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PROVIDER_ENV_VARIABLES } from "./providers.ts";
 * assert.ok(PROVIDER_ENV_VARIABLES.includes("OPENROUTER_API_KEY"));
 * assert.ok(PROVIDER_ENV_VARIABLES.includes("OLLAMA_HOST"));
 * ```
 */
export const PROVIDER_ENV_VARIABLES: readonly string[] = [
  ...PROVIDERS.flatMap(({ keyVariable }) => keyVariable ?? []),
  OLLAMA_HOST,
];

/**
 * Splits `-m` into a preset and a model. Only the text before the first
 * colon can name a preset (in any case), so model names with colons survive
 * whole. A prefix one or two letters from a preset's name comes back as
 * `suggestion`, for a "did you mean" line; the model is then the whole text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseModel } from "./providers.ts";
 * const { provider, model } = parseModel("ollama:llama3.2:1b");
 * assert.equal(provider?.name, "ollama");
 * assert.equal(model, "llama3.2:1b");
 * assert.equal(parseModel("OLLAMA:llama3.2").provider?.name, "ollama");
 * assert.equal(parseModel("groq:").model, "openai/gpt-oss-120b");
 * assert.deepEqual(parseModel("llama3.2:1b"), { model: "llama3.2:1b" });
 * assert.deepEqual(parseModel("olama:llama3.2"), { model: "olama:llama3.2", suggestion: "ollama" });
 * assert.deepEqual(parseModel("gpt-4o"), { model: "gpt-4o" });
 * ```
 */
export function parseModel(
  text: string,
  custom: readonly Provider[] = [],
): { provider?: Provider; model: string; suggestion?: string } {
  const colon = text.indexOf(":");
  if (colon === -1) return { model: text };
  const prefix = text.slice(0, colon).toLowerCase();
  const all = [...PROVIDERS, ...custom];
  const provider = all.find(({ name }) => name.toLowerCase() === prefix);
  if (provider === undefined) {
    const near = nearest(prefix, all.map(({ name }) => name));
    // A short prefix (llama3.2:1b's "llama3.2") is a model's own name.
    return near && prefix.length >= 3 && !/\d/.test(prefix)
      ? { model: text, suggestion: near }
      : { model: text };
  }
  return { provider, model: text.slice(colon + 1) || provider.defaultModel };
}

/**
 * Where to send a preset's requests and with which key. `read` looks a
 * variable up (the environment, then `.env`); a value of only spaces counts
 * as unset. The Ollama preset follows `OLLAMA_HOST` as Ollama itself reads
 * it. Keyless presets return `apiKey: undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseModel, providerEndpoint } from "./providers.ts";
 * const { provider } = parseModel("openrouter:openai/gpt-4o");
 * const env: Record<string, string> = { OPENROUTER_API_KEY: "sk-or-1" };
 * assert.deepEqual(providerEndpoint(provider!, (name) => env[name]), {
 *   baseURL: "https://openrouter.ai/api/v1",
 *   apiKey: "sk-or-1",
 * });
 * ```
 *
 * @throws {ConfigError} when a hosted preset's key variable is unset or
 * empty, or `OLLAMA_HOST` is not a host, host:port or http(s) URL.
 */
export function providerEndpoint(
  provider: Provider,
  read: (name: string) => string | undefined,
): { baseURL: string; apiKey: string | undefined } {
  const baseURL = baseURLOf(provider, read);
  if (provider.keyVariable === undefined) return { baseURL, apiKey: undefined };
  const name = provider.keyVariable;
  let apiKey;
  try {
    apiKey = trimmed(read(name));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) throw error;
    throw new ConfigError(
      `the key of provider ${provider.name} is in ${name}, which this run ` +
        "may not read: gpt4o and deno task start grant the variable key_env " +
        `names; deno run needs --allow-env=${name}`,
    );
  }
  if (apiKey === undefined) {
    throw new ConfigError(
      `${name} is not set: export it, or put ${name}=... in a .env file here`,
    );
  }
  return { baseURL, apiKey };
}

/** Where a provider answers: the Ollama preset follows `OLLAMA_HOST`. */
function baseURLOf(
  provider: Provider,
  read: (name: string) => string | undefined,
): string {
  return provider.name === "ollama" && provider.from === undefined
    ? ollamaBaseURL(trimmed(read(OLLAMA_HOST))) ?? provider.baseURL
    : provider.baseURL;
}

/**
 * The `--providers` listing: one aligned line a preset with its name, base
 * URL, key variable, whether that variable is set (never its value) and
 * default model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatProviders } from "./providers.ts";
 * const lines = formatProviders(() => undefined).split("\n");
 * assert.match(lines[0], /^openai +https:\/\/api\.openai\.com\/v1 +OPENAI_API_KEY +not set +gpt-4o$/);
 * ```
 *
 * @throws {ConfigError} when `OLLAMA_HOST` cannot be read as Ollama reads it.
 */
export function formatProviders(
  read: (name: string) => string | undefined,
  custom: readonly Provider[] = [],
): string {
  const rows = [...PROVIDERS, ...custom].map((provider) => {
    const { keyVariable } = provider;
    let status;
    try {
      status = keyVariable === undefined
        ? "no key needed"
        : trimmed(read(keyVariable)) === undefined
        ? "not set"
        : "set";
    } catch {
      status = "not readable"; // a key_env outside GPT4O_*
    }
    return [
      provider.name,
      baseURLOf(provider, read),
      keyVariable ?? "-",
      status,
      provider.defaultModel || "-",
      ...(provider.from ? [`(${provider.note})`] : []),
    ];
  });
  return columns(rows.map((row) => row.length === 5 ? [...row, ""] : row))
    .map((line) => `${line}\n`).join("");
}

function trimmed(value: string | undefined): string | undefined {
  return value?.trim() || undefined;
}

/** What a bad `OLLAMA_HOST` gets told; the value is not quoted: it may hold a secret. */
const BAD_OLLAMA_HOST =
  "OLLAMA_HOST must be host, host:port or an http:// or " +
  "https:// URL such as http://localhost:11434 (its value is not shown: it " +
  "may hold a secret)";

/**
 * The OpenAI-compatible base URL of the Ollama server that `OLLAMA_HOST`
 * names, read the way Ollama's `envconfig.Host()` reads it: quotes trimmed;
 * `host`, `host:port`, `:port`, `[ipv6]:port`, `scheme://host[:port][/path]`;
 * port 11434 when no scheme is given, else the scheme's own port; an invalid
 * port falls back to the default. The listen-everywhere addresses 0.0.0.0
 * and :: and an empty host mean this machine. A user and password before `@`
 * and a query are left out, as Go's `url.URL` leaves them out of the host:
 * never sent, never shown. `undefined` when unset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ollamaBaseURL } from "./providers.ts";
 * assert.equal(ollamaBaseURL("0.0.0.0:11435"), "http://localhost:11435/v1");
 * assert.equal(ollamaBaseURL("https://admin:pw@ollama.example/?token=t"), "https://ollama.example/v1");
 * ```
 *
 * @throws {ConfigError} for another scheme or a host that is no host.
 */
export function ollamaBaseURL(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.replace(/^["']+|["']+$/g, "").trim();
  if (text === "") return undefined;
  let [scheme, rest] = ["http", text];
  let defaultPort = "11434";
  const separator = text.indexOf("://");
  if (separator !== -1) {
    [scheme, rest] = [text.slice(0, separator), text.slice(separator + 3)];
    if (scheme !== "http" && scheme !== "https") {
      throw new ConfigError(BAD_OLLAMA_HOST);
    }
    defaultPort = scheme === "http" ? "80" : "443";
  }
  rest = rest.replace(/[?#].*$/, ""); // no query, no fragment
  const slash = rest.indexOf("/");
  let hostport = slash === -1 ? rest : rest.slice(0, slash);
  hostport = hostport.slice(hostport.lastIndexOf("@") + 1); // no user or password
  const path = slash === -1 ? "" : rest.slice(slash).replace(/\/+$/, "");
  let { host, port } = splitHostPort(hostport) ??
    { host: hostport.replace(/^\[(.*)\]$/, "$1"), port: defaultPort };
  if (!/^\d+$/.test(port) || Number(port) > 65535) port = defaultPort;
  if (["", "0.0.0.0", "::"].includes(host)) host = "localhost";
  const url = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (!URL.canParse(url) || new URL(url).username !== "") {
    throw new ConfigError(BAD_OLLAMA_HOST);
  }
  return new URL(url).origin + path + "/v1";
}

/**
 * Every secret the program can read, to mask wherever it would show:
 * `OPENAI_API_KEY` and every preset's key that is set, the values of
 * `OPENAI_CUSTOM_HEADERS`, and what `OPENAI_BASE_URL` and `OLLAMA_HOST` carry
 * (user, password, query, a key in the path), whichever provider a request
 * uses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { everySecret } from "./providers.ts";
 * const env: Record<string, string> = {
 *   OPENAI_API_KEY: "sk-openai-0123456789",
 *   GROQ_API_KEY: "gsk-groq-0123456789",
 *   OLLAMA_HOST: "http://admin:S3cretPassw0rd@ollama.example",
 * };
 * assert.deepEqual(everySecret((name) => env[name]), [
 *   "sk-openai-0123456789",
 *   "gsk-groq-0123456789",
 *   "admin",
 *   "S3cretPassw0rd",
 * ]);
 * ```
 */
export function everySecret(
  read: (name: string) => string | undefined,
): string[] {
  // A provider's key this run may not read cannot leak from it either.
  const keys = ["OPENAI_API_KEY", ...PROVIDER_ENV_VARIABLES]
    .filter((name) => name !== OLLAMA_HOST)
    .flatMap((name) => readable(read, name) ?? []);
  const ollama = readable(read, OLLAMA_HOST)?.replace(/^["']+|["']+$/g, "")
    .trim();
  return [
    ...new Set([
      ...keys,
      ...customHeaderValues(read),
      ...urlSecrets(read("OPENAI_BASE_URL") ?? ""),
      ...(ollama
        ? urlSecrets(ollama.includes("://") ? ollama : `http://${ollama}`)
        : []),
    ]),
  ];
}

/** Go's `net.SplitHostPort`: `undefined` where it would fail. */
function splitHostPort(
  text: string,
): { host: string; port: string } | undefined {
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  const parts = text.split(":");
  if (parts.length !== 2 || text.includes("[")) return undefined;
  return { host: parts[0], port: parts[1] };
}
