/**
 * The rows at the bottom of a rendered answer that are still in progress,
 * redrawn in place as the text grows, and the rows above them, printed once.
 *
 * The cursor rests at the end of the last row in progress. A redraw keeps
 * the rows that did not change: text added to the last row is written after
 * it; otherwise the cursor goes up to the first row that changed (`\r`,
 * `ESC[nA`; rows no longer needed erased on the way, `ESC[2K ESC[1A`) and
 * writes the rows from there, each erased first (`ESC[2K`). Rows in
 * progress are broken at the terminal's width, so that each takes one row of
 * the terminal and the cursor's way up is known; they are at most the
 * window's height less one, the last ones when there are more, so that the
 * way up stays inside the window. A finished row that equals the first row
 * in progress is already on the screen and stays (one that adds to the only
 * row in progress is written after it); one that differs erases the rows in
 * progress. Nothing above the rows in progress is ever touched.
 *
 * @module
 */
import { type Output, style } from "../io/io.ts";
import { merged, type Span, textWidth, widthOf } from "./spans.ts";

/** How rows are shown, and what the terminal does with them. */
export interface LiveOptions {
  /** Colors and emphasis; without (`NO_COLOR`), the text alone. */
  color: boolean;
  /** Links as OSC 8 hyperlinks. */
  hyperlinks: boolean;
  /**
   * Whether the terminal re-wraps its rows when its window narrows, so that
   * a row in progress wider than the new width takes more rows; without, it
   * is taken to keep each on one.
   */
  rewraps?: boolean;
}

/**
 * The rows in progress on a terminal, and the finished rows printed above
 * them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LiveRows } from "./live.ts";
 * let shown = "";
 * const live = new LiveRows({ write: (text) => void (shown += text) }, { color: false, hyperlinks: false });
 * live.draw([[{ text: "Hel", sgr: [] }]], { width: 20, height: 10 });
 * live.draw([[{ text: "Hello", sgr: [] }]], { width: 20, height: 10 });
 * live.final([{ text: "Hello", sgr: [] }], 20);
 * assert.equal(shown, "Hello\n");
 * ```
 */
export class LiveRows {
  readonly #out: Output;
  readonly #options: LiveOptions;
  /** The rows in progress on the screen, each one terminal row. */
  #shown: Span[][] = [];
  /** The width the rows in progress were drawn at. */
  #width = 0;

  constructor(out: Output, options: LiveOptions) {
    this.#out = out;
    this.#options = options;
  }

  /** How many rows are in progress on the screen. */
  get rows(): number {
    return this.#shown.length;
  }

  /**
   * A finished row, printed for good (a row wider than `width` is left to
   * the terminal to wrap). The first row in progress, when it is the same,
   * becomes it, and the only one, when the row begins with it, is completed;
   * otherwise the rows in progress are erased first.
   */
  final(row: Span[], width: number): void {
    row = merged(row);
    if (this.#shown.length > 0) {
      const first = this.#shown[0];
      if (width === this.#width && same(row, first)) {
        this.#shown.shift();
        if (this.#shown.length === 0) this.#out.write("\n");
        return;
      }
      if (
        width === this.#width && this.#shown.length === 1 &&
        extends_(row, first)
      ) {
        this.#shown = [];
        this.#write(rest(row, first));
        this.#out.write("\n");
        return;
      }
      this.#rewrite(0, [], width);
    }
    this.#write(row);
    this.#out.write("\n");
  }

  /**
   * Shows `rows` as the rows in progress in place of those shown: each
   * broken at `width`, the last `height - 1` of them when there are more.
   */
  draw(rows: Span[][], { width, height }: { width: number; height: number }) {
    const broken = rows.flatMap((row) => brokenAt(merged(row), width));
    const room = Math.max(1, height - 1);
    const next = broken.length > room ? broken.slice(-room) : broken;
    const shown = width === this.#width ? this.#shown : [];
    let from = 0;
    while (
      from < next.length && from < shown.length &&
      same(next[from], shown[from])
    ) from++;
    if (from === next.length && from === this.#shown.length) return;
    if (this.#shown.length === 0) {
      this.#rows(next, 0, 0);
    } else if (from === this.#shown.length) {
      this.#out.write("\n"); // all shown stay: more rows below them
      this.#rows(next, from, from);
    } else if (
      from === shown.length - 1 && from < next.length &&
      extends_(next[from], shown[from])
    ) {
      this.#write(rest(next[from], shown[from]));
      if (from + 1 < next.length) this.#out.write("\n");
      this.#rows(next, from + 1, from + 1);
    } else {
      this.#rewrite(from, next, width);
    }
    this.#shown = next;
    this.#width = width;
  }

  /**
   * `next` in place of the rows in progress from the row `from` down (or
   * the last row of `next`, when it has fewer): the rows past its end erased
   * from the last up, then each row erased and written again. With no rows,
   * the cursor ends at the start of the first row that was in progress.
   *
   * Each row is erased alone (`ESC[2K`), never the screen below the cursor
   * (`ESC[J`): tmux keeps the whole window in its history when that is
   * erased from the top row's start.
   */
  #rewrite(from: number, next: Span[][], width: number): void {
    const onScreen = this.#rowsAt(width);
    from = Math.min(from, Math.max(next.length - 1, 0));
    let at = onScreen - 1;
    style(this.#out, "\r");
    while (at > from && at >= next.length) {
      style(this.#out, "\x1b[2K\x1b[1A");
      at--;
    }
    if (at > from) style(this.#out, `\x1b[${at - from}A`);
    if (next.length === 0) style(this.#out, "\x1b[2K");
    this.#rows(next, from, onScreen);
    this.#shown = [];
  }

  /**
   * Writes `rows` from the row `from` on, the cursor at that row's start;
   * rows before `onScreen` are erased first, those past it are new.
   */
  #rows(rows: Span[][], from: number, onScreen: number): void {
    for (let i = from; i < rows.length; i++) {
      if (i < onScreen) style(this.#out, "\x1b[2K");
      this.#write(rows[i]);
      if (i < rows.length - 1) this.#out.write("\n");
    }
  }

  /**
   * How many of the terminal's rows those in progress take at `width`: one
   * each, unless the terminal re-wrapped them to a new width.
   */
  #rowsAt(width: number): number {
    if (width === this.#width || !this.#options.rewraps) {
      return this.#shown.length;
    }
    return this.#shown.reduce((n, row) => n + brokenAt(row, width).length, 0);
  }

  /** A row's spans, each styled; no style crosses the row's end. */
  #write(row: Span[]): void {
    const { color, hyperlinks } = this.#options;
    for (const span of row) {
      if (span.text === "") continue;
      const styled = color && span.sgr.length > 0;
      if (styled) style(this.#out, `\x1b[${span.sgr.join(";")}m`);
      if (span.href && hyperlinks) {
        style(this.#out, `\x1b]8;;${span.href}\x1b\\`);
        this.#out.write(span.text);
        style(this.#out, "\x1b]8;;\x1b\\");
      } else {
        this.#out.write(span.text);
      }
      if (styled) style(this.#out, "\x1b[0m");
    }
  }
}

function sameStyle(a: Span, b: Span): boolean {
  return a.href === b.href && a.sgr.join(";") === b.sgr.join(";");
}

function same(a: Span[], b: Span[]): boolean {
  return a.length === b.length &&
    a.every((span, i) => span.text === b[i].text && sameStyle(span, b[i]));
}

/** Whether `row` is `shown` with more written after it. */
function extends_(row: Span[], shown: Span[]): boolean {
  if (shown.length === 0) return true;
  const at = shown.length - 1;
  return row.length >= shown.length &&
    same(shown.slice(0, at), row.slice(0, at)) &&
    sameStyle(shown[at], row[at]) && row[at].text.startsWith(shown[at].text);
}

/** What `row` has after `shown`, which it extends. */
function rest(row: Span[], shown: Span[]): Span[] {
  if (shown.length === 0) return row;
  const at = shown.length - 1;
  return [
    { ...row[at], text: row[at].text.slice(shown[at].text.length) },
    ...row.slice(at + 1),
  ];
}

const segmenter = new Intl.Segmenter();

/**
 * `row` as rows of at most `width` columns, broken between characters as a
 * terminal wraps it (a wide character that does not fit goes to the next).
 */
export function brokenAt(row: Span[], width: number): Span[][] {
  if (textWidth(row) <= width) return [row];
  const rows: Span[][] = [[]];
  let used = 0;
  for (const span of row) {
    let piece = "";
    for (const { segment } of segmenter.segment(span.text)) {
      const w = widthOf(segment);
      if (used + w > width && used > 0) {
        if (piece) rows.at(-1)!.push({ ...span, text: piece });
        rows.push([]);
        [piece, used] = ["", 0];
      }
      piece += segment;
      used += w;
    }
    if (piece) rows.at(-1)!.push({ ...span, text: piece });
  }
  return rows;
}
