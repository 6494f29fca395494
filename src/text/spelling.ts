/**
 * Near misses: a word one or two letters from one the program knows, for a
 * "did you mean" line.
 *
 * @module
 */

/**
 * The word of `words` closest to `word` within `most` edits (insertions,
 * deletions, substitutions), if any; case is ignored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nearest } from "./spelling.ts";
 * assert.equal(nearest("modle", ["model", "system"]), "model");
 * assert.equal(nearest("colour", ["model", "system"]), undefined);
 * ```
 */
export function nearest(
  word: string,
  words: readonly string[],
  most = 2,
): string | undefined {
  let best: string | undefined;
  let bestDistance = most + 1;
  for (const each of words) {
    const d = distance(word.toLowerCase(), each.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [each, d];
  }
  return best;
}

/** The edit distance of two words. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j] + 1,
        next[j - 1] + 1,
        row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length];
}
