/**
 * Starting the config's tool servers (MCP) and connecting to them: a
 * `module` server's code is fetched into Deno's cache first, and its graph
 * checked for files it may not read (`src/tools/cache.ts`), then it runs
 * under `deno run --no-prompt --cached-only` with only the permissions its
 * `allow_*` lists grant and no environment but what Deno itself needs; a
 * `command` server runs as it is, unsandboxed, with only the variables its
 * config names; a `url` server is reached over Streamable
 * HTTP. The MCP SDK speaks the protocol; this module only starts processes
 * and carries their lines, through Deno's own subprocess API so that no
 * variable of the program's (its API keys above all) reaches a server.
 *
 * @module
 */
import {
  Client,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";
import project from "../../deno.json" with { type: "json" };
import { DENO_CACHE_ENV } from "../launch/permissions.ts";
import { cacheModule, importFlags } from "./cache.ts";
import { ProcessTransport } from "./stdio.ts";
import { boundedFetch } from "./bounded_fetch.ts";
import { SignIn, type SignInIo } from "./oauth.ts";

/**
 * How long a server has to start and answer `initialize`, and then each
 * call, unless its `timeout` says otherwise: in milliseconds.
 */
export const TIMEOUT_MS = 60_000;

/** The most pages of tools a server's listing may take. */
export const MOST_PAGES = 100;

/** What starting a server needs from the outside world. */
export interface ServerIo {
  /** Reads a variable of the program's environment, if it may. */
  env(name: string): string | undefined;
  /** The `deno` that runs sandboxed servers: the one running the program. */
  denoPath: string;
  /** The `fetch` a `url` server is reached through. */
  fetch: typeof globalThis.fetch;
  /** How a `url` server that asks for it is signed in to (OAuth); without, it is not. */
  signIn?: SignInIo;
}

/** The variables an unsandboxed program gets to find what it runs. */
const COMMAND_ENV = ["PATH", "HOME"] as const;

/**
 * The `deno` arguments that run a module server in the sandbox: no prompt,
 * no config or lock file of the current folder, every variable it was not
 * granted read as unset, its code from Deno's cache alone (see
 * {@linkcode cacheModule}), and only the permissions the config lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sandboxArgs } from "./servers.ts";
 * assert.deepEqual(
 *   sandboxArgs({
 *     name: "files", kind: "module", target: "npm:server@1", args: ["/notes"],
 *     grants: { read: ["/notes"], write: [], net: [], env: [], run: [] },
 *     env: {}, headers: {}, allow: [],
 *   }),
 *   ["run", "--no-prompt", "--no-config", "--quiet", "--ignore-env",
 *    "--cached-only", "--no-remote", "--allow-read=/notes", "npm:server@1",
 *    "/notes"],
 * );
 * ```
 */
export function sandboxArgs(server: ToolServer): string[] {
  const grants = Object.entries(server.grants)
    .filter(([, list]) => list.length > 0)
    .map(([name, list]) => `--allow-${name}=${list.join(",")}`);
  return [
    "run",
    "--no-prompt",
    "--no-config",
    "--quiet",
    "--ignore-env",
    "--cached-only",
    ...importFlags(server.target),
    ...grants,
    server.target,
    ...server.args,
  ];
}

/**
 * The environment a server's process starts with, and nothing else: for a
 * module, what Deno needs to find its cache ({@linkcode DENO_CACHE_ENV}, which
 * `--ignore-env` keeps the module from reading); for a program, `PATH` and
 * `HOME`; then the config's `env` table, and each `allow_env` variable the
 * program may read and the table does not set.
 */
export function serverEnv(
  server: ToolServer,
  env: ServerIo["env"],
): Record<string, string> {
  const base = server.kind === "module" ? DENO_CACHE_ENV : COMMAND_ENV;
  const result: Record<string, string> = { NO_COLOR: "1" };
  for (const name of [...base, ...server.grants.env]) {
    let value;
    try {
      value = env(name);
    } catch {
      continue; // a variable this run may not read is not passed on
    }
    if (value !== undefined) result[name] = value;
  }
  return { ...result, ...server.env };
}

/** A connected server: its client, and how to end it. */
export interface Connected extends AsyncDisposable {
  server: ToolServer;
  client: Client;
  /** What the server last wrote on stderr, cleaned of control characters. */
  stderr(): string;
}

/**
 * Starts `server` and connects to it within its `timeout` (else
 * {@linkcode TIMEOUT_MS}).
 *
 * @throws {ConfigError} naming the server and why it did not start.
 */
export async function connect(
  server: ToolServer,
  io: ServerIo,
  { signal, signIn }: { signal?: AbortSignal; signIn?: SignIn } = {},
): Promise<Connected> {
  if (server.kind === "url" && io.signIn && !signIn) {
    // Asked first as it is; one that answers 401 is signed in to and spoken
    // to with initialize alone, so that one 401 asks for one sign-in (the
    // probe of its revision and then initialize would each ask).
    try {
      return await connect(server, { ...io, signIn: undefined }, {
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof ConfigError) || !/\b401\b/.test(error.message)) {
        throw error;
      }
    }
    await using signIn = new SignIn(server, io.signIn);
    return await connect(server, io, { ...(signal ? { signal } : {}), signIn });
  }
  const client = new Client({ name: "gpt4o", version: project.version }, {
    listMaxPages: MOST_PAGES,
    // A server known to want a sign-in gets initialize alone: the probe's
    // 401 and then initialize's would each ask for the sign-in.
    versionNegotiation: signIn ? { mode: "legacy" } : negotiationOf(server),
  });
  let transport: Transport;
  let stderr = () => "";
  if (server.kind === "url") {
    transport = new StreamableHTTPClientTransport(new URL(server.target), {
      // The SDK follows a redirect only within the server's origin.
      requestInit: { headers: server.headers },
      fetch: boundedFetch(io.fetch),
      ...(signIn ? { authProvider: signIn } : {}),
    });
  } else {
    const process = new ProcessTransport(
      server.kind === "module" ? io.denoPath : server.target,
      server.kind === "module" ? sandboxArgs(server) : server.args,
      serverEnv(server, io.env),
    );
    transport = process;
    stderr = () => process.stderrText();
  }
  try {
    if (server.kind === "module") {
      await cacheModule(server, {
        env: io.env,
        denoPath: io.denoPath,
        timeoutMs: timeoutOf(server),
        ...(signal ? { signal } : {}),
      });
    }
    await client.connect(transport, {
      timeout: timeoutOf(server),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    let signedIn = false;
    try {
      signedIn = transport instanceof StreamableHTTPClientTransport &&
        await signIn?.completed(error, transport, signal) === true;
    } finally {
      await transport.close().catch(() => {});
    }
    if (signedIn) {
      return await connect(server, io, {
        ...(signal ? { signal } : {}),
        signIn,
      });
    }
    if (error instanceof ConfigError || signal?.aborted) throw error;
    throw new ConfigError(
      `tool server ${server.name} did not start: ${
        reasonOf(error, stderr(), server)
      }`,
    );
  }
  return {
    server,
    client,
    stderr,
    async [Symbol.asyncDispose]() {
      await client.close().catch(() => {});
    },
  };
}

/**
 * How the client agrees on a protocol version with `server`. A `url`
 * server is asked `server/discover` first (the 2026-07-28 handshake), and
 * one that does not know it gets `initialize` (the 2025-11-25 one): a
 * server of either era is spoken to in its own. A process gets
 * `initialize` alone, which servers of both eras answer: the probe, sent on
 * its own pipe, ends a server that exits on any request before
 * `initialize`.
 */
export function negotiationOf(
  server: Pick<ToolServer, "kind">,
): { mode: "auto" | "legacy" } {
  return { mode: server.kind === "url" ? "auto" : "legacy" };
}

/** How long `server` may take to start, or to answer one call, in milliseconds. */
export function timeoutOf(server: ToolServer): number {
  return server.timeoutSeconds === undefined
    ? TIMEOUT_MS
    : server.timeoutSeconds * 1000;
}

/**
 * Why a server failed, in one line: its own last words, or the error's; a
 * program that is not there named; for a module, Deno's advice to run again
 * with a flag made the config's own fix.
 */
export function reasonOf(
  error: unknown,
  stderr = "",
  server?: ToolServer,
): string {
  const fix = (text: string) =>
    server?.kind === "module" ? grantAdvice(text, server) : text;
  // Its own last words: the last line that names an error, else the last
  // that is no stack frame.
  const lines = stderr.split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !/^at\s/.test(line));
  const last =
    lines.findLast((line) => /error|denied|cannot|failed/i.test(line)) ??
      lines.at(-1);
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/^(MCP error -?\d+: )+/, "")
    // A `url` server's first request is the 2026 handshake's probe: how it
    // failed is how the server failed.
    .replace(/^Version negotiation (probe )?failed: /, "")
    .replace(
      /^the server answered the probe with (HTTP \d+)$/,
      "it answered $1",
    );
  const why = error instanceof Deno.errors.NotCapable
    ? "this run may not start programs (the tasks and the installed gpt4o " +
      "allow it when -T is given: see Permissions in the README)"
    : error instanceof Deno.errors.NotFound || /^Failed to spawn/.test(message)
    ? (server?.kind === "command"
      ? `${server.target} was not found: install it, or give its full path ` +
        `as command in [mcp.${server.name}] of the config file`
      : server
      ? "deno was not found: put it on PATH"
      : "the program was not found")
    : /timed out|timeout/i.test(message)
    ? "it did not answer in time"
    : /closed/i.test(message)
    ? "it exited"
    : /^\s*[[{]/.test(message) || /^Invalid .*: \[?\s*$/m.test(message)
    ? "it answered in a shape the protocol does not allow"
    : fix(message.split("\n")[0]);
  return last ? `${why} (it said: ${fix(last).slice(0, 300)})` : why;
}

/** The permissions a module server's config can grant: `allow_read` and the rest. */
const GRANTABLE = new Set(["read", "write", "net", "env", "run"]);

/**
 * A module server's words with Deno's advice to run again with a flag,
 * which the user cannot follow, made the config's own fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grantAdvice } from "./servers.ts";
 * assert.equal(
 *   grantAdvice(
 *     'Requires write access to "/notes/a.md", run again with the --allow-write flag',
 *     { name: "files" },
 *   ),
 *   'Requires write access to "/notes/a.md": add it to allow_write in ' +
 *     "[mcp.files] of the config file",
 * );
 * ```
 */
export function grantAdvice(
  text: string,
  server: Pick<ToolServer, "name">,
): string {
  return text.replace(
    /(Requires (\w+) access to (?:"[^"]*"|\S+)), run again with the --allow-\2 flag/g,
    (_, refused: string, kind: string) =>
      GRANTABLE.has(kind)
        ? `${refused}: add it to allow_${kind} in [mcp.${server.name}] of ` +
          "the config file"
        : kind === "import"
        ? `${refused}: a module server may import code only from its own host`
        : `${refused}, which a module server is never granted`,
  );
}
