/**
 * A `module` tool server's code fetched into Deno's cache before its sandbox
 * starts: `deno cache` runs with the user's network settings (proxies,
 * certificate authorities) and Deno's cache location, and no other variable,
 * under the same import limits as the sandbox; the sandbox then runs the
 * module with `--cached-only` and none of those settings. Once the module is
 * cached, the step downloads nothing and takes a few tens of milliseconds.
 *
 * @module
 */
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";
import { DENO_CACHE_ENV, DENO_NETWORK_ENV } from "../launch/permissions.ts";

/**
 * What a module may import from the network: nothing for an npm package or a
 * local file (Deno's default hosts would be open else), jsr.io for a `jsr:`
 * module, its own host for an `https:` one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importFlags } from "./cache.ts";
 * assert.deepEqual(importFlags("https://example.com/s.ts"), ["--allow-import=example.com:443"]);
 * ```
 */
export function importFlags(target: string): string[] {
  if (target.startsWith("jsr:")) return ["--allow-import=jsr.io:443"];
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      const port = url.port || (url.protocol === "https:" ? "443" : "80");
      return [`--allow-import=${url.hostname}:${port}`];
    } catch {
      return ["--no-remote"];
    }
  }
  return ["--no-remote"];
}

/**
 * The `deno` arguments that fetch a module server's code, and all it
 * imports, into the cache: no config or lock file of the current folder, and
 * the imports the sandbox allows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheArgs } from "./cache.ts";
 * assert.deepEqual(
 *   cacheArgs({
 *     name: "files", kind: "module", target: "npm:server@1", args: ["/notes"],
 *     grants: { read: ["/notes"], write: [], net: [], env: [], run: [] },
 *     env: {}, headers: {}, allow: [],
 *   }),
 *   ["cache", "--no-config", "--quiet", "--no-remote", "npm:server@1"],
 * );
 * ```
 */
export function cacheArgs(server: ToolServer): string[] {
  return [
    "cache",
    "--no-config",
    "--quiet",
    ...importFlags(server.target),
    server.target,
  ];
}

/**
 * The environment of that fetch, and nothing else: where Deno's cache is
 * ({@linkcode DENO_CACHE_ENV}) and how it reaches the network
 * ({@linkcode DENO_NETWORK_ENV}), from the variables the program may read.
 */
export function cacheEnv(
  env: (name: string) => string | undefined,
): Record<string, string> {
  const result: Record<string, string> = { NO_COLOR: "1" };
  for (const name of [...DENO_CACHE_ENV, ...DENO_NETWORK_ENV]) {
    let value;
    try {
      value = env(name);
    } catch {
      continue; // a variable this run may not read is not passed on
    }
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/** How {@linkcode cacheModule} starts `deno`, and how long it may take. */
export interface CacheIo {
  env(name: string): string | undefined;
  denoPath: string;
  /** In milliseconds: the server's start timeout. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Fetches `server`'s module into Deno's cache, or finds it there.
 *
 * @throws {ConfigError} with the line that says why it could not, and what
 * to do; the signal's reason once it is aborted; Deno's own error when
 * `deno` cannot be started.
 */
export async function cacheModule(
  server: ToolServer,
  io: CacheIo,
): Promise<void> {
  const timeout = AbortSignal.timeout(io.timeoutMs);
  const child = new Deno.Command(io.denoPath, {
    args: cacheArgs(server),
    env: cacheEnv(io.env),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: io.signal ? AbortSignal.any([io.signal, timeout]) : timeout,
  }).spawn();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  io.signal?.throwIfAborted();
  if (timeout.aborted) {
    throw new ConfigError(
      `tool server ${server.name} did not start: fetching its module ` +
        `${server.target} took longer than its timeout ` +
        `(${io.timeoutMs / 1000} s): check the network, or raise timeout ` +
        `in [mcp.${server.name}] of the config file`,
    );
  }
  if (!status.success) {
    throw new ConfigError(cacheFailure(server, stderr, cacheEnv(io.env)));
  }
}

/** The proxy variables Deno reads, in the order it prefers them for HTTPS. */
const PROXY_ENV = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

/**
 * The line that says why Deno could not fetch or load a module server's
 * code (from what `deno cache` wrote on stderr, with `env` its environment),
 * and what to do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheFailure } from "./cache.ts";
 * assert.equal(
 *   cacheFailure(
 *     {
 *       name: "files", kind: "module", target: "npm:server@1", args: [],
 *       grants: { read: [], write: [], net: [], env: [], run: [] },
 *       env: {}, headers: {}, allow: [],
 *     },
 *     'error: Failed loading https://registry.npmjs.org/server for package "server"\n' +
 *       "    0: error sending request for url (https://registry.npmjs.org/server): " +
 *       "client error (Connect): invalid peer certificate: UnknownIssuer\n",
 *   ),
 *   "tool server files did not start: its module npm:server@1 could not be " +
 *     "fetched from registry.npmjs.org: invalid peer certificate: UnknownIssuer; " +
 *     "if your network inspects TLS (a proxy), set NODE_EXTRA_CA_CERTS (or " +
 *     "DENO_CERT) to the file of its CA certificate",
 * );
 * ```
 */
export function cacheFailure(
  server: ToolServer,
  stderr: string,
  env: Record<string, string> = {},
): string {
  const lines = plainText(stderr).split("\n").map((line) => line.trim())
    .filter((line) => line !== "");
  // Deno's error, the chain of its causes ("0: …"), and where it was imported.
  const error = lines.find((line) => line.startsWith("error:"))
    ?.replace(/^error:\s*/, "").replace(/\.$/, "") ??
    lines.at(-1) ??
    "deno cache failed";
  const cause = lines.find((line) => /^0: /.test(line))?.slice(3);
  const at = lines.find((line) => line.startsWith("at "));
  const request = cause?.match(
    /^error sending request for url \(([^)\s]+)\): (?:client error \(\w+\): )?(.*)$/,
  );
  let host: string | undefined;
  try {
    host = request ? new URL(request[1]).host : undefined;
  } catch {
    // no URL to name
  }
  const why = withoutCredentials(
    request ? request[2] : cause ?? (at ? `${error} (${at})` : error),
  ).replace(/\.$/, "");
  const proxy = PROXY_ENV.find((name) => env[name]);
  const config = `[mcp.${server.name}] of the config file`;
  const advice =
    /UnknownIssuer|UnknownCA|self[- ]signed|local issuer/i.test(why)
      ? "if your network inspects TLS (a proxy), set NODE_EXTRA_CA_CERTS " +
        "(or DENO_CERT) to the file of its CA certificate"
      : /certificate/i.test(why)
      ? "the server's certificate is not valid: check the module's URL"
      : /dns error|lookup|connect|refused|unreachable|timed out|os error/i
          .test(why)
      ? (proxy
        ? `check the network, and the proxy that ${proxy} names`
        : "check the network; behind a proxy, set HTTPS_PROXY")
      : /--no-remote is specified|import access/i.test(why)
      ? "a module server may import no code from the network but its own " +
        "(see the README's Tools)"
      : `check module in ${config}`;
  const what = host
    ? `could not be fetched from ${host}`
    : "could not be loaded";
  return `tool server ${server.name} did not start: its module ` +
    `${withoutCredentials(server.target)} ${what}: ${
      why.slice(0, 300)
    }; ${advice}`;
}

/** Text without escape sequences and control characters but line breaks. */
export function plainText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x09\x0b-\x1f\x7f]/g, "");
}

/** Text with the user and password of each URL in it left out. */
function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, "$1");
}
