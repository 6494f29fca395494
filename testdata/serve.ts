/**
 * The harness of the in-process tests of `--serve`: the whole program
 * (`main()`) started with `--serve --port 0` and an injected environment,
 * config file and signals; the test talks to it over HTTP (with OpenAI's
 * own SDK, or `fetch`) on 127.0.0.1, and it sends on to the scripted
 * upstream of `testdata/server.ts`. Stopping it checks that it exited 0,
 * that no signal listener outlived it, and that no key reached stderr.
 *
 * @module
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { main } from "../main.ts";
import type { Io } from "../src/io/io.ts";
import type { StopSignal } from "../src/io/signals.ts";
import { keyVariables, mayRead } from "../src/launch/permissions.ts";
import { CONFIG_PATH, KEY } from "./harness.ts";
import { testWith } from "./permissions.ts";

/** A test that listens on 127.0.0.1 and keeps a history under .tmp/. */
export const serveTest = testWith(
  { name: "net", host: "127.0.0.1" },
  { name: "write", path: ".tmp" },
  { name: "read", path: ".tmp" },
);

/** How the server is started. */
export interface ServeSetup {
  /** The environment (a key, the upstream's URL, the history). */
  env: Record<string, string>;
  /** The config file's text, at {@linkcode CONFIG_PATH}. */
  config?: string;
  /** The `fetch` it sends upstream with (the real one by default). */
  fetch?: typeof globalThis.fetch;
}

/** A server running in-process. */
export interface Running extends AsyncDisposable {
  /** Its address, `http://127.0.0.1:PORT/`. */
  url: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Sends it Ctrl-C (or `signal`) and returns its exit code. */
  stop(signal?: StopSignal): Promise<number>;
}

/**
 * Starts `gpt4o --serve --port 0 …args` in-process and waits for the line
 * that gives its address.
 */
export async function startServe(
  args: string[],
  setup: ServeSetup,
): Promise<Running> {
  const env: Record<string, string> = { GPT4O_HISTORY: "off", ...setup.env };
  let stderr = "";
  let stdout = "";
  const listeners = new Set<(signal: StopSignal) => void>();
  const io: Io = {
    args: ["--serve", "--port", "0", ...args],
    env: (name) => {
      if (!mayRead(name) && !keyVariables(setup.config).includes(name)) {
        throw new Deno.errors.NotCapable(`Requires env access to "${name}"`);
      }
      return env[name];
    },
    readTextFile: (path) =>
      Promise.resolve(path === CONFIG_PATH ? setup.config : undefined),
    fileMode: () => 0o600,
    stdin: () => Promise.resolve(new Uint8Array()),
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    stdoutIsTerminal: false,
    stderrIsTerminal: false,
    noColor: true,
    columns: () => 80,
    rows: () => 24,
    lines: () => {
      throw new Error("the server reads no lines");
    },
    fetch: setup.fetch ?? globalThis.fetch,
    onInterrupt(handler) {
      listeners.add(handler);
      return { [Symbol.dispose]: () => void listeners.delete(handler) };
    },
  };
  const exited = main(io);
  let code: number | undefined;
  exited.then((exit) => code = exit);
  const deadline = Date.now() + 10_000;
  let url: string | undefined;
  while ((url = stderr.match(/serving (http:\S+)/)?.[1]) === undefined) {
    if (code !== undefined) {
      throw new Error(`--serve exited ${code} at once: ${stderr}`);
    }
    assert.ok(Date.now() < deadline, "--serve did not start in 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  let stopping: Promise<number> | undefined;
  const stop = (signal: StopSignal = "SIGINT") =>
    stopping ??= (async () => {
      for (const listener of [...listeners]) listener(signal);
      const exit = await exited;
      assert.equal(listeners.size, 0, "a signal listener outlived the server");
      assert.equal(stdout, "", "the server wrote to stdout");
      for (let i = 0; i + 12 <= KEY.length; i++) {
        assert.ok(
          !stderr.includes(KEY.slice(i, i + 12)),
          `a key leaked: ${stderr}`,
        );
      }
      return exit;
    })();
  return {
    url,
    stderr: () => stderr,
    stop,
    async [Symbol.asyncDispose]() {
      assert.equal(await stop(), 0);
    },
  };
}

/** OpenAI's SDK pointed at the server, with `apiKey` (any) and no retries. */
export function clientOf(
  running: Running,
  apiKey = "sk-client-0123456789abcdef",
): OpenAI {
  return new OpenAI({
    baseURL: `${running.url}v1`,
    apiKey,
    maxRetries: 0,
    // The SDK reads no variable of the environment with every setting given.
    adminAPIKey: null,
    webhookSecret: null,
    organization: null,
    project: null,
    logLevel: "off",
  });
}

/** The server-sent events of a body: each `[event name, data]`. */
export async function eventsOf(
  response: Response,
): Promise<[string | undefined, string][]> {
  const text = await response.text();
  return text.split("\n\n").filter(Boolean).map((block) => {
    const lines = block.split("\n");
    const name = lines.find((line) => line.startsWith("event: "))?.slice(7);
    const data = lines.filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6)).join("\n");
    return [name, data];
  });
}

/**
 * Sends `line` (`GET /path`) to the server over a TCP connection of its
 * own, with the `Host` header `host` and `headers` (lines ending in CRLF),
 * and reads the answer: its status, head and body (a chunked one's
 * content).
 */
export async function raw(
  url: string,
  line: string,
  host: string,
  headers = "",
): Promise<{ status: number; headers: string; body: string }> {
  using conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: Number(new URL(url).port),
  });
  await conn.write(
    new TextEncoder().encode(
      `${line} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n${headers}\r\n`,
    ),
  );
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  for (let read; (read = await conn.read(buffer)) !== null;) {
    text += decoder.decode(buffer.subarray(0, read), { stream: true });
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) continue;
    const head = text.slice(0, end);
    const body = text.slice(end + 4);
    const length = head.match(/content-length: *(\d+)/i)?.[1];
    const whole = length !== undefined
      ? new TextEncoder().encode(body).length >= Number(length)
      : /transfer-encoding: *chunked/i.test(head) && body.endsWith("0\r\n\r\n");
    if (whole) {
      return {
        status: Number(head.split(" ")[1]),
        headers: head,
        body: length === undefined ? dechunked(body) : body,
      };
    }
  }
  throw new Error(`the connection closed before a whole answer: ${text}`);
}

/** A chunked body's content. */
function dechunked(body: string): string {
  let text = "";
  for (let at = 0;;) {
    const end = body.indexOf("\r\n", at);
    const size = parseInt(body.slice(at, end), 16);
    if (!(size > 0)) return text;
    text += body.slice(end + 2, end + 2 + size);
    at = end + 2 + size + 2;
  }
}
