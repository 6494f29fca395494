/**
 * `--serve` and its options (`--port`, `--host`, `--cors`, `--concurrency`):
 * parsed and checked here, beside `options.ts`, which holds the rest of the
 * command line.
 *
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./usage_error.ts";

/** The port `--serve` listens on unless `--port` says. */
export const DEFAULT_PORT = 1337;
/** The address `--serve` listens on unless `--host` says. */
export const DEFAULT_HOST = "127.0.0.1";
/** How many upstream requests `--serve` makes at once unless `--concurrency` says. */
export const DEFAULT_CONCURRENCY = 16;
/** The most `--concurrency` takes. */
const MAX_CONCURRENCY = 10_000;

/** What `--serve` is asked to do. */
export interface ServeOptions {
  /** 0 for a free port. */
  port: number;
  /** The address to listen on: a name, an IPv4 address, or an IPv6 one without brackets. */
  host: string;
  /** `--cors`: the one origin whose pages may call the API. */
  cors?: string;
  /** The most upstream requests at a time. */
  concurrency: number;
}

/** The serve flags, as `parseArgs` takes them. */
export const SERVE_FLAGS = {
  serve: { type: "boolean", default: false },
  port: { type: "string" },
  host: { type: "string" },
  cors: { type: "string" },
  concurrency: { type: "string" },
} satisfies ParseArgsOptionsConfig;

/** The lines `--help` gives the serve flags. */
export const SERVE_HELP =
  `      --serve              answer OpenAI's API and serve a chat page over HTTP
                           until Ctrl-C (see the README's Serve)
      --port <n>           the port it listens on (default ${DEFAULT_PORT}; 0: a free one)
      --host <address>     the address it listens on (default ${DEFAULT_HOST}; any
                           other needs GPT4O_SERVE_TOKEN)
      --cors <origin>      let the pages of this origin call its API
      --concurrency <n>    how many requests it sends on at once (default ${DEFAULT_CONCURRENCY})`;

/**
 * The options that mean nothing to a server: each asks one run something
 * (a prompt's files, how an answer is printed, a listing, a history
 * command), or keeps the page's conversations out of the history.
 */
const NOT_WITH_SERVE = [
  "--chat",
  "-c",
  "--continue",
  "--conversation",
  "--title",
  "-a",
  "--attach",
  "-f",
  "--file",
  "--schema",
  "-x",
  "--extract",
  "--extract-last",
  "-T",
  "--tools",
  "--yes",
  "--list-tools",
  "--logout",
  "--json",
  "--raw",
  "--stream",
  "--no-stream",
  "--reasoning",
  "--no-reasoning",
  "--history",
  "--no-history",
  "--show",
  "--search",
  "--delete",
  "--prune",
  "--export",
  "--import",
  "--usage",
  "--since",
  "--providers",
  "--roles",
  "--models",
];

/** The serve flags' values, as `parseArgs` gives them. */
export interface ServeFlags {
  serve?: boolean;
  port?: string;
  host?: string;
  cors?: string;
  concurrency?: string;
  api?: string;
}

/**
 * `--serve`'s options, checked; `undefined` without `--serve`. `given` holds
 * the options typed (`--port`, `-c`), `positionals` the prompt's words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveOf } from "./serve_options.ts";
 * assert.deepEqual(serveOf({ serve: true, port: "0" }, new Set(["--serve", "--port"]), []), {
 *   port: 0,
 *   host: "127.0.0.1",
 *   concurrency: 16,
 * });
 * assert.throws(() => serveOf({ port: "8080" }, new Set(["--port"]), []), {
 *   message: "--port goes with --serve",
 * });
 * ```
 *
 * @throws {UsageError} for a serve option without `--serve`, a value it
 * does not take, or `--serve` with a prompt or an option of a single run.
 */
export function serveOf(
  values: ServeFlags,
  given: ReadonlySet<string>,
  positionals: readonly string[],
): ServeOptions | undefined {
  if (!values.serve) {
    const stray = ["--port", "--host", "--cors", "--concurrency"]
      .find((flag) => given.has(flag));
    if (stray) throw new UsageError(`${stray} goes with --serve`);
    return undefined;
  }
  if (positionals.length) {
    throw new UsageError(
      "--serve answers questions sent over HTTP: give it no prompt",
    );
  }
  const other = NOT_WITH_SERVE.find((flag) => given.has(flag));
  if (other) {
    throw new UsageError(
      `--serve answers questions sent over HTTP: not with ${other}`,
    );
  }
  if (values.api === "responses") {
    throw new UsageError(
      "--serve relays chat completions: not with --api responses",
    );
  }
  return {
    port: portOf(values.port),
    host: hostOf(values.host),
    ...(values.cors === undefined ? {} : { cors: originOf(values.cors) }),
    concurrency: concurrencyOf(values.concurrency),
  };
}

function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(
      `--port takes a port from 0 to 65535 (0: a free one), not ${
        JSON.stringify(text)
      }`,
    );
  }
  return port;
}

/**
 * `--host`'s address: a host name or an IP address (an IPv6 one with or
 * without its brackets), lowercase, IPv6 without brackets.
 */
function hostOf(text: string | undefined): string {
  if (text === undefined) return DEFAULT_HOST;
  const bare = text.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const bracketed = bare.includes(":") ? `[${bare}]` : bare;
  const url = URL.canParse(`http://${bracketed}/`)
    ? new URL(`http://${bracketed}/`)
    : undefined;
  if (bare === "" || url?.hostname !== bracketed || url.port !== "") {
    throw new UsageError(
      "--host takes the address to listen on, such as 127.0.0.1, ::1 or " +
        `0.0.0.0, not ${JSON.stringify(text)}`,
    );
  }
  return bare;
}

/** `--cors`' origin: `http(s)://host[:port]`, nothing after it; never `*`. */
function originOf(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  const origin = url?.origin;
  if (
    url === undefined || !/^https?:$/.test(url.protocol) ||
    text.replace(/\/$/, "").toLowerCase() !== origin
  ) {
    throw new UsageError(
      "--cors takes the one origin whose pages may call the API, such as " +
        `https://app.example or http://localhost:5173, not ${
          JSON.stringify(text)
        }` + (text.trim() === "*" ? ": any page could use your keys" : ""),
    );
  }
  return origin!;
}

function concurrencyOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(
      `--concurrency takes how many requests go on at once, from 1 to ${MAX_CONCURRENCY}, not ${
        JSON.stringify(text)
      }`,
    );
  }
  return n;
}
