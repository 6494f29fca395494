/**
 * Inline markdown as spans of styled text, and how wide they are on the
 * terminal: marked's inline tokens turned into text runs with their SGR
 * styles and link targets, words to wrap, and widths from string-width.
 *
 * @module
 */
import { Lexer, type Token } from "marked";
import stringWidth from "string-width";

/**
 * Characters one column wide each, as string-width counts them: printable
 * ASCII and Latin, dashes, quotes and bullets, arrows, box drawing and
 * shapes, ballot boxes. Text of them alone is measured by its length, which
 * is most text and every frame; string-width measures the rest.
 */
export const NARROW =
  /^[\x20-\x7e\xa0-\xac\xae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc\u2610\u2611]*$/;

/**
 * How many columns `text` takes on the terminal, as a terminal's output
 * shows it: a control character as its one-column symbol (`␛`, `␇`; see
 * `visible()`), never as an escape that string-width would not count.
 */
export function widthOf(text: string): number {
  if (NARROW.test(text)) return text.length;
  return stringWidth(CONTROL.test(text) ? text.replace(CONTROLS, "?") : text);
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;

/** A run of text and the styles (SGR parameters) it is shown with. */
export interface Span {
  text: string;
  sgr: string[];
  /** A link's target, for an OSC 8 hyperlink: an http(s) URL, made safe. */
  href?: string;
  /** A line break (`<br>`), of no text: what follows starts a new row. */
  break?: true;
}

export const SGR = {
  bold: "1",
  dim: "2",
  italic: "3",
  underline: "4",
  strike: "9",
  red: "31",
  green: "32",
  yellow: "33",
  blue: "34",
  magenta: "35",
  cyan: "36",
  gray: "90",
} as const;

/** The spans of a line's inline markdown. */
export function inline(text: string): Span[] {
  return spansOf(Lexer.lexInline(text), []);
}

export function spansOf(tokens: Token[], sgr: string[]): Span[] {
  return tokens.flatMap((token): Span[] => {
    const inner = (more: string[]) =>
      spansOf((token as { tokens?: Token[] }).tokens ?? [], [...sgr, ...more]);
    switch (token.type) {
      case "strong":
        return inner([SGR.bold]);
      case "em":
        return inner([SGR.italic]);
      case "del":
        return inner([SGR.strike]);
      case "codespan":
        return [{ text: decode(token.text), sgr: [...sgr, SGR.cyan] }];
      case "br":
        return [{ text: " ", sgr }];
      case "link": {
        const href = safeHref(token.href);
        const text = inner([SGR.underline, SGR.blue]).map((span) =>
          href ? { ...span, href } : span
        );
        const shown = text.map((span) => span.text).join("");
        return shown === token.href || !token.href
          ? text
          : [...text, { text: ` (${token.href})`, sgr: [...sgr, SGR.dim] }];
      }
      case "image":
        return [{
          text: `[image: ${token.text || "untitled"}] (${token.href})`,
          sgr: [...sgr, SGR.dim],
        }];
      case "html":
        if (/^<br\s*\/?>$/i.test(token.raw)) {
          return [{ text: "", sgr, break: true }];
        }
        // falls through: other HTML shows as it is
      case "escape":
      case "text":
        return "tokens" in token && token.tokens?.length
          ? inner([])
          : [{ text: decode(token.text ?? token.raw), sgr }];
      default:
        return [{ text: decode(token.raw), sgr }];
    }
  });
}

/** A link's target for an OSC 8 sequence: http(s) only, as the URL parser encodes it. */
function safeHref(href: string | undefined): string | undefined {
  if (!href || !URL.canParse(href)) return undefined;
  const url = new URL(href);
  if (!/^https?:$/.test(url.protocol)) return undefined;
  // deno-lint-ignore no-control-regex
  return /[\x00-\x1f\x7f-\x9f]/.test(url.href) ? undefined : url.href;
}

/** The entities models write most, as their characters. */
function decode(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39|nbsp);/g,
    (_, name: string) =>
      ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " })[name]!,
  );
}

/**
 * The spans as words: each begins with the spaces before it; a line break
 * is a word of its own (none at the end: it would break nothing).
 */
export function words(spans: Span[]): Span[][] {
  const result: Span[][] = [];
  let word: Span[] = [];
  for (const span of spans) {
    if (span.break) {
      if (word.length > 0) result.push(word);
      result.push([span]);
      word = [];
      continue;
    }
    for (const part of span.text.split(/(?<=\S)(?=\s)/)) {
      if (/^\s/.test(part) && word.length > 0) {
        result.push(word);
        word = [];
      }
      word.push({ ...span, text: part.replace(/\s+/g, " ") });
    }
  }
  if (word.length > 0) result.push(word);
  while (result.at(-1)?.[0].break) result.pop();
  return result;
}

/** How wide the widest of the lines `spans` make between their breaks is. */
export function widestLine(spans: Span[]): number {
  let widest = 0;
  let line = 0;
  for (const span of spans) {
    line = span.break ? 0 : line + widthOf(span.text);
    widest = Math.max(widest, line);
  }
  return widest;
}

/** Neighbouring spans of the same style as one, so that a style is sent once. */
export function merged(row: Span[]): Span[] {
  const out: Span[] = [];
  for (const span of row) {
    const last = out.at(-1);
    if (
      last && last.href === span.href &&
      last.sgr.join(";") === span.sgr.join(";")
    ) {
      out[out.length - 1] = { ...last, text: last.text + span.text };
    } else out.push(span);
  }
  return out;
}

export function trimEnd(row: Span[]): Span[] {
  const last = row.at(-1);
  if (last) {
    row[row.length - 1] = { ...last, text: last.text.replace(/ +$/, "") };
  }
  return row;
}

export function textWidth(spans: Span[]): number {
  return spans.reduce((n, span) => n + widthOf(span.text), 0);
}
