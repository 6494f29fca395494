/**
 * How rendered text is laid out in rows of spans at the terminal's width:
 * words wrapped with an indent, a line of code framed and broken.
 *
 * @module
 */
import { highlight } from "./code.ts";
import { inline, SGR, type Span, trimEnd, widthOf, words } from "./spans.ts";

/**
 * `spans` wrapped at word boundaries to `width` (at least 20 columns), every
 * row after the first indented by `indent`, the first led by `lead`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrappedRows } from "./layout.ts";
 * const rows = wrappedRows([{ text: "one two three four five six", sgr: [] }], 20, "  ");
 * assert.deepEqual(rows.map((row) => row.map((span) => span.text).join("")), [
 *   "  one two three four",
 *   "  five six",
 * ]);
 * ```
 */
export function wrappedRows(
  spans: Span[],
  width: number,
  indent: string | Span,
  lead: Span[] = typeof indent === "string"
    ? [{ text: indent, sgr: [] }]
    : [indent],
): Span[][] {
  const margin: Span = typeof indent === "string"
    ? { text: indent, sgr: [] }
    : indent;
  const most = Math.max(width, 20);
  const rows: Span[][] = [];
  let row: Span[] = [...lead];
  let used = lead.reduce((n, span) => n + widthOf(span.text), 0);
  let start = used;
  const newRow = () => {
    rows.push(trimEnd(row));
    row = [margin];
    used = start = widthOf(margin.text);
  };
  for (const word of words(spans)) {
    if (word[0].break) {
      newRow();
      continue;
    }
    if (used === start) {
      word[0] = { ...word[0], text: word[0].text.replace(/^ +/, "") };
    }
    const w = word.reduce((n, span) => n + widthOf(span.text), 0);
    if (used + w > most && used > start) {
      newRow();
      word[0] = { ...word[0], text: word[0].text.replace(/^ +/, "") };
    }
    for (const span of word) {
      row.push(span);
      used += widthOf(span.text);
    }
  }
  rows.push(trimEnd(row));
  return rows;
}

/**
 * A line of code in `language`, framed (`│ `), highlighted, tabs as four
 * spaces, and broken at `width` (at least 10 columns of code).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeRows } from "./layout.ts";
 * const rows = codeRows("x = 1", "text", 20);
 * assert.deepEqual(rows.map((row) => row.map((span) => span.text).join("")), ["│ x = 1"]);
 * ```
 */
export function codeRows(
  line: string,
  language: string,
  width: number,
): Span[][] {
  const frame = { text: "│ ", sgr: [SGR.dim] };
  const spans = highlight(line.replace(/\t/g, "    "), language.toLowerCase());
  const most = Math.max(width - 2, 10);
  const rows: Span[][] = [];
  let row: Span[] = [frame];
  let used = 0;
  for (const span of spans) {
    for (const char of span.text) {
      const w = widthOf(char);
      if (used + w > most) {
        rows.push(row);
        [row, used] = [[frame], 0];
      }
      const last = row.at(-1)!;
      if (last !== frame && last.sgr === span.sgr) last.text += char;
      else row.push({ text: char, sgr: span.sgr });
      used += w;
    }
  }
  rows.push(row);
  return rows;
}

/** The frame's top of a code block, its language in it. */
export function fenceTop(language: string, width: number): Span[] {
  const label = language ? ` ${language} ` : "";
  return [{
    text: `┌─${label}${"─".repeat(Math.max(width - 2 - label.length, 1))}`,
    sgr: [SGR.dim],
  }];
}

/** The frame's bottom of a code block. */
export function fenceBottom(width: number): Span[] {
  return [{ text: `└${"─".repeat(Math.max(width - 1, 1))}`, sgr: [SGR.dim] }];
}

/**
 * A heading, bold; H1 and H2 yellow, over a rule as wide as they are: H1's
 * double and yellow, H2's single and dim (without color, the same rules).
 */
export function headingRows(
  level: number,
  text: string,
  width: number,
): Span[][] {
  const spans = inline(text).map((span) => ({
    ...span,
    sgr: [SGR.bold, ...(level <= 2 ? [SGR.yellow] : []), ...span.sgr],
  }));
  const rows = wrappedRows(spans, width, "");
  if (level > 2) return rows;
  const wide = rows.reduce(
    (n, row) => Math.max(n, widthOf(row.map((span) => span.text).join(""))),
    0,
  );
  return [...rows, [{
    text: (level === 1 ? "═" : "─").repeat(wide),
    sgr: [level === 1 ? SGR.yellow : SGR.dim],
  }]];
}

/** A thematic break: a dim rule across the width. */
export function ruleRow(width: number): Span[] {
  return [{ text: "─".repeat(Math.max(width, 3)), sgr: [SGR.dim] }];
}

/** A quote's line, italic, behind a bar for each level. */
export function quoteRows(
  depth: number,
  text: string,
  width: number,
): Span[][] {
  const bar = { text: "│ ".repeat(depth), sgr: [SGR.dim] };
  return wrappedRows(
    inline(text).map((span) => ({ ...span, sgr: [SGR.italic, ...span.sgr] })),
    width,
    bar,
  );
}

/** The bullet of each list level. */
const BULLETS = ["•", "◦", "▪"];

/**
 * A list item at `level`: its number, a task's box, or the level's bullet,
 * its text wrapped under it; `indent` is where its text begins, for the
 * lines that continue it.
 */
export function itemRows(
  level: number,
  marker: string,
  text: string,
  width: number,
): { rows: Span[][]; indent: number } {
  const task = /^\[([ xX])\]\s+(.*)$/.exec(text);
  const shown = /^\d/.test(marker)
    ? marker
    : task
    ? (task[1] === " " ? "☐" : "☑")
    : BULLETS[level % BULLETS.length];
  const lead = "  ".repeat(level);
  const indent = lead.length + widthOf(shown) + 1;
  return {
    rows: wrappedRows(
      inline(task ? task[2] : text),
      width,
      " ".repeat(indent),
      [
        { text: lead, sgr: [] },
        { text: `${shown} `, sgr: [SGR.cyan] },
      ],
    ),
    indent,
  };
}
