/**
 * The stdio transport of MCP over a process Deno starts, and reading its
 * lines: each whole, at most {@linkcode LINE_LIMIT}, the call a line over
 * it answers found from its ends.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  INTERNAL_ERROR,
  type JSONRPCMessage,
  ReadBuffer,
  serializeMessage,
  type Transport,
} from "@modelcontextprotocol/client";
import { plainText } from "./cache.ts";
import { LINE_LIMIT, sizeShown, tooLongMessage } from "./limits.ts";

/** How much of a server's stderr is kept, for the line that says why it failed. */
const STDERR_KEPT = 4096;

/** How long a server has to exit once its input is closed, before SIGTERM, then SIGKILL. */
const EXIT_GRACE_MS = 500;

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
 * import { readLines } from "./stdio.ts";
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
 * import { idAtEnd, idAtStart } from "./stdio.ts";
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
