/**
 * Where to send the request and with which key: the `OPENAI_*` environment
 * variables, with a `.env` file in the working directory as a fallback.
 *
 * @module
 */
import type { Io } from "../io/io.ts";

/** The endpoint used when `OPENAI_BASE_URL` is not set. */
export const OPENAI_API = "https://api.openai.com/v1";

/**
 * The key sent to a custom endpoint when no key is set. g4f's `g4f api`
 * treats the bearer token `secret` as "no key"; Ollama, LM Studio and
 * llama.cpp ignore the key altogether.
 */
export const NO_KEY = "secret";

/** The environment variables the program reads. */
export const ENV_VARIABLES = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_ORG_ID",
  "OPENAI_PROJECT_ID",
] as const;

/**
 * The one variable the SDK's constructor reads whatever it is given; every
 * other setting is passed to it, so it reads no other.
 */
export const SDK_ENV_VARIABLE = "OPENAI_CUSTOM_HEADERS";

/** How to reach the API. */
export interface Connection {
  apiKey: string;
  /** The API's base URL, without a trailing slash. */
  baseURL: string;
  organization: string | null;
  project: string | null;
  /**
   * Headers the SDK must not send (`null`): those of `OPENAI_CUSTOM_HEADERS`,
   * which are meant for OpenAI or the user's own gateway, never a named
   * provider; and a custom provider's own headers.
   */
  defaultHeaders?: Record<string, string | null>;
}

/** A configuration the program cannot run with; its message says the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * What a base URL that is not http(s) gets told. The value is not quoted: it
 * may hold a password, a key in its query, or a key pasted by mistake.
 */
const BAD_BASE_URL = "OPENAI_BASE_URL must be an http:// or https:// URL " +
  "such as http://localhost:1337/v1 (its value is not shown: it may hold a secret)";

/**
 * Looks a variable up: the environment first, then `.env`; `undefined` when
 * unset or blank. `fromFile` tells a value that came from `.env`.
 */
export type Variables = ((name: string) => string | undefined) & {
  fromFile?(name: string): boolean;
};

/** The largest `.env` read, in bytes: a settings file is never near it. */
export const DOTENV_LIMIT = 1024 * 1024;

/**
 * Reads `.env` once and returns a lookup of variables. A variable set in the
 * environment, even to an empty string, wins over the file; a missing file is
 * not an error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadVariables } from "./connection.ts";
 * const read = await loadVariables({
 *   env: (name) => ({ OPENAI_API_KEY: "" })[name],
 *   readTextFile: () => Promise.resolve("OPENAI_API_KEY=sk-file\nGROQ_API_KEY=gsk-file\n"),
 * });
 * assert.equal(read("OPENAI_API_KEY"), undefined);
 * assert.equal(read("GROQ_API_KEY"), "gsk-file");
 * assert.equal(read.fromFile?.("GROQ_API_KEY"), true);
 * ```
 *
 * @throws {ConfigError} when `.env` is not a regular file, is larger than
 * {@linkcode DOTENV_LIMIT}, or cannot be read.
 */
export async function loadVariables(
  io: Pick<Io, "env" | "readTextFile">,
): Promise<Variables> {
  const text = await readDotenv(io);
  // Windows editors start the file with a byte-order mark; parseEnv takes CRLF.
  // node:util is loaded only when there is a .env: the launcher reads none.
  const file = text === undefined
    ? {}
    : (await import("node:util")).parseEnv(text.replace(/^\uFEFF/, ""));
  const read = (name: string) => {
    const value = io.env(name) ?? file[name];
    return value?.trim() || undefined;
  };
  return Object.assign(read, {
    fromFile: (name: string) =>
      io.env(name) === undefined && file[name]?.trim() ? true : false,
  });
}

/**
 * A variable's value, or `undefined` where this run may not read it: for
 * what is read only in case it is set (the keys masked in all output).
 */
export function readable(
  read: (name: string) => string | undefined,
  name: string,
): string | undefined {
  try {
    return read(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) return undefined;
    throw error;
  }
}

/** Where a named provider answers, and its key (`undefined` for none). */
export interface Endpoint {
  baseURL: string;
  apiKey: string | undefined;
  /** The variable the key came from, to name it in messages. */
  keyVariable?: string;
  /** Headers of its own (a custom provider's), sent with each request. */
  headers?: Record<string, string>;
}

/**
 * The configuration from the `OPENAI_*` variables or, when a provider was
 * named with `-m provider:model`, from that provider's endpoint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { connectionOf } from "./connection.ts";
 * const read = (name: string) => ({ OPENAI_BASE_URL: "http://localhost:1337/v1/" })[name];
 * assert.deepEqual(connectionOf(read), {
 *   apiKey: "secret",
 *   baseURL: "http://localhost:1337/v1",
 *   organization: null,
 *   project: null,
 * });
 * ```
 *
 * @throws {ConfigError} when no key is set for OpenAI's API, or the
 * base URL is not an http(s) URL.
 */
export function connectionOf(read: Variables, endpoint?: Endpoint): Connection {
  const baseURL = endpoint ? endpoint.baseURL : read("OPENAI_BASE_URL");
  const apiKey = endpoint ? endpoint.apiKey : read("OPENAI_API_KEY");
  checkHeaderValue(endpoint?.keyVariable ?? "OPENAI_API_KEY", apiKey);
  if (!endpoint) {
    checkHeaderValue("OPENAI_ORG_ID", read("OPENAI_ORG_ID"));
    checkHeaderValue("OPENAI_PROJECT_ID", read("OPENAI_PROJECT_ID"));
  }
  if (baseURL !== undefined && !isHttpURL(baseURL)) {
    throw new ConfigError(
      BAD_BASE_URL,
    );
  }
  if (
    !endpoint && baseURL !== undefined && read.fromFile?.("OPENAI_BASE_URL")
  ) {
    checkDotenvServer(read);
  }
  const url = (baseURL ?? OPENAI_API).replace(/\/+$/, "");
  const openai = new URL(url).host === "api.openai.com";
  if (apiKey === undefined && openai) {
    throw new ConfigError(
      "OPENAI_API_KEY is not set: export it, or put OPENAI_API_KEY=... in a .env file here " +
        "(a server set in OPENAI_BASE_URL may need none)",
    );
  }
  // OpenAI's organization and project go to OpenAI, never to a named provider.
  const mine = !endpoint || openai;
  return {
    apiKey: apiKey ?? NO_KEY,
    baseURL: url,
    organization: (mine && read("OPENAI_ORG_ID")) || null,
    project: (mine && read("OPENAI_PROJECT_ID")) || null,
    ...(mine && !endpoint?.headers ? {} : {
      defaultHeaders: {
        ...(mine ? {} : Object.fromEntries(
          customHeaders(read).map(([name]) => [name, null]),
        )),
        ...endpoint?.headers,
      },
    }),
  };
}

/**
 * A server named only in `.env` (which a cloned repository may bring) gets
 * no secret from the environment: neither its key nor its custom headers.
 */
function checkDotenvServer(read: Variables): void {
  const fromEnvironment = [
    "OPENAI_API_KEY",
    "OPENAI_CUSTOM_HEADERS",
  ].find((name) => read(name) !== undefined && !read.fromFile?.(name));
  if (fromEnvironment === undefined) return;
  throw new ConfigError(
    `.env in this directory sets OPENAI_BASE_URL, and ${fromEnvironment} ` +
      "comes from your environment: a secret from the environment goes only " +
      "to a server the environment names (or to -m provider:); set " +
      `OPENAI_BASE_URL in the environment, or ${fromEnvironment} in that .env`,
  );
}

/** The `Name: value` lines of `OPENAI_CUSTOM_HEADERS`, as the SDK reads them. */
function customHeaders(read: Io["env"]): [string, string][] {
  return (read(SDK_ENV_VARIABLE) ?? "").split("\n").flatMap((line) => {
    const colon = line.indexOf(":");
    return colon < 0
      ? []
      : [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()]];
  });
}

/** The text of `.env`, `undefined` when there is none. */
async function readDotenv(
  io: Pick<Io, "readTextFile">,
): Promise<string | undefined> {
  try {
    return await io.readTextFile(".env", { limit: DOTENV_LIMIT });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) throw error;
    const reason = error instanceof Error
      ? error.message.replace(/ \(os error \d+\).*$/, "")
        .replace(/^[A-Z](?=[a-z])/, (first) => first.toLowerCase())
      : String(error);
    throw new ConfigError(
      `.env in this directory cannot be read (${reason}): fix it or remove it`,
    );
  }
}

/**
 * The secrets a URL carries: its user and password, its query values, and
 * path segments that look like a key (a gateway may take the key in the path),
 * each as written and decoded: a value with `%2B` in it is masked whole
 * where the URL shows, as well as where its decoded text does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { urlSecrets } from "./connection.ts";
 * assert.deepEqual(
 *   urlSecrets("http://user:pa55word@127.0.0.1:1337/proxy/sk-abc123def456ghi7/v1?api-key=k-0987654321%2Bx"),
 *   ["user", "pa55word", "sk-abc123def456ghi7", "k-0987654321%2Bx", "k-0987654321+x"],
 * );
 * ```
 */
export function urlSecrets(text: string): string[] {
  if (!URL.canParse(text)) return [];
  const url = new URL(text);
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const secrets = [url.username, url.password].flatMap((part) =>
    part ? [decode(part), part] : []
  );
  for (const segment of url.pathname.split("/")) {
    const value = decode(segment);
    if (looksLikeKey(value)) secrets.push(value, segment);
  }
  for (const pair of url.search.slice(1).split("&")) {
    const at = pair.indexOf("=");
    if (at >= 0) secrets.push(pair.slice(at + 1));
  }
  secrets.push(...url.searchParams.values());
  return [...new Set(secrets.filter(Boolean))];
}

/** A token long and mixed enough to be a credential rather than a path's word. */
function looksLikeKey(text: string): boolean {
  return /^(sk|pk|key|tok|api)[-_]/i.test(text) ||
    (text.length >= 16 && /\d/.test(text) && /[a-z]/i.test(text) &&
      /^[\w.~+=-]+$/.test(text));
}

/** The values of `OPENAI_CUSTOM_HEADERS`, which the SDK reads and sends. */
export function customHeaderValues(
  read: (name: string) => string | undefined,
): string[] {
  return customHeaders(read).map(([, value]) => value).filter(Boolean);
}

/** A key or id with a character that cannot travel in an HTTP header. */
function checkHeaderValue(name: string, value: string | undefined): void {
  if (value === undefined || /^[\x21-\x7e]*$/.test(value)) return;
  const what = /[\r\n]/.test(value)
    ? "a line break"
    : /\s/.test(value)
    ? "a space"
    : /[^\p{ASCII}]/u.test(value)
    ? "a non-ASCII character"
    : "a control character";
  throw new ConfigError(
    `${name} contains ${what}, which cannot be sent in an HTTP header: ` +
      "copy it again (it is not shown here)",
  );
}

function isHttpURL(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}
