/**
 * Code in an answer: a fenced block's line highlighted by lowlight
 * (highlight.js) in the terminal's colors.
 *
 * @module
 */
import { createLowlight } from "lowlight";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import dos from "highlight.js/lib/languages/dos";
import go from "highlight.js/lib/languages/go";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import powershell from "highlight.js/lib/languages/powershell";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import { SGR, type Span } from "./spans.ts";

/** The languages highlighted, and the names a fence may give them. */
const lowlight = createLowlight({
  bash,
  css,
  dos,
  go,
  javascript,
  json,
  powershell,
  python,
  rust,
  sql,
  typescript,
  xml,
});
lowlight.registerAlias({
  bash: ["sh", "shell", "zsh", "fish", "console"],
  dos: ["bat", "cmd"],
  powershell: ["pwsh", "ps1"],
  javascript: ["js", "jsx", "mjs", "cjs"],
  typescript: ["ts", "tsx", "deno"],
  python: ["py"],
  rust: ["rs"],
  xml: ["html", "svg"],
  json: ["jsonc"],
});

/** highlight.js's classes, and how each is shown. */
const CODE_COLORS: Record<string, string[]> = {
  keyword: [SGR.magenta],
  built_in: [SGR.cyan],
  type: [SGR.cyan],
  literal: [SGR.cyan],
  number: [SGR.cyan],
  string: [SGR.green],
  regexp: [SGR.green],
  comment: [SGR.gray],
  meta: [SGR.gray],
  title: [SGR.yellow],
  "title.function": [SGR.yellow],
  "title.class": [SGR.yellow],
  attr: [SGR.yellow],
  attribute: [SGR.yellow],
  tag: [SGR.blue],
  name: [SGR.blue],
  variable: [SGR.red],
  params: [],
  symbol: [SGR.cyan],
  selector: [SGR.blue],
  property: [SGR.blue],
};

/**
 * A piece of highlighted code: its text and highlight.js's classes of the
 * innermost element that has any (`hljs-keyword`, `hljs-title function_`).
 */
export interface ClassedText {
  text: string;
  classes: string[];
}

/**
 * Code as highlight.js's pieces, in order (their texts put together are the
 * code), or `undefined` when the language is none of those highlighted. The
 * terminal colors a line of them; the chat page of `--serve` styles a block.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classedText } from "./code.ts";
 * assert.deepEqual(classedText("let a", "js"), [
 *   { text: "let", classes: ["hljs-keyword"] },
 *   { text: " a", classes: [] },
 * ]);
 * assert.equal(classedText("let a", "cobol"), undefined);
 * ```
 */
export function classedText(
  code: string,
  language: string,
): ClassedText[] | undefined {
  const root = treeOf(code, language);
  if (root === undefined) return undefined;
  const pieces: ClassedText[] = [];
  const walk = (node: HastNode, classes: string[]) => {
    if (node.type === "text") pieces.push({ text: node.value ?? "", classes });
    const names = (node.properties?.className ?? []) as string[];
    for (const child of node.children ?? []) {
      walk(child, names.length ? names : classes);
    }
  };
  walk(root, []);
  return pieces;
}

/** A line of code as spans, highlighted when its language is known. */
export function highlight(line: string, language: string): Span[] {
  const root = treeOf(line, language);
  if (root === undefined) return [{ text: line, sgr: [] }];
  const spans: Span[] = [];
  const walk = (node: HastNode, sgr: string[]) => {
    if (node.type === "text") spans.push({ text: node.value ?? "", sgr });
    const names = (node.properties?.className ?? []) as string[];
    const colors = names.flatMap((name) =>
      CODE_COLORS[name.replace(/^hljs-/, "")] ?? []
    );
    for (const child of node.children ?? []) {
      walk(child, colors.length ? colors : sgr);
    }
  };
  walk(root, []);
  return spans;
}

/** lowlight's tree of the code, or `undefined` for a language not highlighted. */
function treeOf(code: string, language: string): HastNode | undefined {
  if (!language || !lowlight.registered(language)) return undefined;
  return lowlight.highlight(language, code) as HastNode;
}

interface HastNode {
  type: string;
  value?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
}
