import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  completionOf,
  noResponsesApi,
  onlyThroughResponses,
  otherApiFor,
  printResponseStream,
  responsesBody,
} from "./responses.ts";
import { TOOL_ARGUMENTS_BYTES } from "../tools/limits.ts";
import { AnswerError } from "./answer.ts";
import { assertResponsesRequest } from "../../testdata/openai.ts";
import { ANSWER } from "../../testdata/fixtures.ts";
import {
  messageItem,
  reasoningItem,
  response,
} from "../../testdata/responses.ts";

const USER = { role: "user" as const, content: "Hi" };

Deno.test("responsesBody() names each field as Responses does, and leaves out what it does not take", async (t) => {
  const cases: [
    string,
    Record<string, unknown>,
    Record<string, unknown>,
    string[],
    boolean?,
  ][] = [
    ["max_tokens", { max_tokens: 100 }, { max_output_tokens: 100 }, []],
    [
      "max_completion_tokens",
      { max_completion_tokens: 100 },
      { max_output_tokens: 100 },
      [],
    ],
    [
      "reasoning_effort, its summary asked for",
      { reasoning_effort: "high" },
      { reasoning: { effort: "high", summary: "auto" } },
      [],
      true,
    ],
    [
      "reasoning_effort alone",
      { reasoning_effort: "high" },
      { reasoning: { effort: "high" } },
      [],
    ],
    [
      "response_format",
      {
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "answer",
            schema: { type: "object" },
            strict: false,
          },
        },
      },
      {
        text: {
          format: {
            type: "json_schema",
            name: "answer",
            schema: { type: "object" },
            strict: false,
          },
        },
      },
      [],
    ],
    [
      "tools, flattened",
      {
        tools: [{
          type: "function",
          function: { name: "f", parameters: { type: "object" } },
        }, { type: "function", function: { name: "g", description: "G." } }],
      },
      {
        tools: [
          {
            type: "function",
            name: "f",
            parameters: { type: "object" },
            strict: false,
          },
          {
            type: "function",
            name: "g",
            description: "G.",
            parameters: { type: "object", properties: {} },
            strict: false,
          },
        ],
      },
      [],
    ],
    [
      "what it does not take",
      {
        seed: 1,
        stop: ["x"],
        presence_penalty: 1,
        frequency_penalty: 1,
        logit_bias: {},
        n: 1,
        store: true,
      },
      {},
      [
        "seed",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "n",
        "store",
      ],
    ],
    [
      "a server's own option, as it is",
      { top_k: 40, temperature: 0.5 },
      { top_k: 40, temperature: 0.5 },
      [],
    ],
  ];
  for (const [name, fields, expected, dropped, summary] of cases) {
    await t.step(name, () => {
      const made = responsesBody("gpt-4o", [USER], fields, { summary });
      assert.deepEqual(made, {
        body: { model: "gpt-4o", input: [USER], ...expected, store: false },
        dropped,
      });
      if (!("top_k" in fields)) assertResponsesRequest(made.body);
    });
  }
});

Deno.test("responsesBody() sends an assistant's text beside its tool calls, and the image's detail it was given", () => {
  const { body } = responsesBody("gpt-4o", [
    {
      role: "user",
      content: [{
        type: "image_url",
        image_url: { url: "https://example.com/a.png", detail: "low" },
      }],
    },
    {
      role: "assistant",
      content: "Let me look.",
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: { name: "f", arguments: "{}" },
      }],
    },
    { role: "tool", tool_call_id: "call_1", content: "ok" },
  ], {});
  assertResponsesRequest(body);
  assert.deepEqual(body.input, [
    {
      role: "user",
      content: [{
        type: "input_image",
        image_url: "https://example.com/a.png",
        detail: "low",
      }],
    },
    { role: "assistant", content: "Let me look." },
    { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
    { type: "function_call_output", call_id: "call_1", output: "ok" },
  ]);
});

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

const apiError = (status: number, body: Record<string, unknown>) =>
  OpenAI.APIError.generate(status, { error: body }, undefined, new Headers());

Deno.test("which failure says the other API may answer", async (t) => {
  const only = apiError(404, {
    message:
      "This model is only supported in v1/responses and not in v1/chat/completions.",
    type: "invalid_request_error",
  });
  const missing = apiError(404, { detail: "Not Found" });
  const model = apiError(404, {
    message: "The model `o9` does not exist",
    code: "model_not_found",
  });
  const named = apiError(404, { message: "no such model: o9" });
  const cases: [string, unknown, boolean, boolean][] = [
    ["only through Responses", only, true, false],
    ["no route", missing, false, true],
    ["405", apiError(405, { message: "Method Not Allowed" }), false, true],
    ["501", apiError(501, { message: "Not Implemented" }), false, true],
    ["model_not_found", model, false, false],
    ["the model named", named, false, false],
    ["400", apiError(400, { message: "bad request" }), false, false],
    [
      "not an API error",
      new Error("only supported in v1/responses"),
      false,
      false,
    ],
  ];
  for (const [name, error, responses, chat] of cases) {
    await t.step(name, () => {
      assert.equal(onlyThroughResponses(error), responses);
      assert.equal(noResponsesApi(error, "o9"), chat);
      assert.equal(
        otherApiFor(error, "chat", "o9"),
        responses ? "responses" : undefined,
      );
      assert.equal(
        otherApiFor(error, "responses", "o9"),
        chat ? "chat" : undefined,
      );
    });
  }
});
