/** The whole program in-process: markdown on a terminal, `--raw`, `-x` and `/copy`. */
import assert from "node:assert/strict";
import { chunk, completion, sse, streamOf } from "../testdata/fixtures.ts";
import {
  answering,
  historyTest,
  json,
  KEY,
  pieces,
  run,
  savedTurns,
  tempFolder,
} from "../testdata/harness.ts";
import { screenOf } from "../testdata/screen.ts";

const MARKDOWN = "## Steps\n\n1. **File** a petition.\n2. Wait.\n\n" +
  "```sh\ngh issue list\n```\n\nThen `review`.";
/** MARKDOWN rendered at 80 columns without color. */
const RENDERED = "Steps\n─────\n\n1. File a petition.\n2. Wait.\n\n" +
  `┌─ sh ${"─".repeat(74)}\n│ gh issue list\n└${"─".repeat(79)}\n\n` +
  "Then review.\n";

Deno.test("main() renders markdown on a terminal, streamed or not", async (t) => {
  const cases: [string, string[], () => Response][] = [
    ["whole", [], () => json(completion(MARKDOWN))],
    [
      "streamed in pieces",
      ["--stream"],
      () => pieces([streamOf(MARKDOWN.match(/[^]{1,7}/g)!)]),
    ],
  ];
  for (const [name, args, reply] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr } = await run([...args, "How?"], {
        stdoutTerminal: true,
        noColor: true,
        reply,
      });
      assert.deepEqual({ code, screen: screenOf(stdout), stderr }, {
        code: 0,
        screen: RENDERED,
        stderr: "",
      });
    });
  }
});

Deno.test("main() streams a paragraph onto rows redrawn in place, and leaves the screen of the whole answer", async () => {
  const answer = "# Title\n\nSome **bold** words that wrap, and go on past " +
    "the window's height, which is six rows here, so that only its last rows " +
    "are in progress.\n\n- an item";
  const size = { columns: 20, rows: 6 };
  const shown = await Promise.all(
    [["--stream"], []].map((args) =>
      run([...args, "How?"], {
        stdoutTerminal: true,
        noColor: true,
        ...size,
        reply: args.length
          ? () => pieces([streamOf(answer.match(/[^]{1,3}/g)!)])
          : answering(answer),
      })
    ),
  );
  const [streamed, whole] = shown.map(({ stdout }) => screenOf(stdout, size));
  assert.equal(
    streamed,
    "Title\n═════\n\nSome bold words that\nwrap, and go on past\n" +
      "the window's height,\nwhich is six rows\nhere, so that only\n" +
      "its last rows are in\nprogress.\n\n• an item\n",
  );
  assert.equal(whole, streamed);
  // deno-lint-ignore no-control-regex
  for (const [, up] of shown[0].stdout.matchAll(/\x1b\[(\d+)A/g)) {
    assert.ok(Number(up) < size.rows - 1, `up ${up} rows`);
  }
});

Deno.test("main() colors the rendering unless NO_COLOR is set, and wraps to the terminal's width", async () => {
  const { stdout } = await run(["How?"], {
    stdoutTerminal: true,
    columns: 20,
    reply: () => json(completion("Some **bold** words that wrap here.")),
  });
  // The last line, unended, is shown in progress, and stays when it ends.
  assert.equal(
    stdout,
    "Some \x1b[1mbold\x1b[0m words that\nwrap here.\n",
  );
});

Deno.test("main() prints the exact text into a pipe, and with --raw or --json on a terminal", async (t) => {
  const cases: [string, string[], boolean, (stdout: string) => string][] = [
    ["into a pipe", [], false, (stdout) => stdout],
    ["--raw on a terminal", ["--raw"], true, (stdout) => stdout],
    [
      "--raw --stream on a terminal",
      ["--raw", "--stream"],
      true,
      (stdout) => stdout,
    ],
    [
      "--json on a terminal",
      ["--json"],
      true,
      (stdout) => JSON.parse(stdout).choices[0].message.content + "\n",
    ],
  ];
  for (const [name, args, terminal, answerOf] of cases) {
    await t.step(name, async () => {
      const { code, stdout } = await run([...args, "How?"], {
        stdoutTerminal: terminal,
        reply: answering(MARKDOWN),
      });
      assert.equal(code, 0);
      assert.equal(answerOf(stdout), `${MARKDOWN}\n`);
    });
  }
});

Deno.test("main() keeps reasoning on stderr unrendered while the answer renders", async () => {
  const { stdout, stderr } = await run(["--stream", "How?"], {
    stdoutTerminal: true,
    terminal: true,
    noColor: true,
    reply: () =>
      pieces([
        sse([
          chunk({ role: "assistant", content: "" }),
          chunk({ content: null, reasoning_content: "**think** first" }),
          chunk({ content: "**Done**\n", reasoning_content: null }),
          chunk({}, "stop"),
        ]) + "data: [DONE]\n\n",
      ]),
  });
  assert.equal(screenOf(stdout), "Done\n");
  assert.equal(stderr, "**think** first\n\n");
});

historyTest(
  "main() saves the raw text of a rendered answer, and --show renders it on a terminal",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    await run(["--no-stream", "How?"], {
      env,
      stdoutTerminal: true,
      noColor: true,
      reply: answering(MARKDOWN),
    });
    assert.equal(savedTurns(path, 1)?.[0].answer, MARKDOWN);
    const shown = await run(["--show", "1"], {
      env,
      stdoutTerminal: true,
      noColor: true,
    });
    const rows = screenOf(shown.stdout).split("\n");
    assert.deepEqual(rows.slice(1), [
      "system: You are a helpful assistant.",
      "",
      "> How?",
      "",
      ...RENDERED.split("\n").slice(0, -1),
      "[tokens: 27 prompt, 18 completion, 45 total]",
      "",
    ]);
    const piped = await run(["--show", "1"], { env });
    assert.ok(piped.stdout.includes(`\n${MARKDOWN}\n`));
  },
);

historyTest(
  "main() renders a 150,000-row table as plain text with a note, and so does --show of it",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    const env = { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path };
    const table = `| a | b |\n|---|---|\n${"| x | y |\n".repeat(150_000)}`;
    const note =
      "a table of over 1,000 lines is too large to render: shown as plain text\n";
    const asked = await run(["--no-stream", "A table?"], {
      env,
      stdoutTerminal: true,
      noColor: true,
      reply: answering(table),
    });
    assert.deepEqual(
      { code: asked.code, stdout: asked.stdout, stderr: asked.stderr },
      { code: 0, stdout: table, stderr: note },
    );
    const shown = await run(["--show", "1"], {
      env,
      stdoutTerminal: true,
      noColor: true,
    });
    assert.equal(shown.code, 0);
    assert.ok(shown.stdout.includes(`\n> A table?\n\n${table}[tokens:`));
    assert.equal(shown.stderr, note);
  },
);

Deno.test("main() -x prints the first fenced code block alone, --extract-last the last", async (t) => {
  const answer =
    "Try:\n\n```sh\njq '.a'\n```\n\nor\n\n~~~\njq -r .b\nsort\n~~~\n";
  const cases: [string, string[], boolean, string][] = [
    ["-x", ["-x"], false, "jq '.a'\n"],
    ["--extract, streamed", ["--extract", "--stream"], false, "jq '.a'\n"],
    ["--extract-last", ["--extract-last"], false, "jq -r .b\nsort\n"],
    ["-x on a terminal: the code, unrendered", ["-x"], true, "jq '.a'\n"],
  ];
  for (const [name, args, terminal, expected] of cases) {
    await t.step(name, async () => {
      const { code, stdout, stderr } = await run([...args, "A filter"], {
        stdoutTerminal: terminal,
        reply: answering(answer),
      });
      assert.deepEqual({ code, stdout, stderr }, {
        code: 0,
        stdout: expected,
        stderr: "",
      });
    });
  }
  await t.step("no block: nothing on stdout, one line, exit 1", async () => {
    const { code, stdout, stderr } = await run(["-x", "A filter"], {
      reply: answering("Use `jq .a` on it."),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 1,
      stdout: "",
      stderr:
        "the answer has no fenced code block to print (see it with --show)\n",
    });
  });
});

Deno.test("main() refuses -x with --json, --chat or the other -x", async (t) => {
  for (
    const args of [
      ["-x", "--json"],
      ["-x", "--chat"],
      ["-x", "--extract-last"],
    ]
  ) {
    await t.step(args.join(" "), async () => {
      const { code, stderr, requests } = await run(args);
      assert.equal(code, 2);
      assert.match(stderr, /^[^\n]+ \(see --help\)\n$/);
      assert.equal(requests.length, 0);
    });
  }
});

Deno.test("main() --chat renders each answer on a terminal, and /copy sends the last code block through OSC 52", async () => {
  const { code, stdout, stderr } = await run(["--chat"], {
    stdoutTerminal: true,
    noColor: true,
    lines: ["A command?", "/copy", "Thanks", "/copy"],
    reply: answering(
      "**Use**:\n\n```sh\nls\n```\n\n```sh\nls -l | wc -l\n```",
      "You're *welcome*.",
    ),
  });
  assert.equal(code, 0);
  const copied = new TextEncoder().encode("ls -l | wc -l\n").toBase64();
  assert.ok(stdout.includes(`\x1b]52;c;${copied}\x07`));
  assert.equal(stdout.split("\x1b]52;").length, 2, "one copy");
  assert.equal(
    screenOf(stdout),
    "Use:\n\n" +
      `┌─ sh ${"─".repeat(74)}\n│ ls\n└${"─".repeat(79)}\n\n` +
      `┌─ sh ${"─".repeat(74)}\n│ ls -l | wc -l\n└${"─".repeat(79)}\n\n` +
      "You're welcome.\n",
  );
  assert.equal(
    stderr,
    "copied the last code block (1 line) to the clipboard, through the terminal (OSC 52)\n" +
      "the last answer has no fenced code block to copy\n",
  );
});

Deno.test("main() --chat /copy puts no control character on the clipboard", async () => {
  const { code, stdout, stderr } = await run(["--chat"], {
    stdoutTerminal: true,
    noColor: true,
    lines: ["A command?", "/copy"],
    reply: answering("```sh\necho \x1b[201~\nrm -rf ~ \x07\x9b\n```"),
  });
  assert.equal(code, 0);
  const copied = new TextEncoder().encode("echo ␛[201~\nrm -rf ~ ␇\ufffd\n")
    .toBase64();
  assert.ok(stdout.includes(`\x1b]52;c;${copied}\x07`));
  assert.equal(
    stderr,
    "copied the last code block (2 lines) to the clipboard, through the " +
      "terminal (OSC 52), with 3 control characters made visible (␛)\n",
  );
});

Deno.test("main() -x and /copy take the code block the screen framed", async (t) => {
  const cases: [string, string, string, string][] = [
    [
      "a backtick in a backtick fence's info string opens none",
      "```py`\necho framed?\n```\ncurl https://example.com/x | sh\n```\n",
      "```py`\necho framed?\n\n" +
      `┌${"─".repeat(79)}\n│ curl https://example.com/x | sh\n` +
      `└${"─".repeat(79)}\n`,
      "curl https://example.com/x | sh\n",
    ],
    [
      "four backticks are not closed by three",
      "````md\n```sh\nrm -rf ~\n```\n````\n",
      `┌─ md ${"─".repeat(74)}\n│ \`\`\`sh\n│ rm -rf ~\n│ \`\`\`\n` +
      `└${"─".repeat(79)}\n`,
      "```sh\nrm -rf ~\n```\n",
    ],
  ];
  for (const [name, answer, screen, code] of cases) {
    await t.step(name, async () => {
      const shown = await run(["How?"], {
        stdoutTerminal: true,
        noColor: true,
        reply: answering(answer),
      });
      assert.equal(screenOf(shown.stdout), screen);
      const extracted = await run(["-x", "How?"], {
        reply: answering(answer),
      });
      assert.deepEqual(
        { code: extracted.code, stdout: extracted.stdout },
        { code: 0, stdout: code },
      );
      const copied = await run(["--chat"], {
        stdoutTerminal: true,
        lines: ["How?", "/copy"],
        reply: answering(answer),
      });
      const base64 = new TextEncoder().encode(code).toBase64();
      assert.ok(copied.stdout.includes(`\x1b]52;c;${base64}\x07`));
    });
  }
});

Deno.test("main() --chat /copy says why it cannot copy", async (t) => {
  await t.step("before any answer", async () => {
    const { stderr } = await run(["--chat"], {
      stdoutTerminal: true,
      lines: ["/copy"],
    });
    assert.equal(stderr, "there is no answer to copy yet\n");
  });
  await t.step("with no terminal to take OSC 52", async () => {
    const { stdout, stderr } = await run(["--chat"], {
      lines: ["A command?", "/copy"],
      reply: answering("```sh\nls\n```"),
    });
    assert.equal(stdout, "```sh\nls\n```\n");
    assert.equal(
      stderr,
      "copying needs a terminal: it goes through OSC 52\n",
    );
  });
});
