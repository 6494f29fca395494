/**
 * `POST /api/highlight` of `gpt4o --serve`: a code block of the chat page
 * highlighted by the terminal renderer's lowlight (highlight.js) setup
 * (`src/render/code.ts`), as a flat list of spans whose texts put together
 * are the code, each with highlight.js's classes (which `page.css` colors).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { highlightResponse } from "./highlight.ts";
 * const response = highlightResponse({ code: "let a", language: "js" });
 * assert.equal(response.status, 200);
 * assert.deepEqual(await response.json(), {
 *   spans: [{ text: "let", class: "hljs-keyword" }, { text: " a" }],
 * });
 * ```
 *
 * A language it does not highlight (or none) gives the code as one plain
 * span; a body that is not `{code, language?}` is a 400, and code over
 * {@linkcode HIGHLIGHT_LIMIT} a 413, in the API's error shape.
 *
 * @module
 */
import { classedText } from "../render/code.ts";

/**
 * The most code highlighted at once, in UTF-16 code units: 256 Ki, what the
 * terminal lays out of a table; the page shows a longer block plain.
 */
export const HIGHLIGHT_LIMIT = 256 * 1024;

/** One piece of highlighted code, as the page receives it. */
export interface HighlightSpan {
  text: string;
  /** highlight.js's classes, space-separated (`hljs-title function_`). */
  class?: string;
}

/** The headers of every answer of the API. */
const API_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/** The answer to `POST /api/highlight` with the JSON body `body`. */
export function highlightResponse(body: unknown): Response {
  if (!isRecord(body) || typeof body.code !== "string") {
    return failure(
      400,
      "invalid_body",
      'the body must be JSON {"code": string, "language"?: string}',
    );
  }
  if (body.language !== undefined && typeof body.language !== "string") {
    return failure(400, "invalid_body", "language must be a string");
  }
  if (body.code.length > HIGHLIGHT_LIMIT) {
    return failure(
      413,
      "too_large",
      `the code is over ${HIGHLIGHT_LIMIT.toLocaleString("en")} ` +
        "characters: it is shown without highlighting",
    );
  }
  return Response.json(
    { spans: spansOf(body.code, body.language ?? "") },
    { headers: API_HEADERS },
  );
}

/**
 * The code's spans: neighbours with the same classes joined, no empty one,
 * one plain span for a language that is not highlighted.
 */
export function spansOf(code: string, language: string): HighlightSpan[] {
  const pieces = classedText(code, language.trim().toLowerCase()) ??
    [{ text: code, classes: [] }];
  const spans: HighlightSpan[] = [];
  for (const { text, classes } of pieces) {
    if (text === "") continue;
    const name = classes.join(" ");
    const last = spans.at(-1);
    if (last && (last.class ?? "") === name) {
      last.text += text;
    } else {
      spans.push(name ? { text, class: name } : { text });
    }
  }
  return spans;
}

function failure(status: number, code: string, message: string): Response {
  return Response.json(
    { error: { message, type: "invalid_request_error", code } },
    { status, headers: API_HEADERS },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
