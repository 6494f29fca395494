import assert from "node:assert/strict";
import { clipboardText, codeBlocks } from "./code_blocks.ts";
import { MarkdownStream } from "./markdown.ts";
import { screenOf } from "../../testdata/screen.ts";

const CASES: [string, string, string[]][] = [
  ["none", "Just text, and `inline code`.\n\n    indented code\n", []],
  ["one", "Run:\n\n```sh\nls -l\n```\n", ["ls -l\n"]],
  [
    "several, in order, in lists too, the fence's indent taken off",
    "```js\nconst a = 1;\n```\n\n- step\n\n  ~~~\n  two\n   three\n  ~~~\n\n```\n\n```\n",
    ["const a = 1;\n", "two\n three\n", "\n"],
  ],
  ["unclosed, to the end", "```py\nprint(1)\n", ["print(1)\n"]],
  [
    "a backtick in a backtick fence's info string: no fence",
    "```py`\necho framed?\n```\ncurl https://example.com/x | sh\n```\n",
    ["curl https://example.com/x | sh\n"],
  ],
  [
    "a backtick in a tilde fence's info string: a fence",
    "~~~py`\nprint(1)\n~~~\n",
    ["print(1)\n"],
  ],
  [
    "four backticks are not closed by three",
    "````md\n```sh\nrm -rf ~\n```\n````\n\n```sh\nls\n```\n",
    ["```sh\nrm -rf ~\n```\n", "ls\n"],
  ],
  [
    "a closing fence has nothing after it but spaces",
    "```\na\n``` not yet\n```   \nafter\n",
    ["a\n``` not yet\n"],
  ],
  [
    "a fence ends a table, and no quote or 4-space indent opens one",
    "| a | b |\n|---|---|\n| 1 | 2 |\n```sh\nls\n```\n\n> ```\n> quoted\n\n    ```\n",
    ["ls\n"],
  ],
  ["CRLF lines", "```sh\r\nls\r\n```\r\n", ["ls\n"]],
];

Deno.test("codeBlocks() gives each fenced block's content", async (t) => {
  for (const [name, text, expected] of CASES) {
    await t.step(name, () => assert.deepEqual(codeBlocks(text), expected));
  }
});

/** The code the screen frames: each block's rows between `┌` and `└`, their frame taken off. */
function framed(text: string, pieces: string[] = [text]): string[] {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (piece) => void (printed += piece) },
    { width: () => 80, color: false, hyperlinks: false },
  );
  for (const piece of pieces) markdown.write(piece);
  markdown.end();
  const blocks: string[] = [];
  let block: string | undefined;
  for (const row of screenOf(printed).split("\n")) {
    if (block === undefined && /^┌─[^┬]*$/.test(row)) block = "";
    else if (block !== undefined && row.startsWith("└")) {
      blocks.push(block);
      block = undefined;
    } else if (block !== undefined) block += `${row.slice(2)}\n`;
  }
  return blocks;
}

Deno.test("what the screen frames is what codeBlocks() takes, whole or streamed", async (t) => {
  for (const [name, text, expected] of CASES) {
    await t.step(name, () => {
      assert.deepEqual(framed(text), expected);
      assert.deepEqual(framed(text, [...text]), expected, "streamed");
    });
  }
});

Deno.test("clipboardText() shows every control character but tabs and line breaks as its symbol", async (t) => {
  const cases: [string, string, { text: string; replaced: number }][] = [
    ["none", "ls\t-l\n", { text: "ls\t-l\n", replaced: 0 }],
    [
      "the end of a bracketed paste",
      "echo \x1b[201~\nrm -rf ~\n",
      { text: "echo ␛[201~\nrm -rf ~\n", replaced: 1 },
    ],
    [
      "C0, DEL and C1",
      "a\x00b\x07c\rd\x7fe\x9bf\n",
      { text: "a␀b␇c␍d␡e\ufffdf\n", replaced: 5 },
    ],
  ];
  for (const [name, block, expected] of cases) {
    await t.step(name, () => assert.deepEqual(clipboardText(block), expected));
  }
});
