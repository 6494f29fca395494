/**
 * The harness of the in-process tests: the whole program run with its
 * arguments, environment, stdin, stdout and stderr injected, and the OpenAI
 * client's `fetch` a fake that answers like gpt-4o or like a broken server.
 * Every run also checks that the API key appears in no output and that the
 * program reads no variable its permissions do not grant.
 *
 * @module
 */

import { testWith } from "./permissions.ts";
import type { Entry } from "../src/run/run.ts";
import assert from "node:assert/strict";
import { main } from "../main.ts";
import { type Io } from "../src/io/io.ts";
import type { StopSignal } from "../src/io/signals.ts";
import { completion, streamOf } from "./fixtures.ts";

import { fileURLToPath } from "node:url";
import { History } from "../src/history/store.ts";
import { type Message } from "../src/history/conversation.ts";
import { keyVariables, mayRead } from "../src/launch/permissions.ts";

export const KEY = "sk-proj-TESTKEY0123456789abcdefTESTKEY";

/** What the fake server saw of one request. */
export interface Seen {
  url: string;
  method: string;
  headers: Headers;
  authorization: string | null;
  body: Record<string, unknown>;
  signal: AbortSignal;
}

export interface Setup {
  /** The environment; history is off unless it sets GPT4O_HISTORY. */
  env?: Record<string, string>;
  dotenv?: string;
  /** What is piped to stdin: text, or bytes such as an image's. */
  stdin?: string | Uint8Array;
  /** stdout is a terminal. */
  stdoutTerminal?: boolean;
  /** The terminal's width (default 80). */
  columns?: number;
  /** The terminal's height (default 24). */
  rows?: number;
  /** Variables the program may not read even among those granted: reading one throws, as Deno does. */
  denied?: string[];
  /** The config file's text, at {@linkcode CONFIG_PATH} (set `HOME` or `GPT4O_CONFIG` to find it). */
  config?: string;
  /** The config file's mode (default 0600). */
  configMode?: number;
  /**
   * The lines typed in `--chat`, at a terminal when `terminal` is set;
   * `"\x03"` is Ctrl-C at a question that takes it (a tool call's).
   */
  lines?: (string | ((interrupt: (signal: StopSignal) => void) => void))[];
  terminal?: boolean;
  /** NO_COLOR is set. */
  noColor?: boolean;
  /** How the program was started: as the demo (the default) or the gpt4o command. */
  entry?: Entry;
  /** The browser a sign-in page is opened in (a test double: no real one is started). */
  openBrowser?: (url: string) => Promise<void>;
  /** The operating system (default: the one the tests run on). */
  os?: typeof Deno.build.os;
  /** Runs a program `-e` starts (default: exit 0); each run is kept in {@linkcode Outcome.ran}. */
  run?: (program: string, args: string[]) => number | Promise<number>;
  /** Whether the run may start a program (default: yes). */
  mayRun?: (program: string) => boolean;
  /** Replaces the recording stdout and stderr, e.g. with one that fails. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Answers each request; `interrupt` presses Ctrl-C or sends a signal. */
  reply?: (
    seen: Seen,
    interrupt: (signal?: StopSignal) => void,
  ) => Response | Promise<Response>;
}

/** Where the in-process config file is: `GPT4O_CONFIG` names it. */
export const CONFIG_PATH = "/config/gpt4o/config.toml";

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  requests: Seen[];
  /** The programs run (`-e`'s shell), with their arguments. */
  ran: { program: string; args: string[] }[];
}

export async function run(args: string[], setup: Setup = {}): Promise<Outcome> {
  const env: Record<string, string> = {
    GPT4O_HISTORY: "off",
    ...(setup.env ?? { OPENAI_API_KEY: KEY }),
  };
  const requests: Seen[] = [];
  const ran: Outcome["ran"] = [];
  let released = false; // the terminal is lent to a program
  let stdout = "";
  let stderr = "";
  const listeners = new Set<(signal: StopSignal) => void>();
  const interrupt = (signal: StopSignal = "SIGINT") => {
    for (const listener of [...listeners]) listener(signal);
  };
  const io: Io = {
    args,
    // As Deno does with the permissions the launchers give: a variable
    // outside them cannot be read.
    env: (name) => {
      const granted = mayRead(name) ||
        keyVariables(setup.config).includes(name);
      if (!granted || setup.denied?.includes(name)) {
        throw new Deno.errors.NotCapable(`Requires env access to "${name}"`);
      }
      return env[name];
    },
    readTextFile: (path) => {
      if (path === ".env") return Promise.resolve(setup.dotenv);
      // Only the config file is read besides: at CONFIG_PATH, or none.
      return Promise.resolve(path === CONFIG_PATH ? setup.config : undefined);
    },
    fileMode: () => setup.configMode ?? 0o600,
    stdin: () =>
      Promise.resolve(
        typeof setup.stdin === "string"
          ? new TextEncoder().encode(setup.stdin)
          : setup.stdin,
      ),
    stdout: { write: setup.stdout ?? ((text) => void (stdout += text)) },
    stderr: { write: setup.stderr ?? ((text) => void (stderr += text)) },
    stdoutIsTerminal: setup.stdoutTerminal ?? false,
    stderrIsTerminal: setup.terminal ?? false,
    noColor: setup.noColor ?? false,
    columns: () => setup.columns ?? 80,
    rows: () => setup.rows ?? 24,
    lines: () => {
      let closed = false; // disposed: the input ends, as readline's does
      return {
        interactive: setup.terminal ?? false,
        read: (prompt, options) => {
          released = false;
          if (setup.terminal) stdout += `${prompt}${options?.prefill ?? ""}`;
          let line = closed ? undefined : setup.lines?.shift();
          // "\x03" is Ctrl-C at a question that it answers.
          if (line === "\x03" && options?.onInterrupt) {
            options.onInterrupt();
            return Promise.resolve(undefined);
          }
          // A function stands for a signal that arrives at the prompt.
          while (typeof line === "function") {
            line(interrupt);
            line = closed ? undefined : setup.lines?.shift();
          }
          return Promise.resolve(line);
        },
        echo: (prompt, text) => {
          if (setup.terminal) stdout += `${prompt}${text}\n`;
          return Promise.resolve();
        },
        // A key is the next line, at a terminal.
        ...(setup.terminal
          ? {
            key: (prompt: string) => {
              released = false;
              stdout += prompt;
              let key = closed ? undefined : setup.lines?.shift();
              // A function stands for a signal that arrives at the question.
              while (typeof key === "function") {
                key(interrupt);
                key = closed ? undefined : setup.lines?.shift();
              }
              return Promise.resolve(key);
            },
            release: () => void (released = true),
          }
          : {}),
        [Symbol.dispose]: () => void (closed = true),
      };
    },
    fetch: async (input, init) => {
      const seen = {
        url: String(input),
        method: init?.method ?? "GET",
        headers: new Headers(init?.headers),
        authorization: new Headers(init?.headers).get("authorization"),
        // A body with files' data comes as a Blob.
        body: init?.body == null
          ? {}
          : JSON.parse(await new Response(init.body).text()),
        signal: init!.signal!,
      };
      requests.push(seen);
      const reply = setup.reply ?? (() => json(completion()));
      return await reply(seen, interrupt);
    },
    os: setup.os ?? Deno.build.os,
    programs: {
      mayRun: setup.mayRun ?? (() => true),
      run: (program, args) => {
        assert.ok(released, "a program ran with the terminal not lent to it");
        ran.push({ program, args });
        return Promise.resolve(setup.run?.(program, args) ?? 0);
      },
    },
    openBrowser: setup.openBrowser ??
      (() => Promise.reject(new Error("the tests open no browser"))),
    onInterrupt(handler) {
      listeners.add(handler);
      return { [Symbol.dispose]: () => void listeners.delete(handler) };
    },
  };
  const code = await main(io, setup.entry);
  assert.equal(listeners.size, 0, "a signal listener outlived the run");
  for (const output of [stdout, stderr]) {
    for (let i = 0; i + 12 <= KEY.length; i++) {
      const part = KEY.slice(i, i + 12);
      assert.ok(!output.includes(part), `the API key leaked: ${output}`);
    }
  }
  return { code, stdout, stderr, requests, ran };
}

export function json(body: unknown, status = 200, headers = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A response whose body arrives in the given pieces, then ends or stalls. */
export function pieces(
  parts: (string | Uint8Array)[],
  { stall = false, contentType = "text/event-stream" } = {},
): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const part = parts.shift();
      if (part !== undefined) {
        controller.enqueue(
          typeof part === "string" ? encoder.encode(part) : part,
        );
      } else if (stall) {
        await new Promise(() => {});
      } else {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { "content-type": contentType } });
}

/** Resolves never, rejects when the request is aborted. */
export function hang(seen: Seen): Promise<Response> {
  return new Promise((_, reject) =>
    seen.signal.addEventListener("abort", () => reject(seen.signal.reason))
  );
}

export const TMP = new URL("../.tmp/", import.meta.url);

export function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A test that keeps a history database under .tmp/; ignored without write access there. */
export const historyTest = testWith({ name: "write", path: ".tmp" });

/** A fresh folder under .tmp/ for a history database, removed afterwards. */
export async function tempFolder(): Promise<AsyncDisposable & { dir: string }> {
  Deno.mkdirSync(TMP, { recursive: true });
  const dir = await Deno.makeTempDir({
    dir: fileURLToPath(TMP),
    prefix: "main_test-",
  });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The saved turns of a conversation, their times checked and left out. */
export function savedTurns(path: string, id: number) {
  using history = History.open(path);
  return history.get(id)?.turns.map(({ started, finished, ...turn }) => {
    assert.ok(started.getTime() <= finished.getTime(), "finished early");
    assert.ok(Date.now() - finished.getTime() < 60_000, "not saved just now");
    return turn;
  });
}

/** The conversations saved, newest first. */
export function savedList(path: string) {
  using history = History.open(path);
  return history.list();
}

/** A fake server answering each request with the next of `answers`, streamed when asked. */
export function answering(...answers: string[]): NonNullable<Setup["reply"]> {
  let n = 0;
  return (seen) => {
    const text = answers[n++] ?? `answer ${n}`;
    return seen.body.stream
      ? pieces([streamOf([text])])
      : json(completion(text));
  };
}

export const USAGE_SAVED = {
  prompt_tokens: 27,
  completion_tokens: 18,
  total_tokens: 45,
  reasoning_tokens: 0,
  cached_tokens: 0,
};

/** The local time as --history and --show print it. */
export function minute(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${
    two(date.getDate())
  } ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The messages each request carried, as role: content lines. */
export function sentMessages(requests: Seen[]): string[][] {
  return requests.map((seen) =>
    (seen.body.messages as Message[]).map(({ role, content }) =>
      `${role}: ${content}`
    )
  );
}
