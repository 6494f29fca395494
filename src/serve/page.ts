/**
 * The chat page's files (a stand-in until the page itself comes: one page
 * that says where the API is).
 *
 * @module
 */
import { CSP } from "./replies.ts";

const PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>gpt4o</title>
<h1>gpt4o</h1>
<p>This server answers OpenAI's API at <code>/v1</code>: point an SDK's base
URL at it.</p>
`;

/**
 * The answer to a `GET` or `HEAD` of a page file (`/`), with the page's
 * headers; `undefined` for any other path or method.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageResponse } from "./page.ts";
 * const page = pageResponse(new Request("http://127.0.0.1:1337/"));
 * assert.equal(page?.headers.get("content-type"), "text/html; charset=utf-8");
 * assert.equal(pageResponse(new Request("http://127.0.0.1:1337/x")), undefined);
 * ```
 */
export function pageResponse(request: Request): Response | undefined {
  const { pathname } = new URL(request.url);
  if (pathname !== "/" || !["GET", "HEAD"].includes(request.method)) {
    return undefined;
  }
  return new Response(request.method === "HEAD" ? null : PAGE, {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "no-cache",
    },
  });
}
