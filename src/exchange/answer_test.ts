import assert from "node:assert/strict";
import {
  AnswerError,
  answerOf,
  RefusalError,
  stopNote,
  verboseLine,
} from "./answer.ts";
import { ANSWER, completion } from "../../testdata/fixtures.ts";

Deno.test("answerOf() returns the first choice's content", () => {
  assert.equal(answerOf(completion()), ANSWER);
  assert.equal(answerOf(completion("")), "");
});

Deno.test("answerOf() reports a refusal as an error", () => {
  assert.throws(
    () => answerOf(completion(null, { refusal: "I can't help with that." })),
    new RefusalError("I can't help with that."),
  );
});

Deno.test("answerOf() explains each response that holds no answer", () => {
  const cases: [unknown, string][] = [
    [
      "<html>Login</html>",
      "the server answered with text, not JSON: check that OPENAI_BASE_URL is an " +
      "OpenAI-compatible API (it usually ends in /v1)",
    ],
    [
      undefined,
      "the server's response is not a chat completion (it has no choices): check " +
      "that OPENAI_BASE_URL is an OpenAI-compatible API",
    ],
    [
      { object: "list", data: [] },
      "the server's response is not a chat completion (it has no choices): check " +
      "that OPENAI_BASE_URL is an OpenAI-compatible API",
    ],
    [{ choices: [] }, "the server returned no answer (choices is empty)"],
    [{ choices: [{}] }, "the server returned no text (finish_reason: none)"],
    [
      completion(null, { finish_reason: "tool_calls" }),
      "the server returned no text (finish_reason: tool_calls)",
    ],
  ];
  for (const [response, message] of cases) {
    assert.throws(() => answerOf(response), new AnswerError(message));
  }
});

Deno.test("stopNote() explains length and content_filter, nothing else", () => {
  assert.equal(
    stopNote("length"),
    "the answer was cut off at the model's token limit (finish_reason: length)",
  );
  assert.equal(
    stopNote("content_filter"),
    "the answer was stopped by the content filter (finish_reason: content_filter)",
  );
  for (const reason of ["stop", "", null, undefined]) {
    assert.equal(stopNote(reason), undefined);
  }
});

Deno.test("verboseLine() names model, provider, tokens and rounded latency", () => {
  assert.equal(
    verboseLine({ ...completion(), provider: "Copilot" }, 1234.4),
    "model gpt-4o-2024-08-06, provider Copilot, tokens 27 in + 18 out = 45, 1234 ms",
  );
  assert.equal(
    verboseLine({ model: "", usage: null }, 0.6),
    "model unknown, tokens not reported, 1 ms",
  );
  assert.equal(
    verboseLine({ model: "llama3", usage: { total_tokens: 9 } }, 5),
    "model llama3, tokens ? in + ? out = 9, 5 ms",
  );
});
