/**
 * The chat page's browser tests' session: a page in Chromium against the
 * real server, `gpt4o --serve` in-process (`testdata/serve.ts`) on a free
 * port with a history of its own under `.tmp/`, asking the scripted
 * upstream of `testdata/server.ts`; conversations saved as the terminal
 * saves them; and what the page asked of the server.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  browserTest,
  type Opened,
  openPage,
  type PageOptions,
  type SeenRequest,
  whyNot,
  within,
} from "./browser.ts";
import { type FakeServer, startServer } from "./server.ts";
import type { Streamed } from "./scripted.ts";
import { startServe } from "./serve.ts";
import { CONFIG_PATH, KEY, tempFolder } from "./harness.ts";
import {
  attachmentFromBytes,
  readAttachment,
} from "../src/files/attachments.ts";
import { Recorder } from "../src/history/use.ts";
import { DEFAULT_SYSTEM } from "../src/cli/options.ts";

export const CANNOT = whyNot();

/** A 1×1 PNG and a 1×1 GIF, as the page would read them from disk. */
export const PNG = Uint8Array.fromBase64(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==",
);
export const GIF = Uint8Array.fromBase64(
  "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==",
);

/** The config file of the server: an alias and a role, listed as models. */
export const CONFIG = '[aliases]\nmini = ["gpt-4o-mini"]\n' +
  '[roles.reviewer]\nsystem = "You review code."\n';

/** What `/v1/models` lists with that config and OPENAI_API_KEY alone. */
export const MODELS = [
  "gpt-4o",
  "mini",
  "role:reviewer",
  "openai:gpt-4o",
  "g4f:gpt-4o",
  "ollama:llama3.2",
  "lmstudio:openai/gpt-oss-20b",
  "llamacpp:default",
];

/** What the page posted to `/api/chat`. */
export interface ChatBody {
  conversation?: number;
  model?: string;
  prompt: string;
  attachments?: { name: string; media_type: string; data: string }[];
}

/** An answer the test streams, with the page's request it answers. */
export interface Chat extends Streamed {
  /** The body of the page's `POST /api/chat`. */
  posted: ChatBody;
}

/** The server a page talks to, and what went through it. */
export interface PageServer {
  origin: string;
  /** The page's requests, in order. */
  requests: SeenRequest[];
  /** Answers the upstream streams at once, first first. */
  answers: string[][];
  /** The next answer the test streams itself. */
  nextChat(): Promise<Chat>;
  upstream: FakeServer;
  /** The history's file. */
  history: string;
}

/** A page under test, on a server of its own. */
export interface Session extends Opened {
  server: PageServer;
}

export interface SessionOptions extends PageOptions {
  /** The server's GPT4O_SERVE_TOKEN. */
  token?: string;
  /** Conversations begun at the terminal ({@linkcode saveTerminalHistory}) first. */
  history?: boolean;
}

/**
 * A Deno test of the page: one browser for its steps, each step a page of its
 * own (`session()`) on a server, an upstream and a history of its own.
 */
export function pageTest(
  name: string,
  fn: (
    session: (options?: SessionOptions) => Promise<Session>,
    t: Deno.TestContext,
  ) => Promise<void>,
) {
  browserTest(name, CANNOT, async (browser, t) => {
    const ends: (() => PromiseLike<unknown>)[] = [];
    try {
      await fn(async (options = {}) => {
        const tmp = await tempFolder();
        ends.push(() => tmp[Symbol.asyncDispose]());
        const history = `${tmp.dir}/history.db`;
        if (options.history) await saveTerminalHistory(history);
        const upstream = startServer();
        ends.push(() => upstream[Symbol.asyncDispose]());
        const running = await startServe([], {
          env: {
            OPENAI_API_KEY: KEY,
            OPENAI_BASE_URL: upstream.url("scripted"),
            GPT4O_HISTORY: history,
            GPT4O_CONFIG: CONFIG_PATH,
            ...(options.token ? { GPT4O_SERVE_TOKEN: options.token } : {}),
          },
          config: CONFIG,
        });
        ends.push(() => running[Symbol.asyncDispose]());
        const origin = running.url.replace(/\/$/, "");
        const opened = await openPage(browser, origin, options);
        ends.push(() => opened.context.close());
        const { requests } = opened;
        const server: PageServer = {
          origin,
          requests,
          answers: upstream.script.answers,
          async nextChat() {
            const streamed = await within(
              upstream.script.next(),
              "the page posts /api/chat and the server asks upstream",
            );
            const posted = requests.findLast((each) =>
              each.method === "POST" && each.path === "/api/chat"
            )?.body as ChatBody;
            return Object.assign(streamed, { posted });
          },
          upstream,
          history,
        };
        return { ...opened, server };
      }, t);
    } finally {
      for (const end of ends.reverse()) await end();
    }
  });
}

/** When the terminal's two conversations were had. */
export const LIFETIMES_AT = new Date(Date.UTC(2024, 0, 5, 9, 30));
export const PHOTO_AT = new Date(Date.UTC(2024, 2, 1, 17, 0));

/**
 * Saves two conversations as runs at the terminal save them (the
 * Recorder): `What is 'a?` (1), then `What is in it?` (2), a model's
 * alias, a system message of its own, a PNG and an image URL sent with it.
 */
export async function saveTerminalHistory(path: string): Promise<void> {
  const recorder = new Recorder(
    { path, ownFolder: false },
    (line) => assert.fail(line),
  );
  const turn = {
    endpoint: "api.openai.com/v1",
    outcome: "answered" as const,
  };
  assert.equal(
    recorder.save({
      ...turn,
      system: DEFAULT_SYSTEM,
      prompt: "What is 'a?",
      model: "gpt-4o",
      answer: "A **lifetime**.",
      started: LIFETIMES_AT,
      finished: LIFETIMES_AT,
    }),
    1,
  );
  assert.equal(
    recorder.save({
      ...turn,
      system: "Answer briefly.",
      prompt: "What is in it?",
      model: "mini",
      answer: "A `pixel`.",
      attachments: [
        (await attachmentFromBytes("pixel.png", PNG))!,
        await readAttachment("https://photos.example/remote.png"),
      ],
      started: PHOTO_AT,
      finished: PHOTO_AT,
    }),
    2,
  );
}

/** The conversation the page has open, by its address. */
export function openId(page: Page): string {
  return new URL(page.url()).hash.slice(1);
}

/** The page's calls of the API. */
export function apiCalls(server: PageServer, from = 0) {
  return server.requests.slice(from).filter((each) =>
    each.path.startsWith("/v1/") || each.path.startsWith("/api/")
  );
}

/** The page's requests to `path` (and query). */
export function seen(server: PageServer, method: string, path: string) {
  return server.requests.filter((each) =>
    each.method === method && each.path === path
  );
}
