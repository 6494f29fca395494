/**
 * The fenced code blocks of a markdown text: what `-x` and `--extract-last`
 * print, and `/copy` copies.
 *
 * @module
 */
import { marked, type Token, type Tokens } from "marked";

/**
 * The fenced code blocks of a markdown text, their content only, in order:
 * what `-x` and `--extract-last` print, and `/copy` copies.
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
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      if (
        token.type === "code" &&
        (token as Tokens.Code).codeBlockStyle !== "indented"
      ) {
        const { text } = token as Tokens.Code;
        found.push(text === "" || text.endsWith("\n") ? text : `${text}\n`);
      }
      const children = token as { tokens?: Token[]; items?: Token[] };
      if (children.tokens) visit(children.tokens);
      if (children.items) visit(children.items);
    }
  };
  visit(marked.lexer(text));
  return found;
}
