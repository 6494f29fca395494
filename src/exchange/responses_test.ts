import assert from "node:assert/strict";
import { responsesBody } from "./responses.ts";
import { assertResponsesRequest } from "../../testdata/openai.ts";

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
        body: {
          model: "gpt-4o",
          input: [USER],
          ...expected,
          store: false,
          // Only a model asked to reason is asked for its reasoning back.
          ...("reasoning_effort" in fields
            ? { include: ["reasoning.encrypted_content"] }
            : {}),
        },
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

Deno.test("responsesBody() asks a reasoning model for its reasoning encrypted, beside what -o's include asks for, once each", () => {
  const { body } = responsesBody("o4-mini", [USER], {
    reasoning_effort: "low",
    include: ["message.output_text.logprobs", "reasoning.encrypted_content"],
  });
  assertResponsesRequest(body);
  assert.deepEqual(body.include, [
    "message.output_text.logprobs",
    "reasoning.encrypted_content",
  ]);
});

Deno.test("responsesBody() asks a model not asked to reason for no reasoning: OpenAI refuses the include for gpt-4o", () => {
  const { body } = responsesBody("gpt-4o", [USER], {
    include: ["message.output_text.logprobs"],
  });
  assert.deepEqual(body.include, ["message.output_text.logprobs"]);
  assert.equal("include" in responsesBody("gpt-4o", [USER], {}).body, false);
});
