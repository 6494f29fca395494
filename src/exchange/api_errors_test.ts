import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  noResponsesApi,
  onlyThroughResponses,
  otherApiFor,
} from "./api_errors.ts";

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
