/**
 * Where the program keeps its files: the history database and, beside it,
 * the lines typed in the chat. Read from the environment as it is when the
 * program runs; the launchers grant write access to exactly this folder.
 *
 * @module
 */
import { posix, win32 } from "node:path";
import { ConfigError } from "./config.ts";

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
  const path = pathsOf(os);
  const xdg = read("XDG_DATA_HOME");
  const base = xdg !== undefined && path.isAbsolute(xdg)
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
  return path.join(base, "gpt4o", "history.db");
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
  return path === undefined ? undefined : pathsOf(os).dirname(path);
}

/** The path functions of a platform. */
export function pathsOf(os: typeof Deno.build.os): typeof posix {
  return os === "windows" ? win32 : posix;
}

function withHome(home: string | undefined, os: string): string | undefined {
  if (home === undefined) return undefined;
  return os === "darwin"
    ? posix.join(home, "Library", "Application Support")
    : posix.join(home, ".local", "share");
}
