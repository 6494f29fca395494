/**
 * The words a server put in an error body, whatever its shape: OpenAI's
 * `{"error": {"message": …}}`, g4f's and gateways' `{"error": "text"}`,
 * RFC 9457 problem details (`title`, `detail`), FastAPI's `{"detail": …}`.
 *
 * @module
 */

/** The longest server message quoted in a failure. */
export const MAX_QUOTE = 300;

/**
 * The server's message in `body` on one line, at most {@linkcode MAX_QUOTE}
 * characters; the JSON itself only when no known field holds words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serverMessage } from "./server_message.ts";
 * assert.equal(serverMessage({ error: "Model not supported" }), "Model not supported");
 * assert.equal(
 *   serverMessage({ type: "about:blank", title: "Bad Request", detail: "No model given" }),
 *   "Bad Request: No model given",
 * );
 * ```
 */
export function serverMessage(body: unknown): string {
  return quoteLine(wordsOf(body) ?? "");
}

function wordsOf(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "object") return String(body);
  const { message, error, title, detail } = body as Record<string, unknown>;
  if (typeof message === "string" && message) return message;
  const inner = error === undefined ? undefined : wordsOf(error);
  if (inner) return inner;
  const problem = [title, typeof detail === "object" ? undefined : detail]
    .filter((part) => typeof part === "string" && part);
  if (problem.length) return problem.join(": ");
  return JSON.stringify(message ?? detail ?? body);
}

/** `text` on one line, cut to {@linkcode MAX_QUOTE} characters. */
export function quoteLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_QUOTE ? `${line.slice(0, MAX_QUOTE - 1)}…` : line;
}
