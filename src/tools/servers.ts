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
import { Buffer } from "node:buffer";
import {
  Client,
  INTERNAL_ERROR,
  type JSONRPCMessage,
  ReadBuffer,
  serializeMessage,
  StreamableHTTPClientTransport,
  type Transport,
} from "@modelcontextprotocol/client";
import type { ToolServer } from "../config/file.ts";
import { ConfigError } from "../config/connection.ts";
import project from "../../deno.json" with { type: "json" };
import { DENO_CACHE_ENV } from "../launch/permissions.ts";
import { cacheModule, importFlags, plainText } from "./cache.ts";
import { sizeShown } from "./limits.ts";
import { SignIn, type SignInIo } from "./oauth.ts";

/**
 * How long a server has to start and answer `initialize`, and then each
 * call, unless its `timeout` says otherwise: in milliseconds.
 */
export const TIMEOUT_MS = 60_000;

/**
 * The longest message a server may send, in bytes (32 MiB): a result beyond
 * it is not read, and its call fails. Reading one takes about four times its
 * size in memory, for a moment.
 */
export const LINE_LIMIT = 32 * 1024 * 1024;

/** The most pages of tools a server's listing may take. */
export const MOST_PAGES = 100;

/** How much of a server's stderr is kept, for the line that says why it failed. */
const STDERR_KEPT = 4096;

/** How long a server has to exit once its input is closed, before SIGTERM, then SIGKILL. */
const EXIT_GRACE_MS = 500;

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
    // A server that answers 401 is signed in to, and connected to again.
    await using signIn = new SignIn(server, io.signIn);
    return await connect(server, io, { ...(signal ? { signal } : {}), signIn });
  }
  // The 2025 handshake (`initialize`), which servers of either era answer:
  // the SDK's probe for the 2026 era could end a server that exits on any
  // request before it.
  const client = new Client({ name: "gpt4o", version: project.version }, {
    listMaxPages: MOST_PAGES,
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
    .replace(/^(MCP error -?\d+: )+/, "");
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

/**
 * The stdio transport of MCP over a process Deno starts: newline-delimited
 * JSON-RPC on stdin and stdout, the SDK's own reader and writer; stderr kept,
 * never shown raw. Closing ends stdin, then signals the process if it stays.
 */
export class ProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #child?: Deno.ChildProcess;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  #closing?: Promise<void>;
  /** The ids of the requests sent and not yet answered. */
  readonly #pending = new Set<string | number>();
  /** Whether the line over the limit being read has failed its calls already. */
  #failed = false;
  readonly #buffer: ReadBuffer;
  readonly #lineLimit: number;

  constructor(
    readonly command: string,
    readonly args: string[],
    readonly env: Record<string, string>,
    /** The longest message, in bytes, a line may hold; {@linkcode LINE_LIMIT} unless told. */
    { lineLimit = LINE_LIMIT }: { lineLimit?: number } = {},
  ) {
    this.#lineLimit = lineLimit;
    this.#buffer = new ReadBuffer({ maxBufferSize: lineLimit + 1 });
  }

  start(): Promise<void> {
    try {
      this.#child = new Deno.Command(this.command, {
        args: this.args,
        env: this.env,
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#writer = this.#child.stdin.getWriter();
    void this.#read(this.#child.stdout);
    void this.#keepStderr(this.#child.stderr);
    void this.#child.status.then(() => {
      this.#child = undefined;
      this.onclose?.();
    });
    return Promise.resolve();
  }

  /** The last of what the process wrote on stderr, as plain text. */
  stderrText(): string {
    return this.#stderr;
  }

  async #read(stdout: ReadableStream<Uint8Array>): Promise<void> {
    try {
      await readLines(
        stdout,
        this.#lineLimit,
        (line) => this.#deliver(line),
        (head, tail) => this.#tooLong(head, tail),
      );
    } catch (error) {
      this.onerror?.(asError(error));
    }
  }

  /** Hands one whole line to the SDK's reader, and its message on. */
  #deliver(line: Buffer): void {
    try {
      this.#buffer.append(line);
      const message = this.#buffer.readMessage();
      if (message === null) return;
      if (!("method" in message) && "id" in message && message.id != null) {
        this.#pending.delete(message.id);
      }
      this.onmessage?.(message);
    } catch (error) {
      this.#buffer.clear();
      this.onerror?.(asError(error));
    }
  }

  /**
   * A line over the limit, which is not read: the call it answers fails at
   * once, the model told why, rather than waiting out its timeout. Its `id`
   * is at its start (most servers) or its end (the TypeScript SDK's); a line
   * whose `id` is in neither fails every call still waiting, and one that
   * is the server's own request or notification is dropped.
   */
  #tooLong(head: Uint8Array, tail?: Uint8Array): void {
    const start = new TextDecoder().decode(head);
    if (tail === undefined) this.#failed = false;
    if (this.#failed) return;
    const id = idAtStart(start) ??
      (tail && idAtEnd(new TextDecoder().decode(tail)));
    const failing = id !== undefined && this.#pending.has(id)
      ? [id]
      : tail === undefined || id !== undefined || FROM_SERVER.test(start)
      ? []
      : [...this.#pending];
    if (failing.length === 0) {
      if (tail !== undefined) {
        this.onerror?.(
          new Error(`a message over ${sizeShown(this.#lineLimit)} was dropped`),
        );
      }
      return;
    }
    this.#failed = true;
    for (const each of failing) {
      this.#pending.delete(each);
      this.onmessage?.({
        jsonrpc: "2.0",
        id: each,
        error: {
          code: INTERNAL_ERROR,
          message: tooLongMessage(this.#lineLimit),
        },
      });
    }
  }

  async #keepStderr(stderr: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stderr) {
        // Escape sequences and other controls are dropped: kept to be quoted.
        const text = plainText(decoder.decode(chunk, { stream: true }));
        this.#stderr = (this.#stderr + text).slice(-STDERR_KEPT);
      }
    } catch {
      // the process is gone
    }
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.#writer) throw new Error("the server is not running");
    if ("method" in message) {
      if ("id" in message) this.#pending.add(message.id);
      const cancelled = message.method === "notifications/cancelled" &&
        (message.params as { requestId?: string | number } | undefined)
          ?.requestId;
      if (cancelled !== undefined && cancelled !== false) {
        this.#pending.delete(cancelled);
      }
    }
    await this.#writer.write(
      new TextEncoder().encode(serializeMessage(message)),
    );
  }

  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  async #close(): Promise<void> {
    const child = this.#child;
    // Not waited for: a server that stopped reading would hold a write, and
    // the close behind it, for ever. Ending the server ends the write.
    void this.#writer?.close().catch(() => {});
    if (child) {
      const exited = (ms: number) =>
        Promise.race([
          child.status.then(() => true),
          new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), ms);
            Deno.unrefTimer(timer);
          }),
        ]);
      for (const signal of ["SIGTERM", "SIGKILL"] as const) {
        if (await exited(EXIT_GRACE_MS)) break;
        try {
          child.kill(signal);
        } catch {
          break; // it exited meanwhile
        }
      }
      await child.status.catch(() => {});
    }
    this.#buffer.clear();
  }
}

/**
 * The lines of `stream`, each whole with its line break, however the stream
 * cuts them: a line's pieces wait until its end comes, so that it is copied
 * once (the SDK's reader, fed piece by piece, would copy and search the line
 * again for each: an 11 MiB result took seconds). A line longer than
 * `lineLimit` bytes is never kept: `tooLong` hears its first
 * {@linkcode LINE_ENDS} bytes as soon as it passes the limit, and again with
 * its last ones once its end comes; the lines after it are read on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLines } from "./servers.ts";
 * const lines: string[] = [];
 * await readLines(
 *   ReadableStream.from(["o", "ne\ntw", "o\n"].map((each) => new TextEncoder().encode(each))),
 *   100,
 *   (line) => lines.push(line.toString()),
 *   () => {},
 * );
 * assert.deepEqual(lines, ["one\n", "two\n"]);
 * ```
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  lineLimit: number,
  each: (line: Buffer) => void,
  tooLong: (head: Uint8Array, tail?: Uint8Array) => void,
): Promise<void> {
  let pieces: Uint8Array[] = [];
  let size = 0;
  // Of a line over the limit: its first bytes, and its last so far.
  let head: Uint8Array | undefined;
  let tail: Uint8Array = new Uint8Array(0);
  const over = (parts: Uint8Array[]) => {
    head = firstBytes(parts, LINE_ENDS);
    tooLong(head);
    tail = lastBytes(parts, LINE_ENDS);
  };
  for await (let chunk of stream) {
    for (let end; (end = chunk.indexOf(0x0a)) >= 0;) {
      const line = chunk.subarray(0, end + 1);
      chunk = chunk.subarray(end + 1);
      if (head !== undefined) {
        tail = lastBytes([tail, line], LINE_ENDS);
      } else if (size + line.length > lineLimit) {
        over([...pieces, line]);
      } else {
        each(Buffer.concat([...pieces, line]));
      }
      if (head !== undefined) tooLong(head, tail);
      [pieces, size, head] = [[], 0, undefined];
    }
    if (chunk.length === 0) continue;
    if (head !== undefined) {
      tail = lastBytes([tail, chunk], LINE_ENDS);
      continue;
    }
    pieces.push(chunk);
    size += chunk.length;
    if (size > lineLimit) {
      over(pieces);
      [pieces, size] = [[], 0];
    }
  }
}

/** How many of the first and the last bytes of a line over the limit are kept: enough for its `id`. */
export const LINE_ENDS = 256;

/** A copy of the first `count` bytes of `parts`, one after the other. */
function firstBytes(parts: Uint8Array[], count: number): Uint8Array {
  const taken: Uint8Array[] = [];
  let size = 0;
  for (const part of parts) {
    if (size >= count) break;
    taken.push(part.subarray(0, count - size));
    size += taken.at(-1)!.length;
  }
  return Buffer.concat(taken);
}

/** A copy of the last `count` bytes of `parts`, one after the other. */
function lastBytes(parts: Uint8Array[], count: number): Uint8Array {
  const taken: Uint8Array[] = [];
  let size = 0;
  for (const part of parts.toReversed()) {
    if (size >= count) break;
    taken.unshift(part.subarray(Math.max(0, part.length - (count - size))));
    size += taken[0].length;
  }
  return Buffer.concat(taken);
}

/**
 * The `fetch` a `url` server is reached through: a response's body, or one
 * event of a stream of server-sent events, over `limit` bytes is cut off
 * there. A stream that answers requests then says, as the server's answer
 * to each, that it was over the limit, and ends; any other body fails with
 * the same words.
 */
export function boundedFetch(
  fetch: typeof globalThis.fetch,
  limit = LINE_LIMIT,
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (
      response.body === null ||
      (response.status >= 300 && response.status < 400)
    ) {
      return response;
    }
    const type = response.headers.get("content-type")?.split(";")[0].trim()
      .toLowerCase();
    const body = response.body.pipeThrough(
      type === "text/event-stream"
        ? eventsWithin(limit, requestIds(init?.body))
        : bytesWithin(limit),
    );
    const bounded = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(bounded, "url", { value: response.url });
    return bounded;
  };
}

/** A body of at most `limit` bytes: one beyond fails there. */
function bytesWithin(limit: number): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.length;
      if (size > limit) controller.error(new Error(tooLongMessage(limit)));
      else controller.enqueue(chunk);
    },
  });
}

/**
 * Server-sent events of at most `limit` bytes each (an event ends at a
 * blank line). At one beyond, the stream ends with an error answer to each
 * of `ids`, the requests it was to answer; with none, it fails.
 */
function eventsWithin(
  limit: number,
  ids: (string | number)[],
): TransformStream<Uint8Array, Uint8Array> {
  let size = 0; // of the event so far
  let line = 0; // of its line so far
  let pairedLf = false; // a line feed now would end the line with the CR before it
  return new TransformStream({
    transform(chunk, controller) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (pairedLf) {
          pairedLf = false;
          if (byte === 0x0a) continue;
        }
        if (byte === 0x0a || byte === 0x0d) {
          if (line === 0) size = 0;
          line = 0;
          pairedLf = byte === 0x0d;
          continue;
        }
        line++;
        if (++size <= limit) continue;
        if (ids.length === 0) {
          return controller.error(new Error(tooLongMessage(limit)));
        }
        controller.enqueue(chunk.subarray(0, i));
        const answers = ids.map((id) =>
          `event: message\ndata: ${
            JSON.stringify({
              jsonrpc: "2.0",
              id,
              error: { code: INTERNAL_ERROR, message: tooLongMessage(limit) },
            })
          }\n\n`
        );
        controller.enqueue(
          new TextEncoder().encode(`\n\n${answers.join("")}`),
        );
        return controller.terminate();
      }
      controller.enqueue(chunk);
    },
  });
}

/** The ids of the requests a POST's body holds (JSON-RPC, one or a batch). */
function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(body);
    return (Array.isArray(parsed) ? parsed : [parsed]).flatMap((each) => {
      const { method, id } = (each ?? {}) as { method?: unknown; id?: unknown };
      return typeof method === "string" &&
          (typeof id === "string" || typeof id === "number")
        ? [id]
        : [];
    });
  } catch {
    return [];
  }
}

/** What a call whose answer is over `limit` bytes fails with. */
export function tooLongMessage(limit: number): string {
  return `its answer was over ${
    sizeShown(limit)
  }, the most one message may hold`;
}

/** A JSON-RPC id as JSON writes it: a number or a string. */
const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;

/** A message whose first member, or second after `jsonrpc`, is its `id`. */
const ID_AT_START = new RegExp(
  String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"[^"]*"\s*,\s*)?"id"\s*:\s*` + ID,
);

/** A message whose last member, or last but `jsonrpc`, is its `id`. */
const ID_AT_END = new RegExp(
  String.raw`[{,]\s*"id"\s*:\s*` + ID +
    String.raw`\s*(?:,\s*"jsonrpc"\s*:\s*"[^"]*"\s*)?\}\s*$`,
);

/** A message that is the server's request or notification: its `method` first. */
const FROM_SERVER = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"[^"]*"\s*,\s*)?"method"\s*:/;

/**
 * The `id` of the message that a line over the limit starts with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { idAtEnd, idAtStart } from "./servers.ts";
 * assert.equal(idAtStart('{"jsonrpc":"2.0","id":7,"result":{"content":[{"te'), 7);
 * assert.equal(idAtEnd('bbbb"}]},"jsonrpc":"2.0","id":"a-1"}\n'), "a-1");
 * assert.equal(idAtEnd('bbbb"}]},"x":{"id":3}}\n'), undefined);
 * ```
 */
export function idAtStart(text: string): string | number | undefined {
  const found = ID_AT_START.exec(text);
  return found ? JSON.parse(found[1]) : undefined;
}

/** The `id` of the message that a line over the limit ends with. */
export function idAtEnd(text: string): string | number | undefined {
  const found = ID_AT_END.exec(text);
  return found ? JSON.parse(found[1]) : undefined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
