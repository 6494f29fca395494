/**
 * The question asked before a tool call runs, and the call in full for `v`.
 * What the server and the model wrote is masked first, then made visible
 * (control characters, and every character that hides or passes for a
 * space), then cut: the server's and the tool's names and every key to
 * {@linkcode NAME_SHOWN} columns, every value to {@linkcode VALUE_SHOWN},
 * and the arguments to what fits, so that the whole question stays within
 * one screen and `(NOT sandboxed)` before the arguments.
 *
 * @module
 */
import stringWidth from "string-width";
import { revealed } from "../io/terminal.ts";
import type { ConsentRequest } from "./box.ts";

/** The most columns a server's or a tool's name, or an argument's key, takes in the question. */
export const NAME_SHOWN = 40;
/** The most columns an argument's value takes in the question. */
export const VALUE_SHOWN = 80;
/** The most columns arguments that are not a JSON object take. */
const TEXT_SHOWN = 200;

/** The answers, as the question lists them. */
export const ANSWERS = "[y]es, [n]o, [a]lways for this tool, [v]iew";

/** The terminal the question must fit. */
export interface ScreenSize {
  columns: number;
  rows: number;
}

/** Masks the secrets in a text. */
export type Redact = (text: string) => string;

/**
 * The question about one call, on one line that fits `screen` (its rows
 * less two, the cursor's and a spare): `tool SERVER.TOOL ARGS: run it? …`.
 * A key or value cut shows its start and its end with `…(+N)` between
 * them, N the characters left out; arguments that do not all fit end in
 * `…(+K of N arguments)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { consentQuestion } from "./consent.ts";
 * assert.equal(
 *   consentQuestion(
 *     { server: "files", tool: "write", args: "", sandboxed: false,
 *       arguments: JSON.stringify({ ["\u2800".repeat(50)]: 1, path: "a.md" }) },
 *     { columns: 80, rows: 24 },
 *     (text) => text,
 *   ),
 *   `tool files.write (NOT sandboxed) {"⟨U+2800⟩⟨U+2800⟩"…(+46)"⟨U+2800⟩⟨U+2800⟩":1,` +
 *     `"path":"a.md"}: run it? [y]es, [n]o, [a]lways for this tool, [v]iew: `,
 * );
 * ```
 */
export function consentQuestion(
  request: ConsentRequest,
  screen: ScreenSize,
  redact: Redact,
): string {
  const where = request.sandboxed ? "" : " (NOT sandboxed)";
  const head = `tool ${nameShown(request.server, redact)}.${
    nameShown(request.tool, redact)
  }${where} `;
  const tail = `: run it? ${ANSWERS}: `;
  const columns = Math.max(1, screen.columns);
  const room = columns * Math.max(1, screen.rows - 2) -
    stringWidth(head) - stringWidth(tail);
  return redact(
    `${head}${argumentsShown(request.arguments, room, redact)}${tail}`,
  );
}

/**
 * The call in full, for `v`: the names and every argument, masked and made
 * visible but not cut, the arguments as indented JSON; no line break last.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { consentView } from "./consent.ts";
 * assert.equal(
 *   consentView(
 *     { server: "t", tool: "echo", args: "", sandboxed: true,
 *       arguments: '{"text":"a\\u200bb","n":[1]}' },
 *     (text) => text,
 *   ),
 *   'tool t.echo, in full:\n{\n  "text": "a⟨U+200B⟩b",\n  "n": [\n    1\n  ]\n}',
 * );
 * ```
 */
export function consentView(request: ConsentRequest, redact: Redact): string {
  const where = request.sandboxed ? "" : " (NOT sandboxed)";
  const names = `${oneLine(redact(request.server))}.${
    oneLine(redact(request.tool))
  }`;
  const parsed = parsedObject(request.arguments);
  const body = parsed === undefined
    ? revealed(redact(request.arguments))
    : revealed(pretty(parsed, "", redact));
  return redact(`tool ${names}${where}, in full:\n${body}`);
}

/** The arguments as a JSON object, or `undefined` when they are not one. */
function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text || "{}");
    return typeof parsed === "object" && parsed !== null &&
        !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

/** The arguments in at most `room` columns (at least the count of them). */
function argumentsShown(text: string, room: number, redact: Redact): string {
  const parsed = parsedObject(text);
  if (parsed === undefined) {
    return cutShown(oneLine(redact(text)), Math.min(TEXT_SHOWN, room - 1));
  }
  const entries = Object.entries(parsed).map(([key, value]) =>
    `${stringShown(key, NAME_SHOWN, redact)}:${
      typeof value === "string"
        ? stringShown(value, VALUE_SHOWN, redact)
        : cutShown(oneLine(pretty(value, undefined, redact)), VALUE_SHOWN)
    }`
  );
  const left = (shown: number) =>
    shown === entries.length
      ? ""
      : `${shown ? "," : ""}…(+${entries.length - shown} of ${entries.length} ${
        entries.length === 1 ? "argument" : "arguments"
      })`;
  let shown = 0;
  let width = 2; // the braces
  while (shown < entries.length) {
    const next = width + (shown ? 1 : 0) + stringWidth(entries[shown]);
    if (next + stringWidth(left(shown + 1)) > room) break;
    width = next;
    shown++;
  }
  return `{${entries.slice(0, shown).join(",")}${left(shown)}}`;
}

/** A string as JSON, masked and made visible, its text cut to `most` columns. */
function stringShown(text: string, most: number, redact: Redact): string {
  const quoted = oneLine(JSON.stringify(redact(text)));
  const [head, left, tail] = cut(quoted.slice(1, -1), most);
  // The mark of a cut goes between quotes of its own, where the model's
  // text cannot be.
  return left ? `"${head}"${mark(left)}"${tail}"` : quoted;
}

/**
 * What one character of the text became: an escape of JSON's, a code point
 * made visible, or the character.
 */
const UNIT = /\\u[0-9a-fA-F]{4}|\\[^u]|⟨U\+[0-9A-F]{4,6}⟩|[^]/gu;

/** `text` cut to `most` columns: its start and end, `…(+N)` between them. */
function cutShown(text: string, most: number): string {
  const [head, left, tail] = cut(text, most);
  return left ? `${head}${mark(left)}${tail}` : text;
}

/** What says that `left` characters were cut. */
function mark(left: number): string {
  return `…(+${left})`;
}

/**
 * `text` cut to `most` columns, never inside one character's escape: its
 * first columns and its last ones (half each, the first the odd one), and
 * how many characters were left out between them.
 */
function cut(
  text: string,
  most: number,
): [head: string, left: number, tail: string] {
  if (stringWidth(text) <= most) return [text, 0, ""];
  const units = text.match(UNIT) ?? [];
  const take = (from: string[], room: number) => {
    const kept: string[] = [];
    let width = 0;
    for (const unit of from) {
      width += stringWidth(unit);
      if (width > room) break;
      kept.push(unit);
    }
    return kept;
  };
  const last = Math.floor(Math.max(0, most) / 2);
  const head = take(units, Math.max(0, most) - last);
  const tail = take(units.slice(head.length).reverse(), last).reverse();
  return [
    head.join(""),
    units.length - head.length - tail.length,
    tail.join(""),
  ];
}

/** Text made visible on one line: line breaks and tabs as their symbols too. */
function oneLine(text: string): string {
  return revealed(text).replaceAll("\n", "\u240a").replaceAll("\t", "\u2409");
}

/**
 * `value` as JSON with every string (keys too) masked: indented by `indent`
 * and two more a level, or on one line when `indent` is `undefined`.
 */
function pretty(
  value: unknown,
  indent: string | undefined,
  redact: Redact,
): string {
  if (typeof value === "string") return JSON.stringify(redact(value));
  if (typeof value !== "object" || value === null) {
    return JSON.stringify(value) ?? "null";
  }
  const inner = indent === undefined ? undefined : `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((each) => pretty(each, inner, redact))
    : Object.entries(value).map(([key, each]) =>
      `${JSON.stringify(redact(key))}:${inner === undefined ? "" : " "}${
        pretty(each, inner, redact)
      }`
    );
  const [open, close] = Array.isArray(value) ? "[]" : "{}";
  if (items.length === 0) return `${open}${close}`;
  return inner === undefined
    ? `${open}${items.join(",")}${close}`
    : `${open}\n${inner}${items.join(`,\n${inner}`)}\n${indent}${close}`;
}

/** A server's or a tool's name, masked, made visible and cut. */
function nameShown(name: string, redact: Redact): string {
  return cutShown(oneLine(redact(name)), NAME_SHOWN);
}
