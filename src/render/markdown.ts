/**
 * Markdown on the terminal, as it streams: headings, emphasis, lists,
 * quotes, links, tables, rules and fenced code with syntax highlighting,
 * wrapped at word boundaries to the terminal's width.
 *
 * It renders line by line: each source line is printed rendered once it is
 * complete, for good, and what is still in progress (the line arriving, a
 * table until its last row, since its columns depend on every row) is shown
 * as it would be rendered now, on rows that are redrawn in place as it grows
 * ({@linkcode LiveRows}); a code block's lines appear as they complete.
 * marked parses the inline text and the tables, lowlight (highlight.js) the
 * code; widths come from string-width.
 *
 * Everything the server wrote goes through {@linkcode Output.write} (a
 * terminal's output shows its control characters); only the program's own
 * escape sequences go through {@linkcode Output.style}.
 *
 * @module
 */
import { marked, type Tokens } from "marked";
import { inline, type Span } from "./spans.ts";
import {
  codeRows,
  fenceBottom,
  fenceTop,
  headingRows,
  itemRows,
  quoteRows,
  ruleRow,
  wrappedRows,
} from "./layout.ts";
import { cutAt, LIMITS, type RenderLimits, TOO_LARGE } from "./limits.ts";
import { isTableSeparator, table } from "./table.ts";
import { type LiveOptions, LiveRows } from "./live.ts";
import {
  closesFence,
  codeOf,
  type Fence,
  fenceOpening,
} from "./code_blocks.ts";
import type { Output } from "../io/io.ts";
import { answerText, type Schedule, warmUpWith } from "./warm.ts";

/**
 * How to render: the terminal's size, and the {@linkcode LiveOptions} (colors,
 * hyperlinks, whether the terminal re-wraps its rows).
 */
export interface MarkdownOptions extends LiveOptions {
  /** The terminal's width now (asked for each line and redraw: a resize takes effect). */
  width(): number;
  /** The terminal's height now (24 rows when not given). */
  height?(): number;
  /**
   * Takes a note of what was too large to render and is shown as plain text
   * instead, once each, when the text ends (the program puts it on stderr).
   */
  note?(text: string): void;
}

/**
 * The shortest time between two redraws of what is in progress, in
 * milliseconds: pieces that come sooner are drawn together, once the event
 * loop turns, so that a fast stream is not rendered anew for every piece.
 */
const REDRAW_GAP = 1;

/**
 * The most lines of a table in progress rendered as a table: its columns
 * depend on every row, so it is laid out anew for each redraw. A longer one
 * shows its latest row, raw.
 */
const TABLE_IN_PROGRESS = 100;

/** Where a redraw that waits runs: `setTimeout`, unless a test says. */
export type Later = (draw: () => void) => { cancel(): void };

const nextTurn: Later = (draw) => {
  const timer = setTimeout(draw, 0);
  return { cancel: () => clearTimeout(timer) };
};

/**
 * Renders markdown text, written to it piece by piece, to `out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MarkdownStream } from "./markdown.ts";
 * let shown = "";
 * const out = { write: (text: string) => void (shown += text), style: () => {} };
 * const markdown = new MarkdownStream(out, { width: () => 40, color: false, hyperlinks: false });
 * markdown.write("# Courts\n\n- The **Supreme** Court\n");
 * markdown.end();
 * assert.equal(shown, "Courts\n══════\n\n• The Supreme Court\n");
 * ```
 */
export class MarkdownStream implements Output {
  readonly #options: MarkdownOptions;
  readonly #out: Output;
  readonly #limits: RenderLimits;
  readonly #live: LiveRows;
  readonly #clock: () => number;
  readonly #later: Later;
  #partial = "";
  /** Where rows go while what is in progress is rendered, instead of the screen. */
  #sink: Span[][] | undefined;
  /** The redraw that waits for the event loop's turn, if any. */
  #waiting: { cancel(): void } | undefined;
  #drawnAt = -Infinity;
  /** A redraw's failure to write, thrown by the next call. */
  #failure: { error: unknown } | undefined;
  /** The terminal's width, asked once for each piece, redraw or end. */
  #columns: number | undefined;
  /** The fence the code block in progress began with, if one is. */
  #fence: Fence | undefined;
  #table: string[] | undefined;
  /** How many characters the table so far holds. */
  #tableChars = 0;
  /** Whether a table too large to render is being shown as plain text. */
  #tableAsText = false;
  /** Whether the line being rendered is a piece of one longer than the limit (it opens no block). */
  #piece = false;
  /** How many characters of the answer came. */
  #taken = 0;
  /** Whether the answer is shown as plain text from here on, too large to render. */
  #plain = false;
  /** Whether what was shown as plain text ended its line. */
  #plainEnded = true;
  /** The notes to take at the end: what was shown as plain text, and why. */
  readonly #notes = new Set<string>();
  /** A line that may be a table's header, held until the next line says. */
  #held: string | undefined;
  /** The indentation of each open list level. */
  #lists: number[] = [];
  /** The text indent of the list item in progress, for its continuation lines. */
  #itemIndent = 0;
  #blank = true; // nothing printed yet counts as after a blank line

  /**
   * Renders to `out`; a redraw of what is in progress that comes within
   * {@linkcode REDRAW_GAP} of the last (by `clock`) waits for `later`.
   */
  constructor(
    out: Output,
    options: MarkdownOptions,
    { clock = () => performance.now(), later = nextTurn, limits = {} }: {
      clock?: () => number;
      later?: Later;
      limits?: Partial<RenderLimits>;
    } = {},
  ) {
    this.#options = options;
    this.#out = out;
    this.#limits = { ...LIMITS, ...limits };
    this.#live = new LiveRows(out, options);
    this.#clock = clock;
    this.#later = later;
  }

  /** A piece of markdown, as it arrives. */
  write(text: string): void {
    this.#throwFailure();
    this.#columns = undefined;
    answerText(text); // the answer has begun: no more warming up
    if (this.#plain) return this.#writePlain(text);
    this.#taken += text.length;
    if (this.#taken > this.#limits.answer) return this.#toPlain(text);
    if (!text.includes("\n")) {
      this.#partial += text;
    } else {
      const lines = text.split("\n");
      lines[0] = this.#partial + lines[0];
      this.#partial = lines.pop()!;
      for (const line of lines) this.#complete(line.replace(/\r$/, ""));
    }
    while (this.#partial.length > this.#limits.line) this.#cutLongLine();
    this.#redraw();
  }

  /** The end of the text: the line in progress and any open block are printed. */
  end(): void {
    this.#waiting?.cancel();
    this.#waiting = undefined;
    this.#throwFailure();
    this.#columns = undefined;
    if (this.#plain) {
      if (!this.#plainEnded) this.#out.write("\n");
      this.#plainEnded = true;
    } else {
      if (this.#partial !== "") this.#complete(this.#partial);
      this.#partial = "";
      this.#finishBlocks();
      this.#draw(); // erases what was in progress and was not printed
    }
    this.#takeNotes();
  }

  /** The open blocks, printed as they are. */
  #finishBlocks(): void {
    if (this.#held !== undefined) this.#flushHeld();
    if (this.#table) this.#flushTable();
    if (this.#fence) this.#closeFence();
    this.#tableAsText = false;
  }

  /** The notes of what was shown as plain text, after everything printed. */
  #takeNotes(): void {
    if (this.#notes.size === 0 || !this.#options.note) return;
    (this.#out as { flush?(): void }).flush?.();
    for (const note of this.#notes) this.#options.note(note);
    this.#notes.clear();
  }

  // --- too large to render -------------------------------------------------------------

  /**
   * The answer went past {@linkcode RenderLimits.answer}: what is open is
   * printed, what is in progress erased, and the rest, `text` with the line
   * it continues, is shown as it comes.
   */
  #toPlain(text: string): void {
    const whole = this.#taken === text.length;
    this.#notes.add(
      whole
        ? `the answer is too large to render (${
          this.#taken.toLocaleString("en")
        } characters): shown as plain text`
        : `the answer is too large to render (over ${
          this.#limits.answer.toLocaleString("en")
        } characters): the rest is shown as plain text`,
    );
    this.#waiting?.cancel();
    this.#waiting = undefined;
    const rest = this.#partial + text;
    this.#partial = "";
    this.#finishBlocks();
    this.#draw(); // erases what was in progress
    this.#plain = true;
    this.#writePlain(rest);
  }

  #writePlain(text: string): void {
    if (text === "") return;
    this.#out.write(text);
    this.#plainEnded = text.endsWith("\n");
  }

  /** Text as it came, one row each line, in pieces no longer than the limit. */
  #asText(line: string): void {
    for (let at = 0; at === 0 || at < line.length; at += this.#limits.line) {
      this.#emit([[{ text: line.slice(at, at + this.#limits.line), sgr: [] }]]);
    }
  }

  #width(): number {
    return this.#columns ??= this.#options.width();
  }

  #throwFailure(): void {
    const failure = this.#failure;
    this.#failure = undefined;
    if (failure) throw failure.error;
  }
  // --- what is in progress ---------------------------------------------------------

  /** Redraws what is in progress now, or once the event loop turns if it was just drawn. */
  #redraw(): void {
    if (this.#waiting) return;
    const pending = this.#partial !== "" || this.#held !== undefined ||
      this.#table !== undefined;
    if (!pending && this.#live.rows === 0) return;
    if (this.#clock() - this.#drawnAt >= REDRAW_GAP) return this.#draw();
    this.#waiting = this.#later(() => {
      this.#waiting = undefined;
      this.#columns = undefined;
      try {
        this.#draw();
      } catch (error) {
        this.#failure = { error };
      }
    });
  }

  #draw(): void {
    this.#drawnAt = this.#clock();
    const rows = this.#inProgress();
    this.#live.draw(rows, {
      width: this.#width(),
      height: this.#options.height?.() ?? 24,
    });
  }

  /**
   * What is in progress, rendered as it would be if the text ended here: the
   * line arriving, a held line and a table so far (one longer than
   * {@linkcode TABLE_IN_PROGRESS} shows its latest row, raw). The state is
   * left as it was.
   */
  #inProgress(): Span[][] {
    const saved = {
      fence: this.#fence,
      table: this.#table && [...this.#table],
      tableChars: this.#tableChars,
      tableAsText: this.#tableAsText,
      piece: this.#piece,
      notes: [...this.#notes],
      held: this.#held,
      lists: [...this.#lists],
      itemIndent: this.#itemIndent,
      blank: this.#blank,
    };
    const rows: Span[][] = [];
    this.#sink = rows;
    try {
      if (this.#table && this.#table.length >= TABLE_IN_PROGRESS) {
        const latest = this.#partial || this.#table.at(-1)!;
        this.#wrapped([{ text: latest.replace(/\t/g, " "), sgr: [] }], "");
      } else {
        if (this.#partial !== "") this.#line(this.#partial);
        if (this.#held !== undefined) this.#flushHeld();
        if (this.#table) this.#flushTable();
      }
    } finally {
      this.#sink = undefined;
      this.#fence = saved.fence;
      this.#table = saved.table;
      this.#tableChars = saved.tableChars;
      this.#tableAsText = saved.tableAsText;
      this.#piece = saved.piece;
      this.#notes.clear();
      for (const note of saved.notes) this.#notes.add(note);
      this.#held = saved.held;
      this.#lists = saved.lists;
      this.#itemIndent = saved.itemIndent;
      this.#blank = saved.blank;
    }
    return rows;
  }

  /**
   * The line in progress, longer than {@linkcode RenderLimits.line}, is
   * printed up to its last space within the limit as a piece of its own, so
   * that memory stays flat however long a line the model writes (an
   * emphasis open across the cut is lost). The pieces after the first
   * continue the block the first began.
   */
  #cutLongLine(): void {
    const line = this.#partial;
    const at = cutAt(line, this.#limits.line);
    this.#partial = line.slice(at);
    this.#line(line.slice(0, at), true);
  }

  /** A complete line: rendered whole, or in pieces when it is longer than the limit. */
  #complete(line: string): void {
    let at = 0;
    while (line.length - at > this.#limits.line) {
      const end = at +
        cutAt(line.slice(at, at + this.#limits.line + 1), this.#limits.line);
      this.#line(line.slice(at, end), true);
      at = end;
    }
    this.#line(at === 0 ? line : line.slice(at), at > 0);
    this.#piece = false;
  }

  // --- blocks, a line at a time ------------------------------------------------------

  /**
   * A line, or a piece of one (`cut`): a piece never opens or closes a
   * block; the pieces after the first continue what the first began.
   */
  #line(line: string, cut = false): void {
    const after = this.#piece; // a piece after the first of its line
    this.#piece = cut;
    if (this.#fence) {
      // A piece of a line neither ends a block nor loses its indent.
      if (!cut && !after && closesFence(line, this.#fence)) {
        return this.#closeFence();
      }
      return this.#codeLine(after ? line : codeOf(line, this.#fence));
    }
    if (after) return this.#continued(line);
    // A fence opens a code block wherever it is, as for -x and /copy: it
    // ends a table, and a line held as a table's header may not be one.
    const fence = cut ? undefined : fenceOpening(line);
    if (fence) {
      if (this.#table) this.#flushTable();
      this.#tableAsText = false;
      if (this.#held !== undefined) this.#flushHeld();
      return this.#openFence(fence);
    }
    if (this.#table) {
      if (line.includes("|") && line.trim() !== "") {
        this.#table.push(line);
        this.#tableChars += line.length;
        if (cut) this.#showTableAsText(TOO_LARGE.line(this.#limits.line));
        else if (this.#table.length > this.#limits.tableLines) {
          this.#showTableAsText(TOO_LARGE.lines(this.#limits.tableLines));
        } else if (this.#tableChars > this.#limits.tableChars) {
          this.#showTableAsText(TOO_LARGE.chars(this.#limits.tableChars));
        }
        return;
      }
      this.#flushTable();
    }
    if (this.#tableAsText) {
      if (line.includes("|") && line.trim() !== "") return this.#asText(line);
      this.#tableAsText = false;
    }
    if (this.#held !== undefined) {
      const held = this.#held;
      this.#held = undefined;
      if (!cut && isTableSeparator(line)) {
        this.#table = [held, line];
        this.#tableChars = held.length + line.length;
        return;
      }
      this.#block(held);
    }
    if (
      !cut && line.includes("|") && /[^\s|]/.test(line) && !this.#inList(line)
    ) {
      this.#held = line;
      return;
    }
    this.#block(line);
  }

  /** A piece after the first of a long line: more of the paragraph, list item or table. */
  #continued(line: string): void {
    if (this.#tableAsText) return this.#asText(line);
    const indent = this.#lists.length > 0 ? this.#itemIndent : 0;
    this.#wrapped(inline(line.trim()), " ".repeat(indent));
  }

  /**
   * The table so far is too large to render (`why`): its lines are shown
   * as they came, and so are the table's lines that follow.
   */
  #showTableAsText(why: string): void {
    const lines = this.#table!;
    this.#table = undefined;
    this.#tableChars = 0;
    this.#tableAsText = true;
    this.#notes.add(`${why}: shown as plain text`);
    this.#separate();
    for (const line of lines) this.#asText(line);
  }

  /** A line that is no part of a code block or a table. */
  #block(line: string): void {
    if (line.trim() === "") {
      this.#lists = [];
      this.#itemIndent = 0;
      if (!this.#blank) this.#emit([[]]);
      this.#blank = true;
      return;
    }
    const heading = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading) return this.#heading(heading[1].length, heading[2]);
    if (/^ {0,3}([-*_])(?:\s*\1){2,}\s*$/.test(line)) return this.#rule();
    const quote = /^ {0,3}((?:>\s?)+)(.*)$/.exec(line);
    if (quote) {
      return this.#quote((quote[1].match(/>/g) ?? []).length, quote[2]);
    }
    const item = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(line);
    if (item) return this.#item(item[1].length, item[2], item[3]);
    if (this.#lists.length > 0 && /^\s+\S/.test(line)) {
      this.#wrapped(inline(line.trim()), " ".repeat(this.#itemIndent));
      return;
    }
    this.#lists = [];
    this.#wrapped(inline(line.trim()), "");
  }

  /** Whether `line` is a list item or the continuation of one (a `|` in it is text). */
  #inList(line: string): boolean {
    return /^\s*([-*+]|\d{1,9}[.)])\s+/.test(line) ||
      (this.#lists.length > 0 && /^\s+\S/.test(line));
  }

  #heading(level: number, text: string): void {
    this.#separate();
    this.#emit(headingRows(level, text, this.#width()));
  }

  #rule(): void {
    this.#separate();
    this.#emit([ruleRow(this.#width())]);
  }

  #quote(depth: number, text: string): void {
    this.#emit(quoteRows(depth, text, this.#width()));
  }

  #item(indent: number, marker: string, text: string): void {
    while (this.#lists.length > 0 && indent < this.#lists.at(-1)!) {
      this.#lists.pop();
    }
    if (this.#lists.length === 0 || indent > this.#lists.at(-1)!) {
      this.#lists.push(indent);
    }
    const item = itemRows(this.#lists.length - 1, marker, text, this.#width());
    this.#itemIndent = item.indent;
    this.#emit(item.rows);
  }

  // --- code ---------------------------------------------------------------------------

  #openFence(fence: Fence): void {
    this.#separate();
    this.#fence = fence;
    this.#emit([fenceTop(fence.language, this.#width())]);
  }

  /** A line of code, framed and highlighted. */
  #codeLine(line: string): void {
    this.#emit(codeRows(line, this.#fence!.language, this.#width()));
  }

  #closeFence(): void {
    this.#fence = undefined;
    this.#emit([fenceBottom(this.#width())]);
    this.#blank = false;
  }

  // --- tables -------------------------------------------------------------------------

  #flushHeld(): void {
    const held = this.#held!;
    this.#held = undefined;
    this.#block(held);
  }

  #flushTable(): void {
    const source = `${this.#table!.join("\n")}\n`;
    this.#table = undefined;
    this.#tableChars = 0;
    const [first] = marked.lexer(source);
    const token = first?.type === "table" ? first as Tokens.Table : undefined;
    if (token) {
      this.#separate();
      this.#emit(table(token, this.#width()));
    }
    // What marked leaves out of the table (all of it, or the rows from one
    // it ends the table at, such as a row with a U+2028) shows as text.
    const rest = source.slice(token?.raw.length ?? 0).split("\n").slice(0, -1);
    for (const line of rest) this.#block(line);
  }

  // --- output -------------------------------------------------------------------------

  /** One blank line between blocks, none at the start. */
  #separate(): void {
    if (!this.#blank) this.#emit([[]]);
    this.#blank = true;
  }

  /** `spans` wrapped to the width ({@linkcode wrappedRows}), printed. */
  #wrapped(spans: Span[], indent: string | Span, lead?: Span[]): void {
    this.#emit(wrappedRows(spans, this.#width(), indent, lead));
  }

  /** Rows of spans, printed for good (or kept, while what is in progress renders). */
  #emit(rows: Span[][]): void {
    if (this.#sink) { for (const row of rows) this.#sink.push(row); }
    else {
      const width = this.#width();
      for (const row of rows) this.#live.final(row, width);
    }
    this.#blank = rows.length > 0 &&
      rows.at(-1)!.every((span) => span.text.trim() === "");
  }
}

/**
 * Renders samples of every construct into nothing while the program waits
 * for the server (see {@linkcode warmUpWith}); the answer's first text stops it.
 */
export function warmUp(
  options: { samples?: readonly string[]; schedule?: Schedule } = {},
): Disposable {
  return warmUpWith((sample) => {
    const markdown = new MarkdownStream({ write: () => {} }, {
      width: () => 80,
      color: true,
      hyperlinks: true,
    });
    markdown.write(sample);
    markdown.end();
  }, options);
}
