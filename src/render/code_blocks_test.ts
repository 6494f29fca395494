import assert from "node:assert/strict";
import { codeBlocks } from "./code_blocks.ts";

Deno.test("codeBlocks() gives each fenced block's content", async (t) => {
  const cases: [string, string, string[]][] = [
    ["none", "Just text, and `inline code`.\n\n    indented code\n", []],
    ["one", "Run:\n\n```sh\nls -l\n```\n", ["ls -l\n"]],
    [
      "several, in order, in lists too",
      "```js\nconst a = 1;\n```\n\n- step\n\n  ~~~\n  two\n  ~~~\n\n```\n\n```\n",
      ["const a = 1;\n", "two\n", "\n"],
    ],
    ["unclosed, to the end", "```py\nprint(1)\n", ["print(1)\n"]],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => assert.deepEqual(codeBlocks(text), expected));
  }
});
