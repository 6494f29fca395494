/** The whole program in-process: a reasoning model's thinking. */
import assert from "node:assert/strict";
import { DEFAULT_SYSTEM } from "../src/cli/options.ts";
import { chunk, completion, sse } from "../testdata/fixtures.ts";
import {
  historyTest,
  json,
  KEY,
  pieces,
  run,
  savedTurns,
  sentMessages,
  type Setup,
  tempFolder,
} from "../testdata/harness.ts";

/** A reasoning model's stream: thinking in `field`, then the answer. */
function thinking(
  field: "reasoning_content" | "reasoning",
  thoughts: string[],
  answer: string[],
): Response {
  return pieces([
    sse([
      chunk({ role: "assistant", content: "" }),
      ...thoughts.map((thought) => chunk({ content: null, [field]: thought })),
      ...answer.map((content) => chunk({ content, [field]: null })),
      chunk({}, "stop"),
    ]) + "data: [DONE]\n\n",
  ]);
}

const DIM = "\x1b[2m";
const UNDIM = "\x1b[22m";

Deno.test("main() --stream shows streamed reasoning on stderr, dimmed at a terminal, as it is into a file with --reasoning, and stdout stays the answer", async () => {
  const cases: [
    string[],
    Setup,
    "reasoning_content" | "reasoning",
    boolean,
  ][] = [
    [["--stream"], { terminal: true }, "reasoning_content", true],
    [["--stream", "--reasoning"], {}, "reasoning", false],
    [
      ["--stream", "--reasoning"],
      { terminal: true },
      "reasoning_content",
      true,
    ],
  ];
  for (const [args, setup, field, dimmed] of cases) {
    const { code, stdout, stderr } = await run([...args, "Capital?"], {
      ...setup,
      reply: () =>
        thinking(field, ["The user asks", " for a capital."], ["Par", "is."]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: dimmed
        ? `${DIM}The user asks for a capital.${UNDIM}\n\n`
        : "The user asks for a capital.\n\n", // no escape into a file
    }, `${args} ${field}`);
  }
});

Deno.test("main() prints reasoning before the answer begins, and without color when NO_COLOR is set", async () => {
  // What was written, in order, a run of writes to the same stream joined.
  const printed: [string, string][] = [];
  const to = (name: string) => (text: string) => {
    const last = printed[printed.length - 1];
    if (last?.[0] === name) last[1] += text;
    else printed.push([name, text]);
  };
  const { code } = await run(["--stream", "--reasoning", "Capital?"], {
    noColor: true,
    stdout: to("stdout"),
    stderr: to("stderr"),
    reply: () => thinking("reasoning", ["Hmm.\n"], ["Paris."]),
  });
  assert.equal(code, 0);
  assert.deepEqual(printed, [["stderr", "Hmm.\n\n"], ["stdout", "Paris.\n"]]);
});

Deno.test("main() hides reasoning when stderr is no terminal, and with --no-reasoning", async () => {
  const cases: [string[], Setup][] = [
    [["--stream"], {}],
    [["--stream", "--no-reasoning"], { terminal: true }],
    [[], {}],
    [["--no-reasoning"], { terminal: true }],
  ];
  for (const [args, setup] of cases) {
    const { code, stdout, stderr } = await run([...args, "Capital?"], {
      ...setup,
      reply: (seen) =>
        seen.body.stream
          ? thinking("reasoning_content", ["Thinking."], ["Paris."])
          : json(withReasoning("reasoning_content", "Thinking.", "Paris.")),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: "",
    }, args.join(" "));
  }
});

/** A completion whose message carries reasoning in `field`. */
function withReasoning(
  field: "reasoning_content" | "reasoning",
  reasoning: string,
  answer: string,
): Record<string, unknown> {
  const body = completion(answer) as {
    choices: { message: Record<string, unknown> }[];
  };
  body.choices[0].message[field] = reasoning;
  return body;
}

Deno.test("main() shows a non-streamed message's reasoning on stderr, dimmed, from either field", async () => {
  for (const field of ["reasoning_content", "reasoning"] as const) {
    const { code, stdout, stderr } = await run(["Capital?"], {
      terminal: true,
      reply: () => json(withReasoning(field, "Easy one.", "Paris.")),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "Paris.\n",
      stderr: `${DIM}Easy one.${UNDIM}\n\n`,
    }, field);
  }
});

Deno.test("main() --json keeps reasoning_content in the printed message, streamed and not, and shows nothing on stderr", async () => {
  const plain = await run(["--json", "Capital?"], {
    terminal: true,
    reply: () =>
      json(withReasoning("reasoning_content", "Easy one.", "Paris.")),
  });
  const streamed = await run(
    ["--json", "--stream", "--reasoning", "Capital?"],
    {
      reply: () => thinking("reasoning", ["Easy", " one."], ["Paris."]),
    },
  );
  for (const { code, stderr } of [plain, streamed]) {
    assert.deepEqual({ code, stderr }, { code: 0, stderr: "" });
  }
  assert.deepEqual(
    JSON.parse(plain.stdout),
    withReasoning("reasoning_content", "Easy one.", "Paris."),
  );
  assert.deepEqual(JSON.parse(streamed.stdout).choices[0].message, {
    role: "assistant",
    content: "Paris.",
    refusal: null,
    reasoning_content: "Easy one.",
  });
});

Deno.test("main() closes the dimmed reasoning before the line that says the answer was interrupted", async () => {
  const { code, stdout, stderr } = await run(["--stream", "Capital?"], {
    terminal: true,
    reply: (_, interrupt) => {
      setTimeout(interrupt, 20);
      return pieces([
        sse([chunk({ role: "assistant", content: null, reasoning: "Hmm" })]),
      ], { stall: true });
    },
  });
  assert.deepEqual({ code, stdout, stderr }, {
    code: 130,
    stdout: "",
    stderr: `${DIM}Hmm${UNDIM}\n\ninterrupted\n`,
  });
});

historyTest(
  "main() --chat at a terminal shows each turn's reasoning on stderr, and saves and resends the answer alone",
  async () => {
    await using tmp = await tempFolder();
    const path = `${tmp.dir}/history.db`;
    let n = 0;
    const { code, stdout, stderr, requests } = await run(["--chat"], {
      env: { OPENAI_API_KEY: KEY, GPT4O_HISTORY: path },
      terminal: true,
      lines: ["Capital of France?", "Of Italy?"],
      reply: () =>
        n++ === 0
          ? thinking("reasoning_content", ["France."], ["Paris."])
          : thinking("reasoning_content", ["Italy."], ["Rome."]),
    });
    assert.deepEqual({ code, stdout, stderr }, {
      code: 0,
      stdout: "> Paris.\n> Rome.\n> ",
      stderr:
        "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
        `${DIM}France.${UNDIM}\n\n${DIM}Italy.${UNDIM}\n\n`,
    });
    assert.deepEqual(sentMessages(requests)[1], [
      `system: ${DEFAULT_SYSTEM}`,
      "user: Capital of France?",
      "assistant: Paris.",
      "user: Of Italy?",
    ]);
    assert.deepEqual(savedTurns(path, 1)?.map(({ answer }) => answer), [
      "Paris.",
      "Rome.",
    ]);
  },
);
