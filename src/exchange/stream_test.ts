import assert from "node:assert/strict";
import { Stream } from "openai/streaming";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { answerOf, CutOffError, RefusalError } from "./answer.ts";
import { printStream } from "./stream.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";
import {
  chunk,
  sse,
  streamOf,
  toolCallStream,
  usageChunk,
} from "../../testdata/fixtures.ts";

/** Parses raw bytes with the SDK's own SSE decoder, as the program does. */
function parse(parts: (string | Uint8Array)[]): Stream<ChatCompletionChunk> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts.shift();
      if (part === undefined) return controller.close();
      controller.enqueue(
        typeof part === "string" ? encoder.encode(part) : part,
      );
    },
  });
  return Stream.fromSSEResponse(new Response(body), new AbortController());
}

async function print(parts: (string | Uint8Array)[], keepText = false) {
  const writes: string[] = [];
  const completion = await printStream(parse(parts), {
    write: (text) => void writes.push(text),
  }, { keepText });
  return { writes, completion };
}

Deno.test("printStream() writes each delta as it arrives", async () => {
  const { writes, completion } = await print([
    streamOf(["The", " capital", "."]),
  ]);
  assert.deepEqual(writes, ["The", " capital", "."]);
  assert.equal(completion.choices[0].finish_reason, "stop");
  assert.equal(completion.choices[0].message.content, "");
});

Deno.test("printStream() writes the text and also keeps it for --json", async () => {
  const { writes, completion } = await print(
    [streamOf(["The", " capital"], { usage: true })],
    true,
  );
  assert.deepEqual(writes, ["The", " capital"]);
  assert.deepEqual(completion, {
    id: "chatcmpl-Dq3mYc9fUg3Ml0QaSx8ZiO5dWb2tV",
    object: "chat.completion",
    created: 1790000001,
    model: "gpt-4o-2024-08-06",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "The capital", refusal: null },
      finish_reason: "stop",
      logprobs: null,
    }],
    usage: usageChunk().usage,
  });
});

Deno.test("printStream() parses what real servers send", async () => {
  const azureFirst = {
    ...chunk({}),
    id: "",
    model: "",
    choices: [],
    prompt_filter_results: [],
  };
  const openRouter = {
    ...chunk({ content: "B" }),
    provider: "OpenAI",
    native_finish_reason: null,
  };
  const ollamaEmpty = {
    ...chunk({ content: "C" }),
    choices: [{ index: 0, delta: { content: "C" }, finish_reason: "" }],
  };
  const text = [
    ": OPENROUTER PROCESSING\r\n\r\n",
    `data: ${JSON.stringify(azureFirst)}\r\n\r\n`,
    `data:${JSON.stringify(chunk({ content: "A" }))}\n\n`,
    `data: ${JSON.stringify(openRouter)}\r\n\r\n`,
    ": keep-alive\n\n",
    `data: ${JSON.stringify(ollamaEmpty)}\n\n`,
    `data: ${JSON.stringify(chunk({}, "stop"))}\n\n`,
    "data: [DONE]\n\n",
  ].join("");
  const { writes, completion } = await print([text]);
  assert.deepEqual(writes, ["A", "B", "C"]);
  assert.equal(completion.provider, "OpenAI");
  assert.equal(completion.choices[0].finish_reason, "stop");
});

Deno.test("printStream() joins characters split across network reads", async () => {
  const bytes = new TextEncoder().encode(streamOf(["Größe ", "🏛️ ", "最高裁"]));
  const pieces = [];
  for (let i = 0; i < bytes.length; i += 3) {
    pieces.push(bytes.subarray(i, i + 3));
  }
  const { writes } = await print(pieces);
  assert.equal(writes.join(""), "Größe 🏛️ 最高裁");
});

Deno.test("printStream() returns a stream that ends before a finish_reason, which answerOf() calls cut off", async () => {
  for (
    const body of [
      sse([chunk({ content: "cut" })]),
      sse([chunk({ content: "cut" })]) + "data: [DONE]\n\n",
    ]
  ) {
    const { writes, completion } = await print([body]);
    assert.deepEqual(writes, ["cut"]);
    assert.equal(completion.choices[0].finish_reason, null);
    assert.throws(
      () => answerOf(completion, { streamed: true }),
      new CutOffError(),
    );
  }
});

Deno.test("printStream() assembles a streamed refusal, which answerOf() reports", async () => {
  const body = sse([
    chunk({ role: "assistant", content: null, refusal: "" }),
    chunk({ refusal: "I'm sorry, " }),
    chunk({ refusal: "I can't help with that." }),
    chunk({}, "stop"),
  ]);
  const { writes, completion } = await print([body]);
  assert.deepEqual(writes, []);
  assert.deepEqual(completion.choices[0].message, {
    role: "assistant",
    content: null,
    refusal: "I'm sorry, I can't help with that.",
  });
  assert.throws(
    () => answerOf(completion, { streamed: true }),
    new RefusalError("I'm sorry, I can't help with that."),
  );
});

Deno.test("printStream() prints the only choice of a stream whatever its index", async () => {
  const at = (
    index: number,
    delta: Record<string, unknown>,
    finish: string | null = null,
  ) => {
    const event = chunk(delta, finish) as { choices: { index: number }[] };
    event.choices[0].index = index;
    return event;
  };
  const { writes, completion } = await print([
    sse([
      at(1, { content: "A case" }),
      at(1, { content: "." }),
      at(1, {}, "stop"),
    ]),
  ]);
  assert.deepEqual(writes, ["A case", "."]);
  assert.equal(answerOf(completion, { streamed: true }), "");
  assert.equal(completion.choices[0].finish_reason, "stop");
});

Deno.test("printStream() follows the first choice named when a stream has several", async () => {
  const both = (first: string, second: string) => ({
    ...chunk({}),
    choices: [
      { index: 0, delta: { content: first }, finish_reason: null },
      { index: 1, delta: { content: second }, finish_reason: null },
    ],
  });
  const { writes } = await print([
    sse([both("A", "x"), {
      ...chunk({ content: "y" }),
      choices: [{ index: 1, delta: { content: "y" }, finish_reason: null }],
    }, both("B", "z")]),
  ]);
  assert.deepEqual(writes, ["A", "B"]);
});

Deno.test("printStream() rethrows the reason of an abort that ended the stream", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  controller.abort(reason);
  async function* none(): AsyncGenerator<ChatCompletionChunk> {}
  await assert.rejects(
    printStream(none(), { write: () => {} }, { signal: controller.signal }),
    reason,
  );
});

/** A stream whose first deltas carry reasoning under `field`, then the answer. */
function thinkingStream(field: "reasoning_content" | "reasoning"): string {
  const delta = (body: Record<string, unknown>, finish: string | null = null) =>
    `data: ${
      JSON.stringify({
        id: "chatcmpl-r1",
        object: "chat.completion.chunk",
        created: 1790000002,
        model: "deepseek-reasoner",
        choices: [{ index: 0, delta: body, finish_reason: finish }],
      })
    }\n\n`;
  return delta({ role: "assistant", content: null, [field]: "Think" }) +
    delta({ content: null, [field]: "ing." }) +
    delta({ content: "Yes", [field]: null }) +
    delta({ content: "." }) +
    delta({}, "stop") + "data: [DONE]\n\n";
}

for (const field of ["reasoning_content", "reasoning"] as const) {
  Deno.test(`printStream() sends ${field} deltas to the reasoning output, ended before the answer`, async () => {
    const events: string[] = [];
    const completion = await printStream(parse([thinkingStream(field)]), {
      write: (text) => void events.push(`answer:${text}`),
    }, {
      reasoning: {
        write: (text) => void events.push(`reasoning:${text}`),
        end: () => void events.push("end"),
      },
    });
    assert.deepEqual(events, [
      "reasoning:Think",
      "reasoning:ing.",
      "end",
      "answer:Yes",
      "end",
      "answer:.",
      "end",
    ]);
    assert.equal(completion.choices[0].message.content, "");
  });
}

Deno.test("printStream() keeps the reasoning as reasoning_content for --json", async () => {
  const completion = await printStream(
    parse([thinkingStream("reasoning")]),
    { write: () => {} },
    { keepText: true },
  );
  assert.deepEqual(completion.choices[0].message, {
    role: "assistant",
    content: "Yes.",
    refusal: null,
    reasoning_content: "Thinking.",
  });
});

Deno.test("printStream() puts together tool calls whose deltas are split anywhere, several at once", async (t) => {
  const calls = [
    {
      id: "call_a",
      name: "read_text_file",
      arguments: '{"path":"/notes/a b.md"}',
    },
    {
      id: "call_b",
      name: "list_directory",
      arguments: '{"path":"/notes","x":"é"}',
    },
  ];
  for (const size of [1, 2, 5, 1000]) {
    await t.step(`argument pieces of ${size}`, async () => {
      const text = toolCallStream(calls, { size });
      // The bytes split in three as well: the SDK joins them back.
      const bytes = new TextEncoder().encode(text);
      const third = Math.floor(bytes.length / 3);
      const { writes, completion } = await print([
        bytes.subarray(0, third),
        bytes.subarray(third, 2 * third),
        bytes.subarray(2 * third),
      ]);
      assert.deepEqual(writes, []);
      assert.equal(completion.choices[0].finish_reason, "tool_calls");
      assert.deepEqual(
        completion.choices[0].message.tool_calls,
        calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        })),
      );
    });
  }
});

Deno.test("printStream() keeps no more of a tool call's arguments than one byte past their bound, however many pieces come", async () => {
  const { completion } = await print([
    toolCallStream([
      {
        id: "a",
        name: "echo",
        arguments: "x".repeat(TOOL_ARGUMENTS_BYTES * 3),
      },
      { id: "b", name: "echo", arguments: '{"text":"short"}' },
    ], { pieces: 10 }),
  ]);
  const calls = completion.choices[0].message.tool_calls as {
    function: { arguments: string };
  }[];
  assert.deepEqual(calls.map((call) => call.function.arguments.length), [
    TOOL_ARGUMENTS_BYTES + 1,
    16,
  ]);
});
