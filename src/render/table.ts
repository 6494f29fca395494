/**
 * A markdown table on the terminal: its columns fitted to the width, its
 * cells wrapped between words, framed with box-drawing lines.
 *
 * @module
 */
import type { Tokens } from "marked";
import {
  SGR,
  type Span,
  spansOf,
  textWidth,
  widestLine,
  widthOf,
  words,
} from "./spans.ts";

/** Whether `line` is a table's delimiter row: `|---|:--:|`. */
export function isTableSeparator(line: string): boolean {
  return line.includes("-") &&
    /^\s*\|?(?:\s*:?-+:?\s*\|)+\s*(?::?-+:?\s*)?\|?\s*$/.test(line);
}

/** A table as rows of spans, its columns fitted to `width`, its cells wrapped. */
export function table(token: Tokens.Table, width: number): Span[][] {
  const header = token.header.map((cell) => spansOf(cell.tokens, [SGR.bold]));
  const rows = token.rows.map((row) =>
    row.map((cell) => spansOf(cell.tokens, []))
  );
  const all = [header, ...rows];
  const columns = header.length;
  // Loops, not spreads into Math.max: a table's rows are the answer's to
  // count, and a spread of too many overflows the stack.
  const widths = Array.from({ length: columns }, () => 3);
  for (const row of all) {
    for (let i = 0; i < columns; i++) {
      widths[i] = Math.max(widths[i], widestLine(row[i] ?? []));
    }
  }
  const room = Math.max(width - (3 * columns + 1), columns * 3);
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > room) {
    let widest = 0;
    for (let i = 1; i < columns; i++) {
      if (widths[i] > widths[widest]) widest = i;
    }
    if (widths[widest] <= 3) break;
    widths[widest]--;
    total--;
  }
  const line = (left: string, middle: string, right: string): Span[] => [{
    text: left + widths.map((w) => "─".repeat(w + 2)).join(middle) + right,
    sgr: [SGR.dim],
  }];
  const out: Span[][] = [line("┌", "┬", "┐")];
  all.forEach((cells, index) => {
    const wrapped = widths.map((w, i) => wrapCell(cells[i] ?? [], w));
    const height = wrapped.reduce((n, lines) => Math.max(n, lines.length), 0);
    for (let r = 0; r < height; r++) {
      const row: Span[] = [{ text: "│", sgr: [SGR.dim] }];
      widths.forEach((w, i) => {
        const content = wrapped[i][r] ?? [];
        const pad = w - textWidth(content);
        const align = token.align[i];
        const before = align === "right"
          ? pad
          : align === "center"
          ? Math.floor(pad / 2)
          : 0;
        row.push({ text: ` ${" ".repeat(before)}`, sgr: [] }, ...content, {
          text: `${" ".repeat(pad - before)} `,
          sgr: [],
        }, { text: "│", sgr: [SGR.dim] });
      });
      out.push(row);
    }
    if (index === 0) out.push(line("├", "┼", "┤"));
  });
  out.push(line("└", "┴", "┘"));
  return out;
}

/**
 * A cell's spans as lines of at most `width` columns, broken between words
 * where it can be, and at each line break (`<br>`).
 */
function wrapCell(spans: Span[], width: number): Span[][] {
  const lines: Span[][] = [[]];
  let used = 0;
  for (const word of words(spans)) {
    if (word[0].break) {
      lines.push([]);
      used = 0;
      continue;
    }
    for (let span of word) {
      if (used === 0) span = { ...span, text: span.text.replace(/^ +/, "") };
      let w = widthOf(span.text);
      if (used + w > width && used > 0 && lines.at(-1)!.length > 0) {
        lines.push([]);
        used = 0;
        span = { ...span, text: span.text.replace(/^ +/, "") };
        w = widthOf(span.text);
      }
      while (w > width) {
        let cut = "";
        for (const char of span.text) {
          if (widthOf(cut + char) > width - used) break;
          cut += char;
        }
        lines.at(-1)!.push({ ...span, text: cut });
        lines.push([]);
        used = 0;
        span = { ...span, text: span.text.slice(cut.length) };
        w = widthOf(span.text);
      }
      lines.at(-1)!.push(span);
      used += w;
    }
  }
  return lines;
}
