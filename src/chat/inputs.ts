/**
 * The lines typed in the chat, kept beside the history (`history.db.inputs`,
 * mode `0600`) so that the Up arrow recalls them in the next session too: one
 * JSON string a line, oldest first, at most {@linkcode KEPT_INPUTS} of them.
 * Keeping them is a convenience: a file that cannot be read or written is
 * left alone, silently.
 *
 * @module
 */
import { dirname } from "../config/paths.ts";

/** How many earlier inputs are kept and offered. */
export const KEPT_INPUTS = 1000;

/** The file of inputs that goes with the history database at `historyPath`. */
export function inputsPath(historyPath: string): string {
  return `${historyPath}.inputs`;
}

/**
 * The inputs kept at `path`, newest first (as readline wants them); none when
 * the file is missing or unreadable. Lines that are not JSON strings are
 * skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadInputs } from "./inputs.ts";
 * assert.deepEqual(loadInputs("/no/such/file"), []);
 * ```
 */
export function loadInputs(path: string): string[] {
  let text;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return [];
  }
  const inputs = text.split("\n").flatMap((line) => {
    try {
      const value = JSON.parse(line);
      return typeof value === "string" && value !== "" ? [value] : [];
    } catch {
      return [];
    }
  });
  return inputs.slice(-KEPT_INPUTS).reverse();
}

/**
 * Adds one input at the end of the file, creating it `0600` (and its folder
 * `0700`, as the history does); when the file
 * holds twice {@linkcode KEPT_INPUTS} lines, it is rewritten with the latest
 * {@linkcode KEPT_INPUTS}, whole, then moved in place.
 */
export function saveInput(path: string, input: string): void {
  try {
    Deno.mkdirSync(dirname(path, Deno.build.os), {
      recursive: true,
      mode: 0o700,
    });
    Deno.writeTextFileSync(path, `${JSON.stringify(input)}\n`, {
      append: true,
      mode: 0o600,
    });
    const lines = Deno.readTextFileSync(path).split("\n").filter(Boolean);
    if (lines.length < 2 * KEPT_INPUTS) return;
    const next = `${path}.new`;
    Deno.writeTextFileSync(
      next,
      `${lines.slice(-KEPT_INPUTS).join("\n")}\n`,
      { mode: 0o600 },
    );
    Deno.renameSync(next, path);
  } catch {
    // the history's folder is not usable: the history says so when it saves
  }
}
