/**
 * Text made to fit one line of output.
 *
 * @module
 */

/**
 * `text` with its control characters (escapes, tabs, line breaks) as spaces,
 * trimmed: one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { flatten } from "./line.ts";
 * assert.equal(flatten(" a\tb\nc\x1b[2J "), "a b c [2J");
 * ```
 */
export function flatten(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
}

/**
 * `text` cut to `width` characters (not code units), an ellipsis last when
 * it was longer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cut } from "./line.ts";
 * assert.equal(cut("abcdef", 4), "abc…");
 * assert.equal(cut("abc", 4), "abc");
 * ```
 */
export function cut(text: string, width: number): string {
  const chars = Array.from(text);
  return chars.length <= width
    ? text
    : chars.slice(0, width - 1).join("") + "…";
}
