/**
 * What a terminal shows once it has taken some output: a tiny emulator for
 * the tests of what the program prints at a terminal. It follows line
 * breaks, carriage returns and "erase the line" (`ESC[2K`), and drops the
 * program's SGR styles and OSC sequences (hyperlinks, the clipboard); any
 * other escape is kept as text, so that a test sees it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { screenOf } from "./screen.ts";
 * assert.equal(screenOf("par\r\x1b[2Kpartial\r\x1b[2K\x1b[1mfull\x1b[0m\n"), "full\n");
 * ```
 *
 * @module
 */
export function screenOf(output: string): string {
  const rows: string[] = [""];
  let column = 0;
  const tokens = output.match(
    // deno-lint-ignore no-control-regex
    /\x1b\[[0-9;]*m|\x1b\[2K|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\r|\n|[^\r\n\x1b]+|\x1b/g,
  ) ?? [];
  for (const token of tokens) {
    if (token === "\n") {
      rows.push("");
      column = 0;
    } else if (token === "\r") {
      column = 0;
    } else if (token === "\x1b[2K") {
      rows[rows.length - 1] = "";
      column = 0;
      // deno-lint-ignore no-control-regex
    } else if (/^\x1b(\[[0-9;]*m|\])/.test(token)) {
      continue; // a style or an OSC sequence: nothing shows
    } else {
      const row = rows[rows.length - 1];
      rows[rows.length - 1] = row.slice(0, column) + token +
        row.slice(column + token.length);
      column += token.length;
    }
  }
  return rows.join("\n");
}
