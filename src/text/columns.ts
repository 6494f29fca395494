/**
 * Text in aligned columns, as `--history`, `--providers` and `--roles` print
 * it.
 *
 * @module
 */

/**
 * `rows` as lines of columns two spaces apart: each column as wide as its
 * widest cell, left-aligned, or right-aligned when its index is in `right`;
 * the last column is not padded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { columns } from "./columns.ts";
 * assert.deepEqual(columns([["1", "a", "x"], ["12", "bcd", "y"]], [0]), [
 *   " 1  a    x",
 *   "12  bcd  y",
 * ]);
 * ```
 */
export function columns(
  rows: readonly string[][],
  right: readonly number[] = [],
): string[] {
  // A loop, not a spread into Math.max: a spread of many rows overflows the stack.
  const widths = rows[0]?.map(() => 0) ?? [];
  for (const row of rows) {
    widths.forEach((width, column) => {
      widths[column] = Math.max(width, row[column].length);
    });
  }
  return rows.map((row) =>
    row.map((cell, column) =>
      column === row.length - 1
        ? cell
        : right.includes(column)
        ? cell.padStart(widths[column])
        : cell.padEnd(widths[column])
    ).join("  ").trimEnd()
  );
}
