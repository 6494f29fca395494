/**
 * The fenced code blocks of a markdown text: what the screen frames, and
 * what `-x` and `--extract-last` print and `/copy` copies. One set of rules
 * decides where a block begins and ends, for the renderer a line at a time
 * and for {@linkcode codeBlocks} over the whole text, so that what is taken
 * is what was framed.
 *
 * @module
 */
import { visible } from "../io/terminal.ts";

/**
 * The longest line that may begin or end a code block, in UTF-16 code units:
 * the renderer takes a longer one in pieces, and a piece begins nothing.
 */
export const LONGEST_LINE = 16 * 1024;

/** A code block's opening fence. */
export interface Fence {
  /** The fence's run of backticks or tildes. */
  marker: string;
  /** How many spaces it is indented by: as many are taken off each line of the code. */
  indent: number;
  /** The language the info string names first (as written), or `""`. */
  language: string;
}

/**
 * The fence `line` opens a code block with, as CommonMark has it: up to three
 * spaces, then three or more backticks or tildes, then the info string, in
 * which a backtick fence may have no backtick; `undefined` when it opens none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fenceOpening } from "./code_blocks.ts";
 * const tick = "\x60"; // a backtick
 * assert.deepEqual(fenceOpening("~~~py title"), { marker: "~~~", indent: 0, language: "py" });
 * assert.equal(fenceOpening(`${tick.repeat(3)}py${tick}`), undefined);
 * assert.equal(fenceOpening("    ~~~"), undefined);
 * ```
 */
export function fenceOpening(line: string): Fence | undefined {
  if (line.length > LONGEST_LINE) return undefined;
  const match = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return undefined;
  const [, indent, marker, info] = match;
  if (marker[0] === "`" && info.includes("`")) return undefined;
  return {
    marker,
    indent: indent.length,
    language: /^\s*([\w+#.-]*)/.exec(info)![1],
  };
}

/**
 * Whether `line` closes the block `fence` opened: up to three spaces, a run
 * of the same character at least as long as the opening one, then only
 * spaces or tabs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closesFence, fenceOpening } from "./code_blocks.ts";
 * const fence = fenceOpening("~~~~md")!;
 * assert.equal(closesFence("~~~", fence), false);
 * assert.equal(closesFence("~~~~~  ", fence), true);
 * ```
 */
export function closesFence(line: string, fence: Fence): boolean {
  if (line.length > LONGEST_LINE) return false;
  const match = /^ {0,3}(`+|~+)[ \t]*$/.exec(line);
  return match !== null && match[1][0] === fence.marker[0] &&
    match[1].length >= fence.marker.length;
}

/** A line of a block's code: up to the fence's indent of spaces taken off. */
export function codeOf(line: string, fence: Fence): string {
  let at = 0;
  while (at < fence.indent && line[at] === " ") at++;
  return line.slice(at);
}

/**
 * The fenced code blocks of a markdown text, their content only, in order:
 * the blocks the renderer frames (a fence of a quote, or indented four
 * spaces or more, is none), an unclosed one to the end of the text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeBlocks } from "./code_blocks.ts";
 * assert.deepEqual(codeBlocks("Use:\n\n~~~sh\nls -l\n~~~\n"), ["ls -l\n"]);
 * ```
 */
export function codeBlocks(text: string): string[] {
  const found: string[] = [];
  let fence: Fence | undefined;
  let code: string[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (fence === undefined) {
      fence = fenceOpening(line);
      code = [];
    } else if (closesFence(line, fence)) {
      found.push(code.map((each) => `${each}\n`).join(""));
      fence = undefined;
    } else code.push(codeOf(line, fence));
  }
  if (fence) found.push(code.map((each) => `${each}\n`).join(""));
  return found;
}

/**
 * A code block as `/copy` puts it on the clipboard: every control character
 * but tabs and line breaks (C0, DEL and C1; an escape could end a bracketed
 * paste where it is pasted and run what follows) replaced by the symbol the
 * screen shows for it, and how many there were.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clipboardText } from "./code_blocks.ts";
 * assert.deepEqual(clipboardText("ls\t-l\x1b[201~\n"), { text: "ls\t-l␛[201~\n", replaced: 1 });
 * ```
 */
export function clipboardText(
  block: string,
): { text: string; replaced: number } {
  // deno-lint-ignore no-control-regex
  const replaced = block.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g)?.length ?? 0;
  return { text: visible(block), replaced };
}
