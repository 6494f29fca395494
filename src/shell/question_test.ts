import assert from "node:assert/strict";
import {
  askAbout,
  type Asking,
  EDIT_PROMPT,
  QUESTION,
  YES_QUESTION,
} from "./question.ts";

/**
 * The question with a reader that answers from `answers` (a key, or a line
 * for a line's question; `"^C"` is Ctrl-C at a line) and a record of every
 * step: what was shown, asked, run, copied, described and kept.
 */
function asking(
  answers: string[],
  { flagged = ["rm"], exit = 0 }: { flagged?: string[]; exit?: number } = {},
) {
  const steps: string[] = [];
  let released = false;
  const next = () => answers.shift();
  const value: Asking = {
    reader: {
      interactive: true,
      key(prompt) {
        released = false;
        assert.equal(prompt, QUESTION);
        steps.push(`key`);
        return Promise.resolve(next());
      },
      read(prompt, options) {
        released = false;
        assert.equal(options?.answer, true, "a question's line");
        steps.push(
          `read ${prompt}${options?.prefill ? `[${options.prefill}]` : ""}`,
        );
        const line = next();
        if (line === "^C") {
          options?.onInterrupt?.();
          return Promise.resolve(undefined);
        }
        return Promise.resolve(line);
      },
      release: () => void (released = true),
      [Symbol.dispose]() {},
    },
    show: (command, danger) =>
      steps.push(`show ${command}${danger.map((d) => ` ⚠ ${d}`).join("")}`),
    echo: (text) => steps.push(`echo ${JSON.stringify(text)}`),
    say: (line) => steps.push(`say ${line}`),
    dangerOf: (command) =>
      Promise.resolve(
        flagged.includes(command.split(" ")[0]) ? ["removes files"] : [],
      ),
    describe: (command) => {
      steps.push(`describe ${command}`);
      return Promise.resolve();
    },
    copy: (command) => Promise.resolve(`copied ${command}`),
    run: (command) => {
      assert.ok(released, "run before the terminal was lent");
      steps.push(`run ${command}`);
      return Promise.resolve(exit);
    },
    record: (command, danger, decision, exitCode) =>
      steps.push(
        `record ${command} ${decision}${
          exitCode === undefined ? "" : ` ${exitCode}`
        }${danger.length ? " (flagged)" : ""}`,
      ),
  };
  return { value, steps };
}

Deno.test("askAbout() a command found safe: one key decides, abort the default", async (t) => {
  const cases: [string, string[], number, string[]][] = [
    ["e runs it: the run's exit code", ["e"], 3, [
      "show ls -la",
      "key",
      'echo "execute\\n"',
      "run ls -la",
      "record ls -la executed 3",
    ]],
    ["E too", ["E"], 0, [
      "show ls -la",
      "key",
      'echo "execute\\n"',
      "run ls -la",
      "record ls -la executed 0",
    ]],
    ["Enter aborts: exit 0", ["\r"], 0, [
      "show ls -la",
      "key",
      'echo "abort\\n"',
      "record ls -la aborted",
    ]],
    ["a aborts", ["a"], 0, [
      "show ls -la",
      "key",
      'echo "abort\\n"',
      "record ls -la aborted",
    ]],
    ["the end of input aborts", [], 0, [
      "show ls -la",
      "key",
      'echo "abort\\n"',
      "record ls -la aborted",
    ]],
    ["Ctrl-C aborts: exit 130", ["\x03"], 130, [
      "show ls -la",
      "key",
      'echo "^C\\n"',
      "record ls -la aborted",
    ]],
    ["a key it does not know is no answer", ["y", "\x1b[A", "x", "a"], 0, [
      "show ls -la",
      "key",
      "key",
      "key",
      "key",
      'echo "abort\\n"',
      "record ls -la aborted",
    ]],
    ["c copies it, and ends", ["c"], 0, [
      "show ls -la",
      "key",
      'echo "copy\\n"',
      "record ls -la copied",
      "say copied ls -la",
    ]],
    ["d describes it, then asks again", ["d", "e"], 0, [
      "show ls -la",
      "key",
      'echo "describe\\n"',
      "record ls -la described",
      "describe ls -la",
      "show ls -la",
      "key",
      'echo "execute\\n"',
      "run ls -la",
      "record ls -la executed 0",
    ]],
    [
      "m edits it in place, then asks about the new one",
      [
        "m",
        "ls -l  ",
        "e",
      ],
      0,
      [
        "show ls -la",
        "key",
        'echo "modify\\n"',
        `read ${EDIT_PROMPT}[ls -la]`,
        "record ls -l modified",
        "show ls -l",
        "key",
        'echo "execute\\n"',
        "run ls -l",
        "record ls -l executed 0",
      ],
    ],
    ["m left as it was asks again", ["m", "ls -la", "m", "", "a"], 0, [
      "show ls -la",
      "key",
      'echo "modify\\n"',
      `read ${EDIT_PROMPT}[ls -la]`,
      "show ls -la",
      "key",
      'echo "modify\\n"',
      `read ${EDIT_PROMPT}[ls -la]`,
      "show ls -la",
      "key",
      'echo "abort\\n"',
      "record ls -la aborted",
    ]],
    ["Ctrl-C while editing aborts: exit 130", ["m", "^C"], 130, [
      "show ls -la",
      "key",
      'echo "modify\\n"',
      `read ${EDIT_PROMPT}[ls -la]`,
      "record ls -la aborted",
    ]],
    [
      "m into a flagged command asks for yes at its e",
      [
        "m",
        "rm -rf build",
        "e",
        "y",
      ],
      0,
      [
        "show ls -la",
        "key",
        'echo "modify\\n"',
        `read ${EDIT_PROMPT}[ls -la]`,
        "record rm -rf build modified (flagged)",
        "show rm -rf build ⚠ removes files",
        "key",
        'echo "execute\\n"',
        `read ${YES_QUESTION}`,
        "record rm -rf build aborted (flagged)",
      ],
    ],
  ];
  for (const [name, answers, code, steps] of cases) {
    await t.step(name, async () => {
      const question = asking(answers, { exit: code === 130 ? 0 : code });
      assert.equal(await askAbout("ls -la", question.value), code);
      assert.deepEqual(question.steps, steps);
    });
  }
});

Deno.test("askAbout() a flagged command: its e asks for the word yes, and only yes runs it; d, m and c work as for any", async (t) => {
  const cases: [string, string[], number, string[]][] = [
    ["yes runs it", ["e", "yes"], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "execute\\n"',
      `read ${YES_QUESTION}`,
      "run rm -rf build",
      "record rm -rf build executed 0 (flagged)",
    ]],
    ["yes with spaces around it too", ["e", "  yes "], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "execute\\n"',
      `read ${YES_QUESTION}`,
      "run rm -rf build",
      "record rm -rf build executed 0 (flagged)",
    ]],
    ...["y", "e", "YES", "yes please", ""].map((line): [
      string,
      string[],
      number,
      string[],
    ] => [`${JSON.stringify(line)} aborts`, ["e", line], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "execute\\n"',
      `read ${YES_QUESTION}`,
      "record rm -rf build aborted (flagged)",
    ]]),
    ["the end of input aborts", ["e"], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "execute\\n"',
      `read ${YES_QUESTION}`,
      'echo "\\n"',
      "record rm -rf build aborted (flagged)",
    ]],
    ["Ctrl-C aborts: exit 130", ["e", "^C"], 130, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "execute\\n"',
      `read ${YES_QUESTION}`,
      "record rm -rf build aborted (flagged)",
    ]],
    ["Enter aborts, as for any", ["\r"], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "abort\\n"',
      "record rm -rf build aborted (flagged)",
    ]],
    [
      "d describes it, then asks again, the reasons shown again",
      ["d", "a"],
      0,
      [
        "show rm -rf build ⚠ removes files",
        "key",
        'echo "describe\\n"',
        "record rm -rf build described (flagged)",
        "describe rm -rf build",
        "show rm -rf build ⚠ removes files",
        "key",
        'echo "abort\\n"',
        "record rm -rf build aborted (flagged)",
      ],
    ],
    ["c copies it, and ends", ["c"], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "copy\\n"',
      "record rm -rf build copied (flagged)",
      "say copied rm -rf build",
    ]],
    ["m into a safe one: its e runs it at once", ["m", "ls build", "e"], 0, [
      "show rm -rf build ⚠ removes files",
      "key",
      'echo "modify\\n"',
      `read ${EDIT_PROMPT}[rm -rf build]`,
      "record ls build modified",
      "show ls build",
      "key",
      'echo "execute\\n"',
      "run ls build",
      "record ls build executed 0",
    ]],
  ];
  for (const [name, answers, code, steps] of cases) {
    await t.step(name, async () => {
      const question = asking(answers);
      assert.equal(await askAbout("rm -rf build", question.value), code);
      assert.deepEqual(question.steps, steps);
    });
  }
});
