/**
 * Opening a sign-in page in the user's browser: `$BROWSER` when it names
 * one command, else the system's opener (`xdg-open`, macOS's `open`,
 * Windows' `rundll32 url.dll,FileProtocolHandler`). The launchers grant
 * starting that one program, and only to a run that may use tools. It
 * starts with no variable of the program's but those a browser needs to
 * find the desktop: an API key never reaches it.
 *
 * @module
 */
import type { Env } from "../config/paths.ts";

/** The variables read to open a browser: `BROWSER`, and what a browser needs of the desktop. */
export const BROWSER_ENV: readonly string[] = [
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XDG_RUNTIME_DIR",
  "DBUS_SESSION_BUS_ADDRESS",
  "XDG_CURRENT_DESKTOP",
  "XDG_SESSION_TYPE",
  "DESKTOP_SESSION",
  "XDG_DATA_DIRS",
  "XDG_CONFIG_DIRS",
  "LANG",
];

/** What the opener starts with: the desktop's variables, and where programs are. */
const PASSED_ENV = [
  ...BROWSER_ENV.filter((name) => name !== "BROWSER"),
  "PATH",
  "HOME",
  "SystemRoot",
];

/** How long an opener has to fail before it counts as opened, in milliseconds. */
const FAILS_WITHIN_MS = 3_000;

/**
 * The program that opens a page, and its arguments before the page's
 * address: `$BROWSER` when it is one command (no spaces, commas, quotes,
 * wildcards, `%s` or `:` list of several), else the system's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { opener } from "./browser.ts";
 * assert.deepEqual(opener(() => undefined, "linux"), { command: "xdg-open", args: [] });
 * assert.deepEqual(opener(() => "firefox", "linux"), { command: "firefox", args: [] });
 * assert.deepEqual(opener(() => "firefox %s", "darwin"), { command: "open", args: [] });
 * ```
 */
export function opener(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): { command: string; args: string[] } {
  let browser: string | undefined;
  try {
    browser = env("BROWSER")?.trim();
  } catch {
    // a run that may not read it uses the system's opener
  }
  if (browser && !/[\s,%:"'\\*?[]/.test(browser)) {
    return { command: browser, args: [] };
  }
  return os === "darwin"
    ? { command: "open", args: [] }
    : os === "windows"
    ? { command: "rundll32", args: ["url.dll,FileProtocolHandler"] }
    : { command: "xdg-open", args: [] };
}

/**
 * Opens `url` with {@linkcode opener}'s program. An opener that fails at
 * once (no browser, no desktop) throws, saying so; one still running after
 * a moment (a browser started for it) is left running.
 *
 * @throws {Error} saying why no browser opened.
 */
export async function openBrowser(
  url: string,
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): Promise<void> {
  const { command, args } = opener(env, os);
  const passed: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    try {
      const value = env(name);
      if (value !== undefined) passed[name] = value;
    } catch {
      // not granted: not passed on
    }
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: [...args, url],
      clearEnv: true,
      env: passed,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (error) {
    throw new Error(
      error instanceof Deno.errors.NotCapable
        ? `this run may not start ${command}`
        : error instanceof Deno.errors.NotFound
        ? `${command} was not found`
        : `${command} did not start`,
    );
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    child.status,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), FAILS_WITHIN_MS);
    }),
  ]);
  clearTimeout(timer);
  child.unref();
  if (status && !status.success) {
    throw new Error(`${command} failed (exit code ${status.code})`);
  }
}

/**
 * Whether `url` may be opened: an `https:` page, or an `http:` one on this
 * machine; never a file, a script or another program's scheme.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayOpen } from "./browser.ts";
 * assert.equal(mayOpen(new URL("https://auth.test/authorize?x=1")), true);
 * assert.equal(mayOpen(new URL("http://127.0.0.1:8080/authorize")), true);
 * assert.equal(mayOpen(new URL("http://auth.test/authorize")), false);
 * assert.equal(mayOpen(new URL("file:///etc/passwd")), false);
 * ```
 */
export function mayOpen(url: URL): boolean {
  return url.protocol === "https:" ||
    (url.protocol === "http:" &&
      ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname));
}
