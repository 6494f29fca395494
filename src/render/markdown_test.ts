import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import {
  type Later,
  type MarkdownOptions,
  MarkdownStream,
  warmUp,
} from "./markdown.ts";
import { LIMITS, type RenderLimits } from "./limits.ts";
import { terminalOutput } from "../io/terminal.ts";
import { Screen, screenOf, type ScreenSize } from "../../testdata/screen.ts";

import CORPUS from "../../testdata/markdown/corpus.md" with { type: "text" };
/** `deno test --allow-write=testdata -- --update` rewrites the golden files. */
const UPDATE = Deno.args.includes("--update");

/** A clock that says a redraw is never too soon, and a `later` it never needs. */
const NEVER_WAITS = {
  clock: (() => {
    let now = 0;
    return () => (now += 10);
  })(),
  later: (() => {
    throw new Error("a redraw waited");
  }) as Later,
};

/**
 * A stream to a terminal 40 columns wide and 24 rows tall, without color,
 * its redraws never waiting: what it printed so far, every write and style
 * in order, and the screen that shows.
 */
function stream(
  options: Partial<MarkdownOptions> = {},
  output = (write: (text: string) => void) => ({ write }),
) {
  let printed = "";
  const markdown = new MarkdownStream(
    output((text) => void (printed += text)),
    {
      width: () => 40,
      height: () => 24,
      color: false,
      hyperlinks: false,
      ...options,
    },
    NEVER_WAITS,
  );
  const size = (): ScreenSize => ({
    columns: options.width?.() ?? 40,
    rows: options.height?.() ?? 24,
  });
  return {
    markdown,
    printed: () => printed,
    screen: () => screenOf(printed, size()),
  };
}

/** What the stream printed for `pieces`, every write and style in order. */
function render(
  pieces: string[],
  options: Partial<MarkdownOptions> = {},
): string {
  const { markdown, ...shown } = stream(options);
  for (const piece of pieces) markdown.write(piece);
  markdown.end();
  return shown.printed();
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

Deno.test("an H1, an H2 and an H3 each look their own, with color and without", async (t) => {
  const text = "# Court\n## Steps\n### Code\n";
  await t.step("with color", () => {
    assert.equal(
      render([text], { color: true }),
      "\x1b[1;33mCourt\x1b[0m\n\x1b[33m═════\x1b[0m\n\n" + // yellow, double
        "\x1b[1;33mSteps\x1b[0m\n\x1b[2m─────\x1b[0m\n\n" + // yellow, single and dim
        "\x1b[1mCode\x1b[0m\n", // bold
    );
  });
  await t.step("without", () => {
    assert.equal(render([text]), "Court\n═════\n\nSteps\n─────\n\nCode\n");
  });
});

Deno.test("<br> breaks the line, in paragraphs, lists, quotes, headings and table cells", async (t) => {
  const cases: [string, string, string][] = [
    [
      "a paragraph",
      "one<br>two<br/>three<br />four<BR>five\n",
      "one\ntwo\nthree\nfour\nfive\n",
    ],
    ["the spaces around it", "one <br> two\n", "one\ntwo\n"],
    ["two: a blank row", "one<br><br>two\n", "one\n\ntwo\n"],
    ["at the end: nothing", "one<br>\nnext\n", "one\nnext\n"],
    ["a list item: its indent", "- one<br>two\n", "• one\n  two\n"],
    ["a quote: its bar", "> one<br>two\n", "│ one\n│ two\n"],
    [
      "a heading: its rule under the widest",
      "## One<br>second\n",
      "One\nsecond\n──────\n",
    ],
    [
      "a table cell: its row taller, its column as wide as its widest line",
      "| a | b |\n|---|---|\n| one<br>three | x |\n",
      "┌───────┬─────┐\n│ a     │ b   │\n├───────┼─────┤\n" +
      "│ one   │ x   │\n│ three │     │\n└───────┴─────┘\n",
    ],
    ["code: as it is", "`<br>` and \\<br>\n", "<br> and <br>\n"],
    [
      "other HTML: as it is",
      "a <b>b</b> <br class=x>\n",
      "a <b>b</b> <br class=x>\n",
    ],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => assert.equal(render([text]), expected));
  }
  await t.step("wrapped after a break as from a row's start", () => {
    assert.equal(
      render(["a<br>one two three four five six seven eight nine\n"], {
        width: () => 20,
      }),
      "a\none two three four\nfive six seven eight\nnine\n",
    );
  });
});

Deno.test("without color nothing but text and line breaks is printed", () => {
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(render([CORPUS]), /[\x00-\x09\x0b-\x1f]/);
});

Deno.test("a stream split anywhere ends on the screen of the whole text", async (t) => {
  for (const color of [false, true]) {
    await t.step(color ? "with color" : "without color", () => {
      const options = { color, hyperlinks: color };
      const size = { columns: 40, rows: 24 };
      const whole = screenOf(render([CORPUS], options), size);
      for (let at = 1; at < CORPUS.length; at++) {
        const shown = screenOf(
          render([CORPUS.slice(0, at), CORPUS.slice(at)], options),
          size,
        );
        if (shown !== whole) {
          assert.equal(shown, whole, `split at ${at}`);
        }
      }
    });
  }
  await t.step("a character at a time", () => {
    const size = { columns: 40, rows: 24 };
    assert.equal(
      screenOf(render([...CORPUS]), size),
      screenOf(render([CORPUS]), size),
    );
  });
});

Deno.test("a paragraph in progress wraps onto new rows as it grows, each piece written where the last ended", () => {
  const { markdown, ...shown } = stream({ width: () => 21 });
  const screens: string[] = [];
  for (
    const piece of "one two three four five six seven eight nine".split(/(?= )/)
  ) {
    markdown.write(piece);
    screens.push(shown.screen());
  }
  assert.deepEqual(screens, [
    "one",
    "one two",
    "one two three",
    "one two three four",
    "one two three four\nfive",
    "one two three four\nfive six",
    "one two three four\nfive six seven",
    "one two three four\nfive six seven eight",
    "one two three four\nfive six seven eight\nnine",
  ]);
  markdown.end();
  assert.equal(
    shown.printed(),
    "one two three four\nfive six seven eight\nnine\n",
    "nothing erased, nothing written twice",
  );
});

Deno.test("finished lines are printed once; the rows in progress are redrawn from the first that changed", () => {
  const { markdown, ...shown } = stream();
  for (const piece of ["# Title\n\nSome **bold", "** words\nand mo", "re"]) {
    markdown.write(piece);
  }
  markdown.end();
  assert.equal(
    shown.printed(),
    "Title\n═════\n\n" +
      "Some **bold" + // in progress: as it renders so far
      "\r\x1b[2K" + // changed: the row erased
      "Some bold words\n" + // complete: rendered, for good
      "and mo" +
      "re" + // in progress, written where it ended
      "\n", // complete: the same, so it stays
  );
});

Deno.test("a change in an upper row of the paragraph in progress redraws from that row down", () => {
  const { markdown, ...shown } = stream({ width: () => 20 });
  markdown.write("A very long paragraph that wraps");
  assert.equal(shown.screen(), "A very long\nparagraph that wraps");
  markdown.write(" and *goes");
  assert.equal(shown.screen(), "A very long\nparagraph that wraps\nand *goes");
  markdown.write("* on\n");
  assert.equal(
    shown.screen(),
    "A very long\nparagraph that wraps\nand goes on\n",
  );
  assert.equal(
    shown.printed(),
    "A very long\nparagraph that wraps" +
      "\nand *goes" +
      "\r\x1b[2K" + "and goes on" + // the last row changed: it alone
      "\n",
  );
  const second = stream({ width: () => 20 });
  second.markdown.write("A **very long paragraph that");
  second.markdown.write(" wraps**");
  assert.equal(second.screen(), "A very long\nparagraph that wraps");
  assert.equal(
    second.printed(),
    "A **very long\nparagraph that" +
      "\r\x1b[1A" + // up to the first row, which changed
      "\x1b[2KA very long\n\x1b[2Kparagraph that wraps", // each row erased
  );
});

Deno.test("the rows in progress are at most the window's height less one, the last of them; the finished paragraph is printed whole", () => {
  const size = { columns: 20, rows: 5 };
  const { markdown, ...shown } = stream({
    width: () => size.columns,
    height: () => size.rows,
  });
  const words = Array.from({ length: 30 }, (_, i) => `word${i}`);
  const screen = new Screen(size);
  let seen = 0;
  for (const word of words) {
    markdown.write(`${word} `);
    screen.write(shown.printed().slice(seen));
    seen = shown.printed().length;
    // deno-lint-ignore no-control-regex
    for (const [, up] of shown.printed().matchAll(/\x1b\[(\d+)A/g)) {
      assert.ok(Number(up) <= 3, `up ${up} rows: past the window's top`);
    }
  }
  const whole = render([words.join(" ") + " "], {
    width: () => size.columns,
    height: () => size.rows,
  });
  assert.equal(
    screen.text,
    "word18 word19 word20\nword21 word22 word23\nword24 word25 word26\n" +
      "word27 word28 word29",
    "the last four rows in progress, and no row of them in the scrollback",
  );
  markdown.end();
  screen.write(shown.printed().slice(seen));
  assert.equal(screen.text, screenOf(whole, size));
  assert.equal(
    screen.text.split("\n").length,
    words.length / 3 + 1,
    "every row once",
  );
});

Deno.test("a resize between pieces redraws the rows in progress at the new width, and nothing above them", async (t) => {
  const done = "A finished line that is long.\n";
  const cases: [string, boolean, number, number, string][] = [
    [
      "wider, a terminal that keeps its rows (xterm)",
      false,
      20,
      30,
      "A finished line that\nis long.\none two three four five six\n" +
      "seven eight nine ten eleven\n",
    ],
    [
      "narrower, a terminal that keeps its rows (xterm)",
      false,
      30,
      20,
      "A finished line that\none two three four\nfive six seven eight\n" +
      "nine ten eleven\n",
    ],
    [
      "wider, a terminal that re-wraps them (tmux)",
      true,
      20,
      30,
      "A finished line that\nis long.\none two three four five six\n" +
      "seven eight nine ten eleven\n",
    ],
    [
      "narrower, a terminal that re-wraps them (tmux)",
      true,
      30,
      20,
      "A finished line that\n is long.\none two three four\n" +
      "five six seven eight\nnine ten eleven\n",
    ],
  ];
  for (const [name, rewrap, before, after, expected] of cases) {
    await t.step(name, () => {
      let width = before;
      const { markdown, ...shown } = stream({
        width: () => width,
        rewraps: rewrap,
      });
      const screen = new Screen({ columns: width, rows: 24 });
      markdown.write(`${done}one two three four five six seven eight nine ten`);
      screen.write(shown.printed());
      const seen = shown.printed().length;
      width = after;
      screen.resize(after, { rewrap });
      markdown.write(" eleven");
      markdown.write("\n");
      markdown.end();
      assert.equal(screen.write(shown.printed().slice(seen)).text, expected);
    });
  }
});

Deno.test("a control character shown as a symbol takes its column: the screen after streaming is the whole text's", async (t) => {
  const text =
    "Hi \x1b[31mred\x1b[0m and \x07 bells \x1b]0;title\x07 and more" +
    "\n- item \x1b[2J\x9b1m\x7f clear\n> \x1b[8mquote\x1b[28m in it\n" +
    "```sh\necho \x1b[1A\x1b[2K up\n```\n\x1b[1A and the end";
  const size = { columns: 20, rows: 24 };
  const screen = (pieces: string[]) => {
    const { markdown, ...shown } = stream(
      { width: () => size.columns, color: true, hyperlinks: true },
      (write) => terminalOutput({ write }),
    );
    for (const piece of pieces) markdown.write(piece);
    markdown.end();
    return screenOf(shown.printed(), size);
  };
  const whole = screen([text]);
  assert.equal(
    whole,
    "Hi ␛[31mred␛[0m and\n␇ bells ␛]0;title␇\nand more\n" +
      "• item ␛[2J�1m␡\n  clear\n│ ␛[8mquote␛[28m in\n│ it\n\n" +
      `┌─ sh ${"─".repeat(14)}\n│ echo ␛[1A␛[2K up\n└${"─".repeat(19)}\n` +
      "␛[1A and the end\n",
  );
  await t.step("split at every position", () => {
    for (let at = 1; at < text.length; at++) {
      const shown = screen([text.slice(0, at), text.slice(at)]);
      if (shown !== whole) assert.equal(shown, whole, `split at ${at}`);
    }
  });
  await t.step("a character at a time", () => {
    assert.equal(screen([...text]), whole);
  });
});

Deno.test("a list item, a quote, a heading and a code line in progress show as they will be", async (t) => {
  const cases: [string, string, string][] = [
    [
      "a list item",
      "- first\n  - a nested one in pro",
      "• first\n  ◦ a nested one in pro",
    ],
    [
      "a quote",
      "> a quote that is long enough to wr",
      "│ a quote that is long\n│ enough to wr",
    ],
    ["a heading", "Text.\n## A head", "Text.\n\nA head\n──────"],
    ["a code line", "```sh\necho hel", `┌─ sh ${"─".repeat(18)}\n│ echo hel`],
    ["a fence opening", "Text.\n```ru", `Text.\n\n┌─ ru ${"─".repeat(18)}`],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => {
      const { markdown, ...shown } = stream({ width: () => 24 });
      markdown.write(text);
      assert.equal(shown.screen(), expected);
    });
  }
});

Deno.test("a code block's lines appear as they complete", () => {
  const { markdown, ...shown } = stream({ width: () => 30 });
  markdown.write("```sh\necho one\n");
  assert.equal(shown.screen(), "┌─ sh ────────────────────────\n│ echo one\n");
  markdown.write("echo two\n```\n");
  markdown.end();
  assert.equal(
    shown.screen(),
    "┌─ sh ────────────────────────\n│ echo one\n│ echo two\n" +
      "└─────────────────────────────\n",
  );
});

Deno.test("a table in progress shows as rendered so far, and is printed once its last row is in", () => {
  const { markdown, ...shown } = stream();
  markdown.write("| a | b |\n");
  assert.equal(shown.screen(), "| a | b |", "maybe a table's header");
  markdown.write("|---|---|\n| 1 | 2 |\n| 3");
  assert.equal(
    shown.screen(),
    "┌─────┬─────┐\n│ a   │ b   │\n├─────┼─────┤\n│ 1   │ 2   │\n" +
      "│ 3   │     │\n└─────┴─────┘",
  );
  markdown.write(" | 4 |\n\nafter\n");
  markdown.end();
  assert.equal(
    shown.screen(),
    "┌─────┬─────┐\n│ a   │ b   │\n├─────┼─────┤\n│ 1   │ 2   │\n" +
      "│ 3   │ 4   │\n└─────┴─────┘\n\nafter\n",
  );
});

Deno.test("a table taller than the window shows its last rows in progress; one of 100 lines or more, its latest row, raw", () => {
  const { markdown, ...shown } = stream({ height: () => 4 });
  markdown.write("| a | b |\n|---|---|\n| 1 | 2 |\n| 3");
  assert.equal(shown.screen(), "│ 1   │ 2   │\n│ 3   │     │\n└─────┴─────┘");
  markdown.write(" | 4 |\n" + "| 5 | 6 |\n".repeat(96) + "| 7");
  assert.equal(shown.screen(), "| 7");
  markdown.write(" | 8 |\n");
  assert.equal(shown.screen(), "| 7 | 8 |");
  markdown.end();
  const rows = shown.screen().split("\n");
  assert.deepEqual(rows.slice(0, 5), [
    "┌─────┬─────┐",
    "│ a   │ b   │",
    "├─────┼─────┤",
    "│ 1   │ 2   │",
    "│ 3   │ 4   │",
  ]);
  assert.deepEqual(rows.slice(-3), ["│ 7   │ 8   │", "└─────┴─────┘", ""]);
  assert.equal(rows.length, 104);
});

Deno.test("a table's borders line up around control characters, each shown as one symbol", async (t) => {
  const text = "| h\x1b | i |\n|---|---|\n| a\x1b[2Jb | z\x07 |\n" +
    "| \x9b\x7f\x00 | **\x1b** `\x1b` |\n| long cell | [\x1b](https://x.y/) |\n";
  const expected = [
    "┌───────────┬──────────────────┐",
    "│ h␛        │ i                │",
    "├───────────┼──────────────────┤",
    "│ a␛[2Jb    │ z␇               │",
    "│ �␡␀       │ ␛ ␛              │",
    "│ long cell │ ␛ (https://x.y/) │",
    "└───────────┴──────────────────┘",
    "",
  ].join("\n");
  for (const color of [false, true]) {
    await t.step(color ? "in color" : "without color", () => {
      const screen = (pieces: string[]) => {
        const { markdown, ...shown } = stream(
          { color, hyperlinks: color },
          (write) => terminalOutput({ write }),
        );
        for (const piece of pieces) markdown.write(piece);
        markdown.end();
        return shown.screen();
      };
      assert.equal(screen([text]), expected);
      assert.equal(screen([...text]), expected, "streamed");
    });
  }
});

Deno.test("the rows marked leaves out of a table, from one with a U+2028 on, show as text", () => {
  assert.equal(
    render(["| a | b |\n|---|---|\n| 1 | 2 |\n| k\u2028l | z |\n| 3 | 4 |\n"]),
    "┌─────┬─────┐\n│ a   │ b   │\n├─────┼─────┤\n│ 1   │ 2   │\n" +
      "└─────┴─────┘\n| k l | z |\n| 3 | 4 |\n",
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
      const { markdown, ...shown } = stream(
        { color: true, hyperlinks: true },
        (write) => terminalOutput({ write }),
      );
      // In pieces, so that what is in progress is redrawn.
      for (const piece of source.match(/[^]{1,3}/g)!) markdown.write(piece);
      markdown.end();
      const ours = shown.printed()
        // deno-lint-ignore no-control-regex
        .replace(/\x1b\[[0-9;]*m/g, "") // the program's own styles
        // deno-lint-ignore no-control-regex
        .replace(/\x1b\]8;;[^\x1b\x07]*\x1b\\/g, "") // its hyperlinks
        // deno-lint-ignore no-control-regex
        .replace(/\r|\x1b\[2K|\x1b\[\d+A/g, ""); // its redraws
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

/**
 * The screen of `pieces` rendered within `limits` to a terminal 30 columns
 * wide, through a terminal's output, and the notes taken.
 */
function limited(pieces: string[], limits: Partial<RenderLimits>) {
  let printed = "";
  const notes: string[] = [];
  const markdown = new MarkdownStream(
    terminalOutput({ write: (text) => void (printed += text) }),
    {
      width: () => 30,
      color: false,
      hyperlinks: false,
      note: (text) => void notes.push(text),
    },
    { ...NEVER_WAITS, limits },
  );
  for (const piece of pieces) markdown.write(piece);
  markdown.end();
  return { screen: screenOf(printed, { columns: 30, rows: 24 }), notes };
}

Deno.test("a table past the limits is shown as plain text, with a note", async (t) => {
  const text =
    "Before.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3\x1b[2J | 4 |\n" +
    "| 5 | 6 |\n\nAfter.\n";
  const plain = "Before.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3␛[2J | 4 |\n" +
    "| 5 | 6 |\n\nAfter.\n";
  const cases: [string, Partial<RenderLimits>, string, string[]][] = [
    [
      "within them, laid out",
      { tableLines: 5, tableChars: 60 },
      "Before.\n\n┌───────┬─────┐\n│ a     │ b   │\n├───────┼─────┤\n" +
      "│ 1     │ 2   │\n│ 3␛[2J │ 4   │\n│ 5     │ 6   │\n" +
      "└───────┴─────┘\n\nAfter.\n",
      [],
    ],
    [
      "over its lines",
      { tableLines: 4 },
      plain,
      ["a table of over 4 lines is too large to render: shown as plain text"],
    ],
    [
      "over its characters",
      { tableChars: 40 },
      plain,
      [
        "a table of over 40 characters is too large to render: shown as plain text",
      ],
    ],
  ];
  for (const [name, limits, screen, notes] of cases) {
    await t.step(name, () => {
      assert.deepEqual(limited([text], limits), { screen, notes });
      assert.deepEqual(limited(text.match(/[^]{1,3}/g)!, limits), {
        screen,
        notes,
      }, "streamed");
    });
  }
  await t.step("a line over the longest, in pieces", () => {
    const text = `| a | b |\n|---|---|\n| 1 | ${"x".repeat(30)} |\n| 3 | 4 |\n`;
    const expected = {
      screen: "| a | b |\n|---|---|\n| 1 | \nxxxxxxxxxxxxxxxxxxxx\n" +
        "xxxxxxxxxx |\n| 3 | 4 |\n",
      notes: [
        "a table with a line of over 20 characters is too large to render: " +
        "shown as plain text",
      ],
    };
    assert.deepEqual(limited([text], { line: 20 }), expected);
    assert.deepEqual(limited([...text], { line: 20 }), expected, "streamed");
  });
});

Deno.test("a table of 150,000 rows is shown as plain text, and a 2 MB line in pieces", () => {
  const rows = "| x | y |\n".repeat(150_000);
  const { screen, notes } = limited([`| a | b |\n|---|---|\n${rows}`], {});
  assert.equal(screen, `| a | b |\n|---|---|\n${rows}`);
  assert.deepEqual(notes, [
    "a table of over 1,000 lines is too large to render: shown as plain text",
  ]);
  let printed = "";
  const markdown = new MarkdownStream({
    write: (text) => void (printed += text),
  }, {
    width: () => 80,
    color: false,
    hyperlinks: false,
  }, { ...NEVER_WAITS, limits: { answer: Infinity } });
  markdown.write(`${"word ".repeat(400_000)}\n`);
  markdown.end();
  const lines = printed.split("\n").slice(0, -1);
  assert.deepEqual(lines.filter((line) => line.length > 80), []);
  assert.equal(lines.join(" ").split(" ").filter(Boolean).length, 400_000);
});

Deno.test("an answer past the limit is shown as plain text from there, with a note", async (t) => {
  await t.step("whole: all of it", () => {
    assert.deepEqual(
      limited(["# Title\n\nSome **bold** \x1b[2J.\n"], { answer: 10 }),
      {
        screen: "# Title\n\nSome **bold** ␛[2J.\n",
        notes: [
          "the answer is too large to render (29 characters): shown as plain text",
        ],
      },
    );
  });
  await t.step(
    "streamed: what is open is printed, then the rest as it came",
    () => {
      assert.deepEqual(
        limited(["# Title\n\n```sh\nls\n", "rm \x1b[2J\n```\n**end**"], {
          answer: 20,
        }),
        {
          screen: `Title\n═════\n\n┌─ sh ${"─".repeat(24)}\n│ ls\n` +
            `└${"─".repeat(29)}\nrm ␛[2J\n\`\`\`\n**end**\n`,
          notes: [
            "the answer is too large to render (over 20 characters): the rest " +
            "is shown as plain text",
          ],
        },
      );
    },
  );
  assert.equal(LIMITS.answer, 4 * 1024 * 1024);
});

Deno.test("a line over the longest is rendered in pieces, and no piece opens a block", () => {
  const text =
    "- an item with words that go on and ```sh on\n```py\nprint(1)\n```\n";
  const expected = {
    screen: "• an item with words\n  that go on and ```sh on\n\n" +
      `┌─ py ${"─".repeat(24)}\n│ print(1)\n└${"─".repeat(29)}\n`,
    notes: [],
  };
  assert.deepEqual(limited([text], { line: 24 }), expected);
  assert.deepEqual(limited([...text], { line: 24 }), expected, "streamed");
});

/** A `later` that keeps each redraw until the test runs it, and a clock the test sets. */
function manualTime() {
  const time = {
    now: 0,
    waiting: [] as (() => void)[],
    clock: () => time.now,
    later: ((draw: () => void) => {
      time.waiting.push(draw);
      return {
        cancel: () => void time.waiting.splice(time.waiting.indexOf(draw), 1),
      };
    }) as Later,
  };
  return time;
}

Deno.test("pieces that come within a millisecond of the last redraw are drawn together once the event loop turns", () => {
  const time = manualTime();
  let printed = "";
  const markdown = new MarkdownStream(
    { write: (text) => void (printed += text) },
    { width: () => 40, color: false, hyperlinks: false },
    time,
  );
  markdown.write("one");
  assert.equal(printed, "one", "drawn at once");
  time.now += 0.5;
  markdown.write(" two");
  markdown.write(" three");
  assert.equal(printed, "one", "too soon: it waits");
  assert.equal(time.waiting.length, 1, "one redraw waits for both");
  time.waiting.shift()!();
  assert.equal(printed, "one two three");
  time.now += 0.5;
  markdown.write(" four\nfive");
  assert.equal(printed, "one two three four\n", "a finished line at once");
  time.now += 1;
  time.waiting.shift()!();
  assert.equal(printed, "one two three four\nfive");
  time.now += 2;
  markdown.write(" six");
  assert.equal(printed, "one two three four\nfive six", "a millisecond on");
  time.now += 0.1;
  markdown.write(" seven");
  assert.equal(time.waiting.length, 1);
  markdown.end();
  assert.equal(time.waiting.length, 0, "the end draws what waited");
  assert.equal(printed, "one two three four\nfive six seven\n");
});

Deno.test("a redraw that waited and could not write fails the next piece, or the end", async (t) => {
  for (const next of ["write", "end"] as const) {
    await t.step(next, () => {
      const time = manualTime();
      let broken = false;
      const markdown = new MarkdownStream(
        {
          write: () => {
            if (broken) throw new Error("Input/output error (os error 5)");
          },
        },
        { width: () => 40, color: false, hyperlinks: false },
        time,
      );
      markdown.write("one");
      markdown.write(" two");
      broken = true;
      time.waiting.shift()!();
      assert.throws(
        () => next === "write" ? markdown.write(" three") : markdown.end(),
        /os error 5/,
      );
    });
  }
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
