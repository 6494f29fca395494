/**
 * What passes between the model and the tools is bounded: a result's text,
 * a call's arguments. No module of the SDK is loaded here, so that a stream
 * without tools can know the bounds too.
 *
 * @module
 */

/** The most characters of a tool's result sent to the model. */
export const TOOL_RESULT_CHARS = 100_000;

/**
 * The most a call's arguments may hold, in bytes (1 MiB, as UTF-8): a call
 * with more is not run, and is kept with a stand-in for its arguments.
 */
export const TOOL_ARGUMENTS_BYTES = 1024 * 1024;

/**
 * The most calls one round may hold: a completion with more runs none of
 * them, and each is answered with why.
 */
export const TOOL_CALLS_A_ROUND = 128;

/**
 * Whether `text` is over `limit` bytes as UTF-8, without encoding a text
 * that is plainly over or under.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { overBytes } from "./limits.ts";
 * assert.equal(overBytes("ééé", 5), true);
 * assert.equal(overBytes("eee", 5), false);
 * ```
 */
export function overBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return new TextEncoder().encode(text).length > limit;
}

/**
 * A number of bytes as a limit is named: in MiB when it is whole ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sizeShown } from "./limits.ts";
 * assert.equal(sizeShown(32 * 1024 * 1024), "32 MiB");
 * assert.equal(sizeShown(1000), "1000 bytes");
 * ```
 */
export function sizeShown(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}

/**
 * The longest message, in bytes, a line of a server's output, a `url`
 * server's response or one of its events may hold (32 MiB): reading one
 * costs about four times its size, and parsing it blocks for about 0.2 s.
 */
export const LINE_LIMIT = 32 * 1024 * 1024;

/** What a call whose answer is over `limit` bytes fails with. */
export function tooLongMessage(limit: number): string {
  return `its answer was over ${
    sizeShown(limit)
  }, the most one message may hold`;
}
