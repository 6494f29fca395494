/**
 * `POST /api/highlight` (a stand-in until the page's own: the code as one
 * span, unhighlighted).
 *
 * @module
 */
import { badRequest, errorResponse, json } from "./replies.ts";

/**
 * The answer to `{"code": text, "language"?: text}`: `{"spans": [{"text"}]}`,
 * whose texts together are the code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { highlightResponse } from "./highlight.ts";
 * const response = highlightResponse({ code: "let x = 1;", language: "ts" });
 * assert.deepEqual(await response.json(), { spans: [{ text: "let x = 1;" }] });
 * ```
 */
export function highlightResponse(body: unknown): Response {
  const code = (body as { code?: unknown } | null)?.code;
  if (typeof code !== "string") {
    return errorResponse(badRequest("code must be a text", "invalid_value"));
  }
  return json({ spans: [{ text: code }] });
}
