/**
 * The history's failures, each one sentence naming the database and what to
 * do: SQLite's and the system's messages translated, a missing permission
 * explained.
 *
 * @module
 */
import { posix, win32 } from "node:path";
import { flatten } from "../text/line.ts";

/** The history cannot be used; one sentence naming the database and the problem. */
export class HistoryError extends Error {
  override name = "HistoryError";
}

/**
 * The conversation a save was to add to is not in the database: the file was
 * removed or replaced since the conversation began.
 */
export class ConversationGoneError extends HistoryError {
  override name = "ConversationGoneError";
  constructor(path: string, readonly id: number) {
    super(`there is no conversation ${id} in the history at ${path}`);
  }
}

/** A conversation already has the name another was to be given. */
export class NameTakenError extends HistoryError {
  override name = "NameTakenError";
  constructor(readonly taken: string, readonly id: number) {
    super(
      `the name "${taken}" is taken by conversation ${id}: follow it up ` +
        `with --conversation ${id}, or choose another name`,
    );
  }
}

/** What SQLite's messages mean, and what to do. */
const SQLITE_REASONS: [RegExp, (timeout: number) => string][] = [
  [
    /^database (table )?is locked/,
    (ms) => `another process kept it locked for more than ${ms} ms (try again)`,
  ],
  [
    /^(file is not a database|database disk image is malformed)/,
    () =>
      "it is not a SQLite database, or it is damaged (move it away, or set " +
      "GPT4O_HISTORY to another file)",
  ],
  [
    /^unable to open database file/,
    () => "SQLite cannot open it: set GPT4O_HISTORY to another file",
  ],
  [/^database or disk is full/, () => "the disk is full"],
  [
    /^attempt to write a readonly database/,
    () => "it is read-only (check its permissions)",
  ],
];

/**
 * Why a run may not use the history at `path`, and what to do: the gpt4o
 * command and the tasks grant the folder the environment names when they
 * start, which a comma in its path or a `.env` setting can keep them from.
 */
function notPermitted(path: string): string {
  const folder = (Deno.build.os === "windows" ? win32 : posix).dirname(path);
  if (folder.includes(",")) {
    return "its folder's path holds a comma, which Deno's permission flags " +
      "cannot name: set GPT4O_HISTORY to a file in a folder without one";
  }
  return "this run may not write its folder: set GPT4O_HISTORY in the " +
    "environment, not in .env (gpt4o and deno task start grant the folder it " +
    `names), or give deno run --allow-read=${folder} --allow-write=${folder}`;
}

/** One sentence naming the database and what went wrong. */
export function historyError(
  action: string,
  path: string,
  error: unknown,
  timeout: number,
): HistoryError {
  if (error instanceof HistoryError) return error;
  let reason: string;
  if (error instanceof Deno.errors.NotCapable) {
    reason = notPermitted(path);
  } else if (error instanceof Deno.errors.PermissionDenied) {
    reason =
      "permission denied (check the permissions of the file and its folder)";
  } else {
    const message = flatten(
      (error instanceof Error ? error.message : String(error)).split("\n")[0],
    );
    const known = SQLITE_REASONS.find(([pattern]) => pattern.test(message));
    // The system's own words, as in "read-only file system (os error 30)".
    const system = /^(.+?) \(os error \d+\)/.exec(message)?.[1].toLowerCase();
    reason = known ? known[1](timeout) : system ?? message;
  }
  return new HistoryError(
    `cannot ${action} the history at ${path}: ${reason}`,
    {
      cause: error,
    },
  );
}
