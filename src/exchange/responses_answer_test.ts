import assert from "node:assert/strict";
import OpenAI from "openai";
import { completionOf, printResponseStream } from "./responses_answer.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";
import { AnswerError } from "./answer.ts";
import { ANSWER } from "../../testdata/fixtures.ts";
import {
  callItem,
  ENCRYPTED,
  messageItem,
  reasoningItem,
  response,
} from "../../testdata/responses.ts";

Deno.test("completionOf() reads a response as a chat completion", async (t) => {
  const cases: [
    string,
    Record<string, unknown>,
    Record<string, unknown>,
    string | null,
  ][] = [
    ["text", response(), {
      role: "assistant",
      content: ANSWER,
      refusal: null,
    }, "stop"],
    [
      "reasoning and text in two messages",
      response([reasoningItem("Hmm."), messageItem("A"), messageItem("B")]),
      {
        role: "assistant",
        content: "AB",
        refusal: null,
        reasoning_content: "Hmm.",
      },
      "stop",
    ],
    [
      "a refusal",
      response([{
        type: "message",
        role: "assistant",
        content: [{ type: "refusal", refusal: "I can't help with that." }],
      }]),
      { role: "assistant", content: null, refusal: "I can't help with that." },
      "stop",
    ],
    [
      "function calls",
      response([{
        type: "function_call",
        id: "fc_1",
        call_id: "call_1",
        name: "f",
        arguments: "{}",
      }]),
      {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{
          id: "call_1",
          type: "function",
          function: { name: "f", arguments: "{}" },
        }],
      },
      "tool_calls",
    ],
    [
      "incomplete: content filter",
      response(undefined, {
        status: "incomplete",
        incomplete_details: { reason: "content_filter" },
      }),
      {
        role: "assistant",
        content: ANSWER,
        refusal: null,
      },
      "content_filter",
    ],
  ];
  for (const [name, given, message, finish] of cases) {
    await t.step(name, () => {
      const completion = completionOf(given);
      assert.deepEqual(completion.choices[0].message, message);
      assert.equal(completion.choices[0].finish_reason, finish);
    });
  }
  await t.step("no response", () => {
    assert.equal(completionOf("<html>"), "<html>");
    const error = { error: { message: "bad" } };
    assert.equal(completionOf(error), error);
    assert.throws(() => completionOf({ id: "x" }), {
      name: "AnswerError",
      message: "the server's response is not a Responses API response (it " +
        "has no output): check the base URL, or ask through chat " +
        "completions with --api chat",
    });
  });
});

/** The events given, as a stream the SDK would hand over. */
async function* stream(...events: unknown[]) {
  for (const event of events) {
    await Promise.resolve();
    yield event;
  }
}

Deno.test("printResponseStream() prints text and reasoning deltas, and puts streamed calls together", async () => {
  let text = "";
  let thought = "";
  const { completion, response: ended } = await printResponseStream(
    stream(
      { type: "response.created", response: { status: "in_progress" } },
      { type: "response.reasoning_summary_part.added", summary_index: 0 },
      { type: "response.reasoning_summary_text.delta", delta: "One." },
      { type: "response.reasoning_summary_part.added", summary_index: 1 },
      { type: "response.reasoning_summary_text.delta", delta: "Two." },
      { type: "response.output_text.delta", delta: "Hel" },
      { type: "response.output_text.delta", delta: "lo" },
      { type: "response.some_new_event", delta: "ignored" },
      {
        type: "response.output_item.added",
        output_index: 2,
        item: { type: "function_call", call_id: "call_1", name: "f" },
      },
      {
        type: "response.function_call_arguments.delta",
        output_index: 2,
        delta: '{"a":',
      },
      {
        type: "response.function_call_arguments.delta",
        output_index: 2,
        delta: "1}",
      },
      // A response.completed with no output: the calls as streamed.
      {
        type: "response.completed",
        response: { status: "completed", output: [], model: "m" },
      },
    ),
    { write: (piece) => void (text += piece) },
    {
      keepText: true,
      reasoning: { write: (piece) => void (thought += piece), end() {} },
    },
  );
  assert.deepEqual([text, thought], ["Hello", "One.\n\nTwo."]);
  assert.deepEqual(completion.choices[0], {
    index: 0,
    message: {
      role: "assistant",
      content: "Hello",
      refusal: null,
      reasoning_content: "One.\n\nTwo.",
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "f", arguments: '{"a":1}' },
      }],
    },
    finish_reason: "stop",
    logprobs: null,
  });
  assert.deepEqual(ended, { status: "completed", output: [], model: "m" });
});

Deno.test("printResponseStream() keeps a call's arguments only to one past the bound", async () => {
  const { completion } = await printResponseStream(
    stream(
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "function_call", call_id: "c", name: "f" },
      },
      ...Array.from({ length: 3 }, () => ({
        type: "response.function_call_arguments.delta",
        output_index: 0,
        delta: "x".repeat(TOOL_ARGUMENTS_BYTES / 2),
      })),
    ),
    { write: () => {} },
  );
  const calls = completion.choices[0].message.tool_calls!;
  assert.equal(
    (calls[0] as { function: { arguments: string } }).function.arguments
      .length,
    TOOL_ARGUMENTS_BYTES + 1,
  );
  assert.equal(completion.choices[0].finish_reason, null);
});

Deno.test("printResponseStream() prints a response a server sent whole to a stream's request", async () => {
  let text = "";
  const { completion } = await printResponseStream(
    stream(response()),
    { write: (piece) => void (text += piece) },
    { keepText: true },
  );
  assert.equal(text, ANSWER);
  assert.equal(completion.choices[0].message.content, ANSWER);
  assert.equal(completion.choices[0].finish_reason, "stop");
  assert.equal(completion.usage?.total_tokens, 45);
});

Deno.test("printResponseStream() returns the reasoning items whole: as output_item.done has them, in output order, else the ending response's", async (t) => {
  const first = { ...reasoningItem("First.", ENCRYPTED), id: "rs_1" };
  const second = { ...reasoningItem("Second.", `${ENCRYPTED}2`), id: "rs_2" };
  const call = callItem("call_1", "f", "{}");
  await t.step("from output_item.done, not output_item.added", async () => {
    const { reasoningItems } = await printResponseStream(
      stream(
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { ...first, encrypted_content: ENCRYPTED.slice(0, 6) },
        },
        { type: "response.output_item.done", output_index: 2, item: second },
        { type: "response.output_item.done", output_index: 1, item: call },
        { type: "response.output_item.done", output_index: 0, item: first },
        // An ending response without its output: the items as streamed.
        {
          type: "response.completed",
          response: { status: "completed", output: [] },
        },
      ),
      { write: () => {} },
    );
    assert.deepEqual(reasoningItems, [first, second]);
  });
  await t.step("from the ending response, when no item was done", async () => {
    const { reasoningItems } = await printResponseStream(
      stream({
        type: "response.completed",
        response: response([first, call]),
      }),
      { write: () => {} },
    );
    assert.deepEqual(reasoningItems, [first]);
  });
  await t.step("none, from a stream without reasoning", async () => {
    const { reasoningItems } = await printResponseStream(
      stream({ type: "response.completed", response: response() }),
      { write: () => {} },
    );
    assert.deepEqual(reasoningItems, []);
  });
});

Deno.test("printResponseStream() throws the failure a stream ends with", async (t) => {
  await t.step("response.failed", async () => {
    await assert.rejects(
      printResponseStream(
        stream({
          type: "response.failed",
          response: { error: { code: "server_error", message: "It broke." } },
        }),
        { write: () => {} },
      ),
      (error) =>
        error instanceof AnswerError &&
        error.message === "the server reported an error: It broke.",
    );
  });
  await t.step("error", async () => {
    await assert.rejects(
      printResponseStream(
        stream({ type: "error", code: "x", message: "Too many." }),
        { write: () => {} },
      ),
      (error) =>
        error instanceof OpenAI.APIError && error.message === "Too many.",
    );
  });
  await t.step("aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await assert.rejects(
      printResponseStream(stream(), { write: () => {} }, {
        signal: controller.signal,
      }),
      { message: "stopped" },
    );
  });
});
