/**
 * The arithmetic of the benchmark: medians, ratios and a Markdown table.
 *
 * @module
 */

/**
 * The median of some numbers; the mean of the middle two for an even count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { median } from "./stats.ts";
 * assert.equal(median([3, 1, 2, 10]), 2.5);
 * ```
 *
 * @throws {RangeError} for no numbers.
 */
export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError("median() of no values");
  const sorted = values.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The value below which `share` (0 to 1) of `values` lie, the nearest rank:
 * `percentile(times, 0.99)` is the p99.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./stats.ts";
 * const values = Array.from({ length: 100 }, (_, i) => 100 - i);
 * assert.deepEqual([percentile(values, 0.99), percentile(values, 0.5)], [99, 50]);
 * ```
 *
 * @throws {RangeError} for no numbers.
 */
export function percentile(values: number[], share: number): number {
  if (values.length === 0) throw new RangeError("percentile() of no values");
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.ceil(share * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

/**
 * The median of the per-round ratios `times[i] / baseline[i]`: runs of the
 * same round share the machine's state, so drift cancels out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { medianRatio } from "./stats.ts";
 * assert.ok(Math.abs(medianRatio([110, 90, 300], [100, 100, 100]) - 1.1) < 1e-9);
 * ```
 *
 * @throws {RangeError} when the two lists differ in length or are empty.
 */
export function medianRatio(times: number[], baseline: number[]): number {
  if (times.length !== baseline.length) {
    throw new RangeError(
      `medianRatio() needs paired runs, not ${times.length} and ${baseline.length}`,
    );
  }
  return median(times.map((time, i) => time / baseline[i]));
}

/**
 * A Markdown table, columns padded to line up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./stats.ts";
 * assert.equal(
 *   table(["what", "ms"], [["floor", "81"]]),
 *   "| what  | ms |\n| ----- | -- |\n| floor | 81 |",
 * );
 * ```
 */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => row[i]?.length ?? 0))
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(head),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map(line),
  ].join("\n");
}
