/**
 * What a terminal shows once it has taken some output: a tiny emulator for
 * the tests of what the program prints at a terminal. It follows line
 * breaks (a line feed as the terminal's driver sends it, to the next row's
 * start), carriage returns, cursor up (`ESC[nA`, never above the window's
 * top row), erase down (`ESC[J`) and erase the row (`ESC[2K`), and drops the
 * program's SGR styles and OSC sequences (hyperlinks, the clipboard); any
 * other escape is kept as text, so that a test sees it.
 *
 * Given `columns`, a row is that wide: text wraps past its last column as a
 * terminal's does (once the next character comes; a wide character that
 * does not fit leaves the last column empty), and characters take the
 * columns string-width says. Given `rows`, the window is that tall: what
 * scrolls past its top is scrollback, which the cursor cannot reach. The
 * screen's text is every row, scrollback included. A resize either keeps each
 * row on one (xterm) or re-wraps the rows (tmux, VTE, iTerm2 and most), the
 * cursor moving with its text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Screen, screenOf } from "./screen.ts";
 * assert.equal(screenOf("par\r\x1b[2Kpartial\r\x1b[2K\x1b[1mfull\x1b[0m\n"), "full\n");
 * assert.equal(screenOf("abcdef", { columns: 4 }), "abcd\nef");
 * assert.equal(screenOf("one\ntwo\nthree\r\x1b[9A\x1b[Jnew", { rows: 2 }), "one\nnew");
 * const screen = new Screen({ columns: 6 }).write("abcdefgh\nij");
 * assert.equal(screen.resize(4, { rewrap: true }).text, "abcd\nefgh\nij");
 * assert.equal(screen.resize(8, { rewrap: true }).write("k").text, "abcdefgh\nijk");
 * ```
 *
 * @module
 */
import stringWidth from "string-width";

/** The window's size; either unbounded when not given. */
export interface ScreenSize {
  columns?: number;
  rows?: number;
}

/** A terminal's rows as output leaves them; see the module's documentation. */
export class Screen {
  /** Each row's cells; a wide character's second cell is `""`. */
  #rows: string[][] = [[]];
  /** Whether each row goes on from the one above, wrapped there by the terminal. */
  #wrapped: boolean[] = [false];
  #row = 0;
  /** The cursor's column: `columns` when the row is full and waits to wrap. */
  #column = 0;
  /** The row at the window's top: those above it are scrollback. */
  #top = 0;
  #columns: number;
  readonly #height: number;

  constructor({ columns = Infinity, rows = Infinity }: ScreenSize = {}) {
    this.#columns = columns;
    this.#height = rows;
  }

  /** Takes `output`, as a terminal would. */
  write(output: string): this {
    const tokens = output.match(
      // deno-lint-ignore no-control-regex
      /\x1b\[[0-9;]*m|\x1b\[2K|\x1b\[\d*A|\x1b\[0?J|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\r|\n|[^\r\n\x1b]+|\x1b/g,
    ) ?? [];
    for (const token of tokens) {
      if (token === "\n") this.#lineFeed();
      else if (token === "\r") this.#column = 0;
      else if (token === "\x1b[2K") this.#rows[this.#row] = [];
      else if (token.startsWith("\x1b[") && token.endsWith("A")) {
        this.#row = Math.max(
          this.#top,
          this.#row - (parseInt(token.slice(2)) || 1),
        );
        this.#column = Math.min(this.#column, this.#columns - 1);
      } else if (token === "\x1b[J" || token === "\x1b[0J") {
        this.#rows[this.#row].length = Math.min(
          this.#rows[this.#row].length,
          this.#column,
        );
        this.#rows.length = this.#wrapped.length = this.#row + 1;
        // deno-lint-ignore no-control-regex
      } else if (/^\x1b(\[[0-9;]*m|\])/.test(token)) {
        continue; // a style or an OSC sequence: nothing shows
      } else this.#text(token);
    }
    return this;
  }

  /**
   * The window made `columns` wide: as a terminal that does not re-wrap
   * does it (xterm), each row keeps the columns that still fit; with
   * `rewrap`, each line (rows the terminal wrapped, joined) is wrapped anew
   * at the new width, and the window shows the cursor's row.
   */
  resize(columns: number, { rewrap = false } = {}): this {
    if (rewrap) this.#rewrap(columns);
    else {
      for (const row of this.#rows) {
        if (row.length > columns) row.length = columns;
      }
      this.#column = Math.min(this.#column, columns);
    }
    this.#columns = columns;
    return this;
  }

  #rewrap(columns: number): void {
    const lines: string[][] = [];
    let cursor = { line: 0, offset: 0 };
    this.#rows.forEach((row, i) => {
      if (i === 0 || !this.#wrapped[i]) lines.push([]);
      const line = lines.at(-1)!;
      if (i === this.#row) {
        cursor = { line: lines.length - 1, offset: line.length + this.#column };
      }
      line.push(...row);
    });
    const rows: string[][] = [];
    const wrapped: boolean[] = [];
    lines.forEach((line, index) => {
      let row: string[] = [];
      rows.push(row);
      wrapped.push(false);
      const here = () => {
        this.#row = rows.length - 1;
        this.#column = row.length;
      };
      for (let at = 0; at < line.length; at++) {
        if (line[at] === "") continue; // a wide character's second half
        const width = line[at + 1] === "" ? 2 : 1;
        if (row.length + width > columns) {
          row = [];
          rows.push(row);
          wrapped.push(true);
        }
        if (index === cursor.line && at === cursor.offset) here();
        row.push(line[at], ...(width === 2 ? [""] : []));
      }
      if (index === cursor.line && cursor.offset >= line.length) {
        here();
        this.#column = Math.min(
          columns,
          row.length + cursor.offset - line.length,
        );
      }
    });
    this.#rows = rows;
    this.#wrapped = wrapped;
    this.#top = Math.max(0, this.#row - this.#height + 1);
  }

  /**
   * Every row, scrollback included, joined by line breaks, to the cursor's
   * row or the last row with text below it.
   */
  get text(): string {
    let end = this.#rows.length;
    while (end > this.#row + 1 && this.#rows[end - 1].join("") === "") end--;
    return this.#rows.slice(0, end).map((row) => row.join("")).join("\n");
  }

  /** The rows the window shows now (none of the scrollback), joined by line breaks. */
  get window(): string {
    return this.#rows.slice(this.#top, this.#top + this.#height)
      .map((row) => row.join("")).join("\n");
  }

  /** To the next row's start; `wrap` when the terminal wraps a full row. */
  #lineFeed(wrap = false): void {
    this.#row++;
    this.#column = 0;
    if (this.#row === this.#rows.length) {
      this.#rows.push([]);
      this.#wrapped.push(wrap);
    }
    if (this.#row - this.#top >= this.#height) this.#top++;
  }

  #text(text: string): void {
    const characters = /^[\x20-\x7e]*$/.test(text)
      ? text
      : [...segmenter.segment(text)].map((each) => each.segment);
    for (const character of characters) {
      const width = character.length === 1 && character < "\x7f"
        ? 1
        : stringWidth(character);
      if (width === 0) {
        const row = this.#rows[this.#row];
        if (this.#column > 0) row[this.#column - 1] += character;
        continue;
      }
      if (this.#column + width > this.#columns) this.#lineFeed(true);
      const row = this.#rows[this.#row];
      while (row.length < this.#column) row.push(" ");
      // Half of a wide character overwritten: its other half goes too.
      const c = this.#column;
      if (row[c] === "") row[c - 1] = " ";
      if (row[c + width] === "") row[c + width] = " ";
      row[c] = character;
      if (width === 2) row[c + 1] = "";
      this.#column += width;
    }
  }
}

const segmenter = new Intl.Segmenter();

/** The text a terminal of `size` shows once it has taken `output`. */
export function screenOf(output: string, size: ScreenSize = {}): string {
  return new Screen(size).write(output).text;
}
