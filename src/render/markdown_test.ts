import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import { type MarkdownOptions, MarkdownStream, warmUp } from "./markdown.ts";
import { terminalOutput } from "../io/terminal.ts";
import { screenOf } from "../../testdata/screen.ts";

import CORPUS from "../../testdata/markdown/corpus.md" with { type: "text" };
/** `deno test --allow-write=testdata -- --update` rewrites the golden files. */
const UPDATE = Deno.args.includes("--update");

/** What the stream printed for `pieces`, every write and style in order. */
function render(
  pieces: string[],
  options: Partial<MarkdownOptions> = {},
): string {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 40, color: false, hyperlinks: false, ...options },
  );
  for (const piece of pieces) markdown.write(piece);
  markdown.end();
  return printed;
}

/** Escapes shown as `␛` and bells as `␇`, so that a golden file reads in a diff. */
function readable(text: string): string {
  return text.replaceAll("\x1b", "␛").replaceAll("\x07", "␇");
}

testWith({ name: "read", path: "testdata" })(
  "the corpus renders as its golden file",
  async (t) => {
    for (const width of [40, 100]) {
      for (const color of [false, true]) {
        const name = `corpus.${width}${color ? ".color" : ""}.txt`;
        await t.step(name, async () => {
          const url = new URL(
            `../../testdata/markdown/${name}`,
            import.meta.url,
          );
          const shown = readable(
            render([CORPUS], { width: () => width, color, hyperlinks: color }),
          );
          if (UPDATE) await Deno.writeTextFile(url, shown);
          assert.equal(shown, await Deno.readTextFile(url));
        });
      }
    }
  },
);

Deno.test("without color nothing but text and line breaks is printed", () => {
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(render([CORPUS]), /[\x00-\x09\x0b-\x1f]/);
});

Deno.test("a stream split anywhere ends on the screen of the whole text", async (t) => {
  for (const color of [false, true]) {
    await t.step(color ? "with color" : "without color", () => {
      const options = { color, hyperlinks: color };
      const whole = screenOf(render([CORPUS], options));
      for (let at = 1; at < CORPUS.length; at++) {
        const shown = screenOf(
          render([CORPUS.slice(0, at), CORPUS.slice(at)], options),
        );
        if (shown !== whole) {
          assert.equal(shown, whole, `split at ${at}`);
        }
      }
    });
  }
  await t.step("a character at a time", () => {
    assert.equal(screenOf(render([...CORPUS])), screenOf(render([CORPUS])));
  });
});

Deno.test("finished lines are printed once; only the line in progress is redrawn", () => {
  const printed = render(["# Title\n\nSome **bold", "** words\nand mo", "re"]);
  assert.equal(
    printed,
    "Title\n═════\n\n" +
      "\r\x1b[2KSome **bold" + // the line in progress, raw
      "\r\x1b[2KSome bold words\n" + // complete: rendered, for good
      "\r\x1b[2Kand mo" +
      "re" + // the line in progress grows in place
      "\r\x1b[2Kand more\n",
  );
});

Deno.test("the line in progress shows its end on one row when it is wider, redrawn once every half row", () => {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 21, color: false, hyperlinks: false },
  );
  const rows: string[] = [];
  for (
    const piece of "one two three four five six seven eight nine".split(/(?= )/)
  ) {
    markdown.write(piece);
    rows.push(screenOf(printed));
  }
  assert.deepEqual(rows, [
    "one",
    "one two",
    "one two three",
    "one two three four",
    " four five", // wider than the row: its end, half a row
    " four five six",
    " four five six seven",
    "even eight", // the row full again: redrawn
    "even eight nine",
  ]);
  assert.equal(printed.split("\r\x1b[2K").length - 1, 3, "three redraws");
});

Deno.test("a resize takes effect from the next line", () => {
  let width = 20;
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => width, color: false, hyperlinks: false },
  );
  const line = "one two three four five six seven eight\n";
  markdown.write(line);
  width = 80;
  markdown.write(line);
  markdown.end();
  assert.equal(
    printed,
    "one two three four\nfive six seven eight\n" +
      "one two three four five six seven eight\n",
  );
});

Deno.test("a code block's lines appear as they complete", () => {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 30, color: false, hyperlinks: false },
  );
  markdown.write("```sh\necho one\n");
  assert.equal(
    screenOf(printed),
    "┌─ sh ────────────────────────\n│ echo one\n",
  );
  markdown.write("echo two\n```\n");
  markdown.end();
  assert.equal(
    screenOf(printed),
    "┌─ sh ────────────────────────\n│ echo one\n│ echo two\n" +
      "└─────────────────────────────\n",
  );
});

Deno.test("a table waits for its last row, its latest shown meanwhile, then fits its columns", () => {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 40, color: false, hyperlinks: false },
  );
  markdown.write("| a | b |\n");
  assert.equal(screenOf(printed), "| a | b |", "maybe a table's header");
  markdown.write("|---|---|\n| 1 | 2 |\n");
  assert.equal(screenOf(printed), "| 1 | 2 |");
  markdown.write("\nafter\n");
  markdown.end();
  assert.equal(
    screenOf(printed),
    "┌─────┬─────┐\n│ a   │ b   │\n├─────┼─────┤\n│ 1   │ 2   │\n" +
      "└─────┴─────┘\n\nafter\n",
  );
});

Deno.test("a line with a | that is no table is printed as text", () => {
  assert.equal(render(["a | b\nnext\n"]), "a | b\nnext\n");
  assert.equal(render(["- x | y\n"]), "• x | y\n");
});

Deno.test("nothing the server sends acts on the terminal", async (t) => {
  const hostile = [
    "# \x1b]0;pwned\x07Title",
    "text \x1b[2J and `code \x1b[31m` and **\x9b31m**",
    "- item \x1b]52;c;ZWNobyBvd25lZA==\x07",
    "> quote \x1b[8m",
    "| a\x1b[5m | b |\n|---|---|\n| \x07 | c |",
    "```sh\nrm -rf / \x1b[1A\n```",
    "[link \x1b[2J](https://example.com/\x1b]8;;evil\x07)",
  ];
  for (const source of hostile) {
    await t.step(JSON.stringify(source), () => {
      let printed = "";
      const markdown = new MarkdownStream(
        terminalOutput({ write: (text) => void (printed += text) }),
        { width: () => 40, color: true, hyperlinks: true },
      );
      markdown.write(source);
      markdown.end();
      const ours = printed
        // deno-lint-ignore no-control-regex
        .replace(/\x1b\[[0-9;]*m/g, "") // the program's own styles
        // deno-lint-ignore no-control-regex
        .replace(/\x1b\]8;;[^\x1b\x07]*\x1b\\/g, "") // its hyperlinks
        .replaceAll("\r\x1b[2K", ""); // its redraw of the line in progress
      // deno-lint-ignore no-control-regex
      assert.doesNotMatch(ours, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    });
  }
});

Deno.test("a link is an OSC 8 hyperlink only to an http(s) URL", async (t) => {
  const cases: [string, string][] = [
    [
      "[file](file:///etc/passwd)",
      "\x1b[4;34mfile\x1b[0m\x1b[2m (file:///etc/passwd)\x1b[0m\n",
    ],
    [
      "[guide](https://example.com/a)",
      "\x1b[4;34m\x1b]8;;https://example.com/a\x1b\\guide\x1b]8;;\x1b\\\x1b[0m" +
      "\x1b[2m (https://example.com/a)\x1b[0m\n",
    ],
    [
      "[run](javascript:alert(1))",
      "\x1b[4;34mrun\x1b[0m\x1b[2m (javascript:alert(1))\x1b[0m\n",
    ],
    [
      "<https://example.com/>",
      "\x1b[4;34m\x1b]8;;https://example.com/\x1b\\https://example.com/\x1b]8;;\x1b\\\x1b[0m\n",
    ],
  ];
  for (const [source, expected] of cases) {
    await t.step(source, () => {
      assert.equal(
        render([`${source}\n`], { color: true, hyperlinks: true }),
        expected,
      );
    });
  }
  await t.step("without hyperlinks, the URL alone", () => {
    assert.equal(
      render(["[guide](https://example.com/a)\n"]),
      "guide (https://example.com/a)\n",
    );
  });
});

Deno.test("a very long line is printed as it streams, not held whole", () => {
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 40, color: false, hyperlinks: false },
  );
  for (const piece of "word ".repeat(4_000).match(/[^]{1,7}/g)!) {
    markdown.write(piece);
  }
  const before = screenOf(printed).split("\n");
  assert.ok(before.length > 300, "rows were printed before the line ended");
  assert.ok(before.at(-1)!.length <= 40, "the end in progress fits its row");
  markdown.end();
  const rows = screenOf(printed).split("\n").slice(0, -1);
  assert.deepEqual(rows.filter((row) => row.length > 40), []);
  assert.equal(rows.join(" ").split(" ").filter(Boolean).length, 4_000);
});

Deno.test("warmUp() renders its samples one step at a time, and stops when an answer's text arrives", () => {
  const queued: (() => void)[] = [];
  const schedule = (step: () => void) => {
    queued.push(step);
    return { cancel: () => void queued.splice(queued.indexOf(step), 1) };
  };
  const run = () => queued.shift()!();
  const samples = ["# A\n", "| a |\n|---|\n| 1 |\n", "```ts\nx\n```\n"];
  {
    using _warm = warmUp({ samples, schedule });
    assert.equal(queued.length, 1, "nothing rendered before its turn");
    run();
    assert.equal(queued.length, 1, "one step, then the next is scheduled");
    const answer = new MarkdownStream({ write: () => {} }, {
      width: () => 80,
      color: false,
      hyperlinks: false,
    });
    answer.write("");
    assert.equal(queued.length, 1, "no text yet: it goes on");
    answer.write("The answer");
    assert.equal(queued.length, 0, "the answer's text stops it");
  }
  using _again = warmUp({ samples, schedule }); // the next turn goes on
  run();
  run();
  assert.equal(queued.length, 0, "all three samples rendered");
  using _done = warmUp({ samples, schedule });
  assert.equal(queued.length, 0, "warm already: nothing to do");
});

Deno.test("warmUp() stops when disposed", () => {
  const queued: (() => void)[] = [];
  const schedule = (step: () => void) => {
    queued.push(step);
    return { cancel: () => void queued.splice(queued.indexOf(step), 1) };
  };
  {
    using _warm = warmUp({ samples: ["a\n", "b\n"], schedule });
  }
  assert.equal(queued.length, 0);
});
