import assert from "node:assert/strict";
import {
  CHAT_HELP,
  type ChatSession,
  runChat,
  type Turn,
  type TurnResult,
} from "./chat.ts";
import type { LineReader } from "./io.ts";

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
  const reader: LineReader = {
    interactive,
    read(prompt) {
      prompts.push(prompt);
      return Promise.resolve(lines.shift());
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
        return Promise.resolve({
          exitCode: 0,
          answer: `answer ${n}`,
          conversationId: 7,
          ...answers[n - 1],
        });
      },
      history: () => "1  2026-11-27 23:14  gpt-4o  2 turns  Hi\n",
      ...session,
    },
    reader,
    { write: (text) => void (stderr += text) },
    first,
  );
  return { code, turns, stderr, prompts };
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
  const { code, turns } = await chat(["Hi", "Long one", "Next"], [
    { exitCode: 1, answer: "", conversationId: 7 },
    { exitCode: 130, answer: "partial", conversationId: 7 },
  ]);
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
    checkModel: (model) =>
      model.startsWith("groq:") ? "GROQ_API_KEY is not set" : undefined,
  });
  assert.equal(code, 0);
  assert.equal(turns[0].model, "gpt-4o");
  assert.equal(stderr, "GROQ_API_KEY is not set; still gpt-4o\n");
});
