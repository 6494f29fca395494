import assert from "node:assert/strict";
import { testWith } from "../../testdata/permissions.ts";
import {
  CHAT_HELP,
  type ChatSession,
  COMMANDS,
  describeResumed,
  runChat,
  type Turn,
  type TurnResult,
} from "./chat.ts";
import type { LineReader } from "../io/lines.ts";

/** Runs a chat over the given lines; each turn answers with `answers`' next result. */
async function chat(
  lines: string[],
  answers: Partial<TurnResult>[] = [],
  session: Partial<ChatSession> = {},
  interactive = false,
  first?: string,
) {
  const turns: Turn[] = [];
  const prompts: string[] = [];
  let stderr = "";
  let stdout = "";
  const reader: LineReader = {
    interactive,
    read(prompt) {
      prompts.push(prompt);
      return Promise.resolve(lines.shift());
    },
    echo(prompt, text) {
      stdout += `${prompt}${text}\n`;
      return Promise.resolve();
    },
    [Symbol.dispose]() {},
  };
  const code = await runChat(
    {
      model: "gpt-4o",
      system: "You are a helpful assistant.",
      earlier: [],
      conversationId: undefined,
      turn(turn) {
        turns.push(structuredClone(turn));
        const n = turns.length;
        const result = {
          exitCode: 0,
          answer: `answer ${n}`,
          conversationId: 7,
          ...answers[n - 1],
        };
        stdout += result.answer ? `${result.answer}\n` : "";
        return Promise.resolve(result);
      },
      history: () => "1  2026-11-27 23:14  gpt-4o  2 turns  Hi\n",
      resolveModel: (spec) => ({ spec, shown: spec }),
      ...session,
    },
    reader,
    {
      stdout: { write: (text: string) => void (stdout += text) },
      stderr: { write: (text: string) => void (stderr += text) },
    },
    first,
  );
  return { code, turns, stderr, stdout, prompts };
}

Deno.test("runChat() sends each turn after the earlier ones and ends with 0 at the end of input", async () => {
  const { code, turns, stderr } = await chat(["Hi", "And then?"]);
  assert.equal(code, 0);
  assert.equal(stderr, "");
  assert.deepEqual(turns, [
    {
      model: "gpt-4o",
      system: "You are a helpful assistant.",
      earlier: [],
      prompt: "Hi",
      conversationId: undefined,
    },
    {
      model: "gpt-4o",
      system: "You are a helpful assistant.",
      earlier: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "answer 1" },
      ],
      prompt: "And then?",
      conversationId: 7,
    },
  ]);
});

Deno.test("runChat() continues a resumed conversation", async () => {
  const earlier = [
    { role: "user" as const, content: "Hi" },
    { role: "assistant" as const, content: "Hello!" },
  ];
  const { turns } = await chat(["More"], [], { earlier, conversationId: 3 });
  assert.deepEqual(turns[0].earlier, earlier);
  assert.equal(turns[0].conversationId, 3);
});

Deno.test("runChat() /model and /system change the following turns", async () => {
  const { turns, stderr } = await chat([
    "/model gpt-4o-mini",
    "/system Be brief.",
    "Hi",
  ]);
  assert.equal(turns[0].model, "gpt-4o-mini");
  assert.equal(turns[0].system, "Be brief.");
  assert.equal(stderr, "model: gpt-4o-mini\nsystem: Be brief.\n");
});

Deno.test("runChat() /clear starts a new conversation", async () => {
  const { turns, stderr } = await chat(["Hi", "/clear", "Again"]);
  assert.deepEqual(turns[1].earlier, []);
  assert.equal(turns[1].conversationId, undefined);
  assert.equal(
    stderr,
    "a new conversation: earlier turns are no longer sent\n",
  );
});

Deno.test("runChat() /help, /history and an unknown command print and send nothing", async () => {
  const { turns, stderr } = await chat(["/help", "/history", "/nope"]);
  assert.deepEqual(turns, []);
  assert.equal(
    stderr,
    CHAT_HELP + "1  2026-11-27 23:14  gpt-4o  2 turns  Hi\n" +
      "unknown command /nope: /help lists the commands\n",
  );
});

Deno.test("runChat() says which command a mistyped one may mean, and sends nothing", async (t) => {
  const cases: [string, string][] = [
    ["/modle gpt-4o", "unknown command /modle: did you mean /model?"],
    ["/hlep", "unknown command /hlep: did you mean /help?"],
    ["/exti", "unknown command /exti: did you mean /exit?"],
    ["/histroy", "unknown command /histroy: did you mean /history?"],
    ["/Files", "unknown command /Files: did you mean /files?"],
    ["/attch a.png", "unknown command /attch: did you mean /attach?"],
    ["/nope", "unknown command /nope: /help lists the commands"],
    ["/x", "unknown command /x: /help lists the commands"],
  ];
  for (const [line, said] of cases) {
    await t.step(line, async () => {
      const { turns, stderr } = await chat([line]);
      assert.deepEqual({ turns, stderr }, { turns: [], stderr: `${said}\n` });
    });
  }
});

Deno.test("runChat() /exit ends the chat with 0 and reads no further", async () => {
  const { code, turns } = await chat(["/exit", "Hi"]);
  assert.equal(code, 0);
  assert.deepEqual(turns, []);
});

Deno.test("runChat() skips blank lines", async () => {
  const { turns } = await chat(["", "   ", "Hi"]);
  assert.deepEqual(turns.map((turn) => turn.prompt), ["Hi"]);
});

Deno.test('runChat() sends the lines between two """ lines as one message', async () => {
  const { turns, prompts } = await chat([
    '"""',
    "line one",
    "",
    "line two",
    '"""',
  ]);
  assert.deepEqual(turns.map((turn) => turn.prompt), [
    "line one\n\nline two",
  ]);
  assert.deepEqual(prompts, ["> ", "… ", "… ", "… ", "… ", "> "]);
});

Deno.test("runChat() goes on after a failed or interrupted turn, keeping what was printed", async () => {
  const { code, turns } = await chat(
    ["Hi", "Long one", "Next"],
    [
      { exitCode: 1, answer: "", conversationId: 7 },
      { exitCode: 130, answer: "partial", conversationId: 7 },
    ],
    {},
    true,
  );
  assert.equal(code, 0);
  assert.deepEqual(turns[2].earlier, [
    { role: "user", content: "Long one" },
    { role: "assistant", content: "partial" },
  ]);
});

Deno.test("runChat() ends with 2 on a configuration error", async () => {
  const { code, turns } = await chat(["Hi", "Never sent"], [
    { exitCode: 2, answer: "", conversationId: undefined },
  ]);
  assert.equal(code, 2);
  assert.equal(turns.length, 1);
});

Deno.test("runChat() ends with the turn's exit code on SIGTERM and SIGHUP", async () => {
  for (const exitCode of [143, 129]) {
    const { code, turns } = await chat(["Hi", "Never sent"], [
      { exitCode, answer: "partial", conversationId: 7 },
    ]);
    assert.deepEqual([code, turns.length], [exitCode, 1]);
  }
});

Deno.test("runChat() greets a person at a terminal on stderr", async () => {
  const { stderr } = await chat([], [], {}, true);
  assert.equal(
    stderr,
    "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n",
  );
});

Deno.test("runChat() begins with the prompt given on the command line", async () => {
  const { turns } = await chat(["Next"], [], {}, false, "First");
  assert.deepEqual(turns.map((turn) => turn.prompt), ["First", "Next"]);
  assert.deepEqual(turns[1].earlier, [
    { role: "user", content: "First" },
    { role: "assistant", content: "answer 1" },
  ]);
});

Deno.test("runChat() /model keeps the model it has when the new one cannot be used", async () => {
  const { code, turns, stderr } = await chat(["/model groq:x", "Hi"], [], {
    resolveModel: (spec) =>
      spec.startsWith("groq:")
        ? { problem: "GROQ_API_KEY is not set" }
        : { spec, shown: spec },
  });
  assert.equal(code, 0);
  assert.equal(turns[0].model, "gpt-4o");
  assert.equal(stderr, "GROQ_API_KEY is not set; still gpt-4o\n");
});

Deno.test("runChat() names the model as resolved, and sends it so", async () => {
  const resolveModel = (spec: string) =>
    spec.startsWith("groq:")
      ? {
        spec: "groq:openai/gpt-oss-120b",
        shown: "openai/gpt-oss-120b (groq)",
      }
      : { spec, shown: spec };
  const { turns, stderr } = await chat(["Hi", "/model groq:", "Again"], [], {
    model: "groq:",
    resolveModel,
  }, true);
  assert.deepEqual(turns.map((turn) => turn.model), [
    "groq:openai/gpt-oss-120b",
    "groq:openai/gpt-oss-120b",
  ]);
  assert.equal(
    stderr,
    "Chatting with openai/gpt-oss-120b (groq). /help lists the commands; Ctrl-D leaves.\n" +
      "model: openai/gpt-oss-120b (groq)\n",
  );
});

Deno.test("runChat() ends with 2 before any prompt when the model cannot be used", async () => {
  const { code, turns, stderr, prompts } = await chat(["Hi"], [], {
    resolveModel: () => ({ problem: "OPENAI_API_KEY is not set: export it" }),
  }, true);
  assert.deepEqual({ code, turns, stderr, prompts }, {
    code: 2,
    turns: [],
    stderr: "OPENAI_API_KEY is not set: export it\n",
    prompts: [],
  });
});

Deno.test("runChat() /system alone goes back to the system message it began with", async () => {
  const { turns, stderr } = await chat(
    [
      "/system Talk like a pirate.",
      "Hi",
      "/system",
      "Again",
    ],
    [],
    { system: "Be brief." },
  );
  assert.deepEqual(turns.map((turn) => turn.system), [
    "Talk like a pirate.",
    "Be brief.",
  ]);
  assert.equal(stderr, "system: Talk like a pirate.\nsystem: Be brief.\n");
});

Deno.test("runChat() takes /, // and / model as unknown commands, not prompts", async () => {
  const { turns, stderr } = await chat(["/", "//", "/ model x"]);
  assert.deepEqual(turns, []);
  assert.equal(
    stderr,
    "unknown command /: /help lists the commands\n" +
      "unknown command //: /help lists the commands\n" +
      "unknown command /: /help lists the commands\n",
  );
});

Deno.test("runChat() keeps its conversation when a turn could not be saved", async () => {
  const { turns } = await chat(["one", "two", "three"], [
    { conversationId: 4 },
    { conversationId: undefined }, // the history was locked
  ]);
  assert.deepEqual(turns.map((turn) => turn.conversationId), [undefined, 4, 4]);
});

Deno.test("runChat() follows the conversation a save moved the chat to", async () => {
  const { turns } = await chat(["one", "two", "three"], [
    { conversationId: 4 },
    { conversationId: 9 }, // the database was removed: a new conversation
  ]);
  assert.deepEqual(turns.map((turn) => turn.conversationId), [undefined, 4, 9]);
});

Deno.test("runChat() from a pipe parts consecutive answers with a blank line", async () => {
  const { stdout } = await chat(["one", "two", "three"], [
    { answer: "line 1\nline 2" },
    { exitCode: 1, answer: "" },
  ]);
  assert.equal(stdout, "line 1\nline 2\n\nanswer 3\n");
});

Deno.test("runChat() from a pipe ends with 1 when a turn failed, and with 130 on Ctrl-C", async (t) => {
  await t.step("a failed turn: the others are still answered", async () => {
    const { code, turns } = await chat(["one", "two"], [{
      exitCode: 1,
      answer: "",
    }]);
    assert.deepEqual([code, turns.length], [1, 2]);
  });
  await t.step("a failed turn, then /exit", async () => {
    const { code } = await chat(["one", "/exit"], [{
      exitCode: 1,
      answer: "",
    }]);
    assert.equal(code, 1);
  });
  await t.step("Ctrl-C", async () => {
    const { code, turns } = await chat(["one", "two"], [{ exitCode: 130 }]);
    assert.deepEqual([code, turns.length], [130, 1]);
  });
  await t.step(
    "at a terminal, a failed turn is no failure of the chat",
    async () => {
      const { code } = await chat(
        ["one"],
        [{ exitCode: 1, answer: "" }],
        {},
        true,
      );
      assert.equal(code, 0);
    },
  );
});

Deno.test("runChat() at a terminal shows the first message as typed, and what it resumes", async () => {
  const { stdout, stderr } = await chat(
    [],
    [],
    {
      conversationId: 3,
      resumed: {
        id: 3,
        turns: 2,
        last: { prompt: "Who decides?", answer: "The Court." },
      },
    },
    true,
    "And then?",
  );
  assert.equal(stdout, "> And then?\nanswer 1\n");
  assert.equal(
    stderr,
    "Chatting with gpt-4o. /help lists the commands; Ctrl-D leaves.\n" +
      "Resuming conversation 3 (2 turns). Its last exchange:\n" +
      "> Who decides?\nThe Court.\n",
  );
});

Deno.test("describeResumed() cuts a long last answer and says where the rest is", () => {
  const answer = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`).join(
    "\n",
  );
  assert.equal(
    describeResumed({ id: 5, turns: 1, last: { prompt: "a\nb", answer } }),
    [
      "Resuming conversation 5 (1 turn). Its last exchange:",
      "> a",
      "> b",
      ...Array.from({ length: 10 }, (_, i) => `line ${i + 1}`),
      "[… 4 more lines: gpt4o --show 5]",
    ].join("\n"),
  );
  assert.equal(
    describeResumed({ id: 6, turns: 1 }),
    "Resuming conversation 6 (1 turn).",
  );
});

Deno.test("/help fits a terminal of 80 columns", () => {
  const wide = CHAT_HELP.split("\n").filter((line) => line.length > 80);
  assert.deepEqual(wide, []);
});

const README = new URL("../../README.md", import.meta.url);
testWith({ name: "read", path: "README.md" })(
  "the README's table of chat commands is /help's",
  () => {
    const rows = Deno.readTextFileSync(README).split("\n")
      .filter((line) => /^\| `\//.test(line))
      .map((line) => line.split("|").slice(1, 3).map((cell) => cell.trim()));
    assert.deepEqual(
      rows,
      COMMANDS.map(({ usage, help }) => [`\`${usage}\``, help]),
    );
  },
);
