/**
 * What the MCP SDK prints on the console while a run's tools are in use (a
 * sign-in retried, a tool left out of a listing, a protocol step): each call
 * one line on the run's stderr, where secrets are masked and control
 * characters shown, instead of raw on the terminal.
 *
 * @module
 */
import { format } from "node:util";
import { visible } from "../io/terminal.ts";
import { quoteLine } from "../exchange/server_message.ts";

/** The console's methods the SDK prints through, all of them routed. */
export const CONSOLE_METHODS = [
  "log",
  "info",
  "debug",
  "warn",
  "error",
] as const;

/** What begins each line the SDK printed: where it came from. */
export const CONSOLE_PREFIX = "tool server: ";

/** The console, or what stands in for it in a test. */
export type ConsoleMethods = Pick<Console, (typeof CONSOLE_METHODS)[number]>;

/**
 * Routes every call of `console.log`, `info`, `debug`, `warn` and `error` to
 * `say`, as one line: {@linkcode CONSOLE_PREFIX}, then the arguments as the
 * console formats them, on one line and cut as a server's words are
 * ({@linkcode quoteLine}), control characters made visible. A call that
 * prints nothing says nothing, and a `say` that fails (stderr gone) loses
 * the line, not the SDK's work. Disposing of it puts the console's own
 * methods back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { routeConsole } from "./console.ts";
 * const said: string[] = [];
 * const warn = console.warn;
 * {
 *   using _ = routeConsole((line) => said.push(line));
 *   console.warn("[mcp-sdk] retrying: %s", "\x1b[2Jnow\nand again");
 * }
 * assert.deepEqual(said, ["tool server: [mcp-sdk] retrying: ␛[2Jnow and again"]);
 * assert.equal(console.warn, warn);
 * ```
 */
export function routeConsole(
  say: (line: string) => void,
  target: ConsoleMethods = console,
): Disposable {
  const own = CONSOLE_METHODS.map((name) => [name, target[name]] as const);
  const routed = (...args: unknown[]) => {
    const text = visible(quoteLine(format(...args)));
    if (text === "") return;
    try {
      say(`${CONSOLE_PREFIX}${text}`);
    } catch {
      // stderr's reader went away: the SDK goes on
    }
  };
  for (const name of CONSOLE_METHODS) target[name] = routed;
  return {
    [Symbol.dispose]() {
      for (const [name, method] of own) target[name] = method;
    },
  };
}
