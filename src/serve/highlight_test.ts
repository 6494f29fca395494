import assert from "node:assert/strict";
import { HIGHLIGHT_LIMIT, highlightResponse, spansOf } from "./highlight.ts";

const joined = (spans: { text: string }[]) =>
  spans.map((span) => span.text).join("");

Deno.test("highlightResponse() answers the spans of the code as JSON, not to be cached", async () => {
  const response = highlightResponse({
    code: 'def f(x):\n    return "x"  # done',
    language: "python",
  });
  assert.equal(response.status, 200);
  assert.deepEqual(Object.fromEntries(response.headers), {
    "cache-control": "no-store",
    "content-type": "application/json; charset=utf-8",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  });
  assert.deepEqual(await response.json(), {
    spans: [
      { text: "def", class: "hljs-keyword" },
      { text: " " },
      { text: "f", class: "hljs-title function_" },
      { text: "(" },
      { text: "x", class: "hljs-params" },
      { text: "):\n    " },
      { text: "return", class: "hljs-keyword" },
      { text: " " },
      { text: '"x"', class: "hljs-string" },
      { text: "  " },
      { text: "# done", class: "hljs-comment" },
    ],
  });
});

Deno.test("the spans put together are the code, in every language and none", async (t) => {
  const samples: [string, string][] = [
    ["ts", "const a: string = `x${1 + 2}`; // t\n/* block\ncomment */\n"],
    ["JavaScript", "let re = /a+b/g;\nfunction f() { return null }"],
    ["rust", 'fn main() { println!("{}", 1u8); }\n'],
    ["bash", 'echo "$HOME" | grep -v x && exit 1\n'],
    ["json", '{"a": [1, true, null]}'],
    ["html", '<p class="x">a &amp; b</p>\n<script>alert(1)</script>'],
    ["sql", "SELECT * FROM t WHERE a = 'x';"],
    ["go", "package main\nfunc main() {}\n"],
    ["css", "a:hover { color: #fff; }"],
    ["", "plain text\n"],
    ["brainfuck", "++[>+<-]"],
    ["ts", "\u0000\u001b[31m\r\n\t😀 ✓"],
    ["ts", ""],
  ];
  for (const [language, code] of samples) {
    await t.step(
      `${language || "(none)"}: ${JSON.stringify(code.slice(0, 20))}`,
      () => {
        const spans = spansOf(code, language);
        assert.equal(joined(spans), code);
        assert.ok(spans.every((span) => span.text !== ""));
        // Neighbours never share a class: they would have been one span.
        spans.slice(1).forEach((span, index) =>
          assert.notEqual(span.class, spans[index].class)
        );
      },
    );
  }
});

Deno.test("a language that is not highlighted, or none, is one plain span", () => {
  for (const language of ["", "cobol", "  ", "constructor", "__proto__"]) {
    assert.deepEqual(spansOf("x = 1", language), [{ text: "x = 1" }], language);
  }
  assert.deepEqual(spansOf("x = 1", " PY "), [
    { text: "x = " },
    { text: "1", class: "hljs-number" },
  ]);
});

Deno.test("highlightResponse() refuses what is not {code, language?}, in the API's shape", async (t) => {
  const cases: [string, unknown, string][] = [
    [
      "no body",
      null,
      'the body must be JSON {"code": string, "language"?: string}',
    ],
    [
      "an array",
      [],
      'the body must be JSON {"code": string, "language"?: string}',
    ],
    [
      "no code",
      { language: "ts" },
      'the body must be JSON {"code": string, "language"?: string}',
    ],
    [
      "code of numbers",
      { code: 42 },
      'the body must be JSON {"code": string, "language"?: string}',
    ],
    [
      "a language of numbers",
      { code: "x", language: 1 },
      "language must be a string",
    ],
  ];
  for (const [name, body, message] of cases) {
    await t.step(name, async () => {
      const response = highlightResponse(body);
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        error: { message, type: "invalid_request_error", code: "invalid_body" },
      });
    });
  }
});

Deno.test("code over the limit is a 413; code at it is highlighted", async () => {
  const at = highlightResponse({ code: "x".repeat(HIGHLIGHT_LIMIT) });
  assert.equal(at.status, 200);
  assert.deepEqual(await at.json(), {
    spans: [{ text: "x".repeat(HIGHLIGHT_LIMIT) }],
  });
  const over = highlightResponse({
    code: "x".repeat(HIGHLIGHT_LIMIT + 1),
    language: "ts",
  });
  assert.equal(over.status, 413);
  assert.equal(
    over.headers.get("content-type"),
    "application/json; charset=utf-8",
  );
  assert.deepEqual(await over.json(), {
    error: {
      message:
        "the code is over 262,144 characters: it is shown without highlighting",
      type: "invalid_request_error",
      code: "too_large",
    },
  });
});
