/**
 * The harness of the chat page's browser tests (`tests/browser/`):
 * Chromium (Debian's, at /usr/bin/chromium) driven by npm playwright-core,
 * a page opened on a server's origin that records what the page asked for
 * and what it logged. `deno task browser` gives what they need; without
 * it, or without Chromium, each test is ignored and says why.
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  Browser,
  BrowserContext,
  Page,
  Response as PageResponse,
} from "playwright-core";
import { lacking } from "./permissions.ts";

export const CHROMIUM = "/usr/bin/chromium";

/**
 * What playwright-core, Chromium and the server need of Deno: the server
 * reads the project and keeps its history under `.tmp/`.
 */
const NEEDS: Deno.PermissionDescriptor[] = [
  { name: "run", command: CHROMIUM },
  { name: "read", path: CHROMIUM },
  { name: "read", path: "." },
  { name: "write", path: "/tmp" },
  { name: "write", path: ".tmp" },
  { name: "net", host: "127.0.0.1" },
  { name: "env" },
  { name: "sys", kind: "homedir" },
  { name: "sys", kind: "uid" },
];

/** Why the browser tests cannot run here (with `more` too), or undefined when they can. */
export function whyNot(
  ...more: Deno.PermissionDescriptor[]
): string | undefined {
  const missing = lacking(...NEEDS, ...more);
  if (missing.length) {
    return `needs ${missing.join(" ")}; run \`deno task browser\``;
  }
  // playwright-core's bundle asks at its start whether this is WSL, by
  // files under /proc/sys that Deno lets only --allow-all read, unless this
  // variable (is-wsl's own switch for its tests) makes it ask later, or never.
  if (!Deno.env.get("__IS_WSL_TEST__")) {
    return "needs __IS_WSL_TEST__=1 in the environment; run `deno task browser`";
  }
  try {
    Deno.statSync(CHROMIUM);
  } catch {
    return `no ${CHROMIUM}: install it with apt-get install chromium, then run \`deno task browser\``;
  }
  return undefined;
}

/**
 * A Deno test with one browser for its steps, unless `cannot` says why it
 * cannot run.
 */
export function browserTest(
  name: string,
  cannot: string | undefined,
  fn: (browser: Browser, t: Deno.TestContext) => Promise<void>,
) {
  Deno.test({
    name: cannot ? `${name} (ignored: ${cannot})` : name,
    ignore: cannot !== undefined,
    // playwright-core keeps a timer and a pipe of its own between pages.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn(t) {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: Deno.uid() === 0 ? ["--no-sandbox"] : [],
      });
      try {
        await fn(browser, t);
      } finally {
        await browser.close();
      }
    },
  });
}

/** A request of the page, as the browser sent it. */
export interface SeenRequest {
  method: string;
  /** The path and query. */
  path: string;
  authorization: string | null;
  /** Its body, parsed as JSON, when it has one. */
  body?: unknown;
}

/** A page opened on a server: what it asked for and what it logged. */
export interface Opened {
  context: BrowserContext;
  page: Page;
  /** The answer to the page's first load. */
  response: PageResponse | null;
  /** Every request of the page to its origin, in order. */
  requests: SeenRequest[];
  /** Asserts no other origin was asked and nothing was logged but `allowed`. */
  clean(allowed?: RegExp[]): void;
}

/** How a page is opened. */
export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  /** Where the page opens (default `/`). */
  path?: string;
}

/** Opens `origin`'s page in a context of its own. */
export async function openPage(
  browser: Browser,
  origin: string,
  options: PageOptions = {},
): Promise<Opened> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1100, height: 760 },
    colorScheme: options.colorScheme ?? "light",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], {
    origin,
  });
  const page = await context.newPage();
  const foreign: string[] = [];
  const logged: string[] = [];
  const requests: SeenRequest[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`)) {
      foreign.push(url);
      return;
    }
    const { pathname, search } = new URL(url);
    const data = request.postData();
    requests.push({
      method: request.method(),
      path: pathname + search,
      authorization: request.headers()["authorization"] ?? null,
      ...(data === null ? {} : { body: JSON.parse(data) }),
    });
  });
  page.on("console", (message) => {
    if (message.type() === "error") logged.push(message.text());
  });
  page.on("pageerror", (error) => logged.push(`uncaught: ${error.message}`));
  const response = await page.goto(`${origin}${options.path ?? "/"}`);
  return {
    context,
    page,
    response,
    requests,
    clean(allowed: RegExp[] = []) {
      assert.deepEqual(foreign, [], "requests to another origin");
      assert.deepEqual(
        logged.filter((text) => !allowed.some((pattern) => pattern.test(text))),
        [],
        "errors logged",
      );
    },
  };
}

/** `promise`, or a failure naming `what` when it has not settled in 10 s. */
export async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: not within 10 s`)),
      10_000,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `condition` holds, checked every 10 ms; fails after 10 s. */
export async function until(
  condition: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `${what}: not within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The text of the last answer, once it is `text`. */
export async function answerIs(page: Page, text: string) {
  await page.waitForFunction(
    (wanted) =>
      [...document.querySelectorAll("article.assistant .message-body")].at(-1)
        ?.textContent === wanted,
    text,
  );
}

/** Waits for the last answer to end (done, stopped or failed). */
export async function answered(page: Page) {
  await page.locator("article.assistant").last().and(
    page.locator('[aria-busy="false"]'),
  ).waitFor();
}
