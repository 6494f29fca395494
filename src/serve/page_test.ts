import assert from "node:assert/strict";
import { PAGE_PATHS, pageResponse } from "./page.ts";
import { CSP } from "./replies.ts";
import { IMAGE_LIMIT, REQUEST_LIMIT } from "../files/kinds.ts";
import { HIGHLIGHT_LIMIT } from "./highlight.ts";
import marked from "marked" with { type: "text" };
import PAGE_JS from "./page/page.js" with { type: "text" };
import { testWith } from "../../testdata/permissions.ts";

const ORIGIN = "http://127.0.0.1:8080";

const get = (path: string, method = "GET") =>
  pageResponse(new Request(`${ORIGIN}${path}`, { method }));

Deno.test("the page's Content-Security-Policy lets nothing come from another origin, and no inline script or style", () => {
  assert.equal(
    CSP,
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
      "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; " +
      "form-action 'none'; frame-ancestors 'none'",
  );
});

Deno.test("each file of the page has its content type and the page's headers", async (t) => {
  const types: Record<string, string> = {
    "/": "text/html; charset=utf-8",
    "/index.html": "text/html; charset=utf-8",
    "/page.css": "text/css; charset=utf-8",
    "/messages.css": "text/css; charset=utf-8",
    "/page.js": "text/javascript; charset=utf-8",
    "/api.js": "text/javascript; charset=utf-8",
    "/markdown.js": "text/javascript; charset=utf-8",
    "/images.js": "text/javascript; charset=utf-8",
    "/conversations.js": "text/javascript; charset=utf-8",
    "/marked.js": "text/javascript; charset=utf-8",
    "/icon.svg": "image/svg+xml",
  };
  assert.deepEqual([...PAGE_PATHS].sort(), Object.keys(types).sort());
  for (const [path, type] of Object.entries(types)) {
    await t.step(path, async () => {
      const response = get(path)!;
      assert.equal(response.status, 200);
      assert.deepEqual(Object.fromEntries(response.headers), {
        "cache-control": "no-cache",
        "content-security-policy": CSP,
        "content-type": type,
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
      });
      assert.ok((await response.text()).length > 0);
    });
  }
});

Deno.test("a HEAD has a GET's headers and no body", async () => {
  const head = get("/page.js", "HEAD")!;
  assert.equal(head.status, 200);
  assert.deepEqual(
    Object.fromEntries(head.headers),
    Object.fromEntries(get("/page.js")!.headers),
  );
  assert.equal(head.body, null);
  assert.equal(await head.text(), "");
});

Deno.test("pageResponse() leaves any other path or method to the server", async (t) => {
  for (
    const [path, method] of [
      ["/v1/models", "GET"],
      ["/api/conversations", "GET"],
      ["/favicon.ico", "GET"],
      ["/page.js.map", "GET"],
      ["/marked.esm.js.map", "GET"],
      ["/src/serve/page.ts", "GET"],
      ["/page/page.js", "GET"],
      ["/PAGE.JS", "GET"],
      ["/", "POST"],
      ["/page.js", "PUT"],
      ["/", "OPTIONS"],
    ]
  ) {
    await t.step(`${method} ${path}`, () => {
      assert.equal(get(path, method), undefined);
    });
  }
});

Deno.test("a query or a fragment does not change the file", async () => {
  assert.equal(
    await get("/page.css?v=2")!.text(),
    await get("/page.css")!.text(),
  );
});

Deno.test("the page carries the program's image limits and types, and the highlighting limit, in its body", async () => {
  const html = await get("/")!.text();
  assert.ok(
    html.includes(
      `data-image-limit="${IMAGE_LIMIT}"\n` +
        `    data-request-limit="${REQUEST_LIMIT}"\n` +
        `    data-image-types="image/png image/jpeg image/webp image/gif"\n` +
        `    data-highlight-limit="${HIGHLIGHT_LIMIT}"`,
    ),
    html,
  );
  assert.doesNotMatch(html, /\{\{/);
});

Deno.test("the page names no other origin and nothing inline: every script and sheet is its own", async () => {
  const html = await get("/")!.text();
  assert.doesNotMatch(html, /https?:\/\//);
  assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i);
  assert.deepEqual(
    [...html.matchAll(/<script\b[^>]*>([^<]*)<\/script>/g)].map((match) => [
      match[0].match(/src="([^"]+)"/)?.[1],
      match[1],
    ]),
    [["/page.js", ""]],
  );
  assert.deepEqual(
    [...html.matchAll(/<link\b[^>]*href="([^"]+)"/g)].map((match) => match[1]),
    ["/icon.svg", "/page.css", "/messages.css"],
  );
  // The page's modules import one another, and marked, by the paths served.
  const imports = [...PAGE_JS.matchAll(/from "\.(\/[\w.]+)"/g)].map((match) =>
    match[1]
  );
  assert.deepEqual(imports, [
    "/api.js",
    "/markdown.js",
    "/images.js",
    "/conversations.js",
  ]);
  for (const path of imports) assert.ok(PAGE_PATHS.includes(path), path);
});

Deno.test("/marked.js is the npm package's browser build, its source map left out", async () => {
  const served = await get("/marked.js")!.text();
  assert.match(marked, /\n\/\/# sourceMappingURL=marked\.esm\.js\.map\n$/);
  assert.equal(served, marked.replace(/\/\/# sourceMappingURL=.*\n$/, ""));
  assert.match(served, /^\/\*\*\n \* marked v18\./);
  assert.match(served, /export\{.*\bLexer\b/s);
});

const bundling = testWith(
  { name: "run", command: "deno" },
  { name: "read", path: "." },
  { name: "write", path: ".tmp" },
);

bundling(
  "deno bundle carries every file of the page whole, as the installed command has them",
  async () => {
    const dir = await Deno.makeTempDir({ dir: ".tmp", prefix: "page_bundle" });
    try {
      await Deno.writeTextFile(
        `${dir}/entry.ts`,
        `import { PAGE_PATHS, pageResponse } from "../../src/serve/page.ts";
const files: Record<string, string> = {};
for (const path of PAGE_PATHS) {
  files[path] = await pageResponse(new Request("http://127.0.0.1" + path))!.text();
}
console.log(JSON.stringify(files));
`,
      );
      const bundle = await new Deno.Command("deno", {
        args: [
          "bundle",
          "--quiet",
          "--platform=deno",
          "--code-splitting",
          `--outdir=${dir}/out`,
          `${dir}/entry.ts`,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(bundle.stderr), "");
      assert.equal(bundle.code, 0);
      const run = await new Deno.Command("deno", {
        args: [
          "run",
          "--no-config",
          "--no-lock",
          "--no-remote",
          "--no-npm",
          `${dir}/out/entry.js`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(run.stderr), "");
      const expected: Record<string, string> = {};
      for (const path of PAGE_PATHS) expected[path] = await get(path)!.text();
      assert.deepEqual(
        JSON.parse(new TextDecoder().decode(run.stdout)),
        expected,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
