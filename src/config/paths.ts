/**
 * Where the program keeps its files: the history database and, beside it,
 * the lines typed in the chat. Read from the environment as it is when the
 * program runs; the launchers grant write access to exactly this folder.
 *
 * @module
 */
import { ConfigError } from "./connection.ts";

/** The environment variables read to find the database. */
export const HISTORY_ENV_VARIABLES = [
  "GPT4O_HISTORY",
  "XDG_DATA_HOME",
  "HOME",
  "APPDATA",
] as const;

/** Reads one variable, as `Deno.env.get` does. */
export type Env = (name: string) => string | undefined;

/**
 * Finds the database file: `GPT4O_HISTORY` if set (`off`, in any case,
 * turns history off: `undefined`), else `gpt4o/history.db` in the user's
 * data folder: an absolute `$XDG_DATA_HOME`, else `~/.local/share` on Linux
 * and other Unixes, `~/Library/Application Support` on macOS and
 * `%APPDATA%` on Windows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyPath } from "./paths.ts";
 * const env = (name: string) => ({ HOME: "/home/ada" })[name];
 * assert.equal(historyPath(env, "linux"), "/home/ada/.local/share/gpt4o/history.db");
 * assert.equal(historyPath(() => "Off", "linux"), undefined);
 * ```
 *
 * @throws {ConfigError} when no variable names a folder for it.
 */
export function historyPath(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  const read = (name: (typeof HISTORY_ENV_VARIABLES)[number]) =>
    env(name)?.trim() || undefined;
  const named = read("GPT4O_HISTORY");
  if (named !== undefined) {
    return named.toLowerCase() === "off" ? undefined : named;
  }
  const xdg = read("XDG_DATA_HOME");
  const base = xdg !== undefined && isAbsolute(xdg, os)
    ? xdg
    : os === "windows"
    ? read("APPDATA")
    : withHome(read("HOME"), os);
  if (base === undefined) {
    const variable = os === "windows" ? "APPDATA" : "HOME";
    throw new ConfigError(
      `cannot tell where to keep the history: ${variable} is not set ` +
        "(set GPT4O_HISTORY to a file, or GPT4O_HISTORY=off)",
    );
  }
  return join(os, base, "gpt4o", "history.db");
}

/**
 * The folder of the history, which the program must be allowed to write (the
 * database, its `-wal` and `-shm` files, the chat's input history):
 * `undefined` when history is off or has no place. A relative
 * `GPT4O_HISTORY` gives a relative folder, as Deno's permission flags take it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { historyFolder } from "./paths.ts";
 * assert.equal(historyFolder(() => "/data/h.db", "linux"), "/data");
 * assert.equal(historyFolder(() => "h.db", "linux"), ".");
 * assert.equal(historyFolder(() => undefined, "linux"), undefined);
 * ```
 */
export function historyFolder(
  env: Env,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  let path;
  try {
    path = historyPath(env, os);
  } catch (error) {
    if (error instanceof ConfigError) return undefined; // said when saving
    throw error;
  }
  return path === undefined ? undefined : dirname(path, os);
}

function withHome(
  home: string | undefined,
  os: typeof Deno.build.os,
): string | undefined {
  if (home === undefined) return undefined;
  return os === "darwin"
    ? join(os, home, "Library", "Application Support")
    : join(os, home, ".local", "share");
}

// The three path operations this module needs, for either kind of path: the
// launcher loads this module before every run, and node:path would cost it
// more than the rest of its start-up.

/** Whether `path` is absolute: `/…`, or on Windows `C:\…` or `\\server\…`. */
export function isAbsolute(path: string, os: typeof Deno.build.os): boolean {
  return os === "windows"
    ? /^([A-Za-z]:)?[\\/]/.test(path)
    : path.startsWith("/");
}

/** `base` and `parts` joined by the platform's separator. */
function join(os: typeof Deno.build.os, base: string, ...parts: string[]) {
  const separator = os === "windows" ? "\\" : "/";
  return [base.replace(/[\\/]+$/, ""), ...parts].join(separator);
}

/**
 * The folder of `path`, as `node:path`'s `dirname` gives it: `.` for a bare
 * file name, the root for a file in it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirname } from "./paths.ts";
 * assert.equal(dirname("/data/h.db", "linux"), "/data");
 * assert.equal(dirname("/h.db", "linux"), "/");
 * assert.equal(dirname("h.db", "linux"), ".");
 * assert.equal(dirname("C:\\Users\\ada\\h.db", "windows"), "C:\\Users\\ada");
 * assert.equal(dirname("C:\\h.db", "windows"), "C:\\");
 * ```
 */
export function dirname(path: string, os: typeof Deno.build.os): string {
  const separator = os === "windows" ? /[\\/]/ : /\//;
  const root = os === "windows"
    ? /^([A-Za-z]:)?[\\/]*/.exec(path)![0]
    : /^\/*/.exec(path)![0];
  let rest = path.slice(root.length);
  while (rest.length > 0 && separator.test(rest.at(-1)!)) {
    rest = rest.slice(0, -1);
  }
  let cut = rest.length - 1;
  while (cut >= 0 && !separator.test(rest[cut])) cut--;
  if (cut < 0) return root || ".";
  let end = cut;
  while (end > 0 && separator.test(rest[end - 1])) end--;
  return root + rest.slice(0, end);
}
