/**
 * The chat page of `gpt4o --serve`: its files, read into the program by
 * imports (so that `deno bundle` and the installed command carry them, and
 * nothing is read from disk at run time), each answered with the page's
 * Content-Security-Policy and its content type.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageResponse } from "./page.ts";
 * const page = pageResponse(new Request("http://127.0.0.1:8080/"))!;
 * assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
 * assert.match(await page.text(), /^<!doctype html>/);
 * assert.equal(pageResponse(new Request("http://127.0.0.1:8080/v1/models")), undefined);
 * ```
 *
 * The page's scripts are plain browser modules (`page/page.js` and the ones it
 * imports); marked's browser build is the npm package's own, served as
 * `/marked.js`. The image limits of `src/files/kinds.ts`, and
 * `./highlight.ts`'s, reach the page as attributes of its `<body>`.
 *
 * @module
 */
import marked from "marked" with { type: "text" };
import html from "./page/index.html" with { type: "text" };
import css from "./page/page.css" with { type: "text" };
import messagesCss from "./page/messages.css" with { type: "text" };
import page from "./page/page.js" with { type: "text" };
import api from "./page/api.js" with { type: "text" };
import markdown from "./page/markdown.js" with { type: "text" };
import images from "./page/images.js" with { type: "text" };
import conversations from "./page/conversations.js" with { type: "text" };
import icon from "./page/icon.svg" with { type: "text" };
import { IMAGE_LIMIT, MEDIA_TYPES, REQUEST_LIMIT } from "../files/kinds.ts";
import { HIGHLIGHT_LIMIT } from "./highlight.ts";
import { CSP } from "./replies.ts";

const HTML = "text/html; charset=utf-8";
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** The images the page takes: the media types of the kinds that are images. */
const IMAGE_TYPES = Object.values(MEDIA_TYPES).filter((type) =>
  type.startsWith("image/")
);

/** Each file of the page by its path, with its content type. */
const FILES: ReadonlyMap<string, { type: string; body: string }> = new Map([
  ["/", { type: HTML, body: withLimits(html) }],
  ["/index.html", { type: HTML, body: withLimits(html) }],
  ["/page.css", { type: CSS, body: css }],
  ["/messages.css", { type: CSS, body: messagesCss }],
  ["/page.js", { type: JS, body: page }],
  ["/api.js", { type: JS, body: api }],
  ["/markdown.js", { type: JS, body: markdown }],
  ["/images.js", { type: JS, body: images }],
  ["/conversations.js", { type: JS, body: conversations }],
  ["/marked.js", { type: JS, body: withoutSourceMap(marked) }],
  ["/icon.svg", { type: "image/svg+xml", body: icon }],
]);

/** The paths the page is made of. */
export const PAGE_PATHS: readonly string[] = [...FILES.keys()];

/**
 * The answer to a `GET` or `HEAD` of one of the page's files, or `undefined`
 * for any other path or method (the server answers those).
 */
export function pageResponse(request: Request): Response | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  const file = FILES.get(new URL(request.url).pathname);
  if (file === undefined) return undefined;
  return new Response(request.method === "HEAD" ? null : file.body, {
    headers: {
      "Content-Type": file.type,
      "Content-Security-Policy": CSP,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-cache",
    },
  });
}

/**
 * The page with the program's image limits, and the most code highlighted at
 * once, in its `<body>`'s attributes.
 */
function withLimits(text: string): string {
  return text
    .replace("{{IMAGE_LIMIT}}", String(IMAGE_LIMIT))
    .replace("{{REQUEST_LIMIT}}", String(REQUEST_LIMIT))
    .replace("{{IMAGE_TYPES}}", IMAGE_TYPES.join(" "))
    .replace("{{HIGHLIGHT_LIMIT}}", String(HIGHLIGHT_LIMIT));
}

/** marked's build without its last line's source map, which is not served. */
function withoutSourceMap(text: string): string {
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}
