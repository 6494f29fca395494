import assert from "node:assert/strict";
import { TOOL_RESULT_CHARS, uniqueNames } from "./box.ts";
import { describeServer, resultText } from "./text.ts";
import type { ToolServer } from "../config/file.ts";

const NONE = { read: [], write: [], net: [], env: [], run: [] };

Deno.test("uniqueNames() keeps a tool's own name unless another server has it, in the characters a model may call", () => {
  assert.deepEqual(
    uniqueNames([
      { server: "files", tool: "read" },
      { server: "notes", tool: "read" },
      { server: "notes", tool: "search notes" },
      { server: "web", tool: "fetch.page" },
      { server: "a", tool: "x".repeat(80) },
      { server: "b", tool: "" },
    ]),
    [
      "files_read",
      "notes_read",
      "search_notes",
      "fetch_page",
      "x".repeat(64),
      "tool",
    ],
  );
  assert.deepEqual(
    uniqueNames([
      { server: "a", tool: "a_b" },
      { server: "a", tool: "a b" },
    ]),
    ["a_a_b", "a_a_b_2"],
  );
});

Deno.test("resultText() gives the model the text parts, names the rest, and cuts a long result", () => {
  assert.equal(
    resultText({
      content: [
        { type: "text", text: "one" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
        { type: "resource", resource: { uri: "file:///a", text: "two" } },
        { type: "resource", resource: { uri: "file:///b", blob: "AA" } },
      ],
    }),
    "one\n[image image/png, not shown to the model]\ntwo\n" +
      "[resource file:///b, not shown to the model]",
  );
  assert.equal(
    resultText({ content: [], structuredContent: { n: 1 } }),
    '{"n":1}',
  );
  const long = resultText({
    content: [{ type: "text", text: "a".repeat(TOOL_RESULT_CHARS + 5) }],
  });
  assert.equal(
    long,
    `${"a".repeat(TOOL_RESULT_CHARS)}\n[… 5 more characters left out]`,
  );
});

Deno.test("describeServer() says what a sandboxed server may reach, and that the others are not sandboxed", () => {
  const server = (more: Partial<ToolServer>): ToolServer => ({
    name: "s",
    kind: "module",
    target: "npm:x",
    args: [],
    grants: NONE,
    env: {},
    headers: {},
    allow: [],
    ...more,
  });
  assert.equal(describeServer(server({})), "sandboxed: nothing granted");
  assert.equal(
    describeServer(server({
      grants: { ...NONE, read: ["/a", "/b"], net: ["example.com"] },
    })),
    "sandboxed: read /a, /b; net example.com",
  );
  assert.equal(
    describeServer(server({
      kind: "url",
      target: "https://u:p@mcp.example/v1?token=t",
    })),
    "remote, at https://mcp.example/v1",
  );
});
