/**
 * Near misses: a word one or two letters from one the program knows, for a
 * "did you mean" line.
 *
 * @module
 */

/**
 * The word of `words` closest to `word` within `most` edits (insertions,
 * deletions, substitutions, two neighbours swapped), if any; case is
 * ignored.
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

/**
 * How many edits a slip of the fingers is, for a word of this length: one,
 * or two for a word of 8 letters or more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slipsIn } from "./spelling.ts";
 * assert.deepEqual([slipsIn("strem"), slipsIn("temprature")], [1, 2]);
 * ```
 */
export function slipsIn(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

/**
 * The edit distance of two words (case counts), a swap of two neighbours one
 * edit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { distance } from "./spelling.ts";
 * assert.deepEqual([distance("gpt-5o", "gpt-4o"), distance("gtp", "gpt")], [1, 1]);
 * ```
 */
export function distance(a: string, b: string): number {
  let [before, row] = [
    [] as number[],
    Array.from({ length: b.length + 1 }, (_, i) => i),
  ];
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j] + 1,
        next[j - 1] + 1,
        row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        next[j] = Math.min(next[j], before[j - 2] + 1);
      }
    }
    [before, row] = [row, next];
  }
  return row[b.length];
}
