/**
 * How much of an answer the renderer lays out: past these limits, text is
 * shown as it came, so that memory and time follow the terminal, not the
 * answer; and what the note says of a table shown so.
 *
 * @module
 */
import { LONGEST_LINE } from "./code_blocks.ts";

/**
 * How much is rendered: past these, text is shown as it came (through the
 * terminal's filter all the same), so that memory and time follow the
 * terminal, not the answer.
 */
export interface RenderLimits {
  /** The longest line kept whole to be rendered, in UTF-16 code units; a longer one is rendered in pieces. */
  line: number;
  /** The most characters of an answer rendered: the rest is shown as plain text. */
  answer: number;
  /** The most lines of a table laid out: a longer one is shown as plain text. */
  tableLines: number;
  /** The most characters of a table laid out: a larger one is shown as plain text. */
  tableChars: number;
}

/** The limits of {@linkcode RenderLimits}: 16 Ki, 4 Mi, 1,000 and 256 Ki. */
export const LIMITS: Readonly<RenderLimits> = {
  line: LONGEST_LINE,
  answer: 4 * 1024 * 1024,
  tableLines: 1_000,
  tableChars: 256 * 1024,
};

/** Why a table is shown as plain text. */
export const TOO_LARGE = {
  line: (limit: number) =>
    `a table with a line of over ${
      limit.toLocaleString("en")
    } characters is too large to render`,
  lines: (limit: number) =>
    `a table of over ${
      limit.toLocaleString("en")
    } lines is too large to render`,
  chars: (limit: number) =>
    `a table of over ${
      limit.toLocaleString("en")
    } characters is too large to render`,
};

/**
 * Where to cut `line`, longer than `limit`: after its last space within the
 * limit, or at the limit when there is none (never inside a surrogate pair).
 */
export function cutAt(line: string, limit: number): number {
  const space = line.lastIndexOf(" ", limit - 1);
  if (space > 0) return space + 1;
  const code = line.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
